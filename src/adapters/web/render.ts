import type { Locale } from '../../core/catalog/types.js';
import { t } from '../../core/i18n/messages.js';
import type { CardAction, FormField, ListView, MessageView, RequestCard, RequestForm, TypePicker } from '../../core/views/model.js';
import { html, type Html } from './html.js';
import { ct } from './messages.js';

// Renders the neutral view model (core/views/model.ts) as HTML: the same cards, forms, pickers
// and lists the Slack and Feishu adapters render as Block Kit and card JSON.

export function renderPicker(p: TypePicker): Html {
  return html`<section class="picker"><h1>${p.title}</h1><p class="muted">${p.intro}</p>
${p.groups.map((g) => html`<h2>${g.label}</h2><div class="types">${g.types.map((ty) => html`<a href="/new/${ty.id}" data-type="${ty.id}"><strong>${ty.label}</strong><br><span>${ty.purpose}</span><br><span class="muted small">${ty.precondition}</span></a>`)}</div>`)}
</section>`;
}

const errorLine = (id: string, message: string | undefined) => (message ? html`<p class="error" id="${id}-error" role="alert">${message}</p>` : '');

function inputFor(f: FormField, locale: Locale, people: Array<{ id: string; name: string }>): Html {
  const v = f.value;
  const str = v === undefined || v === null ? '' : Array.isArray(v) ? '' : String(v);
  const described = f.error ? html` aria-invalid="true" aria-describedby="f-${f.id}-error"` : '';
  const common = html`id="f-${f.id}" name="${f.id}"${described}`;
  switch (f.kind) {
    case 'longtext':
      return html`<textarea ${common} rows="3"${f.maxLength ? html` maxlength="${f.maxLength}"` : ''}>${str}</textarea>`;
    case 'number':
    case 'money':
      return html`<input type="text" inputmode="decimal" ${common} value="${str}">`;
    case 'date':
      return html`<input type="date" ${common} value="${str.slice(0, 10)}">`;
    case 'datetime':
      return html`<input type="datetime-local" ${common} value="${str.replace(' ', 'T').slice(0, 16)}">`;
    case 'select':
      return html`<select ${common}><option value="">${ct(locale, 'form.choose')}</option>${(f.options ?? []).map((o) => html`<option value="${o.value}"${o.value === str ? html` selected` : ''}>${o.label}</option>`)}</select>`;
    case 'multiselect': {
      const chosen = new Set(Array.isArray(v) ? v.map(String) : str ? [str] : []);
      return html`<div class="checks" id="f-${f.id}">${(f.options ?? []).map((o) => html`<label><input type="checkbox" name="${f.id}" value="${o.value}"${chosen.has(o.value) ? html` checked` : ''}> ${o.label}</label>`)}</div>`;
    }
    case 'person':
      return html`<select ${common}><option value="">${ct(locale, 'form.choose')}</option>${people.map((p) => html`<option value="${p.id}"${p.id === str ? html` selected` : ''}>${p.name}</option>`)}</select>`;
    case 'link':
      return html`<input type="url" ${common} value="${str}" placeholder="https://">`;
    default:
      return html`<input type="text" ${common} value="${str}"${f.maxLength ? html` maxlength="${f.maxLength}"` : ''}>`;
  }
}

/** The request form; posts normally, and comes back with values kept and errors beside fields. */
export function renderForm(form: RequestForm, opts: { nonce: string; people: Array<{ id: string; name: string }>; message?: string }): Html {
  const l = form.locale;
  const pc = form.precondition;
  return html`<h1>${form.title}</h1><p class="muted">${form.purpose}</p>
${form.error || opts.message ? html`<div class="alert" role="alert" data-testid="form-error">${opts.message ?? form.error}</div>` : ''}
<form method="post" action="/new/${form.typeId}" novalidate class="panel" data-testid="request-form">
<input type="hidden" name="_nonce" value="${opts.nonce}">
<div class="field${pc.error ? ' invalid' : ''}" data-field="precondition"><label>${t(l, 'field.precondition_label')}</label><p>${pc.text}</p>
<div class="checks"><label><input type="checkbox" name="precondition" value="true"${pc.confirmed ? html` checked` : ''}> ${pc.confirmLabel}</label></div>${errorLine('f-precondition', pc.error)}</div>
<div class="field${form.unit.error ? ' invalid' : ''}" data-field="unit"><label for="f-unit">${form.unit.label}</label>
<select id="f-unit" name="_unit">${form.unit.options.map((o) => html`<option value="${o.value}"${o.value === form.unit.value ? html` selected` : ''}>${o.label}</option>`)}</select>${errorLine('f-unit', form.unit.error)}</div>
${form.fields.map((f) => html`<div class="field${f.error ? ' invalid' : ''}" data-field="${f.id}"><label for="f-${f.id}">${f.label}${f.required ? '' : html` <span class="help">(${l === 'en' ? 'optional' : '选填'})</span>`}${f.help ? html` <span class="help">${f.help}</span>` : ''}</label>
${inputFor(f, l, opts.people)}${errorLine(`f-${f.id}`, f.error)}</div>`)}
<button class="primary" type="submit">${form.submitLabel}</button> <a class="button" href="/new">${form.cancelLabel}</a>
</form>`;
}

