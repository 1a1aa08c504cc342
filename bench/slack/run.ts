import { fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import express from 'express';
import { percentile, runWorkers } from '../lib/stats.js';
import { FakeSlackApi } from '../../test/fakes/slack-api.js';
import { SECRET, sign, startSlackBot } from '../../test/e2e/slack/harness.js';

// Ack latency of signed `/support` commands (each opens the picker modal after the ack), against
// Backline and against a bare Bolt app whose handler only acks, at concurrency 1, 10 and 50.
// Target: Backline's p99 within 1.5x of bare Bolt and under 100 ms at concurrency 50.
//   npm run bench:slack            BENCH_REQUESTS=400 npm run bench:slack

const LEVELS = [1, 10, 50];
const PER_LEVEL = Number(process.env.BENCH_REQUESTS ?? 300);

async function bareBolt(apiUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const http = express();
  const receiver = new ExpressReceiver({ signingSecret: SECRET, endpoints: '/slack/events', app: http, logLevel: LogLevel.ERROR });
  const app = new App({ token: 'xoxb-bare', receiver, clientOptions: { slackApiUrl: apiUrl }, deferInitialization: true, logLevel: LogLevel.ERROR });
  app.command('/support', async ({ ack }) => {
    await ack();
  });
  await app.init();
  const server = http.listen(0);
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

function commandBody(user: string, i: number, responseUrl: string): string {
  return new URLSearchParams({
    token: 'legacy', team_id: 'T0TEST', team_domain: 'acme', channel_id: 'C0GENERAL', user_id: user, user_name: 'bench',
    command: '/support', text: '', api_app_id: 'A0BACKLINE', response_url: responseUrl, trigger_id: `bench.${i}.${Math.random()}`,
  }).toString();
}

async function measure(url: string, users: string[], concurrency: number, total: number, responseUrl: string): Promise<number[]> {
  const samples: number[] = [];
  await runWorkers(concurrency, total, async (i) => {
    const body = commandBody(users[i % users.length]!, i, responseUrl);
    const start = performance.now();
    const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
    await res.arrayBuffer();
    samples.push(performance.now() - start);
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  });
  return samples.sort((a, b) => a - b);
}

/** Starts the fake Slack API in a child process and returns its base URL. */
async function remoteFake(): Promise<{ url: string; stop(): void }> {
  const child = fork(fileURLToPath(new URL('./fake-server.ts', import.meta.url)), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { url, stop: () => child.disconnect() };
}

async function main() {
  const slack = await remoteFake();
  const bot = await startSlackBot({ SLACK_API_URL: slack.url });
  const fake = await new FakeSlackApi().start();
  const bare = await bareBolt(fake.url);
  const users = ['rep.a', 'rep.b', 'pm.east', 'bm.east', 'mm'].map((p) => bot.uid(p));
  // Warm both (JIT, connection pools, the users.info locale cache).
  await measure(bot.url, users, 5, 100, `${slack.url.replace(/api\/$/, '')}response/bench`);
  await measure(bare.url, users, 5, 100, fake.responseUrl());
  await bot.settle();

  const rows: Array<Record<string, string | number>> = [];
  let ok = true;
  for (const c of LEVELS) {
    const b = await measure(bare.url, users, c, PER_LEVEL, fake.responseUrl());
    const s = await measure(bot.url, users, c, PER_LEVEL, `${slack.url.replace(/api\/$/, '')}response/bench`);
    await bot.settle();
    const p = (xs: number[], q: number) => +percentile(xs, q).toFixed(2);
    const ratio = +(p(s, 99) / p(b, 99)).toFixed(2);
    if (c === 50 && (ratio > 1.5 || p(s, 99) >= 100)) ok = false;
    rows.push({ concurrency: c, requests: PER_LEVEL, 'bolt p50 ms': p(b, 50), 'bolt p99 ms': p(b, 99), 'backline p50 ms': p(s, 50), 'backline p99 ms': p(s, 99), 'p99 ratio': ratio });
  }
  console.table(rows);
  console.log(ok ? 'target met: p99 within 1.5x of bare Bolt and under 100 ms at concurrency 50' : 'TARGET MISSED at concurrency 50');
  await bare.stop();
  await fake.stop();
  await bot.stop();
  slack.stop();
  process.exitCode = ok ? 0 : 1;
}

await main();
