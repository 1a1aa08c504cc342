import { parentPort, Worker, workerData } from 'node:worker_threads';
import { applyMigrations } from './migrate.js';

// The server applies migrations in a worker thread: the schema engine (WebAssembly) then leaves
// with the thread instead of staying resident for the life of the process. Inside the worker
// this file applies them and reports; in the server, `applyMigrationsInWorker` starts it.

export function applyMigrationsInWorker(databaseUrl: string): Promise<{ applied: string[] }> {
  return new Promise((resolve, reject) => {
    // Run from TypeScript (tsx), the thread needs tsx's loader registered before it imports this file.
    const self = import.meta.url;
    const w = self.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); });`, { eval: true, workerData: { databaseUrl } })
      : new Worker(new URL(self), { workerData: { databaseUrl } });
    let answer: { applied?: string[]; error?: string } | undefined;
    w.once('message', (m: typeof answer) => (answer = m));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (answer?.applied) resolve({ applied: answer.applied });
      else reject(new Error(answer?.error ?? `the migration worker exited with code ${code}`));
    });
  });
}

if (parentPort && (workerData as { databaseUrl?: unknown } | null)?.databaseUrl) {
  const port = parentPort;
  applyMigrations((workerData as { databaseUrl: string }).databaseUrl).then(
    (r) => port.postMessage({ applied: r.applied }),
    (e: unknown) => port.postMessage({ error: e instanceof Error ? e.message : String(e) }),
  );
}
