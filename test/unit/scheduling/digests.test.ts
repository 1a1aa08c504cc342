import { describe, expect, it } from 'vitest';
import { appointmentStillDue, appointmentTimers } from '../../../src/core/scheduling/appointments.js';
import {
  dueDailySlot, dueWeeklySlot, isEmptyDaily, percentile, selectDaily, selectWeekly, type DigestRequestRow, type DigestRows,
} from '../../../src/core/scheduling/digests.js';
import { schedulingMessages } from '../../../src/core/scheduling/messages.js';
import { buildDailyDigestView, buildWeeklyDigestView } from '../../../src/core/views/digest.js';
import { buildReminderView } from '../../../src/core/views/reminder.js';
import { schedOrg as org, sh } from './fixture.js';

const boss = org.data.digests.find((d) => d.to === 'boss.sh')!;
const ny = org.data.digests.find((d) => d.to === 'ny.approver')!;
const iso = (d: Date | undefined | null) => d?.toISOString();

const req = (id: number, over: Partial<DigestRequestRow> = {}): DigestRequestRow => ({
  id, typeId: 'customer-presentation', unitId: 'east', title: `Talk ${id}`, customer: 'ACME', requesterId: 'rep.sh', status: 'pending_assignment',
  assigneeId: null, rating: null, createdAt: sh('2026-11-23T10:00'), updatedAt: sh('2026-11-23T10:00'), closedAt: null, scheduledAt: null, ...over,
});

describe('when a digest is due', () => {
  it('daily at the reader\'s local time, keyed per person per day', () => {
    expect(dueDailySlot(boss, org, sh('2026-11-23T20:00'))?.key).toBe('digest:daily:boss.sh:2026-11-23');
    expect(dueDailySlot(boss, org, sh('2026-11-24T08:59'))).toBeNull();
    const slot = dueDailySlot(boss, org, sh('2026-11-24T09:00'))!;
    expect(slot.key).toBe('digest:daily:boss.sh:2026-11-24');
    expect(iso(slot.at)).toBe(iso(sh('2026-11-24T09:00')));
  });

  it('a missed slot is caught up once within 12 hours, then given up (never one per missed tick)', () => {
    expect(dueDailySlot(boss, org, sh('2026-11-24T20:59'))?.key).toBe('digest:daily:boss.sh:2026-11-24');
    // Wednesday 08:00: Tuesday's 09:00 is 23 h old
    expect(dueDailySlot(boss, org, sh('2026-11-25T08:00'))).toBeNull();
  });

  it('not on weekends or holidays of the reader', () => {
    expect(dueDailySlot(boss, org, sh('2026-11-28T10:00'))).toBeNull(); // Saturday
    expect(dueDailySlot(boss, org, sh('2026-10-01T10:00'))).toBeNull(); // National Day
    // Thanksgiving is ny.approver's own holiday
    expect(dueDailySlot(ny, org, new Date('2026-11-26T08:30:00-05:00'))).toBeNull();
  });

  it('in New York across the DST change: 08:00 local is 12:00Z in October and 13:00Z in November', () => {
    expect(iso(dueDailySlot(ny, org, new Date('2026-10-30T12:30:00Z'))?.at)).toBe('2026-10-30T12:00:00.000Z');
    expect(iso(dueDailySlot(ny, org, new Date('2026-11-02T13:30:00Z'))?.at)).toBe('2026-11-02T13:00:00.000Z');
  });

  it('weekly on its day, keyed per ISO week', () => {
    const slot = dueWeeklySlot(boss, org, sh('2026-11-23T09:30'))!;
    expect(slot.key).toBe('digest:weekly:boss.sh:2026-W48');
    expect(dueWeeklySlot(boss, org, sh('2026-11-23T09:29'))).toBeNull();
  });
});

