// Applies the Prisma migration folders (prisma/<provider>/migrations) with the official WebAssembly
// schema engine, driven directly through a driver adapter: no engine binary, no Prisma CLI.
// It writes the usual `_prisma_migrations` table, so `prisma migrate deploy` stays compatible.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm';
import Database from 'better-sqlite3';
import lockfile from 'proper-lockfile';
import pg from 'pg';

export type Provider = 'sqlite' | 'postgresql';

/** A parsed `DATABASE_URL`. */
export type DatabaseTarget =
  | { provider: 'sqlite'; /** absolute path of the database file */ file: string }
  | {
      provider: 'postgresql';
      /** connection string without the `schema` parameter (pg does not know it) */
      connectionString: string;
      /** PostgreSQL schema (`?schema=`), default `public` */
      schema: string;
    };

/** How long a SQLite connection waits for another writer's lock before failing (ms). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

/**
 * `file:./data/backline.db` (relative to the working directory), `file:/abs/x.db`,
 * `postgres://…` / `postgresql://…` with an optional `?schema=name`.
 */
export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  if (databaseUrl.startsWith('file:')) {
    let rest = databaseUrl.slice('file:'.length);
    const q = rest.indexOf('?');
    if (q >= 0) rest = rest.slice(0, q);
    if (rest.startsWith('//')) rest = fileURLToPath(`file:${rest}`);
    if (rest === '') throw new Error(`DATABASE_URL "${databaseUrl}" has no file path`);
    return { provider: 'sqlite', file: path.resolve(decodeURIComponent(rest)) };
  }
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const url = new URL(databaseUrl);
    const schema = url.searchParams.get('schema') ?? 'public';
    if (!SCHEMA_NAME.test(schema)) throw new Error(`DATABASE_URL: unsupported schema name "${schema}"`);
    url.searchParams.delete('schema');
    return { provider: 'postgresql', connectionString: url.toString(), schema };
  }
  throw new Error('DATABASE_URL must start with file:, postgres:// or postgresql://');
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * pg pool settings for a target: every connection gets `search_path` set to the target schema,
 * so unqualified SQL (the migration scripts, `$queryRaw`) lands in that schema.
 */
export function pgPoolConfig(target: Extract<DatabaseTarget, { provider: 'postgresql' }>, extra: pg.PoolConfig = {}): pg.PoolConfig {
  return { connectionString: target.connectionString, options: `-c search_path=${quoteIdent(target.schema)}`, ...extra };
}

// ---------------------------------------------------------------------------------------------
// The schema engine (WebAssembly). Node 20 cannot `import` a .wasm file, so we instantiate the
// wasm-bindgen glue by hand, once per process.

type SchemaEngineModule = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');
let engineModule: Promise<SchemaEngineModule> | undefined;

