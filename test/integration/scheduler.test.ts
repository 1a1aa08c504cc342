import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { firstScheduled } from '../../src/core/catalog/validate.js';
import { createRequest, type Action } from '../../src/core/domain/lifecycle.js';
import type { CoreDeps } from '../../src/core/ports.js';
import type { MessageView } from '../../src/core/views/model.js';
import { buildRequestCard } from '../../src/core/views/request-card.js';
import { actOnRequest } from '../../src/core/use-cases/act-on-request.js';
import { RequestRepository } from '../../src/persistence/request-repository.js';
import { SqlClient } from '../../src/persistence/sql-client.js';
import { Scheduler } from '../../src/scheduling/scheduler.js';
import { freshDatabase, providers, type TestDatabase } from '../helpers/databases.js';
import { schedOrg as org, sh } from '../unit/scheduling/fixture.js';

// The scheduler on a real database with a controllable clock: nothing here sleeps. Each test
// moves `now` and calls tick(now), as the cron task does every minute.

describe.each(providers)('scheduler on %s', (provider) => {
  let db: TestDatabase;
  let sql: SqlClient;
  let repo: RequestRepository;
  let now: Date;
  let scheduler: Scheduler;
  const log = pino({ level: 'silent' });

  const newScheduler = (workerId = 'w1') => new Scheduler({ sql, repo, org: () => org, clock: { now: () => now }, log, workerId, baseUrl: 'https://backline.example.com' });
  const deps = (): CoreDeps => ({ store: repo, org: () => org, clock: { now: () => now }, newId: randomUUID });

  async function submit(typeId: string, at: Date, fields: Record<string, unknown> = {}): Promise<number> {
    const type = org.type(typeId)!;
    const tr = createRequest({ type, unitId: 'east', customer: 'ACME', title: `${typeId} for ACME`, fields, requesterId: 'rep.sh', scheduledAt: firstScheduled(type, fields) }, { org, now: at, newId: randomUUID });
    return repo.commit(null, tr);
  }
  async function act(requestId: number, actorId: string, action: Action, at: Date) {
    now = at;
    await actOnRequest(deps(), { requestId, actorId, action });
  }
  async function tick(at: Date) {
    now = at;
    return scheduler.tick(at);
  }
  const reminders = async (personId?: string) => (await db.prisma.outboxMessage.findMany({ where: { kind: 'reminder', ...(personId ? { personId } : {}) }, orderBy: { id: 'asc' } }))
    .map((m) => ({ ...m, view: (m.payload as unknown as { view: MessageView }).view, escalation: Boolean((m.payload as { escalation?: boolean }).escalation) }));

  beforeAll(async () => {
    db = await freshDatabase(provider);
    sql = await SqlClient.open(db.url);
    repo = new RequestRepository(db.prisma, sql);
  });
  afterAll(async () => {
    await sql?.close();
    await db?.close();
  });
  beforeEach(async () => {
    for (const table of ['outboxMessage', 'timer', 'auditEntry', 'task', 'approvalStep', 'assignment', 'attachment', 'request'] as const) {
      await (db.prisma[table] as unknown as { deleteMany(): Promise<unknown> }).deleteMany();
    }
    scheduler = newScheduler();
  });

  it('batches due steps into one reminder, escalates once to the manager with an audit entry and card refreshes, and never sends twice', async () => {
    const a = await submit('customer-presentation', sh('2026-11-23T10:00'));
    const b = await submit('customer-presentation', sh('2026-11-23T10:00'));
    await tick(sh('2026-11-23T11:59'));
    expect(await reminders()).toHaveLength(0);

    await tick(sh('2026-11-23T12:00'));
    await tick(sh('2026-11-23T12:00'));
    let sent = await reminders();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.personId).toBe('pm.sh');
    expect(sent[0]!.view.sections[0]!.lines.map((l) => l.requestId)).toEqual([a, b]);
    expect(sent[0]!.view.actions.map((x) => x.id)).toEqual(['open', 'open', 'snooze']);

    await tick(sh('2026-11-23T16:00'));
    await tick(sh('2026-11-23T16:01'));
    sent = await reminders();
    expect(sent.map((m) => [m.personId, m.escalation])).toEqual([['pm.sh', false], ['pm.sh', false], ['boss.sh', true]]);
    expect(sent[2]!.view.locale).toBe('zh-CN');
    expect(sent[2]!.view.title).toBe('升级提醒:PM SH 尚未处理');
    const tasks = await db.prisma.task.findMany({ where: { kind: 'assign' } });
    expect(tasks.every((t) => t.escalatedAt?.getTime() === sh('2026-11-23T16:00').getTime() && t.remindCount === 2)).toBe(true);
    const audit = await db.prisma.auditEntry.findMany({ where: { action: 'escalate' } });
    expect(audit.map((e) => [e.requestId, (e.detail as { person: string }).person]).sort()).toEqual([[a, 'boss.sh'], [b, 'boss.sh']]);
    const cards = await db.prisma.outboxMessage.findMany({ where: { kind: 'card', createdAt: sh('2026-11-23T16:00') } });
    expect(new Set(cards.map((c) => `${c.requestId}:${c.personId}`))).toEqual(new Set([`${a}:rep.sh`, `${a}:pm.sh`, `${b}:rep.sh`, `${b}:pm.sh`]));
    // The refreshed card says who was told, next to the step that waits.
    const card = buildRequestCard({ request: (await repo.load(a))!, viewerId: 'rep.sh', org, now, audit: await repo.audit(a), locale: 'en' });
    expect(card.waitingOn).toMatch(/PM SH · .* · Escalated to Boss SH/);
    // The request moved on a version, so a user action computed before the escalation reloads.
    expect((await repo.load(a))!.version).toBe(2);
    await act(a, 'pm.sh', { type: 'assign', supporterId: 'pe.sh' }, sh('2026-11-23T16:05'));
    expect((await repo.load(a))!.status).toBe('assigned');
  });

  it('a person another replica already reminded is rolled back alone; the others in the same commit get theirs', async () => {
    const pmRequest = await submit('customer-presentation', sh('2026-11-23T10:00'));
    await submit('sales-collateral', sh('2026-11-23T10:00'));
    // pm.sh's ledger write fails after the claims and the write itself, as when another replica
    // wrote the same ledger key between our count and our insert.
    const record = scheduler.store.recordReminderSent.bind(scheduler.store);
    scheduler.store.recordReminderSent = async (q, personId, day, n, at) => {
      await record(q, personId, day, n, at);
      if (personId === 'pm.sh') throw new Error('duplicate key value violates unique constraint "Timer_key_key"');
    };
    const report = await tick(sh('2026-11-23T12:00'));
    expect(report.reminders).toBe(1);
    expect((await reminders()).map((m) => m.personId)).toEqual(['mk.sh']);
    // pm.sh's claim went back with the rest of its savepoint: the task is still due for the next tick.
    const task = (await repo.load(pmRequest))!.tasks.find((t) => t.personId === 'pm.sh')!;
    expect(task.remindCount ?? 0).toBe(0);
    expect(task.nextRemindAt!.getTime()).toBeLessThanOrEqual(sh('2026-11-23T12:00').getTime());
    expect(await db.prisma.timer.count({ where: { personId: 'pm.sh', kind: 'reminder-sent' } })).toBe(0);
    expect(await db.prisma.timer.count({ where: { personId: 'mk.sh', kind: 'reminder-sent' } })).toBe(1);
  });

  it('holds reminders outside business hours and over holidays, and after downtime sends one reminder, not one per missed interval', async () => {
    await submit('customer-presentation', sh('2026-09-30T16:00')); // Wednesday before National Day
    await tick(sh('2026-09-30T18:00'));
    await tick(sh('2026-10-01T10:00'));
    await tick(sh('2026-10-02T10:00'));
    expect(await reminders()).toHaveLength(0);
    const task = await db.prisma.task.findFirstOrThrow({ where: { kind: 'assign' } });
    expect(task.nextRemindAt?.toISOString()).toBe(sh('2026-10-05T09:00').toISOString());
    // Down from Friday until Tuesday afternoon: reminder times and the escalation all passed.
    await tick(sh('2026-10-06T15:00'));
    await tick(sh('2026-10-06T15:01'));
    const sent = await reminders();
    expect(sent.map((m) => [m.personId, m.escalation])).toEqual([['pm.sh', false], ['boss.sh', true]]);
  });

  it('drops reminders made moot while it was down: a step settled meanwhile is never reminded', async () => {
    const id = await submit('customer-presentation', sh('2026-11-23T10:00'));
    await act(id, 'pm.sh', { type: 'assign', supporterId: 'pe.sh' }, sh('2026-11-23T13:00'));
    await tick(sh('2026-11-23T13:30'));
    expect((await reminders()).map((m) => m.personId)).toEqual([]);
  });

  it('sends at most maxPerPersonPerDay reminders a day, then continues the next working day', async () => {
    for (const hh of ['09:00', '10:00', '11:00', '12:00', '13:00']) await submit('customer-presentation', sh(`2026-11-23T${hh}`));
    for (let h = 9; h <= 17; h++) await tick(sh(`2026-11-23T${String(h).padStart(2, '0')}:00`));
    const day1 = (await reminders('pm.sh')).filter((m) => !m.escalation);
    expect(day1).toHaveLength(3);
    await tick(sh('2026-11-24T09:00'));
    expect((await reminders('pm.sh')).filter((m) => !m.escalation)).toHaveLength(4);
  });

  it('snooze stops reminders for the given hours', async () => {
    await submit('customer-presentation', sh('2026-11-23T10:00'));
    now = sh('2026-11-23T11:00');
    const result = await scheduler.snooze('pm.sh', 3);
    expect(result).toEqual({ personId: 'pm.sh', snoozedUntil: sh('2026-11-23T14:00'), tasks: 1 });
    await tick(sh('2026-11-23T12:00'));
    await tick(sh('2026-11-23T13:59'));
    expect(await reminders()).toHaveLength(0);
    await tick(sh('2026-11-23T14:00'));
    expect((await reminders()).map((m) => m.personId)).toEqual(['pm.sh']);
  });

  it('reminds the requester and the supporter the working day before and an hour before, and drops them when the request is cancelled', async () => {
    const at = sh('2026-11-25T15:00'); // Wednesday
    const id = await submit('customer-presentation', sh('2026-11-23T10:00'), { presentationTime: at.toISOString() });
    await tick(sh('2026-11-23T10:00'));
    await act(id, 'pm.sh', { type: 'assign', supporterId: 'pe.sh' }, sh('2026-11-23T11:00'));
    await tick(sh('2026-11-23T11:10'));
    expect(await db.prisma.timer.count({ where: { kind: 'appointment' } })).toBe(4);
    await tick(sh('2026-11-24T09:00'));
    const dayBefore = await reminders();
    expect(dayBefore.filter((m) => m.view.title === 'Tomorrow: Customer presentation').map((m) => m.personId).sort()).toEqual(['pe.sh', 'rep.sh']);
    await act(id, 'rep.sh', { type: 'cancel', reason: 'customer postponed' }, sh('2026-11-24T10:00'));
    await tick(sh('2026-11-25T14:00'));
    expect((await reminders()).filter((m) => m.view.title.startsWith('In one hour'))).toHaveLength(0);
    expect(await db.prisma.timer.count({ where: { kind: 'appointment', status: 'dropped' } })).toBe(2);
  });

  it('after delivery asks the requester to confirm, and after a market event to attach the summary', async () => {
    const id = await submit('market-event', sh('2026-11-23T09:00'), { eventTime: sh('2026-11-20T10:00').toISOString(), budgetTotal: 1000 });
    await act(id, 'ny.approver', { type: 'decide', decision: 'approve' }, sh('2026-11-23T09:30'));
    await act(id, 'mk.sh', { type: 'assign', supporterId: 'mk.sh' }, sh('2026-11-23T09:40'));
    await act(id, 'mk.sh', { type: 'accept' }, sh('2026-11-23T09:50'));
    await act(id, 'mk.sh', { type: 'deliver', link: 'https://x.example/report' }, sh('2026-11-23T10:00'));
    // confirm: 24 h SLA, first nudge after 12 business hours (Tuesday 13:00)
    await tick(sh('2026-11-24T13:00'));
    expect((await reminders('rep.sh')).at(-1)!.view.sections[0]!.lines[0]!.text).toContain('confirm delivery');
    await act(id, 'rep.sh', { type: 'confirm', rating: 5 }, sh('2026-11-24T14:00'));
    // summary: 40 h SLA, first nudge after 20 business hours
    await tick(sh('2026-11-26T16:00'));
    expect((await reminders('rep.sh')).at(-1)!.view.sections[0]!.lines[0]!.text).toContain('attach the event summary');
  });

  it('sends a missed daily digest once on start, from either replica, with what happened since', async () => {
    const id = await submit('customer-presentation', sh('2026-11-23T10:00'));
    // Down from Monday evening until Tuesday 11:30: Tuesday's 09:00 digest is sent once, late.
    const replica = newScheduler('w2');
    now = sh('2026-11-24T11:30');
    await Promise.all([scheduler.tick(now), replica.tick(now)]);
    await tick(sh('2026-11-24T11:31'));
    const digests = await db.prisma.outboxMessage.findMany({ where: { kind: 'digest' } });
    expect(digests.map((d) => d.personId)).toEqual(['boss.sh']);
    const view = (digests[0]!.payload as unknown as { view: MessageView }).view;
    expect(view.title).toBe('每日摘要:华东');
    expect(view.sections.flatMap((s) => s.lines.map((l) => l.requestId))).toContain(id);
    expect(await db.prisma.timer.findUnique({ where: { key: 'digest:daily:boss.sh:2026-11-24' } })).toMatchObject({ status: 'done' });
  });

  it('skips an empty digest when skipEmpty is set, and /support digest shows one now', async () => {
    await tick(new Date('2026-11-24T08:30:00-05:00'));
    expect(await db.prisma.outboxMessage.count({ where: { kind: 'digest' } })).toBe(0);
    expect(await db.prisma.timer.findUnique({ where: { key: 'digest:daily:ny.approver:2026-11-24' } })).toMatchObject({ status: 'dropped' });
    // New since that (skipped) digest.
    await submit('customer-presentation', sh('2026-11-24T22:00'));
    const view = await scheduler.digestFor('ny.approver', sh('2026-11-24T23:00'));
    expect(view?.title).toBe('Daily digest: East');
    expect(view?.sections.map((s) => s.title)).toEqual(['New since the last digest', 'Waiting']);
    expect(await scheduler.digestFor('rep.sh', sh('2026-11-24T11:00'))).toBeNull();
  });

  it('sends the weekly summary with volume, cycle time, SLA and load', async () => {
    const id = await submit('customer-presentation', sh('2026-11-16T10:00'));
    await act(id, 'pm.sh', { type: 'assign', supporterId: 'pe.sh' }, sh('2026-11-16T11:00'));
    await tick(sh('2026-11-23T09:30'));
    const weekly = (await db.prisma.outboxMessage.findMany({ where: { kind: 'digest' } })).map((d) => (d.payload as unknown as { view: MessageView; digest: string }))
      .find((p) => p.digest === 'weekly')!;
    expect(weekly.view.title).toBe('每周汇总:华东');
    expect(weekly.view.chart?.series).toEqual([{ label: '用户展现', value: 1 }]);
    expect(weekly.view.sections.map((s) => s.title)).toEqual(['按类型统计数量', '时限', '支持人员在办数量']);
  });
});
