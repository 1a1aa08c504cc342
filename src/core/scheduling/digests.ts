import { DateTime } from 'luxon';
import { isWorkingDay } from '../domain/business-time.js';
import type { OrgConfigData } from '../../config/org-schema.js';
import type { Org } from '../org.js';

// What a digest says and when it is due, from plain rows. The scheduler loads the rows once per
// tick for every digest due in it; each person's digest is a filter over them (no I/O here).

export type DigestConfig = OrgConfigData['digests'][number];

export interface DigestRequestRow {
  id: number;
  typeId: string;
  unitId: string;
  title: string;
  customer: string;
  requesterId: string;
  status: string;
  assigneeId: string | null;
  rating: number | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  scheduledAt: Date | null;
}

export interface DigestTaskRow {
  requestId: number;
  kind: string;
  personId: string;
  status: string;
  createdAt: Date;
  dueAt: Date | null;
  decidedAt: Date | null;
}

/** Rows for a set of units: open tasks (with their requests), recently changed and scheduled requests. */
export interface DigestRows {
  /** Open tasks and the request each belongs to. */
  waiting: Array<{ task: DigestTaskRow; request: DigestRequestRow }>;
  /** Requests with updatedAt at or after the earliest `since` of the digests built from these rows. */
  recent: DigestRequestRow[];
  /** Requests with scheduledAt in the union of the readers' "today". */
  scheduled: DigestRequestRow[];
}

export interface DailyDigest {
  units: string[];
  since: Date;
  newRequests: DigestRequestRow[];
  waiting: Array<{ task: DigestTaskRow; request: DigestRequestRow }>;
  overdue: Array<{ task: DigestTaskRow; request: DigestRequestRow }>;
  today: DigestRequestRow[];
  delivered: DigestRequestRow[];
  closed: DigestRequestRow[];
}

export interface WeeklyRows {
  /** Requests of the units updated since the week began (covers created, closed, decided). */
  recent: DigestRequestRow[];
  /** Tasks finished (done) since the week began, of those requests. */
  finished: DigestTaskRow[];
  /** Open requests per supporter, by unit. */
  load: Array<{ unitId: string; assigneeId: string; n: number }>;
}

export interface WeeklyDigest {
  units: string[];
  from: Date;
  to: Date;
  volume: Array<{ typeId: string; n: number }>;
  cycle: Array<{ typeId: string; n: number; medianMs: number; p90Ms: number }>;
  sla: { hit: number; total: number };
  load: Array<{ personId: string; n: number }>;
}

/** The units a digest covers: its own list, else every unit the person holds a role in. */
export function digestUnits(cfg: Pick<DigestConfig, 'to' | 'units'>, org: Org): string[] {
  return cfg.units.length > 0 ? cfg.units : org.unitsOf(cfg.to);
}

/** A missed digest is sent late once, if its slot is at most this old; older ones are skipped. */
export const DIGEST_CATCH_UP_MS = 12 * 3_600_000;

export interface DigestSlot {
  kind: 'daily' | 'weekly';
  personId: string;
  /** The scheduled instant. */
  at: Date;
  /** Unique per person per day (daily) or ISO week (weekly): the Timer row's key. */
  key: string;
}

const atTime = (day: DateTime, hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return day.startOf('day').set({ hour: h ?? 0, minute: m ?? 0 });
};

/**
 * The daily digest slot due at `now`: today's time if it has passed, else yesterday's, provided
 * it is at most DIGEST_CATCH_UP_MS old and falls on one of the reader's working days.
 */
export function dueDailySlot(cfg: DigestConfig, org: Org, now: Date): DigestSlot | null {
  const cal = org.calendar(cfg.to);
  const local = DateTime.fromJSDate(now, { zone: cal.timezone });
  let slot = atTime(local, cfg.daily);
  if (slot.toMillis() > now.getTime()) slot = atTime(local.minus({ days: 1 }), cfg.daily);
  if (now.getTime() - slot.toMillis() > DIGEST_CATCH_UP_MS) return null;
  if (!isWorkingDay(slot, cal)) return null;
  return { kind: 'daily', personId: cfg.to, at: slot.toJSDate(), key: `digest:daily:${cfg.to}:${slot.toISODate()}` };
}

/** The weekly summary slot due at `now` (same catch-up rule; sent on its day even if a holiday). */
export function dueWeeklySlot(cfg: DigestConfig, org: Org, now: Date): DigestSlot | null {
  const zone = org.timezone(cfg.to);
  const local = DateTime.fromJSDate(now, { zone });
  let slot = atTime(local.minus({ days: (local.weekday - cfg.weekly.day + 7) % 7 }), cfg.weekly.at);
  if (slot.toMillis() > now.getTime()) slot = atTime(slot.minus({ days: 7 }), cfg.weekly.at);
  if (now.getTime() - slot.toMillis() > DIGEST_CATCH_UP_MS) return null;
  return { kind: 'weekly', personId: cfg.to, at: slot.toJSDate(), key: `digest:weekly:${cfg.to}:${slot.toISOWeekDate()?.slice(0, 8)}` };
}

/** Start and end of the reader's local calendar day containing `now`. */
export function localDayRange(now: Date, timezone: string): { start: Date; end: Date } {
  const d = DateTime.fromJSDate(now, { zone: timezone }).startOf('day');
  return { start: d.toJSDate(), end: d.plus({ days: 1 }).toJSDate() };
}

