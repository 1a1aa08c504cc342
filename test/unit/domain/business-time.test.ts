import { describe, expect, it } from 'vitest';
import {
  addBusinessHours, businessMinutesBetween, isBusinessTime, nextBusinessStart, previousWorkingDayAt,
} from '../../../src/core/domain/business-time.js';
import type { BusinessCalendar } from '../../../src/core/org.js';
import { org } from '../../fixtures/org.js';

const calendar = (timezone: string, extra: Partial<BusinessCalendar> = {}): BusinessCalendar => ({
  timezone, start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5], holidays: new Set(['2026-04-06']), ...extra,
});
const shanghai = calendar('Asia/Shanghai');
const newYork = calendar('America/New_York');
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

describe('adding business hours in Shanghai (no daylight saving)', () => {
  it('within the same day', () => {
    // Monday 10:00 +08:00 plus 3 h is Monday 13:00
    expect(iso(addBusinessHours(at('2026-03-02T10:00:00+08:00'), 3, shanghai))).toBe('2026-03-02T05:00:00.000Z');
  });

  it('ending exactly at closing time stays on the same day', () => {
    expect(iso(addBusinessHours(at('2026-03-02T10:00:00+08:00'), 8, shanghai))).toBe('2026-03-02T10:00:00.000Z');
  });

  it('across several days', () => {
    // Monday 10:00: 8 h left Monday, 9 h Tuesday, 3 h Wednesday -> Wednesday 12:00
    expect(iso(addBusinessHours(at('2026-03-02T10:00:00+08:00'), 20, shanghai))).toBe('2026-03-04T04:00:00.000Z');
  });

  it('across a weekend', () => {
    // Friday 17:00 plus 2 h: 1 h Friday, 1 h Monday -> Monday 10:00
    expect(iso(addBusinessHours(at('2026-03-06T17:00:00+08:00'), 2, shanghai))).toBe('2026-03-09T02:00:00.000Z');
  });

  it('across a holiday: Easter Monday 2026-04-06 is skipped', () => {
    expect(iso(addBusinessHours(at('2026-04-03T17:00:00+08:00'), 2, shanghai))).toBe('2026-04-07T02:00:00.000Z');
  });

  it('starting after hours counts from the next morning', () => {
    expect(iso(addBusinessHours(at('2026-03-02T20:00:00+08:00'), 1, shanghai))).toBe('2026-03-03T02:00:00.000Z');
  });

  it('starting before opening counts from opening', () => {
    expect(iso(addBusinessHours(at('2026-03-02T07:00:00+08:00'), 1, shanghai))).toBe('2026-03-02T02:00:00.000Z');
  });

  it('starting on a Saturday counts from Monday morning', () => {
    expect(iso(addBusinessHours(at('2026-03-07T11:00:00+08:00'), 1.5, shanghai))).toBe('2026-03-09T02:30:00.000Z');
  });

  it('zero hours after hours lands on the next business start', () => {
    expect(iso(addBusinessHours(at('2026-03-06T19:00:00+08:00'), 0, shanghai))).toBe('2026-03-09T01:00:00.000Z');
  });

  it('half an hour is thirty minutes', () => {
    expect(iso(addBusinessHours(at('2026-03-02T17:45:00+08:00'), 0.5, shanghai))).toBe('2026-03-03T01:15:00.000Z');
  });

  it('uses the org calendar of the person, including the org holidays', () => {
    const cal = org.calendar('rep.a');
    expect(cal.timezone).toBe('Asia/Shanghai');
    expect(iso(addBusinessHours(at('2026-04-03T17:00:00+08:00'), 2, cal))).toBe('2026-04-07T02:00:00.000Z');
  });
});

describe('adding business hours in New York (daylight saving)', () => {
  it('across the spring-forward weekend (2026-03-08)', () => {
    // Friday 17:00 EST (UTC-5) + 2 h -> Monday 10:00 EDT (UTC-4) = 14:00Z
    expect(iso(addBusinessHours(at('2026-03-06T22:00:00Z'), 2, newYork))).toBe('2026-03-09T14:00:00.000Z');
  });

  it('across the fall-back weekend (2026-11-01)', () => {
    // Friday 17:00 EDT + 2 h -> Monday 10:00 EST = 15:00Z
    expect(iso(addBusinessHours(at('2026-10-30T21:00:00Z'), 2, newYork))).toBe('2026-11-02T15:00:00.000Z');
  });

  it('a full business day before and after the change is nine hours of wall clock 09:00-18:00', () => {
    expect(iso(addBusinessHours(at('2026-03-06T14:00:00Z'), 9, newYork))).toBe('2026-03-06T23:00:00.000Z');
    expect(iso(addBusinessHours(at('2026-03-09T13:00:00Z'), 9, newYork))).toBe('2026-03-09T22:00:00.000Z');
  });

  const sevenDays = calendar('America/New_York', { days: [1, 2, 3, 4, 5, 6, 7] });

  it('on the spring-forward Sunday itself the day still opens at 09:00 wall clock', () => {
    // BUG: dayWindow() adds the opening time as elapsed minutes from midnight (luxon time math), so
    // on a 23-hour day 09:00 becomes 10:00 EDT; on a 25-hour day it becomes 08:00 EST.
    expect(iso(nextBusinessStart(at('2026-03-08T05:00:00Z'), sevenDays))).toBe('2026-03-08T13:00:00.000Z');
  });

  it('on the fall-back Sunday itself the day still opens at 09:00 wall clock', () => {
    expect(iso(nextBusinessStart(at('2026-11-01T04:00:00Z'), sevenDays))).toBe('2026-11-01T14:00:00.000Z');
  });
});

