// npm run bench:console: the dashboard with 100 000 requests. Prints page weight (HTML + CSS,
// raw and gzip) and time to first render: server response time over HTTP, and first
// contentful paint in headless Chromium when /usr/bin/chromium is installed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { createBackline } from '../../src/app/create-app.js';
import { readEnv } from '../../src/config/env.js';
import { percentile } from '../lib/stats.js';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '10' } } });
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const dir = mkdtempSync(path.join(tmpdir(), 'backline-bench-console-'));
const app = await createBackline({
  env: readEnv({ DATABASE_URL: `file:${path.join(dir, 'bench.db')}`, LOG_LEVEL: 'silent', BACKLINE_SANDBOX: '1' }),
  configFile: path.resolve('config/org.example.yaml'),
});
try {
  const org = app.orgHolder.current;
  const prisma = app.db.prisma;
  const types = org.catalog.map((t) => t.id);
  const units = org.allUnits().map((u) => u.id);
  const statuses = ['pending_approval', 'pending_assignment', 'assigned', 'accepted', 'in_progress', 'delivered', 'closed', 'closed', 'closed', 'closed', 'rejected', 'cancelled'];
  const reps = ['zhang.qiang', 'yang.xue', 'ye.zhiqiang', 'daniel.wong'];
  const now = Date.now();
  const t0 = performance.now();
  const BATCH = 5000;
  for (let start = 0; start < ROWS; start += BATCH) {
    const reqs = [];
    const tasks = [];
    for (let i = start; i < Math.min(ROWS, start + BATCH); i++) {
      const typeId = types[i % types.length]!;
      const unitId = units[i % units.length]!;
      const status = statuses[i % statuses.length]!;
      const created = new Date(now - ((i * 7919) % (120 * 86_400_000)));
      const pool = org.holders(org.type(typeId)!.supporterRole, unitId);
      const assignee = ['assigned', 'accepted', 'in_progress', 'delivered', 'closed'].includes(status) ? pool[i % pool.length] ?? null : null;
      const closedAt = status === 'closed' ? new Date(created.getTime() + ((i % 20) + 1) * 3_600_000 * 6) : null;
      reqs.push({
        id: i + 1, typeId, unitId, customer: `Customer ${i % 997}`, title: `Project ${i}`, requesterId: reps[i % reps.length]!, status,
        fields: {}, version: 3, assigneeId: assignee, coordinatorId: assignee ? org.holders(org.type(typeId)!.coordinatorRole, unitId)[0] ?? null : null,
        createdAt: created, updatedAt: closedAt ?? created, closedAt,
      });
      const due = new Date(created.getTime() + 8 * 3_600_000);
      tasks.push({ id: `a-${i}`, requestId: i + 1, kind: 'approve', personId: 'wang.fang', status: 'done', createdAt: created, dueAt: due, decidedAt: new Date(created.getTime() + ((i % 12) + 1) * 3_600_000) });
      if (assignee) tasks.push({ id: `d-${i}`, requestId: i + 1, kind: 'deliver', personId: assignee, status: closedAt ? 'done' : 'open', createdAt: created, dueAt: new Date(created.getTime() + 40 * 3_600_000), decidedAt: closedAt });
    }
    await prisma.request.createMany({ data: reqs });
    await prisma.task.createMany({ data: tasks });
  }
  console.log(`seeded ${ROWS} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const port = await app.start(0);
  const base = `http://127.0.0.1:${port}`;
  const fetchTimes: number[] = [];
  let htmlBytes = 0;
  let htmlGzip = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    const s = performance.now();
    const res = await fetch(`${base}/dashboard`);
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`dashboard answered ${res.status}`);
    if (i > 0) fetchTimes.push(performance.now() - s); // the first request warms up the connection pool
    htmlBytes = body.length;
    htmlGzip = gzipSync(body).length;
  }
  const css = Buffer.from(await (await fetch(`${base}/console/console.css`)).arrayBuffer());
  const filtered: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    await (await fetch(`${base}/dashboard?type=price-request&unit=east&status=closed&search=Project%201`)).arrayBuffer();
    filtered.push(performance.now() - s);
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  console.log(`dashboard @ ${ROWS} requests`);
  console.log(`  page weight: HTML ${(htmlBytes / 1024).toFixed(1)} KiB (gzip ${(htmlGzip / 1024).toFixed(1)} KiB) + CSS ${(css.length / 1024).toFixed(1)} KiB (gzip ${(gzipSync(css).length / 1024).toFixed(1)} KiB); no scripts, no images, charts inline SVG`);
  console.log(`  server response, unfiltered: p50 ${percentile(sorted(fetchTimes), 50).toFixed(0)} ms, max ${Math.max(...fetchTimes).toFixed(0)} ms (${RUNS} runs)`);
  console.log(`  server response, 4 filters + search: p50 ${percentile(sorted(filtered), 50).toFixed(0)} ms, max ${Math.max(...filtered).toFixed(0)} ms`);

  if (existsSync(CHROMIUM)) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const fcps: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 5); i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/dashboard`, { waitUntil: 'load' });
      const fcp = await page.evaluate(() => new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const e = list.getEntries().find((x) => x.name === 'first-contentful-paint');
          if (e) resolve(e.startTime);
        }).observe({ type: 'paint', buffered: true });
        setTimeout(() => resolve(NaN), 3000);
      }));
      const dcl = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.domContentLoadedEventEnd ?? NaN);
      fcps.push(Number.isNaN(fcp) ? dcl : fcp);
      await context.close();
    }
    await browser.close();
    console.log(`  first contentful paint in Chromium (navigation start → FCP): p50 ${percentile(sorted(fcps), 50).toFixed(0)} ms, max ${Math.max(...fcps).toFixed(0)} ms (cold context each run)`);
  } else {
    console.log(`  (no Chromium at ${CHROMIUM}: first contentful paint not measured)`);
  }
} finally {
  await app.stop();
  rmSync(dir, { recursive: true, force: true });
}
