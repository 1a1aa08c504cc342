// prisma/schema.prisma is the source of truth; prisma/sqlite and prisma/postgres are derived from
// it by `npm run db:migration -- <name>`. These checks fail when someone edits one without the other.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  deriveProviderSchema,
  providerSchemaPath,
  providers,
  quoteSqliteJsonDefaults,
  snapshotPath,
  sourceSchemaPath,
} from '../../scripts/make-migration.js';
import { applyMigrations, migrationsDir, openSchemaEngine, parseDatabaseUrl } from '../../src/persistence/migrate.js';
import { freshDatabaseUrl } from '../helpers/databases.js';

const HINT = 'run `npm run db:migration -- <name>` and commit the result';
const source = readFileSync(sourceSchemaPath, 'utf8');
const migrations = (provider: (typeof providers)[number]) =>
  readdirSync(migrationsDir(provider), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

describe.each(providers)('%s schema parity', (provider) => {
  it('the provider schema is what prisma/schema.prisma derives to', () => {
    expect(readFileSync(providerSchemaPath(provider), 'utf8'), `${path.relative(process.cwd(), providerSchemaPath(provider))} is stale: ${HINT}`).toBe(
      deriveProviderSchema(source, provider),
    );
  });

  it('the last migration reflects the current schema (no model change without a migration)', () => {
    expect(existsSync(snapshotPath(provider)), `${snapshotPath(provider)} is missing`).toBe(true);
    expect(readFileSync(snapshotPath(provider), 'utf8'), `the data model changed since the last migration: ${HINT}`).toBe(deriveProviderSchema(source, provider));
  });

  it('has a lock file for its provider and only non-empty migrations', () => {
    expect(readFileSync(path.join(migrationsDir(provider), 'migration_lock.toml'), 'utf8')).toContain(`provider = "${provider}"`);
    expect(migrations(provider).length).toBeGreaterThan(0);
    for (const m of migrations(provider)) {
      expect(readFileSync(path.join(migrationsDir(provider), m, 'migration.sql'), 'utf8').trim(), m).not.toBe('');
    }
  });
});

describe('migration histories', () => {
  it('SQLite and PostgreSQL have the same migrations, by name', () => {
    expect(migrations('postgresql')).toEqual(migrations('sqlite'));
  });

  const drops: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const drop of drops) await drop();
  });

  it('the SQLite migrations, applied, give exactly the snapshot schema', async () => {
    const { url, drop } = await freshDatabaseUrl('sqlite');
    drops.push(drop);
    await applyMigrations(url);
    const target = parseDatabaseUrl(url);
    if (target.provider !== 'sqlite') throw new Error('unreachable');
    const snapshot = readFileSync(snapshotPath('sqlite'), 'utf8');
    const open = await openSchemaEngine(new PrismaBetterSqlite3({ url: target.file }));
    try {
      const diff = await open.engine.diff({
        from: { tag: 'schemaDatasource', files: [{ path: 'schema.prisma', content: snapshot }], configDir: path.dirname(target.file) },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: snapshot }] },
        script: true,
        exitCode: true,
        filters: { externalTables: [], externalEnums: [] },
      });
      expect(diff.stdout, 'a migration.sql was edited by hand or a migration is missing').toBe('-- This is an empty migration.\n');
    } finally {
      await open.close();
    }
  });
});

describe('schema derivation', () => {
  it('switches only the provider and the client output, deterministically', () => {
    const pg = deriveProviderSchema(source, 'postgresql');
    expect(pg).toBe(deriveProviderSchema(source, 'postgresql'));
    expect(pg).toMatch(/datasource db \{\n\s+provider = "postgresql"\n\}/);
    expect(pg).toContain('output   = "../../src/generated/prisma-postgres"');
    expect(deriveProviderSchema(source, 'sqlite')).toContain('output   = "../../src/generated/prisma-sqlite"');
    const strip = (s: string) => s.split('\n').filter((l) => !/^\/\/|provider\s*=|output\s*=/.test(l)).join('\n').trim();
    expect(strip(pg)).toBe(strip(source));
  });

  it('quotes SQLite JSON defaults (prisma/orm#26571)', () => {
    const sql = [
      '    "watchers" JSONB NOT NULL DEFAULT [],',
      '    "detail" JSONB NOT NULL DEFAULT {"a": "it\'s"}',
      'ALTER TABLE "T" ADD COLUMN "p" JSONB NOT NULL DEFAULT {};',
      '    "ok" JSONB NOT NULL DEFAULT \'{}\',',
    ].join('\n');
    expect(quoteSqliteJsonDefaults(sql)).toBe(
      [
        '    "watchers" JSONB NOT NULL DEFAULT \'[]\',',
        '    "detail" JSONB NOT NULL DEFAULT \'{"a": "it\'\'s"}\'',
        'ALTER TABLE "T" ADD COLUMN "p" JSONB NOT NULL DEFAULT \'{}\';',
        '    "ok" JSONB NOT NULL DEFAULT \'{}\',',
      ].join('\n'),
    );
  });
});
