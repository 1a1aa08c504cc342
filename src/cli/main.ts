import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stringify } from 'csv-stringify/sync';
import { readEnv } from '../config/env.js';
import { loadOrgConfig, OrgConfigError, resolveConfigPath, routingGaps } from '../config/load-org.js';
import { createBackline } from '../app/create-app.js';
import { isDomainError } from '../core/errors.js';
import { t } from '../core/i18n/messages.js';
import { submitRequest } from '../core/use-cases/submit-request.js';

const USAGE = `backline <command>

  validate [file]                  check the org config (default: BACKLINE_CONFIG, config/org.yaml, demo)
  list [--status S] [--type T] [--unit U] [--limit N]
  show <id>                        one request with its full audit trail
  export [--out file.csv]          all requests as CSV
  create --as <person> --type <type> --json <file|->   create a request from JSON field values
  reload                           make a running server reload its org config (SIGHUP)`;

async function main(argv: string[]) {
  const [command, ...rest] = argv;
  const env = readEnv();
  const configFile = resolveConfigPath(env.BACKLINE_CONFIG ? { BACKLINE_CONFIG: env.BACKLINE_CONFIG } : {});
  switch (command) {
    case 'validate': {
      const file = rest[0] ?? configFile;
      const org = loadOrgConfig(file);
      console.log(`${file}: valid (${org.allPeople().length} people, ${org.allUnits().length} units, ${org.catalog.length} request types)`);
      for (const gap of routingGaps(org)) console.log(`  warning ${gap.path}: ${gap.message}`);
      return 0;
    }
    case 'reload': {
      const pidFile = 'data/backline.pid';
      let pid: number;
      try {
        pid = Number(readFileSync(pidFile, 'utf8'));
      } catch {
        console.error(`no running server found (${pidFile} is missing): start it with npm start`);
        return 1;
      }
      process.kill(pid, 'SIGHUP');
      console.log(`sent SIGHUP to ${pid}; the server log says whether the new config was taken`);
      return 0;
    }
  }
  if (!['list', 'show', 'export', 'create'].includes(command ?? '')) {
    console.log(USAGE);
    return command === 'help' || command === undefined ? 0 : 2;
  }
  const app = await createBackline({ env, log: (await import('pino')).default({ level: 'warn' }) });
  try {
    const org = app.orgHolder.current;
    const { values: opts, positionals } = parseArgs({
      args: rest, allowPositionals: true,
      options: { status: { type: 'string' }, type: { type: 'string' }, unit: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' }, as: { type: 'string' }, json: { type: 'string' } },
    });
    if (command === 'list') {
      const { rows, total } = await app.queries.all({ status: opts.status, typeId: opts.type, unitId: opts.unit, limit: Number(opts.limit ?? 50) });
      for (const r of rows) console.log(`#${r.id}\t${r.status}\t${r.typeId}\t${r.unitId}\t${org.displayName(r.requesterId)}\t${r.title}`);
      console.log(`${rows.length} of ${total}`);
    } else if (command === 'show') {
      const id = Number(positionals[0]);
      const request = await app.deps.store.load(id);
      if (!request) {
        console.error(`no request #${id}`);
        return 1;
      }
      console.log(JSON.stringify({ ...request, tasks: undefined, steps: request.steps.map((s) => ({ seq: s.seq, step: s.defId, status: s.status })) }, null, 2));
      console.log('\nAudit trail:');
      const repo = app.deps.store as unknown as { audit(id: number): Promise<Array<{ createdAt: Date; actorId: string; onBehalfOfId: string | null; action: string; fromStatus: string | null; toStatus: string | null; detail: unknown }>> };
      for (const a of await repo.audit(id)) {
        const who = a.onBehalfOfId ? `${org.displayName(a.actorId)} for ${org.displayName(a.onBehalfOfId)}` : org.displayName(a.actorId);
        console.log(`${a.createdAt.toISOString()}  ${who}  ${a.action}  ${a.fromStatus ?? '-'} -> ${a.toStatus ?? '-'}  ${JSON.stringify(a.detail)}`);
      }
    } else if (command === 'export') {
      const { rows } = await app.queries.all({ limit: 1_000_000 });
      const csv = stringify(rows.map((r) => [r.id, r.typeId, r.unitId, r.status, r.requesterId, r.assigneeId ?? '', r.customer, r.title, r.createdAt.toISOString(), r.updatedAt.toISOString()]), {
        header: true, columns: ['id', 'type', 'unit', 'status', 'requester', 'supporter', 'customer', 'title', 'created_at', 'updated_at'],
      });
      if (opts.out) (await import('node:fs')).writeFileSync(opts.out, csv);
      else process.stdout.write(csv);
    } else if (command === 'create') {
      if (!opts.as || !opts.type || !opts.json) {
        console.error('create needs --as <person> --type <type> --json <file|->');
        return 2;
      }
      let values: Record<string, unknown>;
      try {
        values = JSON.parse(opts.json === '-' ? readFileSync(0, 'utf8') : readFileSync(opts.json, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        console.error(`--json ${opts.json}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
        return 2;
      }
      const { unit, watchers, ...fields } = values as { unit?: string; watchers?: string[] } & Record<string, unknown>;
      const { requestId } = await submitRequest(app.deps, { requesterId: opts.as, type: opts.type, unitId: unit, watchers, values: { precondition: true, ...fields } });
      console.log(`created #${requestId}`);
    }
    return 0;
  } finally {
    await app.stop();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  if (e instanceof OrgConfigError) console.error(e.message);
  else if (isDomainError(e)) {
    console.error(t('en', e.messageKey as never, e.params));
    for (const f of e.fieldErrors) console.error(`  ${f.field}: ${f.message}`);
  } else console.error(e);
  process.exit(1);
});
