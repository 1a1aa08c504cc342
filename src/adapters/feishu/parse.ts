import { z } from 'zod';
import type { RequestTypeDef } from '../../core/catalog/types.js';
import type { Action } from '../../core/domain/lifecycle.js';
import type { Org } from '../../core/org.js';
import { fieldName, NAME, type ActionId } from './ids.js';

// Feishu payloads -> neutral values. The SDK leaves card.action.trigger and most events untyped;
// everything is parsed with zod before any logic runs. The dispatcher flattens v2 events: header
// fields (event_id, event_type, token …) and event fields sit side by side.

const openId = z.object({ open_id: z.string() }).loose();

/** card.action.trigger (callback schema 2.0), as EventDispatcher hands it over. */
export const cardActionEvent = z.object({
  event_id: z.string().optional(),
  operator: openId,
  token: z.string().optional(),
  action: z.object({
    value: z.unknown(),
    tag: z.string().optional(),
    name: z.string().optional(),
    form_value: z.record(z.string(), z.unknown()).optional(),
    timezone: z.string().optional(),
  }).loose(),
  context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).loose().optional(),
}).loose();
export type CardActionEvent = z.infer<typeof cardActionEvent>;

/** im.message.receive_v1 */
export const messageEvent = z.object({
  event_id: z.string().optional(),
  sender: z.object({ sender_id: openId, sender_type: z.string().optional() }).loose(),
  message: z.object({
    message_id: z.string(),
    root_id: z.string().optional(),
    parent_id: z.string().optional(),
    chat_id: z.string(),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
  }).loose(),
}).loose();
export type MessageEvent = z.infer<typeof messageEvent>;

/** application.bot.menu_v6 */
export const menuEvent = z.object({
  event_id: z.string().optional(),
  operator: z.object({ operator_id: openId }).loose(),
  event_key: z.string(),
}).loose();

/** The text of a text message, without @mentions. */
export function messageText(m: MessageEvent['message']): string | undefined {
  if (m.message_type !== 'text') return undefined;
  try {
    const text = (JSON.parse(m.content) as { text?: unknown }).text;
    return typeof text === 'string' ? text.replace(/@_user_\d+/g, '').trim() : undefined;
  } catch {
    return undefined;
  }
}

const offset = (raw: string | undefined) => {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(raw ?? '');
  return m ? `${m[1]}${m[2]}:${m[3]}` : '';
};

/**
 * date_picker sends "2026-12-01 +0800", picker_datetime "2026-12-01 10:00 +0800"; the catalog
 * validation wants "2026-12-01" and an ISO instant (or a local time in the requester's zone).
 */
export function normaliseDate(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v.trim());
  return m ? m[1] : v;
}

export function normaliseDateTime(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(?::\d{2})?\s*([+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) return v;
  const zone = offset(m[3]);
  return zone ? `${m[1]}T${m[2]}:00${zone}` : `${m[1]} ${m[2]}`;
}

/** The request form's form_value keyed by catalog field id, plus the unit and the precondition. */
export function readForm(formValue: Record<string, unknown>, type: RequestTypeDef, org: Org): { values: Record<string, unknown>; unitId?: string } {
  const values: Record<string, unknown> = {};
  for (const f of type.fields) {
    let v = formValue[fieldName(f.id)];
    if (v === undefined || v === null || v === '') continue;
    if (f.kind === 'date') v = normaliseDate(v);
    else if (f.kind === 'datetime') v = normaliseDateTime(v);
    // An unknown open_id stays raw, which validation refuses with "choose a person from the directory".
    else if (f.kind === 'person' && typeof v === 'string') v = org.personByFeishu(v)?.id ?? v;
    values[f.id] = v;
  }
  const p = formValue[NAME.precondition];
  values.precondition = p === true || p === 'true' ? ['confirmed'] : [];
  const unit = formValue[NAME.unit];
  return { values, ...(typeof unit === 'string' && unit ? { unitId: unit } : {}) };
}

/** The inline action form's inputs as the domain Action for that button. */
export function readAction(id: ActionId, formValue: Record<string, unknown>): Action | undefined {
  const str = (name: string) => {
    const v = formValue[name];
    return typeof v === 'string' ? v.trim() : undefined;
  };
  const opt = (name: string) => (str(name) ? { [name === NAME.text ? 'comment' : name]: str(name) } : {});
  const text = str(NAME.text) ?? '';
  switch (id) {
    case 'approve':
      return { type: 'decide', decision: 'approve', ...(text ? { comment: text } : {}) };
    case 'reject':
      return { type: 'decide', decision: 'reject', comment: text };
    case 'return':
      return { type: 'return', question: text };
    case 'resubmit':
      return { type: 'resubmit', answer: text };
    case 'assign':
      return { type: 'assign', supporterId: str(NAME.person) ?? '', ...(str(NAME.note) ? { note: str(NAME.note) } : {}) };
    case 'decline':
      return { type: 'decline', reason: text };
    case 'deliver':
    case 'summary':
      return { type: id, ...(str(NAME.link) ? { link: str(NAME.link) } : {}), ...(str(NAME.note) ? { note: str(NAME.note) } : {}) };
    case 'confirm':
      return { type: 'confirm', rating: Number(str(NAME.rating) ?? 0), ...(str(NAME.note) ? { note: str(NAME.note) } : {}) };
    case 'reopen':
      return { type: 'reopen', reason: text };
    case 'cancel':
      return { type: 'cancel', ...(text ? { reason: text } : {}) };
    case 'comment':
      return { type: 'comment', body: text };
    case 'transfer':
      return { type: 'transfer', toPersonId: str(NAME.person) ?? '', ...opt(NAME.text) };
    case 'add_approver':
      return { type: 'add_approver', personId: str(NAME.person) ?? '', position: str(NAME.position) === 'before' ? 'before' : 'after', ...opt(NAME.text) };
    default:
      return undefined;
  }
}

/** Where a domain field error belongs in the inline action form. */
export function actionInputFor(field: string): string {
  if (field === 'link') return NAME.link;
  if (field === 'rating') return NAME.rating;
  if (field === 'supporter' || field === 'person' || field === 'supporterId' || field === 'toPersonId' || field === 'personId') return NAME.person;
  return NAME.text;
}
