import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../org.js';

// Business-hours arithmetic in the person's own zone; luxon handles DST, so an hour that does
// not exist (spring forward) or exists twice (fall back) is counted by the wall clock's real length.

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export function isWorkingDay(day: DateTime, cal: BusinessCalendar): boolean {
  return cal.days.includes(day.weekday) && !cal.holidays.has(day.toISODate() ?? '');
}

// Wall-clock times: on a DST day 09:00 is still 09:00 on the clock, not 9 h after midnight.
const atWallClock = (day: DateTime, hhmm: string) => {
  const minutes = minutesOf(hhmm);
  return day.startOf('day').set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
};

function dayWindow(day: DateTime, cal: BusinessCalendar): [DateTime, DateTime] {
  return [atWallClock(day, cal.start), atWallClock(day, cal.end)];
}

export function isBusinessTime(at: Date, cal: BusinessCalendar): boolean {
  const t = DateTime.fromJSDate(at, { zone: cal.timezone });
  if (!isWorkingDay(t, cal)) return false;
  const [start, end] = dayWindow(t, cal);
  return t >= start && t < end;
}

/** The first business instant at or after `at`. */
export function nextBusinessStart(at: Date, cal: BusinessCalendar): Date {
  let t = DateTime.fromJSDate(at, { zone: cal.timezone });
  for (let i = 0; i < 400; i++) {
    if (isWorkingDay(t, cal)) {
      const [start, end] = dayWindow(t, cal);
      if (t < start) return start.toJSDate();
      if (t < end) return t.toJSDate();
    }
    t = t.plus({ days: 1 }).startOf('day');
  }
  return at; // a calendar with no working day in 400 days: do not loop forever
}

/** `at` plus `hours` of business time in the calendar's zone. */
export function addBusinessHours(at: Date, hours: number, cal: BusinessCalendar): Date {
  let remaining = Math.round(hours * 60);
  let t = DateTime.fromJSDate(nextBusinessStart(at, cal), { zone: cal.timezone });
  for (let i = 0; i < 800 && remaining > 0; i++) {
    const [, end] = dayWindow(t, cal);
    const available = Math.max(0, end.diff(t, 'minutes').minutes);
    if (remaining <= available) return t.plus({ minutes: remaining }).toJSDate();
    remaining -= available;
    t = DateTime.fromJSDate(nextBusinessStart(t.plus({ days: 1 }).startOf('day').toJSDate(), cal), { zone: cal.timezone });
  }
  return t.toJSDate();
}

/** Business minutes between two instants (0 if `to` is not after `from`). */
export function businessMinutesBetween(from: Date, to: Date, cal: BusinessCalendar): number {
  if (to <= from) return 0;
  let total = 0;
  let t = DateTime.fromJSDate(from, { zone: cal.timezone });
  const stop = DateTime.fromJSDate(to, { zone: cal.timezone });
  for (let i = 0; i < 800 && t < stop; i++) {
    if (isWorkingDay(t, cal)) {
      const [start, end] = dayWindow(t, cal);
      const a = t > start ? t : start;
      const b = stop < end ? stop : end;
      if (b > a) total += b.diff(a, 'minutes').minutes;
    }
    t = t.plus({ days: 1 }).startOf('day');
  }
  return Math.round(total);
}

/** The previous working day's business start before `at` (for "the working day before" reminders). */
export function previousWorkingDayAt(at: Date, hhmm: string, cal: BusinessCalendar): Date {
  let t = DateTime.fromJSDate(at, { zone: cal.timezone }).minus({ days: 1 }).startOf('day');
  for (let i = 0; i < 400 && !isWorkingDay(t, cal); i++) t = t.minus({ days: 1 });
  return atWallClock(t, hhmm).toJSDate();
}
