// bench/core: full request lifecycles per second on SQLite and PostgreSQL, list queries at
// 100 000 requests, and the idle app's resident memory. Run: npm run bench:core [-- --lifecycles N]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrgConfig } from '../../src/config/load-org.js';
import type { CoreDeps } from '../../src/core/ports.js';
import { assignRequest, confirmDelivery, decideRequest, deliverRequest, startWork } from '../../src/core/use-cases/act-on-request.js';
import { submitRequest } from '../../src/core/use-cases/submit-request.js';
import { applyMigrations } from '../../src/persistence/migrate.js';
import { createPrisma } from '../../src/persistence/prisma.js';
import { RequestQueries } from '../../src/persistence/request-queries.js';
import { RequestRepository } from '../../src/persistence/request-repository.js';
import { SqlClient } from '../../src/persistence/sql-client.js';
import { freshDatabaseUrl } from '../../test/helpers/databases.js';
import { percentile, Recorder, runWorkers } from '../lib/stats.js';

const { values: args } = parseArgs({ options: { lifecycles: { type: 'string', default: '10000' }, rows: { type: 'string', default: '100000' }, only: { type: 'string' } } });
const LIFECYCLES = Number(args.lifecycles);
const ROWS = Number(args.rows);
const WORKERS = 8;
const org = loadOrgConfig('config/org.example.yaml');

// A price request under the BU threshold: one approval (market manager), then the supporter path.
const unit = org.allUnits()[0]!.id;
const rep = org.allPeople().find((p) => p.unit === unit && org.unitsOf(p.id).length === 0)?.id ?? org.allPeople()[0]!.id;
const mm = org.holders('marketManager', unit)[0]!;
const coordinator = org.holders('buMarketer', unit)[0]!;
const supporter = org.holders('businessAssistant', unit)[0]!;
const priceType = org.type('price-request')!;
const values: Record<string, unknown> = { precondition: true };
for (const f of priceType.fields) {
  if (!f.required && f.id !== 'discountPct') continue;
  values[f.id] = f.id === 'discountPct' ? 10 : f.kind === 'money' || f.kind === 'number' ? 1000
    : f.kind === 'select' ? f.options![0]!.value : f.kind === 'multiselect' ? [f.options![0]!.value]
    : f.kind === 'date' ? '2026-12-01' : f.kind === 'datetime' ? '2026-12-01T10:00:00+08:00'
    : f.kind === 'link' ? 'https://example.com/doc' : f.kind === 'person' ? rep : 'Bench value';
}

async function lifecycles(provider: 'sqlite' | 'postgresql') {
  const { url, drop } = await freshDatabaseUrl(provider);
  await applyMigrations(url);
  const db = createPrisma(url);
  const sql = await SqlClient.open(url);
  const deps: CoreDeps = { store: new RequestRepository(db.prisma, sql), org: () => org, clock: { now: () => new Date() }, newId: randomUUID };
  const rec = new Recorder();
  const lifecycle = async () => {
    const { requestId } = await rec.time('submit', () => submitRequest(deps, { requesterId: rep, type: 'price-request', unitId: unit, values }));
    await rec.time('approve', () => decideRequest(deps, requestId, mm, { decision: 'approve' }));
    await rec.time('assign', () => assignRequest(deps, requestId, coordinator, { supporterId: supporter }));
    await rec.time('start', () => startWork(deps, requestId, supporter, {}));
    await rec.time('deliver', () => deliverRequest(deps, requestId, supporter, { link: 'https://example.com/quote.pdf' }));
    await rec.time('confirm', () => confirmDelivery(deps, requestId, rep, { rating: 4 }));
  };
  await runWorkers(WORKERS, 200, lifecycle); // warm-up
  const start = performance.now();
  await runWorkers(WORKERS, LIFECYCLES, lifecycle);
  const wall = performance.now() - start;
  console.log(`\n[${provider}] ${LIFECYCLES} lifecycles (submit → approve → assign → start → deliver → confirm), ${WORKERS} workers`);
  console.log(`  ${(LIFECYCLES / (wall / 1000)).toFixed(0)} lifecycles/s, wall ${(wall / 1000).toFixed(1)} s`);
  console.table(rec.summary(wall).filter((s) => s.count > 200).map((s) => ({ ...s, count: s.count - 200 })));
  await queries(provider, db.prisma, url);
  await sql.close();
  await db.close();
  await drop();
}

