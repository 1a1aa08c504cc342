import { DateTime } from 'luxon';
import type { Locale } from '../../../core/catalog/types.js';
import { t } from '../../../core/i18n/messages.js';
import type { FormField, ListView, MessageView, RequestForm, TypePicker } from '../../../core/views/model.js';
import { fieldName, NAME, type CallbackValue } from '../ids.js';
import { fm } from '../messages.js';
import { button, buttonRow, card, clip, esc, LIMITS, md, option, plain, red, type Card, type Element } from './kit.js';

/** `/support`: the types grouped by system, each with its purpose, precondition and a Choose button. */
export function renderPicker(picker: TypePicker): Card {
  const l = picker.locale;
  const elements: Element[] = [md(esc(picker.intro), 'intro')];
  for (const g of picker.groups) {
    elements.push(md(`**${esc(g.label)}**`, `g_${g.system}`));
    for (const ty of g.types) {
      elements.push({
        tag: 'column_set', flex_mode: 'none', horizontal_spacing: '8px',
        columns: [
          { tag: 'column', width: 'weighted', weight: 4, elements: [md(`**${esc(ty.label)}**\n${esc(ty.purpose)}\n<font color='grey'>${esc(fm(l, 'picker.precondition', { text: ty.precondition }))}</font>`)] },
          { tag: 'column', width: 'auto', vertical_align: 'center', elements: [button(fm(l, 'picker.choose'), { k: 'pick', t: ty.id } satisfies CallbackValue)] },
        ],
      });
    }
  }
  return card({ title: picker.title, elements, summary: picker.title });
}

/** Person ids <-> Feishu open_ids, for the person picker. */
export interface People {
  openIdOf(personId: string): string | undefined;
  /** Everyone selectable in a person picker, as open_ids. */
  openIds(): string[];
  zoneOf(personId?: string): string;
}

/** `yyyy-MM-dd HH:mm` in the requester's zone, as picker_datetime wants its initial value. */
function pickerDateTime(v: unknown, zone: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const dt = typeof v === 'number' ? DateTime.fromSeconds(v) : DateTime.fromISO(String(v).replace(' ', 'T'), { zone, setZone: false });
  return dt.isValid ? dt.setZone(zone).toFormat('yyyy-MM-dd HH:mm') : undefined;
}

function component(f: FormField, people: People, personId: string): Element {
  const name = fieldName(f.id);
  const base = { element_id: `in_${f.id}`.slice(0, LIMITS.elementId).replace(/[^A-Za-z0-9_]/g, '_'), name, required: f.required };
  const v = f.value;
  const placeholder = plain(f.label, 100);
  switch (f.kind) {
    case 'text':
    case 'customer':
    case 'link':
    case 'number':
    case 'money':
    case 'longtext': {
      const max = Math.min(f.maxLength ?? (f.kind === 'longtext' ? 2000 : 200), LIMITS.inputMaxLength);
      const value = typeof v === 'string' || typeof v === 'number' ? clip(String(v), max) : undefined;
      return {
        ...base, tag: 'input', placeholder, max_length: max,
        ...(f.kind === 'longtext' ? { input_type: 'multiline_text', rows: 4, auto_resize: true } : {}),
        ...(value ? { default_value: value } : {}),
      };
    }
    case 'date': {
      const d = typeof v === 'string' ? v.slice(0, 10) : undefined;
      return { ...base, tag: 'date_picker', placeholder, ...(d && /^\d{4}-\d{2}-\d{2}$/.test(d) ? { initial_date: d } : {}) };
    }
    case 'datetime': {
      const at = pickerDateTime(v, people.zoneOf(personId));
      return { ...base, tag: 'picker_datetime', placeholder, ...(at ? { initial_datetime: at } : {}) };
    }
    case 'select': {
      const options = (f.options ?? []).slice(0, LIMITS.selectOptions).map((o) => option(o.value, o.label));
      return { ...base, tag: 'select_static', placeholder, options, ...(typeof v === 'string' && options.some((o) => o.value === v) ? { initial_option: v } : {}) };
    }
    case 'multiselect': {
      const options = (f.options ?? []).slice(0, LIMITS.selectOptions).map((o) => option(o.value, o.label));
      const selected = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && options.some((o) => o.value === x)) : [];
      return { ...base, tag: 'multi_select_static', placeholder, options, ...(selected.length ? { selected_values: selected } : {}) };
    }
    case 'person': {
      const initial = typeof v === 'string' ? (people.openIdOf(v) ?? v) : undefined;
      const ids = people.openIds().slice(0, LIMITS.selectOptions);
      return { ...base, tag: 'select_person', placeholder, options: ids.map((value) => ({ value })), ...(initial && ids.includes(initial) ? { initial_option: initial } : {}) };
    }
    default: {
      const never: never = f.kind;
      throw new Error(`unknown field kind ${String(never)}`);
    }
  }
}

