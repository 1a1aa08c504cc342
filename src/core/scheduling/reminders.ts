import { DateTime } from 'luxon';
import { addBusinessHours, isBusinessTime, nextBusinessStart } from '../domain/business-time.js';
import type { TaskKind } from '../domain/types.js';
import type { BusinessCalendar, Org } from '../org.js';

// When to nudge someone about a step that waits on them, and when to escalate it. Pure: the
// scheduler reads due tasks, asks `planPersonReminders` what to do at `now`, and claims each task
// with a conditional update on the nextRemindAt it read (see src/scheduling/scheduler-store.ts).

/** A waiting task as the reminder sweep reads it. */
export interface DueTask {
  id: string;
  requestId: number;
  kind: TaskKind;
  personId: string;
  createdAt: Date;
  dueAt: Date | null;
  nextRemindAt: Date;
  remindCount: number;
  escalatedAt: Date | null;
  snoozedUntil: Date | null;
}

export interface TaskPlan {
  task: DueTask;
  /** Part of this run's batched message to the person. */
  remind: boolean;
  /** Past the escalation point and not escalated yet: escalate now. */
  escalate: boolean;
  /** The task's new nextRemindAt (always after `now`). */
  next: Date;
}

export interface PersonPlan {
  personId: string;
  tasks: TaskPlan[];
  /** Why nothing is sent to the person now, if so. */
  held?: 'outside_business_hours' | 'daily_limit' | 'snoozed';
}

/** The instant a task escalates: `escalateAt` × its SLA in the assignee's business hours. */
export function escalationTime(task: Pick<DueTask, 'kind' | 'personId' | 'createdAt'>, org: Org): Date {
  const sla = org.data.sla[task.kind];
  return addBusinessHours(task.createdAt, sla * org.data.reminders.escalateAt, org.calendar(task.personId));
}

/** The person's local calendar date ("2026-11-23"): the unit of the daily reminder limit. */
export function localDay(at: Date, timezone: string): string {
  return DateTime.fromJSDate(at, { zone: timezone }).toISODate() ?? '';
}

/** The first business instant of the person's next calendar day (after a day's limit is used up). */
export function nextDayStart(now: Date, cal: BusinessCalendar): Date {
  const tomorrow = DateTime.fromJSDate(now, { zone: cal.timezone }).plus({ days: 1 }).startOf('day').toJSDate();
  return nextBusinessStart(tomorrow, cal);
}

const later = (a: Date, b: Date) => (a.getTime() >= b.getTime() ? a : b);
const earlier = (a: Date, b: Date) => (a.getTime() <= b.getTime() ? a : b);

/**
 * What to do with one person's due tasks at `now`. `sentToday` is how many reminder messages
 * the person already had on their local day. All due tasks go into one message (batching);
 * nothing is sent outside their business hours, on their holidays, while snoozed, or past the
 * daily limit; escalation is decided on its own clock and is never held by those rules.
 */
export function planPersonReminders(personId: string, tasks: DueTask[], org: Org, now: Date, sentToday: number): PersonPlan {
  const cal = org.calendar(personId);
  const { repeatEveryHours, maxPerPersonPerDay } = org.data.reminders;
  const open = isBusinessTime(now, cal);
  const underLimit = sentToday < maxPerPersonPerDay;
  const t = now.getTime();
  const plans: TaskPlan[] = tasks.map((task) => {
    const escalateAt = escalationTime(task, org);
    const escalate = !task.escalatedAt && escalateAt.getTime() <= t;
    const snoozed = task.snoozedUntil !== null && task.snoozedUntil.getTime() > t;
    const remind = open && underLimit && !snoozed;
    let next: Date;
    if (remind) next = addBusinessHours(now, repeatEveryHours, cal);
    else if (snoozed) next = nextBusinessStart(task.snoozedUntil!, cal);
    else if (!open) next = nextBusinessStart(now, cal);
    else next = nextDayStart(now, cal);
    // Wake up in time for the escalation even if reminders are held until later.
    if (!task.escalatedAt && !escalate) next = earlier(next, escalateAt);
    if (next.getTime() <= t) next = new Date(t + 60_000);
    return { task, remind, escalate, next };
  });
  const held = plans.some((p) => p.remind) ? undefined
    : !open ? 'outside_business_hours' as const
      : !underLimit ? 'daily_limit' as const
        : 'snoozed' as const;
  return { personId, tasks: plans, ...(held && tasks.length > 0 ? { held } : {}) };
}

/** Who hears about an escalation: the person's manager, else the request's coordinator. */
export function escalationTarget(personId: string, org: Org, coordinators: string[]): string | undefined {
  const manager = org.manager(personId);
  if (manager && manager !== personId) return manager;
  return coordinators.find((c) => c !== personId);
}

/** Where a snooze leaves a task's next reminder (escalation still wakes it). */
export function snoozedNext(current: Date | null, snoozedUntil: Date): Date {
  return current ? later(current, snoozedUntil) : snoozedUntil;
}

export const SNOOZE_MIN_HOURS = 1;
export const SNOOZE_MAX_HOURS = 72;
/** Hours offered by the reminder's snooze button. */
export const SNOOZE_BUTTON_HOURS = 4;

export function clampSnoozeHours(hours: number): number {
  if (!Number.isFinite(hours)) return SNOOZE_BUTTON_HOURS;
  return Math.min(SNOOZE_MAX_HOURS, Math.max(SNOOZE_MIN_HOURS, hours));
}