export interface ActionError {
  action: string;
  message: string;
  fields: Record<string, string>;
}

const inputNames: Record<NonNullable<CardAction['input']>, Array<{ name: string; key: Parameters<typeof ct>[1]; kind: 'text' | 'area' | 'link' | 'rating' | 'select' | 'person' | 'hours' }>> = {
  comment: [{ name: 'comment', key: 'input.comment', kind: 'area' }],
  reason: [{ name: 'reason', key: 'input.reason', kind: 'area' }],
  question: [{ name: 'question', key: 'input.question', kind: 'area' }],
  answer: [{ name: 'answer', key: 'input.answer', kind: 'area' }],
  deliver: [{ name: 'link', key: 'input.link', kind: 'link' }, { name: 'note', key: 'input.note', kind: 'area' }],
  summary: [{ name: 'link', key: 'input.link', kind: 'link' }, { name: 'note', key: 'input.note', kind: 'area' }],
  rating: [{ name: 'rating', key: 'input.rating', kind: 'rating' }, { name: 'note', key: 'input.note', kind: 'area' }],
  person: [{ name: 'person', key: 'input.person', kind: 'person' }],
  supporter: [{ name: 'supporter', key: 'input.supporter', kind: 'select' }],
  hours: [{ name: 'hours', key: 'input.note', kind: 'text' }],
};

function actionForm(card: RequestCard, a: CardAction, opts: { nonce: string; people: Array<{ id: string; name: string }>; error?: ActionError; values?: Record<string, string> }): Html {
  const l = card.locale;
  const err = opts.error?.action === a.id ? opts.error : undefined;
  const val = (n: string) => (err ? opts.values?.[n] ?? '' : '');
  // reject collects its reason in the `comment` input (the domain reports the error there).
  // comment collects its text in `body` (required there, unlike an approval's optional comment).
  const inputs = a.input ? inputNames[a.input].map((i) => (a.id === 'reject' && i.name === 'reason' ? { ...i, name: 'comment' } : a.id === 'comment' ? { ...i, name: 'body', key: 'input.body' as const } : i)) : [];
  const cls = a.style === 'primary' ? 'primary' : a.style === 'danger' ? 'danger' : '';
  const fields = inputs.map((i) => {
    const id = `a-${a.id}-${i.name}`;
    const fe = err?.fields[i.name];
    let control: Html;
    if (i.kind === 'area') control = html`<textarea id="${id}" name="${i.name}" rows="2">${val(i.name)}</textarea>`;
    else if (i.kind === 'link') control = html`<input type="url" id="${id}" name="${i.name}" value="${val(i.name)}" placeholder="https://">`;
    else if (i.kind === 'rating') control = html`<select id="${id}" name="${i.name}"><option value="">${ct(l, 'form.choose')}</option>${[5, 4, 3, 2, 1].map((n) => html`<option value="${n}"${val(i.name) === String(n) ? html` selected` : ''}>${'★'.repeat(n)} ${n}</option>`)}</select>`;
    else if (i.kind === 'select') control = html`<select id="${id}" name="${i.name}">${(a.options ?? []).map((o) => html`<option value="${o.value}"${val(i.name) === o.value ? html` selected` : ''}>${o.label}</option>`)}</select>`;
    else if (i.kind === 'person') control = html`<select id="${id}" name="${i.name}"><option value="">${ct(l, 'form.choose')}</option>${opts.people.map((p) => html`<option value="${p.id}"${val(i.name) === p.id ? html` selected` : ''}>${p.name}</option>`)}</select>`;
    else control = html`<input type="text" id="${id}" name="${i.name}" value="${val(i.name)}">`;
    return html`<div class="field${fe ? ' invalid' : ''}"><label for="${id}">${a.id === 'reject' && i.name === 'comment' ? ct(l, 'input.reason') : ct(l, i.key)}</label>${control}${errorLine(id, fe)}</div>`;
  });
  const formHtml = html`<form method="post" action="/requests/${card.requestId}/act" class="action${inputs.length === 0 ? ' bare' : ''}" data-action="${a.id}">
<input type="hidden" name="action" value="${a.id}"><input type="hidden" name="_nonce" value="${opts.nonce}">
${fields}<button type="submit" class="${cls}">${a.label}</button></form>`;
  // Secondary actions that need input fold away, as they sit behind an overflow menu in chat.
  return a.style === 'default' && inputs.length > 0 ? html`<details class="more"${err ? html` open` : ''}><summary>${a.label}</summary>${formHtml}</details>` : formHtml;
}

