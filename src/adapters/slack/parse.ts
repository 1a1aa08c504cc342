import type { RequestTypeDef } from '../../core/catalog/types.js';
import type { Action } from '../../core/domain/lifecycle.js';
import type { Org } from '../../core/org.js';
import type { CardAction } from '../../core/views/model.js';
import { ACTION, BLOCK, fieldBlockId } from './ids.js';

// Slack view state -> neutral values. Every input block holds one element under ACTION.value;
// the element type says where Slack put the value.

interface ElementState {
  type: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: Array<{ value: string }>;
  selected_date?: string | null;
  selected_date_time?: number | null;
  selected_user?: string | null;
  selected_users?: string[];
}

export type ViewState = Record<string, Record<string, ElementState>>;

/** One input's value as the catalog validation expects it; Slack users become person ids. */
export function readElement(el: ElementState | undefined, org: Org): unknown {
  if (!el) return undefined;
  switch (el.type) {
    case 'datepicker':
      return el.selected_date ?? undefined;
    case 'datetimepicker':
      return el.selected_date_time ?? undefined;
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return el.selected_option?.value;
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return (el.selected_options ?? []).map((o) => o.value);
    case 'users_select':
      // An unknown user stays a raw id, which validation refuses with "choose a person from the directory".
      return el.selected_user ? (org.personBySlack(el.selected_user)?.id ?? el.selected_user) : undefined;
    default:
      return el.value ?? undefined;
  }
}

const valueOf = (state: ViewState, blockId: string, org: Org) => readElement(state[blockId]?.[ACTION.value], org);

/** The request form's values keyed by catalog field id, plus the unit and the precondition. */
export function readForm(state: ViewState, type: RequestTypeDef, org: Org): { values: Record<string, unknown>; unitId?: string } {
  const values: Record<string, unknown> = {};
  for (const f of type.fields) {
    const v = valueOf(state, fieldBlockId(f.id), org);
    if (v !== undefined) values[f.id] = v;
  }
  values.precondition = valueOf(state, BLOCK.precondition, org) ?? [];
  const unit = valueOf(state, BLOCK.unit, org);
  return { values, ...(typeof unit === 'string' ? { unitId: unit } : {}) };
}

/** An action modal's inputs as the domain Action for that button. */
export function readAction(id: CardAction['id'], state: ViewState, org: Org): Action | undefined {
  const str = (block: string) => {
    const v = valueOf(state, block, org);
    return typeof v === 'string' ? v : undefined;
  };
  const text = str(BLOCK.text) ?? '';
  const opt = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  switch (id) {
    case 'approve':
      return { type: 'decide', decision: 'approve', ...(opt(text) ? { comment: opt(text) } : {}) };
    case 'reject':
      return { type: 'decide', decision: 'reject', comment: text };
    case 'return':
      return { type: 'return', question: text };
    case 'resubmit':
      return { type: 'resubmit', answer: text };
    case 'assign':
      return { type: 'assign', supporterId: str(BLOCK.person) ?? '', ...(opt(str(BLOCK.note)) ? { note: opt(str(BLOCK.note)) } : {}) };
    case 'decline':
      return { type: 'decline', reason: text };
    case 'deliver':
    case 'summary':
      return { type: id, ...(opt(str(BLOCK.link)) ? { link: opt(str(BLOCK.link)) } : {}), ...(opt(str(BLOCK.note)) ? { note: opt(str(BLOCK.note)) } : {}) };
    case 'confirm':
      return { type: 'confirm', rating: Number(str(BLOCK.rating) ?? 0), ...(opt(str(BLOCK.note)) ? { note: opt(str(BLOCK.note)) } : {}) };
    case 'reopen':
      return { type: 'reopen', reason: text };
    case 'cancel':
      return { type: 'cancel', ...(opt(text) ? { reason: opt(text) } : {}) };
    case 'comment':
      return { type: 'comment', body: text };
    case 'transfer':
      return { type: 'transfer', toPersonId: str(BLOCK.person) ?? '', ...(opt(text) ? { comment: opt(text) } : {}) };
    case 'add_approver':
      return { type: 'add_approver', personId: str(BLOCK.person) ?? '', position: str(BLOCK.position) === 'before' ? 'before' : 'after', ...(opt(text) ? { comment: opt(text) } : {}) };
    default:
      return undefined;
  }
}

/** Where a domain field error belongs in an action modal. */
export function actionBlockFor(field: string): string {
  if (field === 'link') return BLOCK.link;
  if (field === 'rating') return BLOCK.rating;
  if (field === 'supporter' || field === 'person') return BLOCK.person;
  return BLOCK.text;
}
