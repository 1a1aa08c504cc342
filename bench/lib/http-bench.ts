import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { runInBackground } from '../../src/app/cpu-priority.js';
import { percentile } from './stats.js';

// Ack-latency comparison of two HTTP servers (a bare SDK app and Backline), each in its own child
// process so the load generator's event loop (here, the parent) is not the one being measured.
// The client is an undici Pool per target with one keep-alive connection per concurrent worker.
// Requests are built before a round starts; rounds alternate between the targets, and a target
// finishes its after-ack work (settle) before the other one's round, so each is timed alone.

export interface Req {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Set, the time the request was sent (epoch ms) goes into `sentAt` under this key. */
  key?: string;
}

export interface Target {
  name: string;
  url: string;
  /** Resolves when the server has finished all work started by the requests so far. */
  settle(): Promise<void>;
  /** Asks the server for a number it reports (e.g. how many modals the fake Slack saw opened). */
  ask(what: string): Promise<unknown>;
  /** CPU time the process has used so far, in ms: all its threads, and its main thread alone (Linux). */
  cpu(): Promise<{ total: number; main?: number }>;
  stop(): Promise<void>;
}

type Msg = { ready?: string; id?: number; result?: unknown; error?: string };

/**
 * Forks `file` with tsx; the child calls `serveTarget` (./target.ts). `background` runs it at the
 * lowest CPU priority (Linux SCHED_IDLE). `BENCH_PROFILE=<dir>` adds `--cpu-prof` to targets named
 * in BENCH_PROFILE_TARGET (default: all), written to <dir>/<name> when they stop (one file per
 * thread: the largest is the main thread).
 */
export async function forkTarget(name: string, file: URL, args: string[] = [], env: Record<string, string> = {}, options: { background?: boolean } = {}): Promise<Target> {
  // Node flags as `npm start` gives them to the server (both targets alike).
  const startFlags = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/).filter((w) => w.startsWith('--'));
  const execArgv = [...startFlags, '--import', 'tsx'];
  const profDir = process.env.BENCH_PROFILE;
  const profWho = process.env.BENCH_PROFILE_TARGET?.split(',');
  if (profDir && (!profWho || profWho.includes(name))) execArgv.push('--cpu-prof', `--cpu-prof-dir=${profDir}/${name}`);
  // stdout/stderr to /dev/null: the bot logs as in production (LOG_LEVEL=info) without the parent reading it.
  const child: ChildProcess = fork(fileURLToPath(file), args, { execArgv, stdio: ['ignore', 'ignore', process.env.BENCH_VERBOSE ? 'inherit' : 'ignore', 'ipc'], env: { ...process.env, ...env } });
  if (options.background) runInBackground(child.pid!, { allThreads: true });
  let seq = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
    child.on('message', (m: Msg) => {
      if (m.ready) return resolve(m.ready);
      const w = m.id !== undefined ? waiting.get(m.id) : undefined;
      if (!w) return;
      waiting.delete(m.id!);
      if (m.error) w.reject(new Error(`${name}: ${m.error}`));
      else w.resolve(m.result);
    });
  });
  const call = (op: string, arg?: string) => new Promise<unknown>((resolve, reject) => {
    const id = ++seq;
    waiting.set(id, { resolve, reject });
    child.send({ op, arg, id });
  });
  return {
    name, url,
    settle: async () => void (await call('settle')),
    ask: (what) => call('ask', what),
    cpu: async () => {
      const u = (await call('cpu')) as NodeJS.CpuUsage & { main?: number };
      return { total: (u.user + u.system) / 1000, ...(u.main !== undefined ? { main: u.main } : {}) };
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      await call('stop').catch(() => undefined);
      await exited;
    },
  };
}

