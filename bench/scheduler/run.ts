// bench/scheduler: (1) every manager's daily digest and weekly summary for 100 000 requests and
// 500 managers, (2) one reminder sweep over 1 000 000 open steps of which 0.1 % are due, on SQLite
// and PostgreSQL. Run: npm run bench:scheduler [-- --requests N --steps N --only sqlite|postgresql]
//
// What is timed: digest = the scheduler's buildDigests() for all 500 readers at once (its queries
// plus building each MessageView; no outbox writes). Sweep = (a) the due-row query alone, through
// the (status, nextRemindAt) index, and (b) a whole tick's reminder phase: reading the due rows,
// planning, claiming each task with its conditional update and writing one batched outbox row per
// person, in one transaction per person.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { stringify } from 'yaml';
import { parseOrgConfig } from '../../src/config/load-org.js';
import { dueDailySlot, dueWeeklySlot, type DigestSlot } from '../../src/core/scheduling/digests.js';
import { applyMigrations } from '../../src/persistence/migrate.js';
import { createPrisma } from '../../src/persistence/prisma.js';
import { RequestRepository } from '../../src/persistence/request-repository.js';
import { insertMany, SqlClient } from '../../src/persistence/sql-client.js';
import { Scheduler } from '../../src/scheduling/scheduler.js';
import { freshDatabaseUrl } from '../../test/helpers/databases.js';

const { values: args } = parseArgs({ options: { requests: { type: 'string', default: '100000' }, steps: { type: 'string', default: '1000000' }, managers: { type: 'string', default: '500' }, only: { type: 'string' } } });
const REQUESTS = Number(args.requests);
const STEPS = Number(args.steps);
const MANAGERS = Number(args.managers);
const UNITS = 50;
const DUE_EVERY = 1000; // 0.1 % of the steps are due

// Tuesday 24 Nov 2026, 09:00 Shanghai: every manager's daily slot.
const NOW = new Date('2026-11-24T01:00:00Z');
const DAY = 86_400_000;

function buildOrg() {
  const units = Array.from({ length: UNITS }, (_, u) => ({
    id: `u${u}`, name: { 'zh-CN': `单位${u}`, en: `Unit ${u}` },
    roles: { presalesManager: [`c${u}`], presalesEngineer: [`s${u}a`, `s${u}b`, `s${u}c`], buMarketer: [`c${u}`], testManager: [`c${u}`], testEngineer: [`s${u}a`], buLeader: [`c${u}`], businessAssistant: [`s${u}b`], productManager: [`s${u}c`] },
  }));
  const people = [
    { id: 'rep', name: 'Rep', unit: 'u0' },
    ...units.flatMap((u, i) => [{ id: `c${i}`, name: `Coordinator ${i}` }, ...['a', 'b', 'c'].map((x) => ({ id: `s${i}${x}`, name: `Supporter ${i}${x}` }))]),
    ...Array.from({ length: MANAGERS }, (_, m) => ({ id: `m${m}`, name: `Manager ${m}`, ...(m % 2 ? { locale: 'zh-CN' } : {}) })),
  ];
  const digests = Array.from({ length: MANAGERS }, (_, m) => ({ to: `m${m}`, units: [`u${m % UNITS}`, `u${(m + 7) % UNITS}`], daily: '09:00', weekly: { day: 2, at: '09:00' }, skipEmpty: false }));
  const yaml = stringify({
    organization: { name: 'Bench Co', timezone: 'Asia/Shanghai', locale: 'en', publicUrl: 'https://backline.example.com' },
    people, units, digests,
    company: { roles: { companyLeader: ['m0'], marketManager: ['m1'], legal: ['m2'], administration: ['m3'], monitor: ['m4'] } },
  });
  return parseOrgConfig(yaml, 'bench org');
}

const ms = (start: number) => Math.round(performance.now() - start);

