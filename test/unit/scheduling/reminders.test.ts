import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBusinessTime } from '../../../src/core/domain/business-time.js';
import type { TaskKind } from '../../../src/core/domain/types.js';
import {
  clampSnoozeHours, escalationTarget, escalationTime, localDay, planPersonReminders, type DueTask,
} from '../../../src/core/scheduling/reminders.js';
import { schedOrg as org, sh } from './fixture.js';

const task = (over: Partial<DueTask> & { createdAt: Date }): DueTask => ({
  id: 't1', requestId: 1, kind: 'assign', personId: 'pm.sh', dueAt: null, nextRemindAt: over.createdAt, remindCount: 0,
  escalatedAt: null, snoozedUntil: null, ...over,
});
const iso = (d: Date) => d.toISOString();

describe('escalation point', () => {
  it('is escalateAt × SLA in the assignee\'s business hours (assign: 1.5 × 4 h = 6 h)', () => {
    expect(iso(escalationTime(task({ createdAt: sh('2026-11-23T10:00') }), org))).toBe(iso(sh('2026-11-23T16:00')));
  });

  it('goes to the manager, else the coordinator, never to the person themselves', () => {
    expect(escalationTarget('pm.sh', org, ['pm.sh'])).toBe('boss.sh');
    expect(escalationTarget('ny.approver', org, ['pm.sh'])).toBe('pm.sh');
    expect(escalationTarget('mk.sh', org, ['mk.sh'])).toBeUndefined();
  });
});

describe('planning one person\'s reminders in Shanghai (no daylight saving)', () => {
  const created = sh('2026-11-23T10:00'); // Monday

  it('reminds in business hours and wakes up again at the escalation point when it comes first', () => {
    const plan = planPersonReminders('pm.sh', [task({ createdAt: created })], org, sh('2026-11-23T12:00'), 0);
    expect(plan.tasks[0]).toMatchObject({ remind: true, escalate: false });
    expect(iso(plan.tasks[0]!.next)).toBe(iso(sh('2026-11-23T16:00')));
  });

  it('escalates once past the point, and the next reminder is repeatEveryHours business hours later', () => {
    const plan = planPersonReminders('pm.sh', [task({ createdAt: created })], org, sh('2026-11-23T16:00'), 1);
    expect(plan.tasks[0]).toMatchObject({ remind: true, escalate: true });
    // 2 h left on Monday, 2 h on Tuesday
    expect(iso(plan.tasks[0]!.next)).toBe(iso(sh('2026-11-24T11:00')));
    const again = planPersonReminders('pm.sh', [task({ createdAt: created, escalatedAt: sh('2026-11-23T16:00') })], org, sh('2026-11-24T11:00'), 0);
    expect(again.tasks[0]!.escalate).toBe(false);
  });

  it('batches every due task of the person into the one message', () => {
    const plan = planPersonReminders('pm.sh', [task({ id: 'a', createdAt: created }), task({ id: 'b', kind: 'deliver', createdAt: created })], org, sh('2026-11-23T12:00'), 0);
    expect(plan.tasks.map((p) => p.remind)).toEqual([true, true]);
  });

  it('holds reminders outside business hours until the next opening', () => {
    const plan = planPersonReminders('pm.sh', [task({ createdAt: sh('2026-11-23T17:00') })], org, sh('2026-11-23T19:00'), 0);
    expect(plan.held).toBe('outside_business_hours');
    expect(plan.tasks[0]!.remind).toBe(false);
    expect(iso(plan.tasks[0]!.next)).toBe(iso(sh('2026-11-24T09:00')));
  });

  it('skips the National Day holidays and the weekend', () => {
    const plan = planPersonReminders('pm.sh', [task({ createdAt: sh('2026-09-30T17:00'), kind: 'deliver' })], org, sh('2026-09-30T19:00'), 0);
    expect(iso(plan.tasks[0]!.next)).toBe(iso(sh('2026-10-05T09:00')));
  });

  it('holds reminders past the daily limit until the next working day', () => {
    const plan = planPersonReminders('pm.sh', [task({ createdAt: sh('2026-11-23T09:00'), kind: 'deliver' })], org, sh('2026-11-23T15:00'), 3);
    expect(plan.held).toBe('daily_limit');
    expect(iso(plan.tasks[0]!.next)).toBe(iso(sh('2026-11-24T09:00')));
  });

  it('a snoozed task waits for the snooze to end, but still escalates on time', () => {
    const snoozedUntil = sh('2026-11-23T17:30');
    const early = planPersonReminders('pm.sh', [task({ createdAt: created, snoozedUntil })], org, sh('2026-11-23T12:00'), 0);
    expect(early.held).toBe('snoozed');
    // the escalation point (16:00) comes before the snooze ends
    expect(iso(early.tasks[0]!.next)).toBe(iso(sh('2026-11-23T16:00')));
    const atEscalation = planPersonReminders('pm.sh', [task({ createdAt: created, snoozedUntil })], org, sh('2026-11-23T16:00'), 0);
    expect(atEscalation.tasks[0]).toMatchObject({ remind: false, escalate: true });
    expect(iso(atEscalation.tasks[0]!.next)).toBe(iso(snoozedUntil));
  });
});

