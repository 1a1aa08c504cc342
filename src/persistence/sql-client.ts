import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl, pgPoolConfig, SQLITE_BUSY_TIMEOUT_MS, type Provider } from './migrate.js';

// Hand-written SQL for the hot path (load a request, commit a transition), straight on the drivers
// (better-sqlite3, pg) with the values encoded and decoded exactly as Prisma's driver adapters do
// (@prisma/adapter-better-sqlite3, @prisma/adapter-pg 7.10), so rows written here and rows written
// by Prisma Client read back the same either way. Prisma Client costs ~150 µs per query here, the
// adapters re-prepare every statement on SQLite and cost a round trip per BEGIN / COMMIT on
// PostgreSQL; bench/core needs ~1 800 transactions per second. Everything else uses Prisma Client.

export type Row = Record<string, unknown>;

type DriverError = ConstructorParameters<typeof DriverAdapterError>[0];

export interface Statement {
  sql: string;
  args: unknown[];
}

/**
 * An arg of a `writeAtomic` statement computed from the id its leading INSERT returned (SQLite,
 * where ids cannot be reserved beforehand; on PostgreSQL use `reserveId`).
 */
export class FromLeadId {
  constructor(readonly value: (id: number) => unknown) {}
}
/** An arg of a `writeAtomic` statement: the id its leading INSERT returned. */
export const LEAD_ID = new FromLeadId((id) => id);

export interface Sql {
  query(sql: string, args?: unknown[]): Promise<Row[]>;
  execute(sql: string, args?: unknown[]): Promise<number>;
  /**
   * Runs writes in order; on PostgreSQL as one statement (one round trip). Returns the row count
   * of the first statement, so a version-checked UPDATE can lead the batch.
   */
  batch(statements: Statement[]): Promise<number>;
}

// ---------------------------------------------------------------------------------------------
// Value encoding, as the Prisma adapters do it.

