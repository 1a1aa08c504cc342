// One Backline app replica (the real composition root, no HTTP, no platform) whose scheduler ticks
// at the instants given on the command line, as the cron task would once a minute. Used by
// test/integration/scheduler-replicas.test.ts to run two processes against one PostgreSQL:
//
//   node --import tsx bench/scheduler/replica.ts <DATABASE_URL> <org.yaml> <repeat> <iso instant>...
//
// Prints one JSON line with the summed tick reports.
import { createBackline } from '../../src/app/create-app.js';
import { readEnv } from '../../src/config/env.js';

const [url, configFile, repeatArg, ...instants] = process.argv.slice(2);
if (!url || !configFile || instants.length === 0) {
  console.error('usage: replica.ts <DATABASE_URL> <org.yaml> <repeat> <iso instant>...');
  process.exit(2);
}
let current = new Date(instants[0]!);
const app = await createBackline({
  env: readEnv({ DATABASE_URL: url, LOG_LEVEL: 'silent', BACKLINE_SANDBOX: '0' }),
  configFile,
  clock: { now: () => current },
});
const total = { reminders: 0, escalations: 0, appointments: 0, dropped: 0, digests: 0, skippedDigests: 0 };
for (const iso of instants) {
  current = new Date(iso);
  for (let i = 0; i < Number(repeatArg ?? 1); i++) {
    const r = await app.scheduler.tick(current);
    for (const k of Object.keys(total) as Array<keyof typeof total>) total[k] += r[k];
  }
}
await app.stop();
console.log(JSON.stringify({ pid: process.pid, ...total }));
