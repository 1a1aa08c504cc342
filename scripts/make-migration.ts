// npm run db:migration -- <name>
//
// 1. Derives prisma/sqlite/schema.prisma and prisma/postgres/schema.prisma from the single source
//    of truth prisma/schema.prisma (Prisma needs a literal provider per schema).
// 2. Diffs, per provider, the schema the last migration reflects (migrations/schema-snapshot.prisma.txt)
//    against the new one with the WebAssembly schema engine: no database, no engine binary. The
//    first migration is a diff from an empty database.
// 3. Writes ordinary Prisma migration folders (<timestamp>_<name>/migration.sql + migration_lock.toml),
//    refreshes the snapshots, and regenerates the Prisma clients.
//
// With no model change it writes no migration (it still refreshes derived schemas and snapshots).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { ColumnTypeEnum, mockAdapter, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { DiffTarget } from '@prisma/schema-engine-wasm';
import { migrationsDir, openSchemaEngine, providerDir, type Provider } from '../src/persistence/migrate.js';

export const providers: readonly Provider[] = ['sqlite', 'postgresql'];

const root = fileURLToPath(new URL('../', import.meta.url));
export const sourceSchemaPath = path.join(root, 'prisma', 'schema.prisma');

/** prisma/sqlite/schema.prisma or prisma/postgres/schema.prisma */
export function providerSchemaPath(provider: Provider): string {
  return path.join(providerDir(provider), 'schema.prisma');
}

/** The schema the newest migration of this provider reflects: the base of the next diff. */
export function snapshotPath(provider: Provider): string {
  return path.join(migrationsDir(provider), 'schema-snapshot.prisma.txt');
}

/** Where `prisma generate` writes each client, relative to the provider's schema file. */
const clientOutput: Record<Provider, string> = {
  sqlite: '../../src/generated/prisma-sqlite',
  postgresql: '../../src/generated/prisma-postgres',
};

/**
 * The provider's schema as derived from the source: the leading comment replaced by a
 * "generated" notice, the datasource provider and the generator output switched. Nothing else
 * changes, so the result is deterministic and easy to review.
 */
export function deriveProviderSchema(source: string, provider: Provider): string {
  const text = source.replace(/\r\n/g, '\n');
  const body = text.replace(/^(?:\/\/[^\n]*\n|[ \t]*\n)*/, '');
  let datasources = 0;
  let generators = 0;
  const switched = body
    .replace(/^(datasource\s+\w+\s*\{[^}]*\})/gm, (block: string) => {
      datasources++;
      let n = 0;
      const out = block.replace(/(\n\s*provider\s*=\s*)"[^"]*"/, (_m, lead: string) => {
        n++;
        return `${lead}"${provider}"`;
      });
      if (n !== 1) throw new Error('prisma/schema.prisma: the datasource block needs exactly one provider = "…" line');
      return out;
    })
    .replace(/^(generator\s+\w+\s*\{[^}]*\})/gm, (block: string) => {
      generators++;
      let n = 0;
      const out = block.replace(/(\n\s*output\s*=\s*)"[^"]*"/, (_m, lead: string) => {
        n++;
        return `${lead}"${clientOutput[provider]}"`;
      });
      if (n !== 1) throw new Error('prisma/schema.prisma: the generator block needs exactly one output = "…" line');
      return out;
    });
  if (datasources !== 1 || generators !== 1) {
    throw new Error(`prisma/schema.prisma: expected one datasource and one generator block, found ${datasources} and ${generators}`);
  }
  const header = [
    `// GENERATED from prisma/schema.prisma for ${provider} by scripts/make-migration.ts. Do not edit:`,
    '// change prisma/schema.prisma and run `npm run db:migration -- <name>`.',
    '',
  ].join('\n');
  return `${header}\n${switched.endsWith('\n') ? switched : `${switched}\n`}`;
}

/**
 * An offline stand-in for a PostgreSQL connection: the engine asks for the server version once
 * when it starts; a schema-to-schema diff needs nothing else from the database.
 */
function offlinePostgresFactory(): SqlMigrationAwareDriverAdapterFactory {
  const connection = (): SqlDriverAdapter => ({
    ...mockAdapter('postgres'),
    adapterName: 'backline-offline-postgres',
    getConnectionInfo: () => ({ schemaName: 'public', supportsRelationJoins: true }),
    queryRaw: async (query) => {
      if (query.sql.includes('server_version_num')) {
        return {
          columnNames: ['exists', 'version', 'numeric_version'],
          columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
          rows: [[true, 'PostgreSQL 16.0 (offline diff)', 160000]],
        };
      }
      throw new Error(`offline diff: unexpected database query: ${query.sql}`);
    },
    dispose: async () => {},
  });
  return {
    provider: 'postgres',
    adapterName: 'backline-offline-postgres',
    connect: async () => connection(),
    connectToShadowDb: async () => connection(),
  };
}

