import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { ArgType, SqlDriverAdapter, SqlQueryable } from '@prisma/driver-adapter-utils';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseDatabaseUrl, pgPoolConfig, SQLITE_BUSY_TIMEOUT_MS, type Provider } from './migrate.js';

// Hand-written SQL for the hot path (load a request, commit a transition), through Prisma's own
// driver-adapter interface, so both providers share one code path and Prisma's value encoding.
// Prisma Client costs ~150 µs per query here; a transition is ~10 statements, and bench/core
// needs ~1 800 of them per second. Everything else keeps using Prisma Client.

export type Row = Record<string, unknown>;

export interface Statement {
  sql: string;
  args: unknown[];
}

export interface Sql {
  query(sql: string, args?: unknown[]): Promise<Row[]>;
  execute(sql: string, args?: unknown[]): Promise<number>;
  /**
   * Runs writes in order; on PostgreSQL as one statement (one round trip). Returns the row count
   * of the first statement, so a version-checked UPDATE can lead the batch.
   */
  batch(statements: Statement[]): Promise<number>;
}

function argType(v: unknown): ArgType {
  if (v instanceof Date) return { scalarType: 'datetime', arity: 'scalar' };
  if (typeof v === 'number') return { scalarType: Number.isInteger(v) ? 'int' : 'float', arity: 'scalar' };
  if (typeof v === 'boolean') return { scalarType: 'boolean', arity: 'scalar' };
  return { scalarType: 'string', arity: 'scalar' };
}

class Queryable implements Sql {
  constructor(private readonly q: SqlQueryable, private readonly provider: Provider) {}

  private prepare(sql: string, args: unknown[]) {
    // Write `?` placeholders; PostgreSQL wants $1, $2, ...
    let text = sql;
    if (this.provider === 'postgresql') {
      let n = 0;
      text = sql.replace(/\?/g, () => `$${++n}`);
    }
    return { sql: text, args, argTypes: args.map(argType) };
  }

  async query(sql: string, args: unknown[] = []): Promise<Row[]> {
    const rs = await this.q.queryRaw(this.prepare(sql, args));
    return rs.rows.map((r) => Object.fromEntries(rs.columnNames.map((c, i) => [c, r[i]])));
  }

  async execute(sql: string, args: unknown[] = []): Promise<number> {
    return this.q.executeRaw(this.prepare(sql, args));
  }

  async batch(statements: Statement[]): Promise<number> {
    if (statements.length === 0) return 0;
    if (this.provider === 'postgresql' && statements.length > 1) {
      // Data-modifying CTEs: every INSERT/UPDATE runs, in one statement and one round trip;
      // RETURNING on the first one lets the caller see how many rows it touched.
      const sql = `WITH ${statements.map((st, i) => `q${i} AS (${st.sql}${i === 0 ? ' RETURNING 1' : ''})`).join(', ')} SELECT count(*)::int AS n FROM q0`;
      const rows = await this.query(sql, statements.flatMap((st) => st.args));
      return Number(rows[0]?.n ?? 0);
    }
    let first = 0;
    for (const [i, st] of statements.entries()) {
      const n = await this.q.executeRaw(this.prepare(st.sql, st.args));
      if (i === 0) first = n;
      if (i === 0 && n === 0) break; // the leading check failed: the caller rolls back
    }
    return first;
  }
}

export class SqlClient implements Sql {
  private readonly root: Queryable;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly adapter: SqlDriverAdapter, readonly provider: Provider) {
    this.root = new Queryable(adapter, provider);
  }

  static async open(databaseUrl: string): Promise<SqlClient> {
    const target = parseDatabaseUrl(databaseUrl);
    if (target.provider === 'sqlite') {
      mkdirSync(path.dirname(target.file), { recursive: true });
      const adapter = await new PrismaBetterSqlite3({ url: target.file, timeout: SQLITE_BUSY_TIMEOUT_MS }).connect();
      await adapter.executeScript(`PRAGMA journal_mode = WAL; PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;`);
      return new SqlClient(adapter, 'sqlite');
    }
    const adapter = await new PrismaPg(pgPoolConfig(target, { max: 10 }), { schema: target.schema }).connect();
    return new SqlClient(adapter, 'postgresql');
  }

  // SQLite has one connection: a read between two statements of an open transaction would see
  // its uncommitted half, so on SQLite everything on this client takes its turn.
  private serial<T>(work: () => Promise<T>): Promise<T> {
    if (this.provider !== 'sqlite') return work();
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  query(sql: string, args?: unknown[]) {
    return this.serial(() => this.root.query(sql, args));
  }

  execute(sql: string, args?: unknown[]) {
    return this.serial(() => this.root.execute(sql, args));
  }

  batch(statements: Statement[]) {
    return this.serial(() => this.root.batch(statements));
  }

  /** Runs `fn` in one transaction; rolls back if it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.serial(() => this.runTransaction(fn));
  }

  private async runTransaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    // The adapters' commit()/rollback() only release the connection; the SQL is ours to send.
    const tx = await this.adapter.startTransaction();
    const q = new Queryable(tx, this.provider);
    try {
      const result = await fn(q);
      await q.execute('COMMIT');
      await tx.commit();
      return result;
    } catch (e) {
      await q.execute('ROLLBACK').catch(() => undefined);
      await tx.rollback().catch(() => undefined);
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.adapter.dispose();
  }
}

/** One INSERT of many rows (null when there are none). */
export function insertMany(table: string, columns: string[], rows: unknown[][]): Statement | null {
  if (rows.length === 0) return null;
  const one = `(${columns.map(() => '?').join(', ')})`;
  return { sql: `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES ${rows.map(() => one).join(', ')}`, args: rows.flat() };
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