describe('counting business minutes between two instants', () => {
  it('within a day', () => {
    expect(businessMinutesBetween(at('2026-03-02T10:00:00+08:00'), at('2026-03-02T12:30:00+08:00'), shanghai)).toBe(150);
  });

  it('overnight counts only opening hours', () => {
    expect(businessMinutesBetween(at('2026-03-02T10:00:00+08:00'), at('2026-03-03T10:00:00+08:00'), shanghai)).toBe(9 * 60);
  });

  it('over a weekend and a holiday', () => {
    expect(businessMinutesBetween(at('2026-03-06T17:00:00+08:00'), at('2026-03-09T10:00:00+08:00'), shanghai)).toBe(120);
    expect(businessMinutesBetween(at('2026-04-03T17:00:00+08:00'), at('2026-04-07T10:00:00+08:00'), shanghai)).toBe(120);
  });

  it('outside business hours entirely is zero', () => {
    expect(businessMinutesBetween(at('2026-03-07T10:00:00+08:00'), at('2026-03-08T20:00:00+08:00'), shanghai)).toBe(0);
  });

  it('is zero when the end is not after the start', () => {
    const t = at('2026-03-02T10:00:00+08:00');
    expect(businessMinutesBetween(t, t, shanghai)).toBe(0);
    expect(businessMinutesBetween(t, at('2026-03-02T09:30:00+08:00'), shanghai)).toBe(0);
  });

  it('across the New York DST weekends', () => {
    expect(businessMinutesBetween(at('2026-03-06T22:00:00Z'), at('2026-03-09T14:00:00Z'), newYork)).toBe(120);
    expect(businessMinutesBetween(at('2026-10-30T21:00:00Z'), at('2026-11-02T15:00:00Z'), newYork)).toBe(120);
  });

  it('undoes addBusinessHours from any business instant', () => {
    const starts = ['2026-03-02T10:00:00+08:00', '2026-03-06T17:30:00+08:00', '2026-04-03T09:00:00+08:00'];
    for (const s of starts) {
      for (const h of [0.25, 1, 8, 9, 17, 40]) {
        const end = addBusinessHours(at(s), h, shanghai);
        expect(businessMinutesBetween(at(s), end, shanghai), `${s} + ${h} h`).toBe(h * 60);
      }
    }
    for (const s of ['2026-03-06T15:00:00-05:00', '2026-10-30T16:00:00-04:00']) {
      for (const h of [1, 3, 9, 24]) {
        expect(businessMinutesBetween(at(s), addBusinessHours(at(s), h, newYork), newYork), `${s} + ${h} h`).toBe(h * 60);
      }
    }
  });
});

describe('business time helpers', () => {
  it('knows when the office is open', () => {
    expect(isBusinessTime(at('2026-03-02T10:00:00+08:00'), shanghai)).toBe(true);
    expect(isBusinessTime(at('2026-03-02T18:00:00+08:00'), shanghai)).toBe(false);
    expect(isBusinessTime(at('2026-03-07T10:00:00+08:00'), shanghai)).toBe(false);
    expect(isBusinessTime(at('2026-04-06T10:00:00+08:00'), shanghai)).toBe(false);
  });

  it('finds the working day before, skipping weekends and holidays', () => {
    expect(iso(previousWorkingDayAt(at('2026-03-09T10:00:00+08:00'), '09:00', shanghai))).toBe('2026-03-06T01:00:00.000Z');
    expect(iso(previousWorkingDayAt(at('2026-04-07T10:00:00+08:00'), '16:00', shanghai))).toBe('2026-04-03T08:00:00.000Z');
  });
});

describe('across the new year, where the zone and UTC disagree on the year', () => {
  it('Shanghai: 01:00 on 1 January local is still 31 December in UTC', () => {
    // Friday 2027-01-01 is a working day here (no holiday set): 01:00 counts from 09:00 that day.
    expect(iso(addBusinessHours(at('2027-01-01T01:00:00+08:00'), 2, shanghai))).toBe('2027-01-01T03:00:00.000Z');
    expect(isBusinessTime(at('2026-12-31T17:30:00+08:00'), shanghai)).toBe(true);
  });

  it('Honolulu: the last afternoon of the year is already next year in UTC', () => {
    const honolulu = calendar('Pacific/Honolulu');
    // Thursday 2026-12-31 15:00 HST (01:00 UTC on 1 January): 3 h left that day, then Friday from 09:00.
    expect(isBusinessTime(at('2026-12-31T15:00:00-10:00'), honolulu)).toBe(true);
    expect(iso(addBusinessHours(at('2026-12-31T15:00:00-10:00'), 4, honolulu))).toBe('2027-01-01T20:00:00.000Z');
    expect(businessMinutesBetween(at('2026-12-31T15:00:00-10:00'), at('2027-01-01T10:00:00-10:00'), honolulu)).toBe(240);
  });

  it('New York: 22:00 on 31 December local is already 1 January in UTC', () => {
    // Thursday 2026-12-31 22:00 -> Friday 2027-01-01 09:00 + 4 h = 13:00 EST
    expect(iso(addBusinessHours(at('2026-12-31T22:00:00-05:00'), 4, newYork))).toBe('2027-01-01T18:00:00.000Z');
    expect(isBusinessTime(at('2026-12-31T17:59:00-05:00'), newYork)).toBe(true);
    expect(iso(nextBusinessStart(at('2026-12-31T18:30:00-05:00'), newYork))).toBe('2027-01-01T14:00:00.000Z');
  });
});
