import type { FieldKind, Locale, SystemId } from '../catalog/types.js';
import type { ActionType } from '../domain/lifecycle.js';
import type { RequestStatus } from '../domain/types.js';

// The neutral view model. Slack (Block Kit), Feishu (card JSON 2.0) and the web console each
// render these; nothing here knows a platform.

export type Tone = 'neutral' | 'waiting' | 'good' | 'bad';

/** What a button does; input says which extra input the platform must collect first. */
export interface CardAction {
  /** approve / reject are the two faces of `decide`. */
  id: Exclude<ActionType, 'decide'> | 'approve' | 'reject' | 'details';
  label: string;
  style: 'primary' | 'danger' | 'default';
  input?: 'comment' | 'reason' | 'question' | 'answer' | 'deliver' | 'rating' | 'person' | 'supporter' | 'summary' | 'hours';
  /** For `supporter`: the pool with each one's open load. */
  options?: Array<{ value: string; label: string }>;
}

export interface RequestCard {
  requestId: number;
  version: number;
  locale: Locale;
  /** "#12 价格申请 · 招商银行" */
  title: string;
  subtitle: string;
  status: { key: RequestStatus; label: string; tone: Tone };
  facts: Array<{ label: string; value: string }>;
  approvals: Array<{ label: string; state: string; people: string }>;
  waitingOn: string | null;
  /** Set when the viewer has something to do. */
  yourTurn: string | null;
  history: string[];
  deliverables: Array<{ label: string; url?: string }>;
  actions: CardAction[];
  /** Where the web console shows it. */
  url?: string;
}

export interface FormField {
  id: string;
  kind: FieldKind;
  label: string;
  help?: string;
  required: boolean;
  options?: Array<{ value: string; label: string }>;
  /** Normalised current value (ISO date/instant, number, ids). */
  value?: unknown;
  error?: string;
  maxLength?: number;
  min?: number;
  max?: number;
}

export interface RequestForm {
  typeId: string;
  locale: Locale;
  title: string;
  purpose: string;
  precondition: { text: string; confirmLabel: string; error?: string; confirmed: boolean };
  unit: { label: string; options: Array<{ value: string; label: string }>; value?: string; error?: string };
  fields: FormField[];
  submitLabel: string;
  cancelLabel: string;
  /** A form-level message (e.g. "Please correct the highlighted fields"). */
  error?: string;
}

export interface TypePicker {
  locale: Locale;
  title: string;
  intro: string;
  groups: Array<{ system: SystemId; label: string; types: Array<{ id: string; label: string; purpose: string; precondition: string }> }>;
}

export interface ListView {
  locale: Locale;
  sections: Array<{ id: 'mine' | 'queue' | 'unit'; title: string; empty: string; items: Array<{ requestId: number; title: string; status: string; age: string; detail?: string }> }>;
}

/**
 * A rendered-for-one-reader message with sections of lines and buttons: reminders, escalations
 * and digests. Outbox rows of kind 'reminder' and 'digest' carry `{ view: MessageView }` in their
 * payload; every channel renders it generically (Block Kit sections / Feishu markdown + buttons).
 */
export interface MessageView {
  locale: Locale;
  title: string;
  /** One line under the title, e.g. "3 waiting on you, 1 overdue". */
  summary?: string;
  sections: Array<{
    title?: string;
    lines: Array<{ text: string; requestId?: number; tone?: Tone }>;
  }>;
  /** Buttons: open a request, snooze reminders, open the dashboard. */
  actions: Array<{ id: 'open' | 'snooze' | 'dashboard'; label: string; requestId?: number; hours?: number; url?: string }>;
  /** A chart for weekly summaries: Feishu renders a card chart, Slack a table. */
  chart?: { title: string; kind: 'bar'; series: Array<{ label: string; value: number }> };
}
