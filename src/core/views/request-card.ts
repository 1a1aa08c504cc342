import type { Locale } from '../catalog/types.js';
import { availableActions } from '../domain/lifecycle.js';
import type { Action } from '../domain/lifecycle.js';
import type { RequestState, RequestStatus } from '../domain/types.js';
import { formatAge, formatDateTime, pick } from '../i18n/i18n.js';
import { t, type MessageKey } from '../i18n/messages.js';
import type { Org } from '../org.js';
import type { CardAction, RequestCard, Tone } from './model.js';

export interface AuditLike {
  actorId: string;
  onBehalfOfId?: string | null;
  action: string;
  detail: unknown;
  createdAt: Date;
}

export interface AttachmentLike {
  kind: string;
  purpose: string;
  value: string;
  name?: string | null;
}

export interface CardInput {
  request: RequestState;
  viewerId: string;
  org: Org;
  now: Date;
  audit?: AuditLike[];
  attachments?: AttachmentLike[];
  /** Open requests per supporter, shown in the assign picker. */
  load?: Map<string, number>;
  baseUrl?: string;
  /** Overrides the viewer's configured language (the web console's language switch). */
  locale?: Locale;
}

const TONES: Record<RequestStatus, Tone> = {
  pending_approval: 'waiting', pending_assignment: 'waiting', info_requested: 'waiting', assigned: 'waiting',
  accepted: 'neutral', in_progress: 'neutral', delivered: 'waiting', closed: 'good', rejected: 'bad',
  declined: 'bad', cancelled: 'bad', withdrawn: 'neutral',
};

const HISTORY_LINES = 8;

export function statusLabel(status: RequestStatus, locale: Locale): string {
  return t(locale, `status.${status}` as MessageKey);
}

/** One audit entry as a line a person reads: "11月23日 14:00 王芳 同意". */
export function auditLine(a: AuditLike, org: Org, locale: Locale, timezone: string): string {
  const detail = (a.detail ?? {}) as Record<string, unknown>;
  const name = (id: unknown) => (typeof id === 'string' ? org.displayName(id) : '');
  const actor = a.onBehalfOfId ? t(locale, 'audit.on_behalf', { actor: name(a.actorId), principal: name(a.onBehalfOfId) }) : name(a.actorId);
  const key = `audit.${a.action}` as MessageKey;
  let text = t(locale, key, { actor, supporter: name(detail.supporter), rating: String(detail.rating ?? ''), to: name(detail.to), person: name(detail.person) });
  if (text === key) text = `${actor} ${a.action}`;
  const note = typeof detail.comment === 'string' && detail.comment ? detail.comment : typeof detail.reason === 'string' && detail.reason ? detail.reason : typeof detail.question === 'string' ? detail.question : '';
  return `${formatDateTime(a.createdAt, locale, timezone)} ${text}${note ? `: ${note.slice(0, 140)}` : ''}`;
}

