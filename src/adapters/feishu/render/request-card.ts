import type { Locale } from '../../../core/catalog/types.js';
import type { CardAction, RequestCard } from '../../../core/views/model.js';
import { NAME, type CallbackValue } from '../ids.js';
import { fm } from '../messages.js';
import { button, buttonRow, card, clip, esc, LIMITS, md, option, plain, red, type Card, type Element, type Json } from './kit.js';

/** What the inline action form shows after a failed Send: the values typed and the errors by input name. */
export interface ActionFormState {
  action: CardAction;
  values?: Record<string, unknown>;
  errors?: Record<string, string>;
  /** Choices for person inputs (transfer, add reviewer): person id -> name. */
  people?: Array<{ value: string; label: string }>;
}

/** One request as card JSON 2.0: the same facts for everyone, the buttons (or one inline form) for this reader. */
export function renderCard(c: RequestCard, opts: { form?: ActionFormState; notice?: string } = {}): Card {
  const l = c.locale;
  const elements: Element[] = [];
  if (opts.notice) elements.push(md(`⚠️ ${esc(opts.notice)}`, 'notice'));
  const head = [esc(c.subtitle)];
  if (c.yourTurn) head.push(`👉 **${esc(c.yourTurn)}**`);
  elements.push(md(head.join('\n'), 'subtitle'));
  if (c.facts.length > 0) elements.push(md(c.facts.map((f) => `**${esc(f.label)}**: ${esc(clip(f.value, 300))}`).join('\n'), 'facts'));
  if (c.approvals.length > 0) elements.push(md(c.approvals.map((a) => `${a.state} ${esc(a.label)}${a.people ? `: ${esc(a.people)}` : ''}`).join('\n'), 'approvals'));
  if (c.deliverables.length > 0) {
    const lines = c.deliverables.map((d) => (d.url ? `[${esc(clip(d.label, 200))}](${d.url})` : esc(clip(d.label, 500))));
    elements.push(md(`📦 ${lines.join('\n')}`, 'deliverables'));
  }
  if (c.waitingOn) elements.push(md(`<font color='grey'>⏳ ${esc(c.waitingOn)}</font>`, 'waiting'));
  if (c.history.length > 0) elements.push(md(`<font color='grey'>${c.history.map(esc).join('\n')}</font>`, 'history'));
  if (opts.form) {
    elements.push(...actionForm(c, opts.form));
  } else {
    const buttons = c.actions
      .filter((a) => a.id !== 'details') // the card is the details already
      .map((a) => button(a.label, { k: 'act', a: a.id, r: c.requestId, v: c.version } satisfies CallbackValue, { style: a.style, id: `b_${a.id}` }));
    if (c.url) buttons.push(button(fm(l, 'card.open_console'), {}, { url: c.url, id: 'b_console' }));
    if (buttons.length > 0) elements.push(buttonRow(buttons, 'actions'));
  }
  return card({ title: c.title, tone: c.status.tone, tag: c.status.label, summary: fm(l, 'card.summary', { title: c.title, status: c.status.label }), elements });
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

function textInput(name: string, label: string, opts: { required?: boolean; multiline?: boolean; value?: unknown; max?: number; l: Locale }): Element {
  const value = str(opts.value);
  return {
    tag: 'input', element_id: `in_${name}`, name, required: opts.required ?? false,
    label: plain(opts.required ? label : `${label} (${fm(opts.l, 'input.optional')})`, 100), label_position: 'top',
    max_length: opts.max ?? LIMITS.inputMaxLength,
    ...(opts.multiline !== false ? { input_type: 'multiline_text', rows: 3, auto_resize: true } : {}),
    ...(value ? { default_value: clip(value, opts.max ?? LIMITS.inputMaxLength) } : {}),
  };
}

function select(name: string, label: string, options: Array<{ value: string; label: string }>, value: unknown, l: Locale, required = true): Element[] {
  const initial = options.find((o) => o.value === value)?.value;
  return [
    md(`**${esc(label)}**`, `lb_${name}`),
    {
      tag: 'select_static', element_id: `in_${name}`, name, required, placeholder: plain(label, 100),
      options: options.slice(0, LIMITS.selectOptions).map((o) => option(o.value, o.label)),
      ...(initial ? { initial_option: initial } : {}),
    },
  ];
}

/** The extra input a button needs before it can act, inline in the card (Feishu has no modals for bots). */
function actionForm(c: RequestCard, s: ActionFormState): Element[] {
  const l = c.locale;
  const a = s.action;
  const v = s.values ?? {};
  const inputs: Element[] = [md(`**${esc(a.label)}**`, 'form_title')];
  switch (a.input) {
    case 'reason':
      inputs.push(textInput(NAME.text, fm(l, 'input.reason'), { required: a.id !== 'cancel', value: v.text, l }));
      break;
    case 'question':
      inputs.push(textInput(NAME.text, fm(l, 'input.question'), { required: true, value: v.text, l }));
      break;
    case 'answer':
      inputs.push(textInput(NAME.text, fm(l, 'input.answer'), { required: true, value: v.text, l }));
      break;
    case 'comment':
      inputs.push(textInput(NAME.text, fm(l, 'input.comment'), { required: a.id !== 'approve', value: v.text, l }));
      break;
    case 'deliver':
    case 'summary':
      inputs.push(textInput(NAME.link, fm(l, 'input.link'), { multiline: false, value: v.link, l }));
      inputs.push(textInput(NAME.note, fm(l, 'input.note'), { value: v.note, l }));
      inputs.push(md(`<font color='grey'>${esc(fm(l, 'input.deliver_hint'))}</font>`, 'hint'));
      break;
    case 'rating': {
      const stars = [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: fm(l, 'rating.option', { stars: '★'.repeat(n), n }) }));
      inputs.push(...select(NAME.rating, fm(l, 'input.rating'), stars, v.rating, l));
      inputs.push(textInput(NAME.note, fm(l, 'input.feedback'), { value: v.note, l }));
      break;
    }
    case 'supporter':
      inputs.push(...select(NAME.person, fm(l, 'input.supporter'), a.options ?? [], v.person, l));
      inputs.push(textInput(NAME.note, fm(l, 'input.assign_note'), { value: v.note, l }));
      break;
    case 'person':
      inputs.push(...select(NAME.person, fm(l, 'input.person'), s.people ?? [], v.person, l));
      if (a.id === 'add_approver') {
        inputs.push(...select(NAME.position, fm(l, 'input.position'), [{ value: 'before', label: fm(l, 'position.before') }, { value: 'after', label: fm(l, 'position.after') }], v.position ?? 'after', l));
      }
      inputs.push(textInput(NAME.text, fm(l, 'input.comment'), { value: v.text, l }));
      break;
    case 'hours':
    case undefined:
      break;
  }
  // Errors go right under the input they belong to.
  const withErrors: Element[] = [];
  for (const el of inputs) {
    withErrors.push(el);
    const name = (el as Json).name as string | undefined;
    const err = name ? s.errors?.[name] : undefined;
    if (err) withErrors.push(md(red(err), `er_${name}`));
  }
  const general = s.errors?.['*'];
  if (general) withErrors.push(md(red(general), 'er_general'));
  withErrors.push(button(fm(l, 'input.send'), { k: 'do', a: a.id, r: c.requestId, v: c.version } satisfies CallbackValue, { style: a.style === 'danger' ? 'danger' : 'primary', submit: true, name: NAME.submit, id: 'b_send' }));
  // Cancel sits outside the form: inside, every button must be a submit or reset button.
  return [
    { tag: 'form', element_id: 'action_form', name: NAME.actionForm, elements: withErrors },
    button(fm(l, 'input.cancel'), { k: 'back', r: c.requestId } satisfies CallbackValue, { id: 'b_cancel' }),
  ];
}