async function seedRequests(sql: SqlClient, org: ReturnType<typeof buildOrg>) {
  const types = org.catalog.map((t) => t.id);
  const statuses = ['closed', 'closed', 'closed', 'closed', 'closed', 'closed', 'delivered', 'in_progress', 'assigned', 'pending_assignment'];
  const reqCols = ['id', 'typeId', 'unitId', 'customer', 'title', 'requesterId', 'status', 'fields', 'version', 'coordinatorId', 'assigneeId', 'watchers', 'scheduledAt', 'createdAt', 'updatedAt', 'closedAt'];
  const taskCols = ['id', 'requestId', 'kind', 'personId', 'status', 'createdAt', 'dueAt', 'decidedAt', 'nextRemindAt', 'remindCount'];
  const chunk = 500;
  for (let start = 1; start <= REQUESTS; start += chunk) {
    const reqs: unknown[][] = [];
    const tasks: unknown[][] = [];
    for (let id = start; id < Math.min(start + chunk, REQUESTS + 1); id++) {
      const unit = id % UNITS;
      const status = statuses[id % statuses.length]!;
      // Spread over the past year; 1 % within the last day.
      const age = id % 100 === 0 ? (id % 23) * 3_600_000 : (id % 365) * DAY + (id % 24) * 3_600_000;
      const createdAt = new Date(NOW.getTime() - age);
      const updatedAt = status === 'closed' || status === 'delivered' ? new Date(createdAt.getTime() + Math.min(age, (1 + (id % 9)) * DAY) * 0.9) : createdAt;
      const closedAt = status === 'closed' ? updatedAt : null;
      const supporter = `s${unit}${'abc'[id % 3]}`;
      const assignee = status === 'pending_assignment' ? null : supporter;
      const scheduledAt = id % 10 === 0 ? new Date(NOW.getTime() + ((id % 61) - 30) * DAY / 2) : null;
      reqs.push([id, types[id % types.length], `u${unit}`, `Customer ${id}`, `Request ${id}`, 'rep', status, '{}', 3, `c${unit}`, assignee, '[]', scheduledAt, createdAt, updatedAt, closedAt]);
      if (status === 'pending_assignment') tasks.push([`r${id}-assign`, id, 'assign', `c${unit}`, 'open', createdAt, new Date(createdAt.getTime() + 4 * 3_600_000), null, new Date(NOW.getTime() + DAY), 0]);
      else {
        tasks.push([`r${id}-assign`, id, 'assign', `c${unit}`, 'done', createdAt, new Date(createdAt.getTime() + 4 * 3_600_000), new Date(createdAt.getTime() + (id % 7) * 3_600_000), null, 0]);
        const open = status === 'assigned' || status === 'in_progress';
        tasks.push([`r${id}-deliver`, id, 'deliver', supporter, open ? 'open' : 'done', createdAt, new Date(createdAt.getTime() + 5 * DAY), open ? null : updatedAt, open ? new Date(NOW.getTime() + DAY) : null, 0]);
        if (status === 'delivered') tasks.push([`r${id}-confirm`, id, 'confirm', 'rep', 'open', updatedAt, new Date(updatedAt.getTime() + 3 * DAY), null, new Date(NOW.getTime() + DAY), 0]);
      }
    }
    await sql.transaction(async (tx) => {
      const r = insertMany('Request', reqCols, reqs)!;
      await tx.execute(r.sql, r.args);
      for (let i = 0; i < tasks.length; i += 1000) {
        const t = insertMany('Task', taskCols, tasks.slice(i, i + 1000))!;
        await tx.execute(t.sql, t.args);
      }
    });
  }
  if (sql.provider === 'postgresql') await sql.execute('SELECT setval(pg_get_serial_sequence(\'"Request"\', \'id\'), (SELECT max("id") FROM "Request"))');
}

/** 1 000 000 open steps: generated in the database; every DUE_EVERY-th one is due. */
async function seedSteps(sql: SqlClient) {
  const series = sql.provider === 'postgresql'
    ? 'generate_series(1, ?) AS s(i)'
    : '(WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?) SELECT i FROM s) AS s';
  const future = Array.from({ length: 10 }, (_, k) => new Date(NOW.getTime() + (k + 1) * 3_600_000 * 7));
  const div = sql.provider === 'postgresql' ? '(i / 1000)' : 'CAST(i / 1000 AS INTEGER)';
  await sql.execute(
    `INSERT INTO "Task" ("id", "requestId", "kind", "personId", "status", "createdAt", "dueAt", "nextRemindAt", "remindCount")
     SELECT 'bench-' || i, (i % ${REQUESTS}) + 1, 'deliver', 'bp' || (${div} % 500), 'open', ?, ?,
       ${sql.provider === 'postgresql' ? 'CAST(' : ''}CASE WHEN i % ${DUE_EVERY} = 7 THEN ? ${future.map((_, k) => `WHEN i % 10 = ${k} THEN ?`).join(' ')} END${sql.provider === 'postgresql' ? ' AS timestamp(3))' : ''}, 0
     FROM ${series}`,
    [new Date(NOW.getTime() - 3 * DAY), new Date(NOW.getTime() + 2 * DAY), new Date(NOW.getTime() - 3_600_000), ...future, STEPS],
  );
  // In real life these steps pile up over months, with the database's background upkeep in
  // between; after one bulk INSERT that upkeep (PostgreSQL: visibility map and hint bits, a
  // checkpoint; SQLite: moving the WAL into the database file) would otherwise land on the sweep.
  if (sql.provider === 'postgresql') {
    await sql.execute('VACUUM ANALYZE "Task"');
    await sql.execute('CHECKPOINT');
  } else {
    await sql.execute('ANALYZE');
    await sql.query('PRAGMA wal_checkpoint(TRUNCATE)');
  }
}

