import { previousWorkingDayAt } from '../domain/business-time.js';
import { isOpen, type RequestStatus } from '../domain/types.js';
import type { Org } from '../org.js';

// Reminders for the times a request carries (catalog fields with `scheduled: true`: a test, a
// presentation, a training, a visit, a bid, an event). The requester and the assigned supporter
// each get one at their business start on the working day before, and one an hour before. A
// timer's key names the request, field, appointment instant, person and moment, so a rescheduled
// appointment or a new assignee gets new timers, and an old timer finds itself moot when it fires.

export type AppointmentMoment = 'day_before' | 'hour_before';

export interface AppointmentRequest {
  id: number;
  typeId: string;
  status: RequestStatus | string;
  requesterId: string;
  assigneeId: string | null;
  fields: Record<string, unknown>;
}

export interface AppointmentPayload {
  fieldId: string;
  /** ISO instant of the appointment. */
  at: string;
  moment: AppointmentMoment;
}

export interface TimerPlan {
  key: string;
  kind: 'appointment';
  requestId: number;
  personId: string;
  fireAt: Date;
  payload: AppointmentPayload;
}

const HOUR = 3_600_000;

/** The appointments of a request: each scheduled field with a valid instant. */
export function appointmentsOf(r: AppointmentRequest, org: Org): Array<{ fieldId: string; at: Date }> {
  const type = org.type(r.typeId);
  if (!type) return [];
  const out: Array<{ fieldId: string; at: Date }> = [];
  for (const f of type.fields) {
    if (!f.scheduled) continue;
    const v = r.fields[f.id];
    if (typeof v !== 'string') continue;
    const at = new Date(v);
    if (!Number.isNaN(at.getTime())) out.push({ fieldId: f.id, at });
  }
  return out;
}

export const recipientsOf = (r: AppointmentRequest): string[] => [...new Set([r.requesterId, ...(r.assigneeId ? [r.assigneeId] : [])])];

export const appointmentKey = (requestId: number, fieldId: string, at: Date, personId: string, moment: AppointmentMoment) =>
  `appt:${requestId}:${fieldId}:${at.toISOString()}:${personId}:${moment}`;

/** The timers an open request should have from `now` on (those already past are left out). */
export function appointmentTimers(r: AppointmentRequest, org: Org, now: Date): TimerPlan[] {
  if (!isOpen(r.status as RequestStatus)) return [];
  const out: TimerPlan[] = [];
  for (const { fieldId, at } of appointmentsOf(r, org)) {
    if (at.getTime() <= now.getTime()) continue;
    for (const personId of recipientsOf(r)) {
      const cal = org.calendar(personId);
      const moments: Array<[AppointmentMoment, Date]> = [
        ['day_before', previousWorkingDayAt(at, cal.start, cal)],
        ['hour_before', new Date(at.getTime() - HOUR)],
      ];
      for (const [moment, fireAt] of moments) {
        // A day-before reminder that would land after the hour-before one says nothing new.
        if (moment === 'day_before' && fireAt.getTime() >= at.getTime() - HOUR) continue;
        out.push({
          key: appointmentKey(r.id, fieldId, at, personId, moment), kind: 'appointment', requestId: r.id, personId, fireAt,
          payload: { fieldId, at: at.toISOString(), moment },
        });
      }
    }
  }
  return out;
}

/**
 * Whether a due appointment timer should still be sent at `now`, given the request as it is now:
 * dropped when the request was closed or cancelled, the appointment moved, the person is no longer
 * the requester or the supporter, the appointment has begun, or (after downtime) the day-before
 * reminder is overtaken by the hour-before one.
 */
export function appointmentStillDue(p: AppointmentPayload, personId: string, r: AppointmentRequest | null, org: Org, now: Date): boolean {
  if (!r || !isOpen(r.status as RequestStatus)) return false;
  const at = Date.parse(p.at);
  if (!appointmentsOf(r, org).some((a) => a.fieldId === p.fieldId && a.at.getTime() === at)) return false;
  if (!recipientsOf(r).includes(personId)) return false;
  if (now.getTime() >= at) return false;
  if (p.moment === 'day_before' && now.getTime() >= at - HOUR) return false;
  return true;
}
