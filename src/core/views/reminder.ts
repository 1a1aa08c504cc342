import type { TaskKind } from '../domain/types.js';
import { formatAge, formatDateTime, pick } from '../i18n/i18n.js';
import { t, type MessageKey } from '../i18n/messages.js';
import type { Org } from '../org.js';
import type { AppointmentPayload } from '../scheduling/appointments.js';
import { st } from '../scheduling/messages.js';
import { SNOOZE_BUTTON_HOURS } from '../scheduling/reminders.js';
import type { MessageView } from './model.js';

// Reminders, escalations and appointment reminders as MessageViews, in the reader's language and
// time zone. Outbox rows of kind 'reminder' carry `{ view }`; every channel renders it.

export interface ReminderItem {
  task: { kind: TaskKind | string; personId: string; createdAt: Date; dueAt: Date | null };
  request: { id: number; typeId: string; title: string; customer?: string };
}

/** At most this many "open" buttons per message (platforms cap buttons per block). */
const MAX_OPEN_BUTTONS = 4;

const typeLabel = (org: Org, typeId: string, locale: 'en' | 'zh-CN') => {
  const type = org.type(typeId);
  return type ? pick(type.label, locale) : typeId;
};

/** One batched reminder: everything that waits on `personId`, with open and snooze buttons. */
export function buildReminderView(personId: string, items: ReminderItem[], org: Org, now: Date): MessageView {
  const locale = org.locale(personId);
  const zone = org.timezone(personId);
  const n = now.getTime();
  const sorted = [...items].sort((a, b) => (a.task.dueAt?.getTime() ?? Infinity) - (b.task.dueAt?.getTime() ?? Infinity));
  let overdue = 0;
  const lines = sorted.map(({ task, request }) => {
    const late = task.dueAt !== null && task.dueAt.getTime() < n;
    if (late) overdue++;
    const params = {
      id: request.id, type: typeLabel(org, request.typeId, locale), title: request.title,
      task: t(locale, `task.${task.kind}` as MessageKey), age: formatAge(n - task.createdAt.getTime(), locale),
      due: task.dueAt ? formatDateTime(task.dueAt, locale, zone) : '',
    };
    const key = !task.dueAt ? 'reminder.line' : late ? 'reminder.line_overdue' : 'reminder.line_due';
    return { text: st(locale, key, params), requestId: request.id, tone: late ? 'bad' as const : 'waiting' as const };
  });
  const ids = [...new Set(sorted.map((i) => i.request.id))];
  return {
    locale,
    title: st(locale, 'reminder.title'),
    summary: st(locale, 'reminder.summary', { n: items.length, overdue }),
    sections: [{ lines }],
    actions: [
      ...ids.slice(0, MAX_OPEN_BUTTONS).map((id) => ({ id: 'open' as const, label: st(locale, 'reminder.open', { id }), requestId: id })),
      { id: 'snooze', label: st(locale, 'reminder.snooze', { hours: SNOOZE_BUTTON_HOURS }), hours: SNOOZE_BUTTON_HOURS },
    ],
  };
}

/** To a manager (or coordinator): these steps of `personId` are past the escalation point. */
export function buildEscalationView(readerId: string, personId: string, items: ReminderItem[], org: Org, now: Date): MessageView {
  const locale = org.locale(readerId);
  const zone = org.timezone(readerId);
  const person = org.displayName(personId);
  const lines = items.map(({ task, request }) => ({
    text: st(locale, 'escalation.line', {
      id: request.id, type: typeLabel(org, request.typeId, locale), title: request.title, person,
      task: t(locale, `task.${task.kind}` as MessageKey), age: formatAge(now.getTime() - task.createdAt.getTime(), locale),
      due: task.dueAt ? formatDateTime(task.dueAt, locale, zone) : '-',
    }),
    requestId: request.id, tone: 'bad' as const,
  }));
  const ids = [...new Set(items.map((i) => i.request.id))];
  return {
    locale,
    title: st(locale, 'escalation.title', { person }),
    summary: st(locale, 'escalation.summary', { n: items.length, pct: Math.round(org.data.reminders.escalateAt * 100) }),
    sections: [{ lines }],
    actions: ids.slice(0, MAX_OPEN_BUTTONS).map((id) => ({ id: 'open' as const, label: st(locale, 'reminder.open', { id }), requestId: id })),
  };
}

/** "Tomorrow: Customer visit" / "In one hour: …" for the requester or the supporter. */
export function buildAppointmentView(
  readerId: string,
  request: { id: number; typeId: string; title: string; customer?: string },
  p: AppointmentPayload,
  org: Org,
): MessageView {
  const locale = org.locale(readerId);
  const zone = org.timezone(readerId);
  const type = org.type(request.typeId);
  const field = type?.fields.find((f) => f.id === p.fieldId);
  const lines = [{
    text: st(locale, 'appointment.line', {
      id: request.id, title: request.title, field: field ? pick(field.label, locale) : p.fieldId, at: formatDateTime(new Date(p.at), locale, zone),
    }),
    requestId: request.id,
  }];
  if (request.customer) lines.push({ text: st(locale, 'appointment.customer', { customer: request.customer }), requestId: request.id });
  return {
    locale,
    title: st(locale, p.moment === 'day_before' ? 'appointment.title.day_before' : 'appointment.title.hour_before', { type: typeLabel(org, request.typeId, locale) }),
    sections: [{ lines }],
    actions: [{ id: 'open', label: st(locale, 'reminder.open', { id: request.id }), requestId: request.id }],
  };
}
