import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { applyMigrations, migrationsDir, parseDatabaseUrl } from '../../src/persistence/migrate.js';
import { applyMigrationsInWorker } from '../../src/persistence/migrate-worker.js';
import { createPrisma } from '../../src/persistence/prisma.js';
import { freshDatabaseUrl, providers, withPostgres } from '../helpers/databases.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const migrationNames = (provider: 'sqlite' | 'postgresql') =>
  readdirSync(migrationsDir(provider), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

const drops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const drop of drops) await drop();
});
async function fresh(provider: 'sqlite' | 'postgresql') {
  const db = await freshDatabaseUrl(provider);
  drops.push(db.drop);
  return db.url;
}

describe.each(providers)('applyMigrations on %s', (provider) => {
  it('applies every migration on a fresh database, then nothing the second time', async () => {
    const url = await fresh(provider);
    expect(await applyMigrations(url)).toEqual({ applied: migrationNames(provider) });
    expect(await applyMigrations(url)).toEqual({ applied: [] });
  });

  it('applies from a worker thread as the server does, and the thread leaves', async () => {
    const url = await fresh(provider);
    expect(await applyMigrationsInWorker(url)).toEqual({ applied: migrationNames(provider) });
    expect(await applyMigrationsInWorker(url)).toEqual({ applied: [] });
  });

  it('does not take a failed migration for an applied one: the engine reports it', async () => {
    const url = await fresh(provider);
    await applyMigrations(url);
    const db = createPrisma(url);
    try {
      // What an interrupted `migrate deploy` leaves behind: started, never finished.
      await db.prisma.$executeRawUnsafe('UPDATE "_prisma_migrations" SET "finished_at" = NULL');
    } finally {
      await db.close();
    }
    await expect(applyMigrations(url)).rejects.toThrow(migrationNames(provider)[0]!);
  });

  it('gives a working client: create, read, interactive transaction, rollback', async () => {
    const url = await fresh(provider);
    await applyMigrations(url);
    const db = createPrisma(url);
    try {
      expect(db.provider).toBe(provider);
      await db.prisma.person.create({ data: { id: 'p1', name: 'Li Wei', slackUserId: 'U1' } });
      expect(await db.prisma.person.findUnique({ where: { slackUserId: 'U1' } })).toMatchObject({ id: 'p1', locale: 'zh-CN', active: true });

      const request = await db.prisma.$transaction(async (tx) => {
        const created = await tx.request.create({
          data: { typeId: 'price-request', unitId: 'east', customer: 'Bank', title: 'Quote', requesterId: 'p1', status: 'submitted', fields: { amount: 65000, tags: ['a'] } },
        });
        await tx.auditEntry.create({ data: { requestId: created.id, seq: 1, actorId: 'p1', action: 'submit' } });
        return tx.request.update({ where: { id: created.id }, data: { version: { increment: 1 } }, include: { audit: true } });
      });
      expect(request).toMatchObject({ version: 2, fields: { amount: 65000, tags: ['a'] }, watchers: [] });
      expect(request.audit).toHaveLength(1);
      expect(request.audit[0]!.detail).toEqual({});

      await expect(
        db.prisma.$transaction(async (tx) => {
          await tx.comment.create({ data: { id: 'c1', requestId: request.id, authorId: 'p1', body: 'hi' } });
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await db.prisma.comment.count()).toBe(0);

      // Foreign keys hold and cascade on both providers.
      await expect(db.prisma.comment.create({ data: { id: 'c2', requestId: 9999, authorId: 'p1', body: 'x' } })).rejects.toThrow();
      await db.prisma.request.delete({ where: { id: request.id } });
      expect(await db.prisma.auditEntry.count()).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describe.each(providers)('concurrent applyMigrations on %s', (provider) => {
  it('three concurrent calls in one process on one fresh database all succeed and apply once', async () => {
    const url = await fresh(provider);
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    expect(results.flatMap((r) => r.applied)).toEqual(migrationNames(provider));
    expect(await appliedRows(url)).toBe(migrationNames(provider).length);
  });

  it('two processes starting at once on one fresh database both succeed', async () => {
    const url = await fresh(provider);
    const results = await Promise.all([applyInChildProcess(url), applyInChildProcess(url)]);
    expect(results.flatMap((r) => r.applied)).toEqual(migrationNames(provider));
    expect(await appliedRows(url)).toBe(migrationNames(provider).length);
  });
});

/** Rows in `_prisma_migrations`. */
async function appliedRows(url: string): Promise<number> {
  const db = createPrisma(url);
  try {
    const [row] = await db.prisma.$queryRawUnsafe<Array<{ n: unknown }>>('SELECT count(*) AS n FROM _prisma_migrations');
    return Number(row?.n);
  } finally {
    await db.close();
  }
}

/** Runs applyMigrations(url) in a separate Node process, as a second replica starting would. */
function applyInChildProcess(url: string): Promise<{ applied: string[] }> {
  const require = createRequire(import.meta.url);
  const tsxCli = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
  const migrateModule = pathToFileURL(path.join(root, 'src/persistence/migrate.ts')).href;
  const code = `import(${JSON.stringify(migrateModule)})
    .then((m) => m.applyMigrations(process.env.DATABASE_URL))
    .then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, '--eval', code], { cwd: root, env: { ...process.env, DATABASE_URL: url } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`exit ${status}: ${err}`))));
  });
}

describe('applyMigrations on SQLite', () => {
  it('creates missing parent directories and releases the file for the app', async () => {
    const base = parseDatabaseUrl(await fresh('sqlite'));
    if (base.provider !== 'sqlite') throw new Error('unreachable');
    const url = `file:${path.join(path.dirname(base.file), 'a', 'b', 'backline.db')}`;
    await applyMigrations(url);
    expect(existsSync(path.join(path.dirname(base.file), 'a', 'b', 'backline.db'))).toBe(true);
    const db = createPrisma(url);
    try {
      // A write right after migrating must not wait on the engine's lock (busy timeout is 10 s).
      const started = Date.now();
      await db.prisma.processedKey.create({ data: { key: 'k1' } });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await db.prisma.$queryRawUnsafe('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    } finally {
      await db.close();
    }
  });

  it('parses file: URLs relative to the working directory', () => {
    expect(parseDatabaseUrl('file:./data/backline.db')).toEqual({ provider: 'sqlite', file: path.resolve('data/backline.db') });
    expect(parseDatabaseUrl('file:/tmp/x.db?connection_limit=1')).toEqual({ provider: 'sqlite', file: '/tmp/x.db' });
    expect(() => parseDatabaseUrl('mysql://x')).toThrow(/DATABASE_URL/);
  });
});

describe('applyMigrations on PostgreSQL', () => {
  it('creates the ?schema= schema and keeps everything in it', async () => {
    const url = await fresh('postgresql');
    const target = parseDatabaseUrl(url);
    if (target.provider !== 'postgresql') throw new Error('unreachable');
    await applyMigrations(url);
    const tables = await withPostgres(async (c) =>
      (await c.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [target.schema])).rows.map((r) => r.table_name),
    );
    expect(tables).toContain('_prisma_migrations');
    expect(tables).toContain('Request');
    const db = createPrisma(url);
    try {
      await db.prisma.person.create({ data: { id: 'p1', name: 'A' } });
      const [row] = await db.prisma.$queryRawUnsafe<Array<{ schema: string }>>('SELECT current_schema() AS schema');
      expect(row?.schema).toBe(target.schema);
    } finally {
      await db.close();
    }
  });

  it('says clearly when the server cannot be reached', async () => {
    await expect(applyMigrations('postgresql://postgres@127.0.0.1:1/test?schema=nowhere')).rejects.toThrow(/Cannot connect to PostgreSQL/);
  });

  it('parses ?schema= and leaves it out of the pg connection string', () => {
    expect(parseDatabaseUrl('postgres://u@h:5432/db?schema=abc&sslmode=disable')).toEqual({
      provider: 'postgresql',
      connectionString: 'postgres://u@h:5432/db?sslmode=disable',
      schema: 'abc',
    });
    expect(parseDatabaseUrl('postgresql://u@h/db')).toMatchObject({ schema: 'public' });
    expect(() => parseDatabaseUrl('postgres://u@h/db?schema=a;drop')).toThrow(/schema name/);
  });
});
