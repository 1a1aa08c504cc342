import type { Locale } from '../catalog/types.js';
import { formatAge, formatDateTime, pick } from '../i18n/i18n.js';
import { t, type MessageKey } from '../i18n/messages.js';
import type { Org } from '../org.js';
import type { DailyDigest, DigestRequestRow, WeeklyDigest } from '../scheduling/digests.js';
import { st } from '../scheduling/messages.js';
import type { MessageView } from './model.js';

// Daily digests and weekly summaries as MessageViews for one reader. Long sections are cut with
// "… and N more" so a message stays inside Slack's 50 blocks and Feishu's card size limit.

const MAX_LINES = 15;
const MAX_OPEN_BUTTONS = 3;

type Line = MessageView['sections'][number]['lines'][number];

/** The first MAX_LINES items as lines (only those are formatted), then "… and N more". */
function capped<T>(locale: Locale, items: readonly T[], line: (item: T) => Line): Line[] {
  const lines = items.slice(0, MAX_LINES).map(line);
  if (items.length > MAX_LINES) lines.push({ text: st(locale, 'digest.line.more', { n: items.length - MAX_LINES }) });
  return lines;
}

function unitsLabel(org: Org, units: string[], locale: Locale): string {
  if (units.length === org.allUnits().length && units.length > 1) return st(locale, 'digest.all_units');
  return units.map((u) => org.unitName(u, locale)).join(', ');
}

const typeName = (org: Org, typeId: string, locale: Locale) => {
  const type = org.type(typeId);
  return type ? pick(type.label, locale) : typeId;
};

function dashboardAction(locale: Locale, baseUrl?: string): MessageView['actions'] {
  return baseUrl ? [{ id: 'dashboard', label: st(locale, 'digest.dashboard'), url: `${baseUrl.replace(/\/$/, '')}/dashboard` }] : [];
}

export function buildDailyDigestView(readerId: string, d: DailyDigest, org: Org, now: Date, baseUrl?: string): MessageView {
  const locale = org.locale(readerId);
  const zone = org.timezone(readerId);
  const n = now.getTime();
  const req = (r: DigestRequestRow) => ({ id: r.id, type: typeName(org, r.typeId, locale), title: r.title });
  const sections: MessageView['sections'] = [];
  const add = <T>(titleKey: Parameters<typeof st>[1], items: readonly T[], line: (item: T) => Line) => {
    if (items.length > 0) sections.push({ title: st(locale, titleKey), lines: capped(locale, items, line) });
  };
  add('digest.section.overdue', d.overdue, ({ task, request }) => ({
    text: st(locale, 'digest.line.overdue', { ...req(request), person: org.displayName(task.personId), task: t(locale, `task.${task.kind}` as MessageKey), late: formatAge(n - task.dueAt!.getTime(), locale) }),
    requestId: request.id, tone: 'bad' as const,
  }));
  add('digest.section.today', d.today, (r) => ({
    text: st(locale, 'digest.line.today', { ...req(r), at: formatDateTime(r.scheduledAt!, locale, zone) }), requestId: r.id, tone: 'neutral' as const,
  }));
  add('digest.section.new', d.newRequests, (r) => ({ text: st(locale, 'digest.line.request', req(r)), requestId: r.id }));
  add('digest.section.waiting', d.waiting, ({ task, request }) => ({
    text: st(locale, 'digest.line.waiting', { ...req(request), person: org.displayName(task.personId), task: t(locale, `task.${task.kind}` as MessageKey), age: formatAge(n - task.createdAt.getTime(), locale) }),
    requestId: request.id, tone: 'waiting' as const,
  }));
  add('digest.section.done', [...d.delivered, ...d.closed], (r) => (r.status === 'delivered'
    ? { text: st(locale, 'digest.line.delivered', req(r)), requestId: r.id, tone: 'neutral' as const }
    : { text: st(locale, 'digest.line.closed', { ...req(r), rating: r.rating ? ` ${'★'.repeat(r.rating)}` : '' }), requestId: r.id, tone: 'good' as const }));
  if (sections.length === 0) sections.push({ lines: [{ text: st(locale, 'digest.nothing') }] });
  const urgent = [...d.overdue.map((w) => w.request.id), ...d.today.map((r) => r.id)];
  return {
    locale,
    title: st(locale, 'digest.daily.title', { units: unitsLabel(org, d.units, locale) }),
    summary: st(locale, 'digest.daily.summary', {
      new: d.newRequests.length, waiting: d.waiting.length + d.overdue.length, overdue: d.overdue.length, today: d.today.length, done: d.delivered.length + d.closed.length,
    }),
    sections,
    actions: [
      ...[...new Set(urgent)].slice(0, MAX_OPEN_BUTTONS).map((id) => ({ id: 'open' as const, label: st(locale, 'reminder.open', { id }), requestId: id })),
      ...dashboardAction(locale, baseUrl),
    ],
  };
}

const percent = (hit: number, total: number) => (total === 0 ? '-' : `${Math.round((hit / total) * 100)}%`);

export function buildWeeklyDigestView(readerId: string, w: WeeklyDigest, org: Org, baseUrl?: string): MessageView {
  const locale = org.locale(readerId);
  const count = w.volume.reduce((s, v) => s + v.n, 0);
  const sections: MessageView['sections'] = [];
  if (w.volume.length > 0) {
    sections.push({ title: st(locale, 'digest.section.volume'), lines: capped(locale, w.volume, (v) => ({ text: st(locale, 'digest.line.volume', { type: typeName(org, v.typeId, locale), n: v.n }) })) });
  }
  if (w.cycle.length > 0) {
    sections.push({
      title: st(locale, 'digest.section.cycle'),
      lines: capped(locale, w.cycle, (c) => ({ text: st(locale, 'digest.line.cycle', { type: typeName(org, c.typeId, locale), median: formatAge(c.medianMs, locale), p90: formatAge(c.p90Ms, locale), n: c.n }) })),
    });
  }
  sections.push({
    title: st(locale, 'digest.section.sla'),
    lines: [{ text: w.sla.total === 0 ? st(locale, 'digest.line.sla_none') : st(locale, 'digest.line.sla', { hit: w.sla.hit, total: w.sla.total, rate: percent(w.sla.hit, w.sla.total) }) }],
  });
  if (w.load.length > 0) {
    sections.push({ title: st(locale, 'digest.section.load'), lines: capped(locale, w.load, (l) => ({ text: st(locale, 'digest.line.load', { person: org.displayName(l.personId), n: l.n }) })) });
  }
  return {
    locale,
    title: st(locale, 'digest.weekly.title', { units: unitsLabel(org, w.units, locale) }),
    summary: st(locale, 'digest.weekly.summary', { count, rate: percent(w.sla.hit, w.sla.total) }),
    sections,
    actions: dashboardAction(locale, baseUrl),
    ...(w.volume.length > 0 ? { chart: { title: st(locale, 'digest.chart.volume'), kind: 'bar' as const, series: w.volume.map((v) => ({ label: typeName(org, v.typeId, locale), value: v.n })) } } : {}),
  };
}