/** A type's form as a card 2.0 form container, built only from the catalog (via the neutral RequestForm). */
export function renderForm(form: RequestForm, people: People, personId: string): Card {
  const l = form.locale;
  const inputs: Element[] = [];
  const label = (text: string, required: boolean, help: string | undefined, id: string) =>
    md(`**${esc(text)}**${required ? '' : ` <font color='grey'>(${esc(fm(l, 'input.optional'))})</font>`}${help ? `\n<font color='grey'>${esc(help)}</font>` : ''}`, `lb_${id}`.slice(0, LIMITS.elementId).replace(/[^A-Za-z0-9_]/g, '_'));
  const error = (msg: string | undefined, id: string) => {
    if (msg) inputs.push(md(red(msg), `er_${id}`.slice(0, LIMITS.elementId).replace(/[^A-Za-z0-9_]/g, '_')));
  };
  inputs.push(md(`**${esc(t(l, 'field.precondition_label'))}**: ${esc(form.precondition.text)}`, 'lb_precondition'));
  inputs.push({ tag: 'checker', element_id: 'in_precondition', name: NAME.precondition, checked: form.precondition.confirmed, text: plain(form.precondition.confirmLabel, 200) });
  error(form.precondition.error, 'precondition');
  inputs.push(label(form.unit.label, true, undefined, 'unit'));
  inputs.push({
    tag: 'select_static', element_id: 'in_unit', name: NAME.unit, required: true, placeholder: plain(form.unit.label, 100),
    options: form.unit.options.slice(0, LIMITS.selectOptions).map((o) => option(o.value, o.label)),
    ...(form.unit.value ? { initial_option: form.unit.value } : {}),
  });
  error(form.unit.error, 'unit');
  for (const f of form.fields) {
    inputs.push(label(f.label, f.required, f.help, f.id));
    inputs.push(component(f, people, personId));
    error(f.error, f.id);
  }
  // Not er_<id>: a catalog field may be called `form`.
  if (form.error) inputs.push(md(red(form.error), 'form_error'));
  inputs.push(button(form.submitLabel, { k: 'submit', t: form.typeId } satisfies CallbackValue, { style: 'primary', submit: true, name: NAME.submit, id: 'b_submit' }));
  return card({
    title: form.title, subtitle: form.purpose, summary: form.title,
    elements: [{ tag: 'form', element_id: 'request_form', name: NAME.requestForm, elements: inputs }],
  });
}

/** After a successful submit the form card turns into this receipt. */
export function renderSubmitted(locale: Locale, requestId: number, title: string): Card {
  return card({ title: fm(locale, 'done.title'), tone: 'good', summary: fm(locale, 'done.title'), elements: [md(`✅ **${esc(title)}**\n${esc(fm(locale, 'done.body', { id: requestId }))}`, 'done')] });
}