/** Splits rows by unit once, so each reader's digest reads only its own units' rows. */
export function partitionByUnit(rows: DigestRows): Map<string, DigestRows> {
  const out = new Map<string, DigestRows>();
  const of = (unitId: string) => {
    let r = out.get(unitId);
    if (!r) out.set(unitId, (r = { waiting: [], recent: [], scheduled: [] }));
    return r;
  };
  for (const w of rows.waiting) of(w.request.unitId).waiting.push(w);
  for (const r of rows.recent) of(r.unitId).recent.push(r);
  for (const r of rows.scheduled) of(r.unitId).scheduled.push(r);
  return out;
}

/** The rows of some units from a partition. */
export function rowsOfUnits(partition: Map<string, DigestRows>, units: string[]): DigestRows {
  const parts = [...new Set(units)].map((u) => partition.get(u)).filter((p): p is DigestRows => p !== undefined);
  if (parts.length === 1) return parts[0]!;
  return { waiting: parts.flatMap((p) => p.waiting), recent: parts.flatMap((p) => p.recent), scheduled: parts.flatMap((p) => p.scheduled) };
}

const OPEN_ASSIGNED = new Set(['assigned', 'accepted', 'in_progress']);

/** One reader's daily digest from rows loaded for (at least) their units. */
export function selectDaily(rows: DigestRows, units: string[], since: Date, now: Date, today: { start: Date; end: Date }): DailyDigest {
  const inUnits = new Set(units);
  const s = since.getTime();
  const n = now.getTime();
  const mine = (r: DigestRequestRow) => inUnits.has(r.unitId);
  const waitingAll = rows.waiting.filter((w) => mine(w.request));
  const overdue = waitingAll.filter((w) => w.task.dueAt !== null && w.task.dueAt.getTime() < n)
    .sort((a, b) => a.task.dueAt!.getTime() - b.task.dueAt!.getTime());
  const waiting = waitingAll.filter((w) => !(w.task.dueAt !== null && w.task.dueAt.getTime() < n))
    .sort((a, b) => a.task.createdAt.getTime() - b.task.createdAt.getTime());
  const recent = rows.recent.filter(mine);
  const byId = (a: DigestRequestRow, b: DigestRequestRow) => a.id - b.id;
  return {
    units, since,
    newRequests: recent.filter((r) => r.createdAt.getTime() > s && r.createdAt.getTime() <= n).sort(byId),
    waiting, overdue,
    today: rows.scheduled.filter((r) => mine(r) && r.scheduledAt !== null && r.scheduledAt >= today.start && r.scheduledAt < today.end
      && !['rejected', 'declined', 'cancelled', 'withdrawn'].includes(r.status))
      .sort((a, b) => a.scheduledAt!.getTime() - b.scheduledAt!.getTime()),
    delivered: recent.filter((r) => r.status === 'delivered' && r.updatedAt.getTime() > s).sort(byId),
    closed: recent.filter((r) => r.status === 'closed' && r.closedAt !== null && r.closedAt.getTime() > s).sort(byId),
  };
}

export function isEmptyDaily(d: DailyDigest): boolean {
  return d.newRequests.length + d.waiting.length + d.overdue.length + d.today.length + d.delivered.length + d.closed.length === 0;
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** The weekly numbers for one reader's units over [from, to). */
export function selectWeekly(rows: WeeklyRows, units: string[], from: Date, to: Date): WeeklyDigest {
  const inUnits = new Set(units);
  const f = from.getTime();
  const t = to.getTime();
  const recent = rows.recent.filter((r) => inUnits.has(r.unitId));
  const volume = new Map<string, number>();
  const cycles = new Map<string, number[]>();
  const ids = new Set<number>();
  for (const r of recent) {
    ids.add(r.id);
    const c = r.createdAt.getTime();
    if (c >= f && c < t) volume.set(r.typeId, (volume.get(r.typeId) ?? 0) + 1);
    if (r.status === 'closed' && r.closedAt && r.closedAt.getTime() >= f && r.closedAt.getTime() < t) {
      const list = cycles.get(r.typeId) ?? [];
      list.push(r.closedAt.getTime() - c);
      cycles.set(r.typeId, list);
    }
  }
  let hit = 0;
  let total = 0;
  for (const task of rows.finished) {
    if (!ids.has(task.requestId) || !task.decidedAt || !task.dueAt) continue;
    const d = task.decidedAt.getTime();
    if (d < f || d >= t) continue;
    total++;
    if (d <= task.dueAt.getTime()) hit++;
  }
  const load = new Map<string, number>();
  for (const l of rows.load) if (inUnits.has(l.unitId)) load.set(l.assigneeId, (load.get(l.assigneeId) ?? 0) + l.n);
  return {
    units, from, to,
    volume: [...volume].map(([typeId, n]) => ({ typeId, n })).sort((a, b) => b.n - a.n || a.typeId.localeCompare(b.typeId)),
    cycle: [...cycles].map(([typeId, list]) => ({ typeId, n: list.length, medianMs: percentile(list, 50), p90Ms: percentile(list, 90) }))
      .sort((a, b) => a.typeId.localeCompare(b.typeId)),
    sla: { hit, total },
    load: [...load].map(([personId, n]) => ({ personId, n })).sort((a, b) => b.n - a.n || a.personId.localeCompare(b.personId)),
  };
}

export const isOpenAssigned = (status: string) => OPEN_ASSIGNED.has(status);
