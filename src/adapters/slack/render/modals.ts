import type { Locale } from '../../../core/catalog/types.js';
import { t } from '../../../core/i18n/messages.js';
import type { CardAction, FormField, RequestCard, RequestForm, TypePicker } from '../../../core/views/model.js';
import { ACTION, BLOCK, CALLBACK, fieldBlockId } from '../ids.js';
import { st } from '../messages.js';
import { renderCard } from './card.js';
import { clip, esc, LIMITS, md, metadata, option, plain, type KnownBlock, type ModalView } from './text.js';

/** A message a shortcut was started from: quoted into the picker and the form. */
export interface Prefill {
  text: string;
  link?: string;
}

export interface FormMetadata {
  /** Request type id. */
  t: string;
  p?: Prefill;
}

export interface ActionMetadata {
  r: number;
  v: number;
  a: CardAction['id'];
}

const shrinkPrefill = (d: Record<string, unknown>, budget: number) => {
  const p = d.p as Prefill | undefined;
  return p ? { ...d, p: { ...p, text: clip(p.text, budget) } } : d;
};

function modal(locale: Locale, callbackId: string, title: string, blocks: KnownBlock[], opts: { submit?: string; close?: string; meta?: string } = {}): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    title: plain(title, LIMITS.viewTitle),
    ...(opts.submit ? { submit: plain(opts.submit, LIMITS.viewButton) } : {}),
    close: plain(opts.close ?? st(locale, 'modal.cancel'), LIMITS.viewButton),
    ...(opts.meta ? { private_metadata: opts.meta } : {}),
    blocks: blocks.slice(0, LIMITS.viewBlocks),
  };
}

/** `/support`: the types grouped by system, each with its purpose and precondition and a Choose button. */
export function renderPicker(picker: TypePicker, prefill?: Prefill): ModalView {
  const l = picker.locale;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'intro', text: md(esc(picker.intro)) }];
  if (prefill) blocks.push({ type: 'context', block_id: 'from', elements: [md(st(l, 'picker.from_message', { link: prefill.link ?? '' }) + `\n>${esc(clip(prefill.text, 300)).replace(/\n/g, '\n>')}`)] });
  for (const g of picker.groups) {
    blocks.push({ type: 'header', block_id: `g.${g.system}`, text: plain(g.label, LIMITS.headerText) });
    for (const ty of g.types) {
      blocks.push({
        type: 'section', block_id: `t.${ty.id}`.slice(0, LIMITS.blockId),
        text: md(`*${esc(ty.label)}*\n${esc(ty.purpose)}\n_${esc(st(l, 'picker.precondition', { text: ty.precondition }))}_`),
        accessory: { type: 'button', action_id: `${ACTION.chooseType}:${ty.id}`.slice(0, LIMITS.actionId), value: ty.id, text: plain(st(l, 'picker.choose'), LIMITS.buttonText) },
      });
    }
  }
  return modal(l, CALLBACK.picker, picker.title, blocks, { meta: metadata(prefill ? { p: prefill } : {}, shrinkPrefill) });
}

/** How a person id becomes a Slack user id for users_select initial values. */
export type SlackIdOf = (personId: string) => string | undefined;

