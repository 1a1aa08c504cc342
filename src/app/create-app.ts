import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import pino, { type Logger } from 'pino';
import { OrgHolder } from '../config/org-holder.js';
import { resolveConfigPath } from '../config/load-org.js';
import type { Env } from '../config/env.js';
import { systemClock, type Clock, type CoreDeps } from '../core/ports.js';
import { applyMigrations } from '../persistence/migrate.js';
import { syncPeople } from '../persistence/people-sync.js';
import { createPrisma } from '../persistence/prisma.js';
import { RequestQueries } from '../persistence/request-queries.js';
import { RequestRepository } from '../persistence/request-repository.js';
import { SqlClient } from '../persistence/sql-client.js';
import { mountConsole, sandboxEnabled } from '../adapters/web/index.js';
import type { PlatformAdapter } from './adapter.js';
import { createMetrics } from './metrics.js';
import { OutboxDispatcher } from './outbox-dispatcher.js';
import { createHttpApp } from './server.js';
import { Scheduler } from '../scheduling/scheduler.js';
import { Services } from './services.js';

export interface AppOptions {
  env: Env;
  log?: Logger;
  clock?: Clock;
  configFile?: string;
  /** How migrations are applied (the server uses a worker thread; tests and tools, this thread). */
  migrate?: (databaseUrl: string) => Promise<{ applied: string[] }>;
}

/** The composition root: the only place that builds concrete adapters and wires them together. */
export async function createBackline(opts: AppOptions) {
  const { env } = opts;
  const log = opts.log ?? pino({ level: env.LOG_LEVEL, redact: ['*.token', '*.secret', 'headers.authorization'] });
  const configFile = opts.configFile ?? resolveConfigPath(env.BACKLINE_CONFIG ? { BACKLINE_CONFIG: env.BACKLINE_CONFIG } : {});
  const orgHolder = new OrgHolder(configFile, log);
  const migrated = await (opts.migrate ?? applyMigrations)(env.DATABASE_URL);
  if (migrated.applied.length > 0) log.info({ applied: migrated.applied }, 'migrations applied');
  const db = createPrisma(env.DATABASE_URL);
  await syncPeople(db.prisma, orgHolder.current);
  const metrics = createMetrics();
  const sql = await SqlClient.open(env.DATABASE_URL);
  const store = new RequestRepository(db.prisma, sql);
  const queries = new RequestQueries(db.prisma);
  const deps: CoreDeps = { store, org: () => orgHolder.current, clock: opts.clock ?? systemClock, newId: randomUUID };
  const http = createHttpApp({
    metrics,
    pingDatabase: async () => {
      await db.prisma.$queryRawUnsafe('SELECT 1');
    },
  });
  const adapters: PlatformAdapter[] = [];
  const outbox = new OutboxDispatcher({
    prisma: db.prisma, channels: () => adapters.map((a) => a.channel), org: deps.org, clock: deps.clock, log, metrics,
    workerId: `${process.pid}-${randomUUID().slice(0, 8)}`,
  });
  const services = new Services(deps, db.prisma, store, queries, outbox, orgHolder.current.data.organization.publicUrl);
  // Reminders, appointment reminders and digests; adapters call scheduler.snooze / digestFor.
  const scheduler = new Scheduler({
    sql, repo: store, org: deps.org, clock: deps.clock, log: log.child({ component: 'scheduler' }),
    workerId: `${process.pid}-${randomUUID().slice(0, 8)}`, baseUrl: orgHolder.current.data.organization.publicUrl, onEnqueued: () => outbox.kick(),
  });
  const ctx = { env, log, services, http, metrics, scheduler };
  if (env.slackEnabled) adapters.push(await (await import('../adapters/slack/index.js')).createSlackAdapter(ctx));
  if (env.feishuEnabled) adapters.push(await (await import('../adapters/feishu/index.js')).createFeishuAdapter(ctx));
  // The web console: sandbox (pick a person), dashboard and config check, after the platform routes.
  const sandbox = sandboxEnabled(env);
  mountConsole({ ...ctx, sandbox, prisma: db.prisma, provider: db.provider, configFile, digest: (personId, now) => scheduler.digestFor(personId, now) });

  let server: Server | undefined;
  let stopSignals: (() => void) | undefined;
  return {
    log, env, deps, db, queries, metrics, http, orgHolder, configFile, services, outbox, scheduler, adapters, sandbox,
    async start(port = env.PORT): Promise<number> {
      stopSignals = orgHolder.watchSignals();
      for (const a of adapters) await a.start();
      outbox.start();
      scheduler.start();
      await new Promise<void>((resolve) => {
        server = http.listen(port, () => resolve());
      });
      const address = server!.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    async stop(): Promise<void> {
      stopSignals?.();
      await scheduler.stop();
      await outbox.stop();
      for (const a of adapters) await a.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await sql.close();
      await db.close();
    },
  };
}

export type Backline = Awaited<ReturnType<typeof createBackline>>;