describe('what a daily digest says', () => {
  const now = sh('2026-11-24T09:00');
  const since = sh('2026-11-23T09:00');
  const today = { start: sh('2026-11-24T00:00'), end: sh('2026-11-25T00:00') };
  const rows: DigestRows = {
    waiting: [
      { task: { requestId: 1, kind: 'assign', personId: 'pm.sh', status: 'open', createdAt: sh('2026-11-23T10:00'), dueAt: sh('2026-11-23T14:00'), decidedAt: null }, request: req(1) },
      { task: { requestId: 2, kind: 'deliver', personId: 'pe.sh', status: 'open', createdAt: sh('2026-11-23T11:00'), dueAt: sh('2026-11-30T11:00'), decidedAt: null }, request: req(2, { status: 'accepted' }) },
      { task: { requestId: 9, kind: 'assign', personId: 'pm.sh', status: 'open', createdAt: sh('2026-11-23T11:00'), dueAt: null, decidedAt: null }, request: req(9, { unitId: 'west' }) },
    ],
    recent: [
      req(1), req(2, { status: 'accepted', createdAt: sh('2026-11-20T10:00') }),
      req(3, { status: 'closed', rating: 5, createdAt: sh('2026-11-10T10:00'), closedAt: sh('2026-11-23T15:00') }),
      req(4, { status: 'delivered', createdAt: sh('2026-11-10T10:00'), updatedAt: sh('2026-11-23T16:00') }),
    ],
    scheduled: [req(5, { scheduledAt: sh('2026-11-24T15:00'), createdAt: sh('2026-11-01T10:00') }), req(6, { scheduledAt: sh('2026-11-24T16:00'), status: 'cancelled' })],
  };

  it('new, waiting (on whom), overdue, today\'s items, delivered and closed, for the reader\'s units only', () => {
    const d = selectDaily(rows, ['east'], since, now, today);
    expect(d.newRequests.map((r) => r.id)).toEqual([1]);
    expect(d.overdue.map((w) => w.request.id)).toEqual([1]);
    expect(d.waiting.map((w) => w.request.id)).toEqual([2]);
    expect(d.today.map((r) => r.id)).toEqual([5]);
    expect(d.delivered.map((r) => r.id)).toEqual([4]);
    expect(d.closed.map((r) => r.id)).toEqual([3]);
    expect(isEmptyDaily(d)).toBe(false);
    expect(isEmptyDaily(selectDaily(rows, ['south'], since, now, today))).toBe(true);
  });

  it('renders in the reader\'s language with buttons to act', () => {
    const d = selectDaily(rows, ['east'], since, now, today);
    const zh = buildDailyDigestView('boss.sh', d, org, now, 'https://backline.example.com');
    expect(zh.locale).toBe('zh-CN');
    expect(zh.title).toBe('每日摘要:华东');
    expect(zh.sections.map((s) => s.title)).toEqual(['已超时', '今日安排', '自上次摘要以来新增', '等待中', '已交付与已关闭']);
    expect(zh.sections[0]!.lines[0]!.text).toContain('PM SH');
    expect(zh.actions.map((a) => a.id)).toEqual(['open', 'open', 'dashboard']);
    const en = buildDailyDigestView('ny.approver', d, org, now);
    expect(en.summary).toBe('1 new, 2 waiting, 1 overdue, 1 scheduled today, 2 delivered or closed');
  });
});

describe('what a weekly summary says', () => {
  it('volume by type, median and p90 cycle time, SLA hit rate, load per supporter, and a chart', () => {
    const from = sh('2026-11-16T09:30');
    const to = sh('2026-11-23T09:30');
    const closed = (id: number, days: number) => req(id, { status: 'closed', createdAt: sh('2026-11-17T10:00'), closedAt: new Date(sh('2026-11-17T10:00').getTime() + days * 86_400_000) });
    const w = selectWeekly({
      recent: [closed(1, 1), closed(2, 2), closed(3, 3), req(4, { typeId: 'system-test', createdAt: sh('2026-11-18T10:00') })],
      finished: [
        { requestId: 1, kind: 'assign', personId: 'pm.sh', status: 'done', createdAt: from, dueAt: sh('2026-11-17T14:00'), decidedAt: sh('2026-11-17T12:00') },
        { requestId: 2, kind: 'assign', personId: 'pm.sh', status: 'done', createdAt: from, dueAt: sh('2026-11-17T14:00'), decidedAt: sh('2026-11-17T15:00') },
      ],
      load: [{ unitId: 'east', assigneeId: 'pe.sh', n: 3 }, { unitId: 'west', assigneeId: 'x', n: 9 }],
    }, ['east'], from, to);
    expect(w.volume).toEqual([{ typeId: 'customer-presentation', n: 3 }, { typeId: 'system-test', n: 1 }]);
    expect(w.cycle).toEqual([{ typeId: 'customer-presentation', n: 3, medianMs: 2 * 86_400_000, p90Ms: 3 * 86_400_000 }]);
    expect(w.sla).toEqual({ hit: 1, total: 2 });
    expect(w.load).toEqual([{ personId: 'pe.sh', n: 3 }]);
    const view = buildWeeklyDigestView('ny.approver', w, org);
    expect(view.summary).toBe('4 requests this week, SLA hit rate 50%');
    expect(view.chart?.series).toEqual([{ label: 'Customer presentation', value: 3 }, { label: 'Technical / system test', value: 1 }]);
  });

  it('percentiles by nearest rank', () => {
    expect([percentile([], 50), percentile([5], 90), percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), percentile([3, 1, 2], 50)]).toEqual([0, 5, 9, 2]);
  });
});