function element(f: FormField, slackIdOf: SlackIdOf): Record<string, unknown> {
  const base = { action_id: ACTION.value };
  const v = f.value;
  const initialOption = (value: unknown) => f.options?.filter((o) => o.value === value).map((o) => option(o.value, o.label))[0];
  switch (f.kind) {
    case 'text':
    case 'customer':
    case 'longtext':
      return {
        ...base, type: 'plain_text_input', multiline: f.kind === 'longtext',
        max_length: Math.min(f.maxLength ?? (f.kind === 'longtext' ? 2000 : 200), LIMITS.inputMaxLength),
        ...(typeof v === 'string' && v ? { initial_value: clip(v, Math.min(f.maxLength ?? 3000, LIMITS.inputMaxLength)) } : {}),
      };
    case 'date':
      return { ...base, type: 'datepicker', ...(typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? { initial_date: v } : {}) };
    case 'datetime': {
      const at = typeof v === 'string' || typeof v === 'number' ? new Date(typeof v === 'number' ? v * 1000 : v).getTime() : NaN;
      return { ...base, type: 'datetimepicker', ...(Number.isFinite(at) ? { initial_date_time: Math.floor(at / 1000) } : {}) };
    }
    case 'number':
    case 'money':
      return {
        ...base, type: 'number_input', is_decimal_allowed: true,
        ...(f.min !== undefined ? { min_value: String(f.min) } : f.kind === 'money' ? { min_value: '0' } : {}),
        ...(f.max !== undefined ? { max_value: String(f.max) } : {}),
        ...(typeof v === 'number' || (typeof v === 'string' && v) ? { initial_value: String(v) } : {}),
      };
    case 'select': {
      const options = (f.options ?? []).map((o) => option(o.value, o.label));
      const initial = initialOption(v);
      // More than Slack's 100 static options: load them from the options endpoint instead.
      if (options.length > LIMITS.selectOptions) return { ...base, type: 'external_select', min_query_length: 0, ...(initial ? { initial_option: initial } : {}) };
      return { ...base, type: 'static_select', options, ...(initial ? { initial_option: initial } : {}) };
    }
    case 'multiselect': {
      const options = (f.options ?? []).map((o) => option(o.value, o.label));
      const initial = Array.isArray(v) ? v.map(initialOption).filter((o) => o !== undefined) : [];
      if (options.length > LIMITS.selectOptions) return { ...base, type: 'multi_external_select', min_query_length: 0, ...(initial.length ? { initial_options: initial } : {}) };
      return { ...base, type: 'multi_static_select', options, ...(initial.length ? { initial_options: initial } : {}) };
    }
    case 'person': {
      const user = typeof v === 'string' ? slackIdOf(v) : undefined;
      return { ...base, type: 'users_select', ...(user ? { initial_user: user } : {}) };
    }
    case 'link':
      return { ...base, type: 'url_text_input', ...(typeof v === 'string' && v ? { initial_value: clip(v, LIMITS.inputMaxLength) } : {}) };
    default: {
      const never: never = f.kind;
      throw new Error(`unknown field kind ${String(never)}`);
    }
  }
}

/** A type's form as a modal, built only from the catalog (via the neutral RequestForm). */
export function renderForm(form: RequestForm, opts: { prefill?: Prefill; slackIdOf?: SlackIdOf } = {}): ModalView {
  const l = form.locale;
  const slackIdOf = opts.slackIdOf ?? (() => undefined);
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'purpose', text: md(esc(form.purpose)) }];
  if (opts.prefill?.link) blocks.push({ type: 'context', block_id: 'from', elements: [md(st(l, 'form.from_message', { link: opts.prefill.link }))] });
  const checked = option('confirmed', form.precondition.confirmLabel);
  blocks.push({
    type: 'input', block_id: BLOCK.precondition,
    label: plain(`${t(l, 'field.precondition_label')}: ${form.precondition.text}`, LIMITS.inputLabel),
    element: { type: 'checkboxes', action_id: ACTION.value, options: [checked], ...(form.precondition.confirmed ? { initial_options: [checked] } : {}) },
  } as KnownBlock);
  const units = form.unit.options.map((o) => option(o.value, o.label));
  const unit = units.find((o) => o.value === form.unit.value);
  blocks.push({
    type: 'input', block_id: BLOCK.unit, label: plain(form.unit.label, LIMITS.inputLabel),
    element: { type: 'static_select', action_id: ACTION.value, options: units.slice(0, LIMITS.selectOptions), ...(unit ? { initial_option: unit } : {}) },
  } as KnownBlock);
  // The quoted message goes into the first long text field, where the requester explains the need.
  const quoteInto = opts.prefill ? form.fields.find((f) => f.kind === 'longtext' && f.value === undefined)?.id : undefined;
  for (const f of form.fields) {
    const field = f.id === quoteInto && opts.prefill ? { ...f, value: [opts.prefill.text, opts.prefill.link].filter(Boolean).join('\n') } : f;
    blocks.push({
      type: 'input', block_id: fieldBlockId(f.id).slice(0, LIMITS.blockId), optional: !f.required,
      label: plain(f.label, LIMITS.inputLabel),
      ...(f.help ? { hint: plain(f.help, LIMITS.inputHint) } : {}),
      element: element(field, slackIdOf),
    } as unknown as KnownBlock);
  }
  const meta: FormMetadata = { t: form.typeId, ...(opts.prefill ? { p: opts.prefill } : {}) };
  return modal(l, CALLBACK.form, form.title, blocks, { submit: form.submitLabel, close: form.cancelLabel, meta: metadata({ ...meta }, shrinkPrefill) });
}

/** After a successful submit the modal turns into this receipt. */
export function renderSubmitted(locale: Locale, requestId: number): ModalView {
  return modal(locale, CALLBACK.done, st(locale, 'done.title'), [{ type: 'section', block_id: 'done', text: md(`:white_check_mark: ${esc(st(locale, 'done.body', { id: requestId }))}`) }], { close: st(locale, 'done.close') });
}

