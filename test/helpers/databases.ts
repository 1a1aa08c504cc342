// Fresh databases for storage tests, one per provider:
//
//   import { freshDatabase, providers } from '../helpers/databases.js';
//   describe.each(providers)('… on %s', (provider) => {
//     let db: TestDatabase;
//     beforeAll(async () => { db = await freshDatabase(provider); });   // migrated, client open
//     afterAll(async () => { await db?.close(); });                     // disconnects and deletes it
//     it('…', async () => { await db.prisma.person.create(…); });
//   });
//
// SQLite: a file in a new temp directory. PostgreSQL: a new schema in database `test` on
// 127.0.0.1:5432 (override with BACKLINE_TEST_POSTGRES_URL), dropped by close().
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../../src/persistence/migrate.js';
import { createPrisma, type PrismaClient } from '../../src/persistence/prisma.js';

export const providers = ['sqlite', 'postgresql'] as const;
export type TestProvider = (typeof providers)[number];

export const TEST_POSTGRES_URL = process.env.BACKLINE_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  provider: TestProvider;
  /** A DATABASE_URL for this database (e.g. to start a second client or the whole app on it). */
  url: string;
  prisma: PrismaClient;
  /** Disconnects and deletes the database. Safe to call twice. */
  close(): Promise<void>;
}

/** An empty, not yet migrated database and a function that deletes it. */
export async function freshDatabaseUrl(provider: TestProvider): Promise<{ url: string; drop(): Promise<void> }> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'backline-test-'));
    return { url: `file:${path.join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withPostgres(async () => {}); // fail early, with a hint, when PostgreSQL is not running
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    drop: () => withPostgres((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => undefined),
  };
}

/** A fresh database with every migration applied and a Prisma client open on it. */
export async function freshDatabase(provider: TestProvider): Promise<TestDatabase> {
  const { url, drop } = await freshDatabaseUrl(provider);
  try {
    await applyMigrations(url);
  } catch (error) {
    await drop();
    throw error;
  }
  const db = createPrisma(url);
  let closed: Promise<void> | undefined;
  return {
    provider,
    url,
    prisma: db.prisma,
    close: () => (closed ??= db.close().finally(drop)),
  };
}

/** Runs `fn` with a plain pg client on the test database (not inside any test schema). */
export async function withPostgres<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL for tests is not reachable at ${TEST_POSTGRES_URL} (${(error as Error).message}). ` +
        'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