async function bench(provider: 'sqlite' | 'postgresql') {
  const org = buildOrg();
  const { url, drop } = await freshDatabaseUrl(provider);
  await applyMigrations(url);
  const db = createPrisma(url);
  const sql = await SqlClient.open(url);
  const out: Record<string, unknown> = { provider };
  try {
    let t = performance.now();
    await seedRequests(sql, org);
    out.seedRequestsMs = ms(t);
    const scheduler = new Scheduler({ sql, repo: new RequestRepository(db.prisma, sql), org: () => org, clock: { now: () => NOW }, log: pino({ level: 'silent' }), workerId: 'bench', baseUrl: 'https://backline.example.com' });

    const daily = org.data.digests.map((cfg) => ({ cfg, slot: dueDailySlot(cfg, org, NOW) as DigestSlot }));
    const weekly = org.data.digests.map((cfg) => ({ cfg, slot: dueWeeklySlot(cfg, org, NOW) as DigestSlot }));
    await scheduler.buildDigests(daily.slice(0, 5), NOW); // warm-up (JIT, connection)
    t = performance.now();
    const dailyViews = await scheduler.buildDigests(daily, NOW);
    out.dailyDigestsMs = ms(t);
    out.dailyDigests = dailyViews.size;
    out.avgLinesPerDigest = Math.round([...dailyViews.values()].reduce((n, v) => n + v.view.sections.reduce((k, s) => k + s.lines.length, 0), 0) / dailyViews.size);
    t = performance.now();
    const weeklyViews = await scheduler.buildDigests(weekly, NOW);
    out.weeklySummariesMs = ms(t);
    out.weeklySummaries = weeklyViews.size;

    t = performance.now();
    await seedSteps(sql);
    out.seedStepsMs = ms(t);
    const open = await sql.query('SELECT CAST(count(*) AS INTEGER) AS "n" FROM "Task" WHERE "status" = \'open\'');
    out.openSteps = Number(open[0]?.n);
    const dueCount = await sql.query('SELECT CAST(count(*) AS INTEGER) AS "d" FROM "Task" WHERE "status" = \'open\' AND "nextRemindAt" <= ?', [NOW]);
    out.dueSteps = Number(dueCount[0]?.d);
    const explain = provider === 'postgresql'
      ? await sql.query('EXPLAIN SELECT "id" FROM "Task" WHERE "status" = \'open\' AND "nextRemindAt" <= $1 ORDER BY "nextRemindAt" LIMIT 500'.replace('$1', '?'), [NOW])
      : await sql.query('EXPLAIN QUERY PLAN SELECT "id" FROM "Task" WHERE "status" = \'open\' AND "nextRemindAt" <= ? ORDER BY "nextRemindAt" LIMIT 500', [NOW]);
    out.duePlan = explain.map((r) => String(r['QUERY PLAN'] ?? r.detail)).join(' | ');
    t = performance.now();
    const due = await scheduler.store.dueTasks(NOW, 500);
    out.dueQueryMs = ms(t);
    out.dueQueryRows = due.length;
    t = performance.now();
    const cpu0 = process.cpuUsage();
    const report = await scheduler.sweepReminders(NOW);
    out.sweepMs = ms(t);
    const cpu = process.cpuUsage(cpu0);
    out.sweepAppCpuMs = Math.round((cpu.user + cpu.system) / 1000);
    out.sweepReminderMessages = report.reminders;
    out.sweepTasksClaimed = await sql.query('SELECT CAST(count(*) AS INTEGER) AS "n" FROM "Task" WHERE "remindCount" > 0').then((r) => Number(r[0]?.n));
    t = performance.now();
    const again = await scheduler.sweepReminders(new Date(NOW.getTime() + 60_000));
    out.nextSweepMs = ms(t);
    out.nextSweepMessages = again.reminders;
  } finally {
    await sql.close();
    await db.close();
    await drop();
  }
  return out;
}

const providers = (args.only ? [args.only] : ['sqlite', 'postgresql']) as Array<'sqlite' | 'postgresql'>;
for (const p of providers) console.log(JSON.stringify(await bench(p), null, 2));