/** A request's card in a modal ("Details", or Open from App Home): buttons work here too. */
export function renderDetails(card: RequestCard, notice?: string): ModalView {
  const { blocks } = renderCard(card);
  if (notice) blocks.unshift({ type: 'context', block_id: 'notice', elements: [md(`:warning: ${esc(notice)}`)] });
  return modal(card.locale, CALLBACK.details, st(card.locale, 'details.title', { id: card.requestId }), blocks, { close: st(card.locale, 'done.close'), meta: metadata({ r: card.requestId }) });
}

const textInput = (blockId: string, label: string, opts: { optional?: boolean; multiline?: boolean; max?: number } = {}) => ({
  type: 'input', block_id: blockId, optional: opts.optional ?? false, label: plain(label, LIMITS.inputLabel),
  element: { type: 'plain_text_input', action_id: ACTION.value, multiline: opts.multiline ?? true, max_length: opts.max ?? 2000 },
}) as KnownBlock;

const urlInput = (label: string) => ({
  type: 'input', block_id: BLOCK.link, optional: true, label: plain(label, LIMITS.inputLabel),
  element: { type: 'url_text_input', action_id: ACTION.value },
}) as KnownBlock;

/** The extra input a button needs before it can act: a reason, a question, a link, a rating, a person. */
export function renderActionModal(card: RequestCard, action: CardAction): ModalView {
  const l = card.locale;
  const blocks: KnownBlock[] = [{ type: 'section', block_id: 'request', text: md(`*${esc(card.title)}*\n${esc(card.subtitle)}`) }];
  switch (action.input) {
    case 'reason':
      blocks.push(textInput(BLOCK.text, st(l, 'input.reason'), { optional: action.id === 'cancel' }));
      break;
    case 'question':
      blocks.push(textInput(BLOCK.text, st(l, 'input.question')));
      break;
    case 'answer':
      blocks.push(textInput(BLOCK.text, st(l, 'input.answer')));
      break;
    case 'comment':
      blocks.push(textInput(BLOCK.text, st(l, 'input.comment'), { optional: action.id === 'approve' }));
      break;
    case 'deliver':
    case 'summary':
      blocks.push(urlInput(st(l, 'input.link')), textInput(BLOCK.note, st(l, 'input.note'), { optional: true }));
      blocks.push({ type: 'context', block_id: 'hint', elements: [md(esc(st(l, 'input.deliver_hint')))] });
      break;
    case 'rating': {
      const options = [5, 4, 3, 2, 1].map((n) => option(String(n), st(l, 'rating.option', { stars: '★'.repeat(n), n })));
      blocks.push({ type: 'input', block_id: BLOCK.rating, label: plain(st(l, 'input.rating'), LIMITS.inputLabel), element: { type: 'radio_buttons', action_id: ACTION.value, options } } as KnownBlock);
      blocks.push(textInput(BLOCK.note, st(l, 'input.feedback'), { optional: true }));
      break;
    }
    case 'supporter': {
      const options = (action.options ?? []).slice(0, LIMITS.selectOptions).map((o) => option(o.value, o.label));
      blocks.push({ type: 'input', block_id: BLOCK.person, label: plain(st(l, 'input.supporter'), LIMITS.inputLabel), element: { type: 'static_select', action_id: ACTION.value, options } } as KnownBlock);
      blocks.push(textInput(BLOCK.note, st(l, 'input.assign_note'), { optional: true }));
      break;
    }
    case 'person': {
      blocks.push({ type: 'input', block_id: BLOCK.person, label: plain(st(l, 'input.person'), LIMITS.inputLabel), element: { type: 'users_select', action_id: ACTION.value } } as KnownBlock);
      if (action.id === 'add_approver') {
        const options = [option('before', st(l, 'position.before')), option('after', st(l, 'position.after'))];
        blocks.push({ type: 'input', block_id: BLOCK.position, label: plain(st(l, 'input.position'), LIMITS.inputLabel), element: { type: 'radio_buttons', action_id: ACTION.value, options, initial_option: options[1] } } as KnownBlock);
      }
      blocks.push(textInput(BLOCK.text, st(l, 'input.comment'), { optional: true }));
      break;
    }
    case 'hours':
    case undefined:
      break;
  }
  const meta: ActionMetadata = { r: card.requestId, v: card.version, a: action.id };
  return modal(l, CALLBACK.action, action.label, blocks, { submit: st(l, 'modal.send'), meta: metadata({ ...meta }) });
}