async function queries(provider: string, prisma: ReturnType<typeof createPrisma>['prisma'], _url: string) {
  const existing = await prisma.request.count();
  const units = org.allUnits().map((u) => u.id);
  const people = org.allPeople().map((p) => p.id);
  const statuses = ['pending_approval', 'pending_assignment', 'assigned', 'in_progress', 'delivered', 'closed', 'closed', 'closed'];
  const batch = 2000;
  const t0 = performance.now();
  for (let done = existing; done < ROWS; done += batch) {
    const n = Math.min(batch, ROWS - done);
    const rows = Array.from({ length: n }, (_, i) => {
      const k = done + i;
      const created = new Date(Date.now() - (k % 90) * 86_400_000);
      return {
        typeId: org.catalog[k % org.catalog.length]!.id, unitId: units[k % units.length]!, customer: `Customer ${k % 500}`,
        title: `Request ${k}`, requesterId: people[k % people.length]!, status: statuses[k % statuses.length]!, fields: {},
        version: 1, watchers: [], createdAt: created, updatedAt: created,
      };
    });
    await prisma.request.createMany({ data: rows });
  }
  // Open tasks for a fifth of the requests, spread over everybody.
  const open = await prisma.request.findMany({ where: { status: { notIn: ['closed'] } }, select: { id: true }, take: Math.floor(ROWS / 5) });
  for (let i = 0; i < open.length; i += batch) {
    await prisma.task.createMany({
      data: open.slice(i, i + batch).map((r, j) => ({ id: randomUUID(), requestId: r.id, kind: 'approve', personId: people[(i + j) % people.length]!, status: 'open', createdAt: new Date() })),
    });
  }
  const total = await prisma.request.count();
  console.log(`  seeded to ${total} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const q = new RequestQueries(prisma);
  const measure = async (name: string, fn: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < 20; i++) await fn(i);
    const samples: number[] = [];
    for (let i = 0; i < 500; i++) {
      const s = performance.now();
      await fn(i);
      samples.push(performance.now() - s);
    }
    samples.sort((a, b) => a - b);
    console.log(`  [${provider}] ${name} at ${total} requests: p50 ${percentile(samples, 50).toFixed(2)} ms, p99 ${percentile(samples, 99).toFixed(2)} ms`);
  };
  await measure('my queue', (i) => q.queue(org.actingFor(people[i % people.length]!, new Date()), 20));
  await measure('list by unit', (i) => q.byUnit([units[i % units.length]!], { limit: 20 }));
  await measure('list by unit (open only)', (i) => q.byUnit([units[i % units.length]!], { limit: 20, status: ['pending_approval', 'pending_assignment', 'assigned', 'in_progress'] }));
}

async function idleMemory() {
  const dir = mkdtempSync(join(tmpdir(), 'backline-rss-'));
  // Started as `npm start` starts it (with its node flags), without npm's own process around it.
  const startFlags = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/).filter((w) => w.startsWith('--'));
  const child = spawn(process.execPath, [...startFlags, '--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', DATABASE_URL: `file:${join(dir, 'rss.db')}`, LOG_LEVEL: 'warn', SLACK_BOT_TOKEN: '', FEISHU_APP_ID: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('Backline is running')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`app exited ${code}`)));
  });
  await new Promise((r) => setTimeout(r, 3000));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  child.kill('SIGTERM');
  console.log(`\nidle app resident memory (RSS after start + 3 s): ${rss.toFixed(0)} MB (target < 200 MB)`);
}

for (const provider of ['sqlite', 'postgresql'] as const) {
  if (!args.only || args.only === provider) await lifecycles(provider);
}
if (!args.only || args.only === 'memory') await idleMemory();
process.exit(0);