/** SQL that turns a database shaped like `from` (null: empty) into one shaped like `to`. */
export async function diffSchemas(provider: Provider, from: string | null, to: string): Promise<string> {
  const factory = provider === 'sqlite' ? new PrismaBetterSqlite3({ url: ':memory:' }) : offlinePostgresFactory();
  const open = await openSchemaEngine(factory);
  const file = (content: string): DiffTarget => ({ tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content }] });
  try {
    const result = await open.engine.diff({
      from: from === null ? { tag: 'empty' } : file(from),
      to: file(to),
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    let sql = result.stdout ?? '';
    // The engine adds `CREATE SCHEMA IF NOT EXISTS "public"` to a first migration. We drop it: it
    // fails for a user without CREATE on the database even though "public" exists, and the
    // migration must work in whatever schema `?schema=` selects (tables are created unqualified).
    sql = sql.replace(/^-- CreateSchema\nCREATE SCHEMA IF NOT EXISTS "public";\n+/m, '');
    if (provider === 'sqlite') sql = quoteSqliteJsonDefaults(sql);
    return sql;
  } catch (error) {
    throw open.explain(error);
  } finally {
    await open.close();
  }
}

/**
 * Prisma bug (prisma/orm#26571, also in the CLI): on SQLite a `Json @default("[]")` column is
 * rendered as `DEFAULT []`, which SQLite rejects. Quote such defaults as string literals.
 */
export function quoteSqliteJsonDefaults(sql: string): string {
  return sql.replace(/^(\s*(?:ALTER TABLE .* ADD COLUMN )?"(?:[^"]|"")+" JSONB(?: NOT NULL)? DEFAULT )(?!')(.+?)(,|;)?$/gm, (_m, lead: string, value: string, end = '') => {
    return `${lead}'${value.replace(/'/g, "''")}'${end}`;
  });
}

/** True when a diff script has no statement (only comments and blank lines). */
export function isEmptyMigration(sql: string): boolean {
  return sql
    .split('\n')
    .map((l) => l.trim())
    .every((l) => l === '' || l.startsWith('--'));
}

function timestamp(now: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
}

function existingMigrations(provider: Provider): string[] {
  const dir = migrationsDir(provider);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function writeIfChanged(file: string, content: string): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return true;
}

const lockFile = (provider: Provider) =>
  `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`;

export async function makeMigration(rawName: string, now = new Date()): Promise<{ migration: string | null; changedFiles: string[] }> {
  const name = rawName.trim().replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 200);
  if (!name) throw new Error('usage: npm run db:migration -- <name>   (letters, digits, underscores)');
  const source = readFileSync(sourceSchemaPath, 'utf8');

  const plans = [];
  for (const provider of providers) {
    const schema = deriveProviderSchema(source, provider);
    const snapshot = existsSync(snapshotPath(provider)) ? readFileSync(snapshotPath(provider), 'utf8') : null;
    if (snapshot === null && existingMigrations(provider).length > 0) {
      throw new Error(`${snapshotPath(provider)} is missing but migrations exist: restore it from git before making a migration`);
    }
    plans.push({ provider, schema, sql: await diffSchemas(provider, snapshot, schema) });
  }

  const changedFiles: string[] = [];
  let migration: string | null = null;
  if (plans.some((p) => !isEmptyMigration(p.sql))) {
    const last = providers.flatMap(existingMigrations).map((m) => m.slice(0, 14)).sort().at(-1);
    let ts = timestamp(now);
    if (last !== undefined && ts <= last) ts = String(BigInt(last) + 1n);
    migration = `${ts}_${name}`;
    for (const { provider, sql } of plans) {
      const dir = path.join(migrationsDir(provider), migration);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'migration.sql'), isEmptyMigration(sql) ? '-- This is an empty migration.\n' : sql);
      changedFiles.push(path.join(dir, 'migration.sql'));
      if (writeIfChanged(path.join(migrationsDir(provider), 'migration_lock.toml'), lockFile(provider))) {
        changedFiles.push(path.join(migrationsDir(provider), 'migration_lock.toml'));
      }
    }
  }
  for (const { provider, schema } of plans) {
    if (writeIfChanged(providerSchemaPath(provider), schema)) changedFiles.push(providerSchemaPath(provider));
    if (writeIfChanged(snapshotPath(provider), schema)) changedFiles.push(snapshotPath(provider));
  }
  return { migration, changedFiles };
}

async function main() {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const { migration, changedFiles } = await makeMigration(args.join('_'));
  const rel = (f: string) => path.relative(root, f);
  console.log(migration ? `Created migration ${migration}` : 'No model change: no migration created.');
  for (const f of changedFiles) console.log(`  wrote ${rel(f)}`);
  if (changedFiles.some((f) => f.endsWith('schema.prisma'))) {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'prisma-generate.mjs')], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`db:migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
