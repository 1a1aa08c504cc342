// The one way the app opens its database. `file:` URLs use embedded SQLite (better-sqlite3),
// `postgres://` / `postgresql://` URLs use PostgreSQL (pg, honouring `?schema=`). Both generated
// clients expose the same model API; the rest of the code sees one `PrismaClient` type (the
// SQLite client's, the portable subset) and never learns which provider is in use.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaClient as PostgresPrismaClient } from '../generated/prisma-postgres/client.js';
import { Prisma, PrismaClient as SqlitePrismaClient } from '../generated/prisma-sqlite/client.js';
import { parseDatabaseUrl, pgPoolConfig, SQLITE_BUSY_TIMEOUT_MS, type Provider } from './migrate.js';

export type PrismaClient = SqlitePrismaClient;
/** The client handed to an interactive `$transaction(async (tx) => …)` callback. */
export type TransactionClient = Prisma.TransactionClient;
export { Prisma };
export type { Provider };

export interface Database {
  prisma: PrismaClient;
  provider: Provider;
  /** Disconnects and releases the connection (SQLite file handle or pg pool). */
  close(): Promise<void>;
}

/**
 * Opens a Prisma client for `databaseUrl` (see `parseDatabaseUrl`). Does not migrate: call
 * `applyMigrations(databaseUrl)` first. Connects lazily, on the first query.
 */
export function createPrisma(databaseUrl: string): Database {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.provider === 'sqlite') {
    mkdirSync(path.dirname(target.file), { recursive: true });
    const adapter = withConnectScript(
      new PrismaBetterSqlite3({ url: target.file, timeout: SQLITE_BUSY_TIMEOUT_MS }),
      // WAL lets readers run beside the writer; busy_timeout (also set by `timeout` above) makes a
      // second writer wait instead of failing with SQLITE_BUSY; NORMAL sync is safe under WAL.
      `PRAGMA journal_mode = WAL; PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;`,
    );
    const prisma = new SqlitePrismaClient({ adapter });
    return { prisma, provider: 'sqlite', close: () => prisma.$disconnect() };
  }
  const adapter = new PrismaPg(pgPoolConfig(target), { schema: target.schema });
  const prisma = new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
  return { prisma, provider: 'postgresql', close: () => prisma.$disconnect() };
}

/** Runs `script` on every new connection the factory opens. */
function withConnectScript<F extends SqlDriverAdapterFactory>(factory: F, script: string): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      try {
        await adapter.executeScript(script);
      } catch (error) {
        await adapter.dispose().catch(() => undefined);
        throw error;
      }
      return adapter;
    },
  };
}