/** "My requests" and "Waiting on me" (and "My unit"): a row per request with an Open button. */
export function renderList(list: ListView): Card {
  const l = list.locale;
  const elements: Element[] = [];
  for (const s of list.sections) {
    elements.push(md(`**${esc(s.title)}** (${s.items.length})`, `h_${s.id}`));
    if (s.items.length === 0) elements.push(md(`<font color='grey'>${esc(s.empty)}</font>`, `e_${s.id}`));
    for (const item of s.items.slice(0, 15)) {
      const meta = [item.status, item.age, item.detail].filter(Boolean).map((x) => esc(String(x))).join(' · ');
      elements.push({
        tag: 'column_set', flex_mode: 'none', horizontal_spacing: '8px',
        columns: [
          { tag: 'column', width: 'weighted', weight: 4, elements: [md(`${esc(item.title)}\n<font color='grey'>${meta}</font>`)] },
          { tag: 'column', width: 'auto', vertical_align: 'center', elements: [button(fm(l, 'list.open'), { k: 'open', r: item.requestId } satisfies CallbackValue)] },
        ],
      });
    }
  }
  elements.push(button(fm(l, 'list.new'), { k: 'new' } satisfies CallbackValue, { style: 'primary', id: 'b_new' }));
  return card({ title: fm(l, 'list.title'), summary: list.sections.map((s) => `${s.title}: ${s.items.length}`).join(' · '), elements });
}

/** Reminders and digests: sections of lines, buttons to open a request or the dashboard. */
export function renderMessageView(view: MessageView): Card {
  const l = view.locale;
  const elements: Element[] = [];
  if (view.summary) elements.push(md(esc(view.summary), 'summary'));
  // Keep well inside the 30 KB card limit however long a digest gets: lines beyond the budget
  // are counted and summarised as "…and N more".
  let budget = 20 * 1024;
  let dropped = 0;
  view.sections.forEach((s, i) => {
    const lines: string[] = s.title ? [`**${esc(s.title)}**`] : [];
    for (const x of s.lines) {
      const line = esc(clip(x.text, 300));
      const cost = Buffer.byteLength(line, 'utf8') + 2;
      if (cost > budget) {
        dropped++;
        continue;
      }
      budget -= cost;
      lines.push(line);
    }
    if (lines.length > (s.title ? 1 : 0)) elements.push(md(lines.join('\n'), `s_${i}`));
  });
  if (dropped > 0) elements.push(md(esc(fm(l, 'message.more', { n: dropped })), 'more'));
  if (view.chart) {
    // A card chart (VChart spec, card JSON 2.0 `chart`): horizontal bars read well on a phone.
    const values = view.chart.series.slice(0, 30).map((x) => ({ label: clip(x.label, 40), value: x.value }));
    elements.push(md(`**${esc(view.chart.title)}**`, 'chart_title'));
    elements.push({
      tag: 'chart', element_id: 'chart', aspect_ratio: values.length > 6 ? '1:1' : '16:9', color_theme: 'brand',
      chart_spec: { type: 'bar', direction: 'horizontal', data: { values }, xField: 'value', yField: 'label', label: { visible: true } },
    });
  }
  const buttons = view.actions.slice(0, 10).flatMap((a, i): Element[] => {
    if (a.id === 'open' && a.requestId) return [button(a.label, { k: 'open', r: a.requestId } satisfies CallbackValue, { id: `b_open_${i}` })];
    if (a.id === 'dashboard' && a.url) return [button(a.label, {}, { url: a.url, id: `b_dash_${i}` })];
    if (a.id === 'snooze' && a.hours) return [button(a.label, { k: 'snooze', h: a.hours } satisfies CallbackValue, { id: `b_snooze_${i}` })];
    return [];
  });
  if (buttons.length > 0) elements.push(buttonRow(buttons, 'actions'));
  return card({ title: view.title, summary: view.summary ?? view.title, elements });
}

/** Plain text messages (notices, help, comments) as im.v1 `text` content. */
export const textContent = (text: string) => JSON.stringify({ text: clip(text, 4000) });
