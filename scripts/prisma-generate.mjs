#!/usr/bin/env node
// Generates the two Prisma clients (npm postinstall), offline:
//   prisma/sqlite/schema.prisma   -> src/generated/prisma-sqlite/
//   prisma/postgres/schema.prisma -> src/generated/prisma-postgres/
//
// `prisma generate` with the `prisma-client` generator needs no engine, but the CLI insists on
// finding a schema engine binary (it would download one). Pointing PRISMA_SCHEMA_ENGINE_BINARY at
// any existing file satisfies it; generate never runs it.
//
// A client whose schema and Prisma version are unchanged since its last generation is skipped
// (stamp file in the output folder); pass --force to regenerate anyway.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const self = fileURLToPath(import.meta.url);
const force = process.argv.includes('--force');

const targets = [
  { provider: 'sqlite', schema: 'prisma/sqlite/schema.prisma', output: 'src/generated/prisma-sqlite' },
  { provider: 'postgresql', schema: 'prisma/postgres/schema.prisma', output: 'src/generated/prisma-postgres' },
];
const STAMP = '.generated-from';

function fail(message, detail = '') {
  console.error(`\nprisma-generate: ${message}`);
  if (detail.trim()) console.error(detail.trim().split('\n').map((l) => `  | ${l}`).join('\n'));
  console.error('');
  process.exit(1);
}

let prismaCli;
let prismaVersion;
try {
  const require = createRequire(path.join(root, 'package.json'));
  const pkgFile = require.resolve('prisma/package.json');
  prismaVersion = JSON.parse(readFileSync(pkgFile, 'utf8')).version;
  prismaCli = path.join(path.dirname(pkgFile), 'build', 'index.js');
  require.resolve('@prisma/client/runtime/client');
} catch (error) {
  fail('the `prisma` and `@prisma/client` packages are not installed; run `npm install` first.', String(error?.message ?? error));
}

function run(target) {
  const schemaFile = path.join(root, target.schema);
  const outDir = path.join(root, target.output);
  if (!existsSync(schemaFile)) {
    return Promise.reject(new Error(`${target.schema} is missing. It is derived from prisma/schema.prisma by \`npm run db:migration -- <name>\`; restore it from git or run that.`));
  }
  const stamp = createHash('sha256').update(readFileSync(schemaFile)).update(`\0${prismaVersion}\0`).update(readFileSync(self)).digest('hex');
  const stampFile = path.join(outDir, STAMP);
  if (!force && existsSync(path.join(outDir, 'client.ts')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === stamp) {
    return Promise.resolve({ target, skipped: true, ms: 0 });
  }
  rmSync(stampFile, { force: true }); // a failed or interrupted run must not look up to date
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, 'generate', '--schema', schemaFile], {
      cwd: root,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || self,
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        CHECKPOINT_DISABLE: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => reject(Object.assign(error, { output })));
    child.on('close', (code, signal) => {
      if (code === 0 && existsSync(path.join(outDir, 'client.ts'))) {
        writeFileSync(stampFile, `${stamp}\n`);
        resolve({ target, skipped: false, ms: Date.now() - started });
      } else {
        const why = code === 0 ? `it exited 0 but ${target.output}/client.ts was not written` : signal ? `killed by ${signal}` : `exit code ${code}`;
        reject(Object.assign(new Error(`\`prisma generate --schema ${target.schema}\` failed (${why}).`), { output }));
      }
    });
  });
}

const started = Date.now();
const results = await Promise.allSettled(targets.map(run));
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length > 0) {
  for (const r of failed) {
    console.error(`\nprisma-generate: ${r.reason.message}`);
    if (r.reason.output?.trim()) console.error(r.reason.output.trim().split('\n').map((l) => `  | ${l}`).join('\n'));
  }
  fail('could not generate the Prisma clients (see above). Nothing is downloaded: check that `npm install` completed and that prisma/*/schema.prisma are valid.');
}
const summary = results.map((r) => `${r.value.target.provider} ${r.value.skipped ? 'up to date' : `${r.value.ms} ms`}`).join(', ');
console.log(`prisma-generate: Prisma ${prismaVersion} clients in src/generated/ (${summary}; ${Date.now() - started} ms total)`);