/** SQLite (adapter-better-sqlite3, timestampFormat iso8601): DateTime as `2026-11-22T19:04:20.601+00:00`, booleans as 1/0. */
function sqliteArg(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().replace('Z', '+00:00');
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

const pad = (n: number, z = 2) => String(n).padStart(z, '0');

/** PostgreSQL (adapter-pg): DateTime as a UTC `timestamp(3)` literal without zone. */
function pgArg(v: unknown): unknown {
  if (v === undefined) return null;
  if (v instanceof Date) {
    const ms = v.getUTCMilliseconds();
    return `${pad(v.getUTCFullYear(), 4)}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}${ms ? `.${pad(ms, 3)}` : ''}`;
  }
  if (ArrayBuffer.isView(v) && !Buffer.isBuffer(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return v;
}

// adapter-pg's text parsers: timestamps as ISO strings in UTC, JSON as text, dates/times/numerics as text.
const { builtins } = pg.types;
const asText = (s: string) => s;
const pgParsers: Record<number, (s: string) => unknown> = {
  [builtins.NUMERIC]: asText,
  [builtins.TIME]: asText,
  [builtins.TIMETZ]: (s) => s.replace(/[+-]\d{2}(:\d{2})?$/, ''),
  [builtins.DATE]: asText,
  [builtins.TIMESTAMP]: (s) => `${s.replace(' ', 'T')}+00:00`,
  [builtins.TIMESTAMPTZ]: (s) => s.replace(' ', 'T').replace(/[+-]\d{2}(:\d{2})?$/, '+00:00'),
  [builtins.MONEY]: (s) => s.slice(1),
  [builtins.JSON]: asText,
  [builtins.JSONB]: asText,
};
const pgTypes = {
  getTypeParser: ((oid: number, format?: string) =>
    (format === undefined || format === 'text') && pgParsers[oid] ? pgParsers[oid] : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

// ---------------------------------------------------------------------------------------------
// Errors, as the adapters report them: a DriverAdapterError whose `cause.kind` names the problem.

function sqliteError(e: unknown): unknown {
  const err = e as { code?: unknown; message?: unknown };
  if (typeof err?.code !== 'string' || typeof err.message !== 'string') return e;
  const { code, message } = err as { code: string; message: string };
  const fieldsOf = () => message.split('constraint failed: ').at(1)?.split(', ').map((f) => f.split('.').pop()!);
  let info: DriverError;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    const fields = fieldsOf();
    const table = message.split('constraint failed: ').at(1)?.split(', ').at(0)?.split('.').slice(0, -1).join('.') || undefined;
    info = { kind: 'UniqueConstraintViolation', constraint: fields ? { fields } : undefined, table } as DriverError;
  } else if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
    const fields = fieldsOf();
    info = { kind: 'NullConstraintViolation', constraint: fields ? { fields } : undefined } as DriverError;
  } else if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === 'SQLITE_CONSTRAINT_TRIGGER') {
    info = { kind: 'ForeignKeyConstraintViolation', constraint: { foreignKey: {} } } as DriverError;
  } else if (code.startsWith('SQLITE_BUSY')) {
    info = { kind: 'SocketTimeout' } as DriverError;
  } else if (message.startsWith('no such table')) {
    info = { kind: 'TableDoesNotExist', table: message.split(': ').at(1) } as DriverError;
  } else {
    info = { kind: 'sqlite', extendedCode: 1, message } as DriverError;
  }
  return new DriverAdapterError({ originalCode: code, originalMessage: message, ...info } as DriverError);
}

function pgError(e: unknown): unknown {
  const err = e as { code?: unknown; message?: unknown; severity?: unknown; detail?: string; constraint?: string; table?: string; column?: string; hint?: string };
  if (typeof err?.code !== 'string' || typeof err.message !== 'string') return e;
  if (typeof err.severity !== 'string') {
    if (err.code === 'ECONNRESET') return new DriverAdapterError({ kind: 'ConnectionClosed' } as DriverError);
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND') return new DriverAdapterError({ kind: 'DatabaseNotReachable' } as DriverError);
    return e;
  }
  const code = err.code;
  let info: DriverError;
  if (code === '23505') {
    const fields = err.detail?.match(/Key \(([^)]+)\)/)?.at(1)?.split(', ');
    info = { kind: 'UniqueConstraintViolation', constraint: err.constraint ? { index: err.constraint } : fields ? { fields } : undefined, table: err.table } as DriverError;
  } else if (code === '23502') {
    info = { kind: 'NullConstraintViolation', constraint: undefined } as DriverError;
  } else if (code === '23503') {
    info = { kind: 'ForeignKeyConstraintViolation', constraint: err.column ? { fields: [err.column] } : err.constraint ? { index: err.constraint } : undefined } as DriverError;
  } else if (code === '40001' || code === '40P01') {
    info = { kind: 'TransactionWriteConflict' } as DriverError;
  } else if (code === '42P01') {
    info = { kind: 'TableDoesNotExist', table: err.message.split(' ').at(1)?.split('"').at(1) } as DriverError;
  } else {
    info = { kind: 'postgres', code, severity: err.severity, message: err.message, detail: err.detail, column: err.column, hint: err.hint } as DriverError;
  }
  return new DriverAdapterError({ originalCode: code, originalMessage: err.message, ...info } as DriverError);
}

// ---------------------------------------------------------------------------------------------
// SQLite: one better-sqlite3 connection, statements prepared once and cached by their text.

const STATEMENT_CACHE = 500;

class SqliteConnection {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  statement(sql: string): Database.Statement {
    let st = this.cache.get(sql);
    if (!st) {
      try {
        st = this.db.prepare(sql);
      } catch (e) {
        throw sqliteError(e);
      }
      if (this.cache.size >= STATEMENT_CACHE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(sql, st);
    }
    return st;
  }

  query(sql: string, args: unknown[]): Row[] {
    const st = this.statement(sql);
    try {
      if (!st.reader) {
        st.run(...args.map(sqliteArg));
        return [];
      }
      return st.all(...args.map(sqliteArg)) as Row[];
    } catch (e) {
      throw sqliteError(e);
    }
  }

  execute(sql: string, args: unknown[]): number {
    const st = this.statement(sql);
    try {
      return st.run(...args.map(sqliteArg)).changes;
    } catch (e) {
      throw sqliteError(e);
    }
  }

  batch(statements: Statement[]): number {
    let first = 0;
    for (const [i, st] of statements.entries()) {
      const n = this.execute(st.sql, st.args);
      if (i === 0) first = n;
      if (i === 0 && n === 0) break; // the leading check failed: the caller rolls back
    }
    return first;
  }
}

class SqliteQueryable implements Sql {
  constructor(private readonly c: SqliteConnection) {}
  async query(sql: string, args: unknown[] = []) {
    return this.c.query(sql, args);
  }
  async execute(sql: string, args: unknown[] = []) {
    return this.c.execute(sql, args);
  }
  async batch(statements: Statement[]) {
    return this.c.batch(statements);
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: one pg pool; `?` placeholders become $1, $2, …; frequent statements are prepared
// once per connection (named), so the server parses and plans them once.

const PREPARED_LIMIT = 400;

class PgStatements {
  private readonly text = new Map<string, string>();
  private readonly names = new Map<string, string>();

  /** `?` → `$n`, remembered per SQL text. */
  numbered(sql: string): string {
    let t = this.text.get(sql);
    if (t === undefined) {
      let n = 0;
      t = sql.replace(/\?/g, () => `$${++n}`);
      if (this.text.size < 4 * PREPARED_LIMIT) this.text.set(sql, t);
    }
    return t;
  }

  nameOf(text: string): string | undefined {
    let name = this.names.get(text);
    if (name === undefined && this.names.size < PREPARED_LIMIT) {
      name = `bl${this.names.size}`;
      this.names.set(text, name);
    }
    return name;
  }
}

type PgRunner = { query: pg.Pool['query'] } | pg.PoolClient;

async function pgRun(on: PgRunner, statements: PgStatements, sql: string, args: unknown[]): Promise<pg.QueryResult<Row>> {
  const text = statements.numbered(sql);
  try {
    return await (on as pg.PoolClient).query<Row>({ text, name: args.length > 0 ? statements.nameOf(text) : undefined, values: args.map(pgArg), types: pgTypes });
  } catch (e) {
    throw pgError(e);
  }
}

class PgQueryable implements Sql {
  constructor(private readonly on: PgRunner, private readonly statements: PgStatements) {}

  async query(sql: string, args: unknown[] = []): Promise<Row[]> {
    return (await pgRun(this.on, this.statements, sql, args)).rows;
  }

  async execute(sql: string, args: unknown[] = []): Promise<number> {
    return (await pgRun(this.on, this.statements, sql, args)).rowCount ?? 0;
  }

  async batch(statements: Statement[]): Promise<number> {
    if (statements.length === 0) return 0;
    if (statements.length === 1) return this.execute(statements[0]!.sql, statements[0]!.args);
    // Data-modifying CTEs: every INSERT/UPDATE runs, in one statement and one round trip;
    // RETURNING on the first one lets the caller see how many rows it touched.
    const sql = `WITH ${statements.map((st, i) => `q${i} AS (${st.sql}${i === 0 ? ' RETURNING 1' : ''})`).join(', ')} SELECT count(*)::int AS n FROM q0`;
    const rows = await this.query(sql, statements.flatMap((st) => st.args));
    return Number(rows[0]?.n ?? 0);
  }
}

// SQLite's automatic WAL checkpoint runs inside a committing write and fsyncs the database file:
// on this hot path that was a ~10 ms stall every ~40 commits, on the event loop's thread. So the
// writer connection does not checkpoint (wal_autocheckpoint = 0); a worker thread with its own
// connection runs PASSIVE checkpoints, which never block writers, a few times a second. A
// complete checkpoint lets the next write start the WAL from the beginning, so it stays small.
const CHECKPOINT_EVERY_MS = 250;
/** Ids taken from a PostgreSQL sequence per round trip (see reserveId). */
const ID_BLOCK = 10;
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyMs });
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next tick */ } };
const timer = setInterval(tick, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); tick(); db.close(); parentPort.close(); });
`;

function startCheckpointer(file: string): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // It only runs one statement: a small heap keeps its isolate from costing the server ~10 MB.
  const w = new Worker(CHECKPOINTER, { eval: true, workerData: { driver, file, busyMs: SQLITE_BUSY_TIMEOUT_MS, everyMs: CHECKPOINT_EVERY_MS }, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 } });
  w.unref();
  w.on('error', () => undefined); // a lost checkpointer only lets the WAL grow until restart
  return w;
}

async function stopCheckpointer(w: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
  w.ref(); // else a process with nothing else to do would end here, before its own close finished
  w.postMessage('stop');
  await exited;
}

// ---------------------------------------------------------------------------------------------

export class SqlClient implements Sql {
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private checkpointer: Worker | null = null;
  private readonly idPools = new Map<string, { ids: number[]; refill: Promise<void> | null }>();

  private constructor(
    readonly provider: Provider,
    private readonly sqlite: SqliteConnection | null,
    private readonly pool: pg.Pool | null,
    private readonly root: Sql,
    private readonly pgStatements: PgStatements,
  ) {}

  static async open(databaseUrl: string): Promise<SqlClient> {
    const target = parseDatabaseUrl(databaseUrl);
    if (target.provider === 'sqlite') {
      mkdirSync(path.dirname(target.file), { recursive: true });
      const db = new Database(target.file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
      db.exec(`PRAGMA journal_mode = WAL; PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;`);
      const c = new SqliteConnection(db);
      const client = new SqlClient('sqlite', c, null, new SqliteQueryable(c), new PgStatements());
      client.checkpointer = startCheckpointer(target.file);
      return client;
    }
    const config = pgPoolConfig(target, { max: 10 });
    // Statements here are prepared (named) and mostly look rows up by key: the generic plan is
    // right from the first run, and re-planning each execution cost PostgreSQL CPU it shares with
    // the app (bench/core: ~280 → 305-365 lifecycles/s).
    const pool = new pg.Pool({ ...config, options: `${config.options ?? ''} -c plan_cache_mode=force_generic_plan`.trim() });
    pool.on('error', () => undefined); // an idle connection dropped: the pool replaces it
    const statements = new PgStatements();
    const client = new SqlClient('postgresql', null, pool, new PgQueryable(pool, statements), statements);
    await client.query('SELECT 1'); // fail early when the database is unreachable
    return client;
  }

  // SQLite has one connection: a read between two statements of an open transaction would see
  // its uncommitted half, so on SQLite everything on this client takes its turn.
  private serial<T>(work: () => Promise<T>): Promise<T> {
    if (this.provider !== 'sqlite') return work();
    this.queued++;
    const run = this.queue.then(work);
    const done = run.then(() => void this.queued--, () => void this.queued--);
    this.queue = done;
    return run;
  }

  /** Runs synchronous SQLite work now when nothing is queued, else in its turn. */
  private sqliteNow<T>(work: (c: SqliteConnection) => T): Promise<T> {
    const c = this.sqlite!;
    if (this.queued === 0) {
      try {
        return Promise.resolve(work(c));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.serial(async () => work(c));
  }

  query(sql: string, args: unknown[] = []): Promise<Row[]> {
    if (this.sqlite) return this.sqliteNow((c) => c.query(sql, args));
    return this.root.query(sql, args);
  }

  execute(sql: string, args: unknown[] = []): Promise<number> {
    if (this.sqlite) return this.sqliteNow((c) => c.execute(sql, args));
    return this.root.execute(sql, args);
  }

  batch(statements: Statement[]): Promise<number> {
    if (this.sqlite) return this.sqliteNow((c) => c.batch(statements));
    return this.root.batch(statements);
  }

  /** Runs `fn` in one transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.sqlite) {
      const c = this.sqlite;
      return this.serial(async () => {
        c.execute('BEGIN', []);
        try {
          const result = await fn(new SqliteQueryable(c));
          c.execute('COMMIT', []);
          return result;
        } catch (e) {
          if (c.db.inTransaction) c.db.exec('ROLLBACK');
          throw e;
        }
      });
    }
    return this.pgTransaction(fn);
  }

  private async pgTransaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    let conn: pg.PoolClient;
    try {
      conn = await this.pool!.connect();
    } catch (e) {
      throw pgError(e);
    }
    const q = new PgQueryable(conn, this.pgStatements);
    let broken: unknown;
    try {
      await q.execute('BEGIN');
      const result = await fn(q);
      await q.execute('COMMIT');
      return result;
    } catch (e) {
      await q.execute('ROLLBACK').catch((err: unknown) => (broken = err));
      throw e;
    } finally {
      conn.release(broken instanceof Error ? broken : undefined);
    }
  }

  /**
   * Writes `statements` as one atomic unit, in order, and returns what the first one (the lead)
   * did: an `INSERT … RETURNING "id"` gives the new id (later statements take it where an arg is
   * LEAD_ID); any other lead must touch exactly one row (a version check) and gives 1. When the
   * lead touches no row nothing is written and this returns null.
   *
   * SQLite: BEGIN … COMMIT in one synchronous turn. PostgreSQL: a single statement of
   * data-modifying CTEs, which is its own transaction (all or nothing, committed durably like any
   * other) and one round trip instead of four (BEGIN, write, COMMIT, plus taking a connection).
   */
  writeAtomic(statements: Statement[]): Promise<number | null> {
    if (statements.length === 0) return Promise.reject(new Error('writeAtomic: no statements'));
    const leadInserts = /^\s*INSERT\b/i.test(statements[0]!.sql);
    if (this.sqlite) {
      return this.sqliteNow((c) => {
        c.execute('BEGIN', []);
        try {
          let lead: number;
          if (leadInserts) {
            lead = Number(c.query(statements[0]!.sql, statements[0]!.args)[0]!.id);
          } else if (c.execute(statements[0]!.sql, statements[0]!.args) !== 1) {
            c.db.exec('ROLLBACK');
            return null;
          } else {
            lead = 1;
          }
          for (let i = 1; i < statements.length; i++) {
            const st = statements[i]!;
            c.execute(st.sql, st.args.map((a) => (a instanceof FromLeadId ? a.value(lead) : a)));
          }
          c.execute('COMMIT', []);
          return lead;
        } catch (e) {
          if (c.db.inTransaction) c.db.exec('ROLLBACK');
          throw e;
        }
      });
    }
    return this.pgWriteAtomic(statements, leadInserts);
  }

  private async pgWriteAtomic(statements: Statement[], leadInserts: boolean): Promise<number | null> {
    // Data-modifying CTEs. The lead is the only one the final SELECT reads, so PostgreSQL runs it
    // first: a concurrent writer of the same request waits on its row lock before it writes
    // anything else. The division fails the whole statement, and so rolls it back, when a
    // version-checked lead matched no row.
    const sql = `WITH ${statements.map((st, i) => `q${i} AS (${st.sql}${i === 0 && !leadInserts ? ' RETURNING 1' : ''})`).join(', ')} `
      + (leadInserts ? 'SELECT "id" FROM q0' : 'SELECT 1 / count(*)::int AS "n" FROM q0');
    const args = statements.flatMap((st) => st.args);
    if (args.some((a) => a instanceof FromLeadId)) throw new Error('writeAtomic on PostgreSQL: reserve the id with reserveId() instead of FromLeadId');
    try {
      const rows = await this.root.query(sql, args);
      return leadInserts ? Number(rows[0]!.id) : 1;
    } catch (e) {
      if ((e as { cause?: { originalCode?: string } }).cause?.originalCode === '22012') return null; // division by zero: the lead matched no row
      throw e;
    }
  }

  /**
   * A fresh id for a new row of `table` (its `id` sequence) where the database can hand one out
   * before the INSERT (PostgreSQL); null on SQLite. Ids are taken from the sequence ID_BLOCK at a
   * time and handed out from memory, as Hibernate's pooled optimiser does: a submit then costs
   * one round trip, not two. The price: a restart leaves a gap of at most ID_BLOCK - 1 numbers,
   * and two replicas' ids interleave, as any sequence's may.
   */
  async reserveId(table: string): Promise<number | null> {
    if (this.provider !== 'postgresql') return null;
    let pool = this.idPools.get(table);
    if (!pool) this.idPools.set(table, (pool = { ids: [], refill: null }));
    while (pool.ids.length === 0) {
      pool.refill ??= this.root
        .query(`SELECT nextval(pg_get_serial_sequence('"${table.replace(/"/g, '""')}"', 'id'))::int AS "id" FROM generate_series(1, ${ID_BLOCK})`)
        .then((rows) => void pool.ids.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b)))
        .finally(() => (pool.refill = null));
      await pool.refill;
    }
    return pool.ids.shift()!;
  }

  async close(): Promise<void> {
    if (this.sqlite) {
      await this.serial(async () => undefined);
      if (this.checkpointer) await stopCheckpointer(this.checkpointer);
      this.sqlite.db.close();
    } else {
      await this.pool!.end();
    }
  }
}

/** One INSERT of many rows (null when there are none). */
const insertTexts = new Map<string, string>();

export function insertMany(table: string, columns: string[], rows: unknown[][]): Statement | null {
  if (rows.length === 0) return null;
  // The same text object each time: the prepared-statement caches then find it without rehashing.
  const key = `${table}|${rows.length}|${columns.join()}`;
  let sql = insertTexts.get(key);
  if (sql === undefined) {
    const one = `(${columns.map(() => '?').join(', ')})`;
    sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${rows.map(() => one).join(', ')}`;
    if (insertTexts.size >= 1000) insertTexts.clear();
    insertTexts.set(key, sql);
  }
  return { sql, args: rows.flat() };
}

export const toDate = (v: unknown): Date | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  const s = String(v);
  // PostgreSQL timestamp(3) comes back without a zone; Prisma stores UTC.
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
};

export const toJson = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/** A unique or primary key was violated (driver-adapter error kind). */
export function isUniqueViolation(e: unknown): boolean {
  const cause = (e as { cause?: { kind?: string } } | null)?.cause;
  return cause?.kind === 'UniqueConstraintViolation';
}
