import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../org.js';

// Business-hours arithmetic in the person's own zone. Each calendar's opening hours are turned
// into plain [start, end) millisecond intervals, one year at a time, with luxon (which handles
// DST: 09:00 is 09:00 on the wall clock even on a 23- or 25-hour day); after that every
// question is a binary search, which keeps the lifecycle's per-action cost in microseconds.

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

const atWallClock = (day: DateTime, hhmm: string) => {
  const minutes = minutesOf(hhmm);
  return day.startOf('day').set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
};

export function isWorkingDay(day: DateTime, cal: BusinessCalendar): boolean {
  return cal.days.includes(day.weekday) && !cal.holidays.has(day.toISODate() ?? '');
}

interface Intervals {
  starts: number[];
  ends: number[];
}

const cache = new Map<string, Intervals>();
// The org hands out one calendar object per zone and hours: its key is built once.
const keys = new WeakMap<BusinessCalendar, string>();
const calendarKey = (cal: BusinessCalendar) => {
  let key = keys.get(cal);
  if (key === undefined) keys.set(cal, (key = `${cal.timezone}|${cal.start}|${cal.end}|${cal.days.join()}|${[...cal.holidays].sort().join()}`));
  return key;
};

/** Opening intervals of one calendar year (in the calendar's zone), oldest first. */
function yearIntervals(cal: BusinessCalendar, year: number): Intervals {
  const key = `${calendarKey(cal)}|${year}`;
  let found = cache.get(key);
  if (found) return found;
  found = { starts: [], ends: [] };
  for (let day = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: cal.timezone }); day.year === year; day = day.plus({ days: 1 })) {
    if (!isWorkingDay(day, cal)) continue;
    const start = atWallClock(day, cal.start).toMillis();
    const end = atWallClock(day, cal.end).toMillis();
    if (end > start) {
      found.starts.push(start);
      found.ends.push(end);
    }
  }
  if (cache.size > 2000) cache.clear();
  cache.set(key, found);
  return found;
}

// Which year an instant falls in, in a zone: luxon asks Intl for the offset on every call, which
// was the lifecycle's single largest cost; the instants where a zone's years begin are cached.
const yearStarts = new Map<string, number>();
const yearStart = (year: number, zone: string) => {
  const key = `${zone}|${year}`;
  let ms = yearStarts.get(key);
  if (ms === undefined) {
    if (yearStarts.size > 2000) yearStarts.clear();
    yearStarts.set(key, (ms = DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).toMillis()));
  }
  return ms;
};
const yearOf = (ms: number, zone: string) => {
  const utcYear = new Date(ms).getUTCFullYear();
  if (ms < yearStart(utcYear, zone)) return utcYear - 1;
  if (ms >= yearStart(utcYear + 1, zone)) return utcYear + 1;
  return utcYear;
};

/** Calls `visit(start, end)` for each opening interval that ends after `fromMs`, in order, until it returns true. */
function walk(cal: BusinessCalendar, fromMs: number, visit: (start: number, end: number) => boolean): void {
  let year = yearOf(fromMs, cal.timezone);
  for (let guard = 0; guard < 3; guard++, year++) {
    const { starts, ends } = yearIntervals(cal, year);
    // First interval whose end is after fromMs.
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! <= fromMs) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < starts.length; i++) if (visit(starts[i]!, ends[i]!)) return;
  }
}

export function isBusinessTime(at: Date, cal: BusinessCalendar): boolean {
  const t = at.getTime();
  let inside = false;
  walk(cal, t, (start) => {
    inside = start <= t;
    return true;
  });
  return inside;
}

/** The first business instant at or after `at`. */
export function nextBusinessStart(at: Date, cal: BusinessCalendar): Date {
  const t = at.getTime();
  let result = at;
  walk(cal, t, (start) => {
    result = new Date(Math.max(start, t));
    return true;
  });
  return result;
}

/** `at` plus `hours` of business time in the calendar's zone. */
export function addBusinessHours(at: Date, hours: number, cal: BusinessCalendar): Date {
  let remaining = Math.round(hours * 60) * 60_000;
  const t = at.getTime();
  let result = nextBusinessStart(at, cal);
  if (remaining <= 0) return result;
  walk(cal, t, (start, end) => {
    const from = Math.max(start, t);
    const available = end - from;
    if (remaining <= available) {
      result = new Date(from + remaining);
      return true;
    }
    remaining -= available;
    result = new Date(end);
    return false;
  });
  return result;
}

/** Business minutes between two instants (0 if `to` is not after `from`). */
export function businessMinutesBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  let total = 0;
  walk(cal, a, (start, end) => {
    if (start >= b) return true;
    total += Math.min(end, b) - Math.max(start, a);
    return false;
  });
  return Math.round(total / 60_000);
}

/** The previous working day at `hhmm` before `at` (for "the working day before" reminders). */
export function previousWorkingDayAt(at: Date, hhmm: string, cal: BusinessCalendar): Date {
  let t = DateTime.fromJSDate(at, { zone: cal.timezone }).minus({ days: 1 }).startOf('day');
  for (let i = 0; i < 400 && !isWorkingDay(t, cal); i++) t = t.minus({ days: 1 });
  return atWallClock(t, hhmm).toJSDate();
}