export function loadSchemaEngineWasm(): Promise<SchemaEngineModule> {
  engineModule ??= (async () => {
    const bg = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const require = createRequire(import.meta.url);
    const wasmFile = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const module = await WebAssembly.compile(readFileSync(wasmFile));
    const imports: Record<string, unknown> = { ...bg };
    // The engine arms timers it never clears (e.g. a 10 s timeout around its own PostgreSQL
    // advisory lock), which would keep a short-lived process (CLI, script) alive for 10 s after
    // it is done. Unref them: they still fire while anything else keeps the process running.
    for (const name of Object.keys(imports).filter((k) => k.startsWith('__wbg_setTimeout_'))) {
      imports[name] = (callback: () => void, ms: number) => {
        const timer = setTimeout(callback, ms >>> 0);
        timer.unref();
        return timer;
      };
    }
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': imports as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return engineModule;
}

/** A schema engine bound to a driver adapter factory; `close()` frees it and disposes every connection it opened. */
export interface OpenEngine {
  engine: SchemaEngine;
  /** Turns an engine error into the driver's original error where there is one. */
  explain(error: unknown): Error;
  close(): Promise<void>;
}

export async function openSchemaEngine(factory: SqlMigrationAwareDriverAdapterFactory, datamodels?: [string, string][]): Promise<OpenEngine> {
  const bg = await loadSchemaEngineWasm();
  const opened: SqlDriverAdapter[] = [];
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const bound = bindMigrationAwareSqlAdapterFactory(tracking);
  const explain = (error: unknown): Error => {
    const m = error instanceof Error ? /External error id#(\d+)/.exec(error.message) : null;
    const original = m ? bound.errorRegistry.consumeError(Number(m[1]))?.error : undefined;
    const e = original ?? error;
    return e instanceof Error ? e : new Error(String((e as { message?: unknown })?.message ?? JSON.stringify(e)));
  };
  const closeAdapters = async () => {
    for (const adapter of opened.splice(0)) await adapter.dispose().catch(() => undefined);
  };
  let engine: SchemaEngine;
  try {
    engine = await bg.SchemaEngine.new({ datamodels }, () => {}, bound);
  } catch (error) {
    await closeAdapters();
    throw explain(error);
  }
  return {
    engine,
    explain,
    close: async () => {
      try {
        engine.free();
      } finally {
        await closeAdapters();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Migration folders

const prismaDir = fileURLToPath(new URL('../../prisma/', import.meta.url));

/** `prisma/sqlite` or `prisma/postgres`. */
export function providerDir(provider: Provider): string {
  return path.join(prismaDir, provider === 'sqlite' ? 'sqlite' : 'postgres');
}

export function migrationsDir(provider: Provider): string {
  return path.join(providerDir(provider), 'migrations');
}

/** The migration folders, loaded the way the Prisma CLI loads them. */
export function readMigrationsList(provider: Provider): MigrationList {
  const baseDir = migrationsDir(provider);
  let lockContent: string | null = null;
  try {
    lockContent = readFileSync(path.join(baseDir, 'migration_lock.toml'), 'utf8');
  } catch {
    lockContent = null;
  }
  let entries: import('node:fs').Dirent[] = [];
  try {
    entries = readdirSync(baseDir, { withFileTypes: true });
  } catch {
    entries = [];
  }
  const migrationDirectories = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      let content: { tag: 'ok'; value: string } | { tag: 'error'; value: string };
      try {
        content = { tag: 'ok', value: readFileSync(path.join(baseDir, name, 'migration.sql'), 'utf8') };
      } catch (error) {
        content = { tag: 'error', value: (error as Error).message };
      }
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    });
  return { baseDir, lockfile: { path: 'migration_lock.toml', content: lockContent }, shadowDbInitScript: '', migrationDirectories };
}

const sqliteQueue = new Map<string, Promise<void>>();

const noFilters = { externalTables: [] as string[], externalEnums: [] as string[] };

// ---------------------------------------------------------------------------------------------
// applyMigrations

/**
 * Applies every migration of the URL's provider that the database has not seen yet
 * (idempotent; the `_prisma_migrations` table records them). SQLite: creates the file and its
 * directory. PostgreSQL: creates the `?schema=` schema if missing; a pg advisory lock makes
 * concurrent starts against one database wait for each other.
 */
export async function applyMigrations(databaseUrl: string): Promise<{ applied: string[] }> {
  const target = parseDatabaseUrl(databaseUrl);
  const migrationsList = readMigrationsList(target.provider);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`No migrations found in ${migrationsList.baseDir}`);
  }
  if (target.provider === 'sqlite') {
    mkdirSync(path.dirname(target.file), { recursive: true });
    // better-sqlite3 waits for a lock synchronously, so two migrators in one process would block
    // each other's thread: chain them. Other processes wait on a lock file: SQLite's busy timeout
    // does not cover them, as the engine's transaction starts as a reader and SQLite refuses its
    // upgrade to a writer at once (SQLITE_BUSY) when another connection wrote in between.
    const previous = sqliteQueue.get(target.file) ?? Promise.resolve();
    const run = previous.then(() =>
      withFileLock(`${target.file}.migrate`, () =>
        sqliteUpToDate(target.file, migrationsList) ? { applied: [] } : runApply(new PrismaBetterSqlite3({ url: target.file, timeout: SQLITE_BUSY_TIMEOUT_MS }), migrationsList)));
    const settled = run.then(() => undefined, () => undefined);
    sqliteQueue.set(target.file, settled);
    void settled.then(() => {
      if (sqliteQueue.get(target.file) === settled) sqliteQueue.delete(target.file);
    });
    return run;
  }
  return withPgMigrationLock(target, async (client) => {
    const rows = await client.query(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM ${quoteIdent(target.schema)}."_prisma_migrations"`).then((r) => r.rows as AppliedRow[], () => null);
    if (rows && upToDate(rows, migrationsList)) return { applied: [] };
    return runApply(new PrismaPg(pgPoolConfig(target), { schema: target.schema }), migrationsList);
  });
}

// A restart with nothing to apply must not load the schema engine (WebAssembly: ~20 MB that
// would stay resident, and its start-up time): when `_prisma_migrations` records every folder
// as finished with the same checksum (sha256 of migration.sql, as Prisma computes it) and no
// failed attempt, there is nothing to do. Anything else goes to the engine, which applies or
// explains.
interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

function upToDate(rows: AppliedRow[], list: MigrationList): boolean {
  if (rows.some((r) => r.finished_at === null && r.rolled_back_at === null)) return false;
  const done = new Map(rows.filter((r) => r.finished_at !== null && r.rolled_back_at === null).map((r) => [r.migration_name, r.checksum]));
  return list.migrationDirectories.every((d) => d.migrationFile.content.tag === 'ok' && done.get(d.path) === createHash('sha256').update(d.migrationFile.content.value).digest('hex'));
}

function sqliteUpToDate(file: string, list: MigrationList): boolean {
  if (!existsSync(file)) return false;
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: SQLITE_BUSY_TIMEOUT_MS });
    return upToDate(db.prepare('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"').all() as AppliedRow[], list);
  } catch {
    return false; // no table yet, or unreadable: the engine decides
  } finally {
    db?.close();
  }
}

async function runApply(factory: SqlMigrationAwareDriverAdapterFactory, migrationsList: MigrationList): Promise<{ applied: string[] }> {
  const open = await openSchemaEngine(factory);
  try {
    const out = await open.engine.applyMigrations({ migrationsList, filters: noFilters });
    return { applied: out.appliedMigrationNames };
  } catch (error) {
    const e = open.explain(error);
    throw new Error(`Applying migrations from ${migrationsList.baseDir} failed: ${e.message}`, { cause: e });
  } finally {
    // SQLite: the engine's connection holds an exclusive lock until it is closed.
    await open.close();
  }
}

/**
 * Runs `fn` holding a lock directory (`<name>.lock`, proper-lockfile) that other processes wait
 * for; a holder that died leaves a lock that goes stale after 30 s.
 */
async function withFileLock<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const release = await lockfile.lock(name, { realpath: false, stale: 30_000, retries: { retries: 1000, minTimeout: 25, maxTimeout: 300 } });
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** Arbitrary fixed first key of the two-key advisory lock; the second key is the schema's hash. */
const ADVISORY_LOCK_NAMESPACE = 0x6b1e; // arbitrary, identifies Backline in pg_locks
const LOCK_WAIT_MS = 5 * 60_000;

async function withPgMigrationLock<T>(target: Extract<DatabaseTarget, { provider: 'postgresql' }>, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: target.connectionString });
  client.on('error', () => {}); // a dropped connection surfaces through the query that fails
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(`Cannot connect to PostgreSQL for migrations: ${(error as Error).message}`, { cause: error });
  }
  try {
    // Wait for a concurrent migrator (another replica starting) rather than race it; give up
    // after LOCK_WAIT so a stuck holder does not hang every start forever.
    await client.query(`SET lock_timeout = ${LOCK_WAIT_MS}`);
    try {
      await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, `backline-migrate:${target.schema}`]);
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') {
        throw new Error(`Timed out after ${LOCK_WAIT_MS / 1000} s waiting for another process to finish migrating schema "${target.schema}"`, { cause: error });
      }
      throw error;
    }
    await client.query('SET lock_timeout = 0');
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [target.schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}`);
    return await fn(client);
  } finally {
    // Ending the session releases the advisory lock even if the unlock query fails.
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [ADVISORY_LOCK_NAMESPACE, `backline-migrate:${target.schema}`]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