/** A request card: the same facts, approvals, history and buttons the chat cards show. */
export function renderCard(card: RequestCard, opts: { nonce: string; people: Array<{ id: string; name: string }>; error?: ActionError; values?: Record<string, string>; interactive: boolean; timeline?: string[] }): Html {
  const l = card.locale;
  const actions = card.actions.filter((a) => a.id !== 'details');
  return html`<article class="card" data-testid="card" data-status="${card.status.key}">
<h1>${card.title}</h1><p class="muted">${card.subtitle}</p>
<p><span class="status tone-${card.status.tone}" data-testid="status">${card.status.label}</span></p>
${card.yourTurn ? html`<p class="yourturn">${card.yourTurn}</p>` : ''}
<dl class="facts">${card.facts.map((f) => html`<dt>${f.label}</dt><dd>${f.value}</dd>`)}
${card.waitingOn ? html`<dt>${t(l, 'card.waiting_on')}</dt><dd>${card.waitingOn}</dd>` : ''}</dl>
${card.approvals.length > 0 ? html`<h3>${t(l, 'card.approvals')}</h3><ul class="plain" data-testid="approvals">${card.approvals.map((a) => html`<li>${a.state} <b>${a.label}</b> <span class="muted">${a.people}</span></li>`)}</ul>` : ''}
${card.deliverables.length > 0 ? html`<h3>${t(l, 'card.deliverable')}</h3><ul class="plain">${card.deliverables.map((d) => (d.url && /^https?:\/\//i.test(d.url) ? html`<li><a href="${d.url}" rel="noopener noreferrer" target="_blank">${d.label}</a></li>` : html`<li>${d.label}</li>`))}</ul>` : ''}
${opts.interactive ? html`<h3>${ct(l, 'card.actions')}</h3>${actions.length > 0 ? html`<div class="actions">${actions.map((a) => actionForm(card, a, opts))}</div>` : html`<p class="muted">${ct(l, 'card.no_actions')}</p>`}` : ''}
<h3>${opts.timeline ? ct(l, 'card.timeline') : t(l, 'card.history')}</h3><ul class="plain small" data-testid="timeline">${(opts.timeline ?? card.history).map((h) => html`<li>${h}</li>`)}</ul>
</article>`;
}

export function renderList(view: ListView): Html {
  return html`${view.sections.map((s) => html`<section class="panel" data-section="${s.id}"><h2>${s.title}</h2>${s.items.length === 0 ? html`<p class="muted">${s.empty}</p>` : html`<ul class="plain">${s.items.map((i) => html`<li><a href="/requests/${i.requestId}">${i.title}</a><br><span class="small muted">${i.status} · ${i.age}${i.detail ? ` · ${i.detail}` : ''}</span></li>`)}</ul>`}</section>`)}`;
}

export function renderMessage(view: MessageView): Html {
  return html`<section class="panel" data-testid="digest"><h2>${view.title}</h2>${view.summary ? html`<p class="muted">${view.summary}</p>` : ''}
${view.sections.map((s) => html`${s.title ? html`<h3>${s.title}</h3>` : ''}<ul class="plain">${s.lines.map((line) => html`<li class="${line.tone ? `tone-line-${line.tone}` : ''}">${line.requestId ? html`<a href="/requests/${line.requestId}">${line.text}</a>` : line.text}</li>`)}</ul>`)}
${view.actions.filter((a) => a.id !== 'snooze').map((a) => html`<a class="button" href="${a.id === 'dashboard' ? '/dashboard' : `/requests/${a.requestId ?? ''}`}">${a.label}</a> `)}
</section>`;
}