/** The card a person sees for a request: the same facts for everyone, the buttons for their role. */
export function buildRequestCard(input: CardInput): RequestCard {
  const { request: r, viewerId, org, now } = input;
  const locale = input.locale ?? org.locale(viewerId);
  const zone = org.timezone(viewerId);
  const type = org.type(r.typeId);
  const typeLabel = type ? pick(type.label, locale) : r.typeId;
  const name = (id: string) => org.displayName(id);

  const facts: RequestCard['facts'] = [
    { label: t(locale, 'card.requester'), value: name(r.requesterId) },
    { label: t(locale, 'card.unit'), value: org.unitName(r.unitId, locale) },
  ];
  if (r.customer) facts.push({ label: t(locale, 'card.customer'), value: r.customer });
  // The type's own key facts: first few filled fields, formatted for reading.
  for (const f of type?.fields ?? []) {
    if (facts.length >= 8) break;
    if (f.id === 'customer' || f.id === type?.titleField) continue;
    const v = r.fields[f.id];
    if (v === undefined || v === null || v === '') continue;
    let value: string;
    if (f.kind === 'datetime') value = formatDateTime(new Date(String(v)), locale, zone);
    else if (f.kind === 'select') value = pick(f.options?.find((o) => o.value === v)?.label ?? { 'zh-CN': String(v), en: String(v) }, locale);
    else if (f.kind === 'multiselect' && Array.isArray(v)) value = v.map((x) => pick(f.options?.find((o) => o.value === x)?.label ?? { 'zh-CN': String(x), en: String(x) }, locale)).join(', ');
    else if (f.kind === 'person') value = name(String(v));
    else if (f.kind === 'money') value = Number(v).toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-US');
    else value = String(v);
    facts.push({ label: pick(f.label, locale), value: value.length > 300 ? `${value.slice(0, 297)}...` : value });
  }
  if (r.assigneeId) facts.push({ label: t(locale, 'card.assignee'), value: name(r.assigneeId) });
  if (r.rating) facts.push({ label: t(locale, 'card.rating'), value: `${'★'.repeat(r.rating)}${'☆'.repeat(5 - r.rating)}` });

  const approvals = r.steps.filter((s) => s.status !== 'skipped').map((s) => {
    const people = r.tasks.filter((task) => task.stepId === s.id && task.status !== 'skipped' && task.status !== 'cancelled').map((task) => {
      // ✓ approved, ✗ rejected, … deciding now, · not reached yet
      const mark = task.status === 'done' ? (task.decision === 'approve' ? '✓' : '✗') : task.status === 'open' ? '…' : '·';
      return `${mark} ${name(task.personId)}`;
    });
    const state = s.status === 'approved' ? '✓' : s.status === 'rejected' ? '✗' : s.status === 'disagreed' ? '≠' : s.status === 'active' ? '…' : '·';
    return { label: pick(s.label, locale), state, people: people.join(', ') };
  });

  const open = r.tasks.filter((task) => task.status === 'open');
  // The scheduler's escalations name their target in the audit; the waiting line says who was told.
  const escalatedTo = new Map<string, string>();
  for (const a of input.audit ?? []) {
    const d = a.detail as { task?: unknown; person?: unknown } | null | undefined;
    if (a.action === 'escalate' && typeof d?.task === 'string' && typeof d.person === 'string') escalatedTo.set(d.task, d.person);
  }
  const waitingOn = open.length === 0 ? null : open.map((task) => {
    const late = task.dueAt && task.dueAt < now ? ` (${t(locale, 'card.overdue')})` : '';
    const target = task.escalatedAt ? escalatedTo.get(task.id) : undefined;
    const escalated = target ? ` · ${t(locale, 'card.escalated', { person: name(target) })}` : '';
    return `${name(task.personId)} · ${t(locale, `task.${task.kind}` as MessageKey)} · ${formatAge(now.getTime() - task.createdAt.getTime(), locale)}${late}${escalated}`;
  }).join('\n');
  const mine = open.find((task) => task.personId === viewerId || org.delegateOf(task.personId, now) === viewerId);
  const yourTurn = mine ? t(locale, 'card.your_turn', { task: t(locale, `task.${mine.kind}` as MessageKey) }) : null;

  const history = (input.audit ?? []).slice(-HISTORY_LINES).map((a) => auditLine(a, org, locale, zone));
  const deliverables = (input.attachments ?? []).filter((a) => a.purpose === 'deliverable' || a.purpose === 'summary').map((a) => (
    a.kind === 'link' ? { label: a.name ?? a.value, url: a.value } : { label: a.value }
  ));

  const allowed = availableActions(r, viewerId, { org, now, newId: () => '' });
  const actions: CardAction[] = [];
  const add = (id: CardAction['id'], style: CardAction['style'] = 'default', input?: CardAction['input'], label?: string) =>
    actions.push({ id, label: label ?? t(locale, `action.${id}` as MessageKey), style, ...(input ? { input } : {}) });
  for (const a of allowed) {
    switch (a) {
      case 'decide': add('approve', 'primary', 'comment'); add('reject', 'danger', 'reason'); break;
      case 'assign': {
        const pool = type ? org.holders(type.supporterRole, r.unitId) : [];
        const options = pool.map((p) => ({ value: p, label: `${name(p)} (${input.load?.get(p) ?? 0})` }));
        actions.push({ id: 'assign', label: t(locale, r.status === 'pending_assignment' ? 'action.assign' : 'action.reassign'), style: r.status === 'pending_assignment' ? 'primary' : 'default', input: 'supporter', options });
        break;
      }
      case 'return': add('return', 'default', 'question'); break;
      case 'decline': add('decline', 'danger', 'reason'); break;
      case 'accept': add('accept', 'primary'); break;
      case 'start': add('start', allowed.includes('accept') ? 'default' : 'primary'); break;
      case 'deliver': add('deliver', 'primary', 'deliver'); break;
      case 'resubmit': add('resubmit', 'primary', 'answer'); break;
      case 'confirm': add('confirm', 'primary', 'rating'); break;
      case 'reopen': add('reopen', 'default', 'reason'); break;
      case 'summary': add('summary', 'primary', 'summary'); break;
      case 'transfer': add('transfer', 'default', 'person'); break;
      case 'add_approver': add('add_approver', 'default', 'person'); break;
      case 'nudge': add('nudge'); break;
      case 'withdraw': add('withdraw', 'danger'); break;
      case 'cancel': if (!allowed.includes('withdraw')) add('cancel', 'danger', 'reason'); break;
      case 'comment': add('comment', 'default', 'comment'); break;
      case 'watch': break;
    }
  }
  add('details');

  return {
    requestId: r.id, version: r.version, locale,
    title: `#${r.id} ${typeLabel}${r.customer ? ` · ${r.customer}` : ''}`,
    subtitle: r.title,
    status: { key: r.status, label: statusLabel(r.status, locale), tone: TONES[r.status] },
    facts, approvals, waitingOn, yourTurn, history, deliverables, actions,
    ...(input.baseUrl ? { url: `${input.baseUrl.replace(/\/$/, '')}/requests/${r.id}` } : {}),
  };
}

/**
 * The action a card button does at once, with no form to fill (undefined when it needs one).
 * An approval's comment is optional, so Approve is one click; a stale click hears "already decided".
 */
export function immediateAction(id: CardAction['id']): Action | undefined {
  switch (id) {
    case 'approve':
      return { type: 'decide', decision: 'approve' };
    case 'accept':
    case 'start':
    case 'nudge':
    case 'withdraw':
      return { type: id };
    default:
      return undefined;
  }
}