describe('planning in New York (daylight saving ends Sunday 1 Nov 2026)', () => {
  it('counts business hours across the DST change: Friday 17:00 EDT + 4 h is Monday 12:00 EST', () => {
    const t = task({ personId: 'ny.approver', kind: 'approve', createdAt: new Date('2026-10-30T09:00:00-04:00') });
    const plan = planPersonReminders('ny.approver', [t], org, new Date('2026-10-30T17:00:00-04:00'), 0);
    expect(plan.tasks[0]!.remind).toBe(true);
    expect(iso(plan.tasks[0]!.next)).toBe(iso(new Date('2026-11-02T12:00:00-05:00')));
  });

  it('never reminds on the person\'s own holiday (Thanksgiving) although Shanghai works', () => {
    const t = task({ personId: 'ny.approver', kind: 'approve', createdAt: new Date('2026-11-25T09:00:00-05:00') });
    const plan = planPersonReminders('ny.approver', [t], org, new Date('2026-11-26T10:00:00-05:00'), 0);
    expect(plan.held).toBe('outside_business_hours');
    expect(iso(plan.tasks[0]!.next)).toBe(iso(new Date('2026-11-27T09:00:00-05:00')));
  });

  it('counts the daily limit on the person\'s local day', () => {
    // 23:30 Monday in New York is already Tuesday in Shanghai
    expect(localDay(new Date('2026-11-24T04:30:00Z'), 'America/New_York')).toBe('2026-11-23');
    expect(localDay(new Date('2026-11-24T04:30:00Z'), 'Asia/Shanghai')).toBe('2026-11-24');
  });
});

describe('reminder rules for any instant', () => {
  const kinds: TaskKind[] = ['approve', 'assign', 'accept', 'deliver', 'answer', 'confirm', 'summary'];
  const start = Date.parse('2026-01-01T00:00:00Z');
  it('never sends outside the recipient\'s business hours, and the next reminder is always in the future', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 300 * 24 * 60 }), fc.integer({ min: 0, max: 20 * 24 * 60 }), fc.constantFrom(...kinds),
      fc.constantFrom('pm.sh', 'ny.approver'), fc.integer({ min: 0, max: 5 }),
      (createdMin, ageMin, kind, personId, sent) => {
        const createdAt = new Date(start + createdMin * 60_000);
        const now = new Date(createdAt.getTime() + ageMin * 60_000);
        const plan = planPersonReminders(personId, [task({ personId, kind, createdAt })], org, now, sent);
        const p = plan.tasks[0]!;
        if (p.remind) expect(isBusinessTime(now, org.calendar(personId))).toBe(true);
        if (p.remind) expect(sent).toBeLessThan(3);
        expect(p.next.getTime()).toBeGreaterThan(now.getTime());
      },
    ), { numRuns: 300 });
  });

  it('snooze hours are clamped to 1..72', () => {
    expect([clampSnoozeHours(0), clampSnoozeHours(4), clampSnoozeHours(500), clampSnoozeHours(Number.NaN)]).toEqual([1, 4, 72, 4]);
  });
});
