import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequest } from '../../src/core/domain/lifecycle.js';
import { actOnRequest } from '../../src/core/use-cases/act-on-request.js';
import { RequestRepository } from '../../src/persistence/request-repository.js';
import { SqlClient } from '../../src/persistence/sql-client.js';
import { Scheduler } from '../../src/scheduling/scheduler.js';
import { freshDatabase, type TestDatabase } from '../helpers/databases.js';
import { SCHED_YAML, schedOrg as org, sh } from '../unit/scheduling/fixture.js';

// Two app processes (the real composition root, via `node --import tsx`) tick the same minutes
// against one PostgreSQL at the same time. What they enqueue together must equal what a single
// scheduler enqueues on an identical database: every reminder, escalation, appointment reminder
// and digest exactly once.

const run = promisify(execFile);
const INSTANTS = [
  '2026-11-23T12:00', '2026-11-23T13:00', '2026-11-23T14:00', '2026-11-23T16:00', '2026-11-23T17:00',
  '2026-11-24T09:00', '2026-11-24T09:30', '2026-11-24T11:00', '2026-11-24T14:00', '2026-11-24T16:00',
].map((s) => sh(s).toISOString());

async function seed(db: TestDatabase): Promise<void> {
  const sql = await SqlClient.open(db.url);
  const repo = new RequestRepository(db.prisma, sql);
  try {
    for (let i = 0; i < 24; i++) {
      const at = sh(`2026-11-23T${String(9 + (i % 4)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`);
      const typeId = i % 3 === 0 ? 'market-event' : 'customer-presentation';
      const fields = typeId === 'market-event' ? { eventTime: sh('2026-11-30T10:00').toISOString(), budgetTotal: 1000 } : { presentationTime: sh('2026-11-24T15:00').toISOString() };
      const tr = createRequest({ type: org.type(typeId)!, unitId: 'east', customer: `C${i}`, title: `R${i}`, fields, requesterId: 'rep.sh', scheduledAt: new Date(Object.values(fields)[0] as string) }, { org, now: at, newId: randomUUID });
      const id = await repo.commit(null, tr);
      if (i % 4 === 1 && typeId !== 'market-event') {
        await actOnRequest({ store: repo, org: () => org, clock: { now: () => new Date(at.getTime() + 30 * 60_000) }, newId: randomUUID }, { requestId: id, actorId: 'pm.sh', action: { type: 'assign', supporterId: 'pe.sh' } });
      }
    }
  } finally {
    await sql.close();
  }
}

/** What was enqueued, without ids: one string per outbox row (and per digest timer). */
async function enqueued(db: TestDatabase): Promise<string[]> {
  const rows = await db.prisma.outboxMessage.findMany({ where: { kind: { in: ['reminder', 'digest'] } } });
  const escalations = await db.prisma.auditEntry.findMany({ where: { action: 'escalate' } });
  return [
    ...rows.map((r) => `${r.kind}|${r.personId}|${r.requestId}|${r.createdAt.toISOString()}|${(r.payload as { view: { title: string; sections: Array<{ lines: unknown[] }> } }).view.title}|${(r.payload as { view: { sections: Array<{ lines: unknown[] }> } }).view.sections.reduce((n, s) => n + s.lines.length, 0)}`),
    ...escalations.map((e) => `audit|${e.requestId}|${(e.detail as { kind: string }).kind}|${e.createdAt.toISOString()}`),
  ].sort();
}

describe('two app processes on one PostgreSQL', () => {
  let shared: TestDatabase;
  let reference: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    [shared, reference] = await Promise.all([freshDatabase('postgresql'), freshDatabase('postgresql')]);
    await seed(shared);
    await seed(reference);
    dir = mkdtempSync(path.join(os.tmpdir(), 'backline-replicas-'));
    writeFileSync(path.join(dir, 'org.yaml'), SCHED_YAML);
  });
  afterAll(async () => {
    await shared?.close();
    await reference?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('send every reminder and every digest exactly once', async () => {
    const replica = () => run(process.execPath, ['--import', 'tsx', 'bench/scheduler/replica.ts', shared.url, path.join(dir, 'org.yaml'), '2', ...INSTANTS], { cwd: process.cwd(), timeout: 120_000 });
    const outs = await Promise.all([replica(), replica()]);
    const reports = outs.map((o) => JSON.parse(o.stdout.trim().split('\n').at(-1)!) as Record<string, number>);

    // The same minutes ticked once by one scheduler on an identical database.
    const sql = await SqlClient.open(reference.url);
    try {
      let now = new Date(INSTANTS[0]!);
      const one = new Scheduler({ sql, repo: new RequestRepository(reference.prisma, sql), org: () => org, clock: { now: () => now }, log: pino({ level: 'silent' }), workerId: 'ref', baseUrl: 'https://backline.example.com' });
      for (const iso of INSTANTS) {
        now = new Date(iso);
        await one.tick(now);
      }
    } finally {
      await sql.close();
    }

    const expected = await enqueued(reference);
    const actual = await enqueued(shared);
    expect(expected.filter((e) => e.startsWith('reminder|')).length).toBeGreaterThan(10);
    expect(expected.some((e) => e.startsWith('digest|'))).toBe(true);
    expect(expected.some((e) => e.startsWith('audit|'))).toBe(true);
    expect(actual).toEqual(expected);
    // Both processes did part of the work (the claims split it), and together exactly the reference.
    const sum = (k: string) => reports.reduce((n, r) => n + (r[k] ?? 0), 0);
    expect(sum('reminders') + sum('escalations') + sum('appointments') + sum('digests')).toBe(expected.filter((e) => !e.startsWith('audit|')).length);
  }, 180_000);
});