/** Sends `reqs` over `pool` with `concurrency` workers; returns each request's latency in ms. */
async function round(pool: Pool, reqs: Req[], concurrency: number, check: (status: number, body: string) => string | undefined, sentAt?: Map<string, number>): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (;;) {
      const r = reqs[next++];
      if (!r) return;
      const start = performance.now();
      if (r.key && sentAt) sentAt.set(r.key, performance.timeOrigin + start);
      const res = await pool.request({ method: 'POST', path: r.path, headers: r.headers, body: r.body });
      const text = await res.body.text();
      samples.push(performance.now() - start);
      const problem = check(res.statusCode, text);
      if (problem) throw new Error(`${problem}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
    }
  }));
  return samples;
}

export interface CompareOptions {
  title: string;
  bare: Target;
  bot: Target;
  /** Builds `n` requests for a target (fresh ids, signatures made now). */
  requests: (target: Target, n: number) => Req[];
  /** A message when a response is not what the target should answer. */
  check: (target: Target, status: number, body: string) => string | undefined;
  /** Other processes the targets call (a fake platform API): their CPU is charged to the target whose round it is. */
  helpers?: Target[];
  levels?: number[];
  perLevel?: number;
  /** Filled with the send time (epoch ms) of every request that has a `key`. */
  sentAt?: Map<string, number>;
  warmup?: number;
}

interface Stat {
  p50: number;
  p99: number;
  n: number;
  /** Server CPU per request in ms (all threads; the main thread's alone), and that of the helper processes (the fake API) it called. */
  cpu: number;
  mainCpu: number;
  helperCpu: number;
}

export interface LevelResult {
  concurrency: number;
  bare: Stat;
  bot: Stat;
  ratio: number;
}

const MAX_RATIO = 1.5;
const MAX_P99_AT_50 = 100;

/** Runs the comparison, prints the table and the verdict; returns whether the targets are met. */
export async function compare(o: CompareOptions): Promise<boolean> {
  const levels = o.levels ?? (process.env.BENCH_LEVELS ?? '1,10,50').split(',').map(Number);
  // A p99 is the 50th-worst of 5 000 samples. Over 600 or 2 000 (its 6th or 20th worst) it moved
  // by a third from run to run on this 2-core machine, bare Bolt against itself included.
  const perLevel = o.perLevel ?? Number(process.env.BENCH_REQUESTS ?? 5000);
  const warmup = o.warmup ?? Number(process.env.BENCH_WARMUP ?? 400);
  const targets = [o.bare, o.bot];
  const pools = new Map<Target, Pool>();
  const poolFor = (t: Target, c: number) => {
    void pools.get(t)?.close();
    const p = new Pool(t.url, { connections: c, pipelining: 1, keepAliveTimeout: 60_000 });
    pools.set(t, p);
    return p;
  };
  const run = (t: Target, pool: Pool, n: number, c: number) => round(pool, o.requests(t, n), c, (s, b) => o.check(t, s, b), o.sentAt);

  // Warm-up: JIT, caches, database pages, then the pool's connections at each level.
  for (const t of targets) {
    await run(t, poolFor(t, 10), warmup, 10);
    await t.settle();
  }
  const results: LevelResult[] = [];
  for (const c of levels) {
    const samples = new Map<Target, number[]>(targets.map((t) => [t, []]));
    const cpuMs = new Map<Target, [number, number, number]>(targets.map((t) => [t, [0, 0, 0]]));
    const cpuNow = async (t: Target) => {
      const [own, ...rest] = await Promise.all([t, ...(o.helpers ?? [])].map((x) => x.cpu()));
      return [own!.total, own!.main ?? NaN, rest.reduce((a, b) => a + b.total, 0)] as const;
    };
    const pool = new Map(targets.map((t) => [t, poolFor(t, c)]));
    for (const t of targets) {
      await run(t, pool.get(t)!, Math.max(2 * c, 20), c);
      await t.settle();
    }
    // Rounds alternate bare/bot, and which one goes first, so drift and noise hit both alike.
    const size = Math.max(100, 4 * c);
    const rounds = Math.max(2, Math.ceil(perLevel / size));
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const cpu0 = await cpuNow(t);
        samples.get(t)!.push(...(await run(t, pool.get(t)!, size, c)));
        await t.settle();
        const cpu1 = await cpuNow(t);
        const acc = cpuMs.get(t)!;
        for (const k of [0, 1, 2] as const) acc[k] += cpu1[k] - cpu0[k];
      }
    }
    const stat = (t: Target) => {
      const xs = samples.get(t)!.sort((a, b) => a - b);
      return { p50: +percentile(xs, 50).toFixed(2), p99: +percentile(xs, 99).toFixed(2), n: xs.length, cpu: +(cpuMs.get(t)![0] / xs.length).toFixed(2), mainCpu: +(cpuMs.get(t)![1] / xs.length).toFixed(2), helperCpu: +(cpuMs.get(t)![2] / xs.length).toFixed(2) };
    };
    const bare = stat(o.bare);
    const bot = stat(o.bot);
    results.push({ concurrency: c, bare, bot, ratio: +(bot.p99 / bare.p99).toFixed(2) });
  }
  for (const p of pools.values()) await p.close();

  console.log(`${o.title} (node ${process.version}; servers in child processes, client: undici Pool, connections = concurrency)`);
  console.table(results.map((r) => ({
    concurrency: r.concurrency,
    'requests each': r.bare.n,
    [`${o.bare.name} p50 ms`]: r.bare.p50, [`${o.bare.name} p99 ms`]: r.bare.p99,
    [`${o.bot.name} p50 ms`]: r.bot.p50, [`${o.bot.name} p99 ms`]: r.bot.p99,
    'p99 ratio': r.ratio,
    // Server CPU per request, including work after the ack (+ the fake API's, when it is called),
    // and that of the main thread alone, the one that acks.
    [`${o.bare.name} cpu/req`]: r.bare.cpu, [`${o.bot.name} cpu/req`]: r.bot.helperCpu >= 0.01 ? `${r.bot.cpu} + ${r.bot.helperCpu}` : r.bot.cpu,
    'main thread cpu/req': `${r.bare.mainCpu} / ${r.bot.mainCpu}`,
  })));
  const misses: string[] = [];
  for (const r of results) if (r.ratio > MAX_RATIO) misses.push(`c=${r.concurrency}: p99 ratio ${r.ratio}x > ${MAX_RATIO}x`);
  const top = results.find((r) => r.concurrency === 50);
  if (top && top.bot.p99 >= MAX_P99_AT_50) misses.push(`c=50: ${o.bot.name} p99 ${top.bot.p99} ms >= ${MAX_P99_AT_50} ms`);
  if (misses.length === 0) console.log(`TARGETS MET: ${o.bot.name} p99 within ${MAX_RATIO}x of ${o.bare.name} at every level, and under ${MAX_P99_AT_50} ms at concurrency 50`);
  else console.log(`TARGETS MISSED: ${misses.join('; ')}`);
  return misses.length === 0;
}