describe('appointment reminders', () => {
  const r = { id: 7, typeId: 'project-bid', status: 'assigned', requesterId: 'rep.sh', assigneeId: 'pe.sh',
    fields: { submissionTime: sh('2026-11-25T10:00').toISOString(), presentationTime: sh('2026-11-30T14:00').toISOString() } };

  it('the working day before at business start and one hour before, for the requester and the supporter', () => {
    const timers = appointmentTimers(r, org, sh('2026-11-23T10:00'));
    expect(timers).toHaveLength(8);
    const mine = timers.filter((t) => t.personId === 'pe.sh' && t.payload.fieldId === 'presentationTime');
    // Monday's presentation: reminded on Friday
    expect(mine.map((t) => [t.payload.moment, iso(t.fireAt)])).toEqual([
      ['day_before', iso(sh('2026-11-27T09:00'))], ['hour_before', iso(sh('2026-11-30T13:00'))],
    ]);
  });

  it('is dropped when the request closed, the time moved, the supporter changed, or the hour-before one overtook it', () => {
    const p = { fieldId: 'submissionTime', at: sh('2026-11-25T10:00').toISOString(), moment: 'day_before' as const };
    const now = sh('2026-11-24T09:00');
    expect(appointmentStillDue(p, 'pe.sh', r, org, now)).toBe(true);
    expect(appointmentStillDue(p, 'pe.sh', { ...r, status: 'cancelled' }, org, now)).toBe(false);
    expect(appointmentStillDue(p, 'pe.sh', { ...r, fields: { ...r.fields, submissionTime: sh('2026-11-26T10:00').toISOString() } }, org, now)).toBe(false);
    expect(appointmentStillDue(p, 'pe.sh', { ...r, assigneeId: 'mk.sh' }, org, now)).toBe(false);
    expect(appointmentStillDue(p, 'pe.sh', r, org, sh('2026-11-25T09:10'))).toBe(false);
    expect(appointmentStillDue({ ...p, moment: 'hour_before' }, 'pe.sh', r, org, sh('2026-11-25T09:10'))).toBe(true);
  });
});

describe('scheduling strings', () => {
  it('exist in English and Chinese with the same placeholders', () => {
    const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join();
    for (const key of Object.keys(schedulingMessages.en) as Array<keyof typeof schedulingMessages.en>) {
      expect(ph(schedulingMessages['zh-CN'][key]), key).toBe(ph(schedulingMessages.en[key]));
    }
  });

  it('a reminder carries open buttons and a snooze button', () => {
    const view = buildReminderView('pm.sh', [
      { task: { kind: 'assign', personId: 'pm.sh', createdAt: sh('2026-11-23T10:00'), dueAt: sh('2026-11-23T14:00') }, request: { id: 1, typeId: 'customer-presentation', title: 'Talk' } },
    ], org, sh('2026-11-23T15:00'));
    expect(view.summary).toBe('1 waiting on you, 1 overdue');
    expect(view.actions).toEqual([{ id: 'open', label: 'Open #1', requestId: 1 }, { id: 'snooze', label: 'Snooze 4 h', hours: 4 }]);
  });
});
