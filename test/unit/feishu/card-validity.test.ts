import { describe, expect, it } from 'vitest';
import { renderCard } from '../../../src/adapters/feishu/render/request-card.js';
import { cardBytes, LIMITS, type Json } from '../../../src/adapters/feishu/render/kit.js';
import { renderForm, renderList, renderMessageView, renderPicker, type People } from '../../../src/adapters/feishu/render/views.js';
import { LOCALES } from '../../../src/core/catalog/types.js';
import type { CardAction, RequestCard } from '../../../src/core/views/model.js';
import { buildRequestForm, buildTypePicker } from '../../../src/core/views/request-form.js';
import { org } from '../../fixtures/org.js';
import { sampleValues } from '../slack/samples.js';

// Every card the bot can produce, for every type, in both languages, checked against the card
// JSON 2.0 rules Feishu documents: schema "2.0", body.elements, unique form-component names and
// element ids (element_id: letter first, [A-Za-z0-9_], <= 20), forms only at the root, never
// nested, submit buttons only inside forms, at most 200 components and 30 KB.

const CONTAINERS = new Set(['form', 'column_set', 'column', 'collapsible_panel', 'interactive_container']);
// Card JSON 2.0 components this bot may use (1.0-only ones such as `note` and `action` are errors in 2.0).
const DISPLAY = new Set(['markdown', 'hr', 'div', 'img', 'chart', 'button']);
const INPUTS = new Set(['input', 'date_picker', 'picker_datetime', 'picker_time', 'select_static', 'multi_select_static', 'select_person', 'multi_select_person', 'checker']);

export function validateCard(card: Json): string[] {
  const problems: string[] = [];
  if (card.schema !== '2.0') problems.push('schema is not 2.0');
  const elements = (card.body as Json | undefined)?.elements;
  if (!Array.isArray(elements)) return [...problems, 'body.elements missing'];
  const ids = new Set<string>();
  const names = new Set<string>();
  let count = 0;
  const walk = (el: Json, path: string, inForm: boolean, depth: number) => {
    count++;
    const tag = String(el.tag);
    if (el.element_id !== undefined) {
      const id = String(el.element_id);
      if (!/^[A-Za-z][A-Za-z0-9_]{0,19}$/.test(id)) problems.push(`${path}: bad element_id ${id}`);
      if (ids.has(id)) problems.push(`${path}: duplicate element_id ${id}`);
      ids.add(id);
    }
    if (!DISPLAY.has(tag) && !CONTAINERS.has(tag) && !INPUTS.has(tag)) problems.push(`${path}: ${tag} is not a card JSON 2.0 component`);
    if (tag === 'chart') {
      const spec = el.chart_spec as Json | undefined;
      if (!spec || typeof spec.type !== 'string' || !Array.isArray((spec.data as Json | undefined)?.values)) problems.push(`${path}: chart without a VChart spec (type, data.values)`);
    }
    if (tag === 'form') {
      if (inForm || depth > 0) problems.push(`${path}: form not at the root`);
      if (!el.name) problems.push(`${path}: form without name`);
    }
    if (INPUTS.has(tag) || (tag === 'button' && el.form_action_type)) {
      if (inForm) {
        if (!el.name) problems.push(`${path}: ${tag} in a form without name`);
        else if (names.has(String(el.name))) problems.push(`${path}: duplicate name ${String(el.name)}`);
        else names.add(String(el.name));
      } else if (tag === 'button' || tag !== 'checker') {
        if (tag === 'button' || INPUTS.has(tag)) problems.push(`${path}: ${tag} outside a form`);
      }
    }
    if (tag === 'button' && inForm && !el.form_action_type) problems.push(`${path}: plain button inside a form`);
    if ((tag === 'select_static' || tag === 'multi_select_static') && (el.options as unknown[]).length > LIMITS.selectOptions) problems.push(`${path}: too many options`);
    if (depth > 5) problems.push(`${path}: nested deeper than 5`);
    const children = [...((el.elements as Json[] | undefined) ?? []), ...((el.columns as Json[] | undefined) ?? [])];
    children.forEach((c, i) => walk(c, `${path}/${tag}[${i}]`, inForm || tag === 'form', depth + (CONTAINERS.has(tag) ? 1 : 0)));
  };
  elements.forEach((e, i) => walk(e as Json, `[${i}]`, false, 0));
  if (count > LIMITS.elements) problems.push(`${count} components (> ${LIMITS.elements})`);
  if (cardBytes(card) > LIMITS.cardBytes) problems.push(`${cardBytes(card)} bytes (> 30 KB)`);
  return problems;
}

const people: People = {
  openIdOf: (id) => org.person(id)?.feishu ?? `ou_${id.replace(/\W/g, '')}000000`,
  openIds: () => org.allPeople().map((p) => `ou_${p.id.replace(/\W/g, '')}000000`),
  zoneOf: () => 'Asia/Shanghai',
};

const INPUT_KINDS: Array<{ id: CardAction['id']; input?: CardAction['input'] }> = [
  { id: 'approve', input: 'comment' }, { id: 'reject', input: 'reason' }, { id: 'return', input: 'question' }, { id: 'resubmit', input: 'answer' },
  { id: 'assign', input: 'supporter' }, { id: 'decline', input: 'reason' }, { id: 'accept' }, { id: 'start' }, { id: 'deliver', input: 'deliver' },
  { id: 'confirm', input: 'rating' }, { id: 'reopen', input: 'reason' }, { id: 'cancel', input: 'reason' }, { id: 'withdraw' }, { id: 'comment', input: 'comment' },
  { id: 'transfer', input: 'person' }, { id: 'add_approver', input: 'person' }, { id: 'nudge' }, { id: 'summary', input: 'summary' }, { id: 'details' },
];

function bigCard(locale: 'zh-CN' | 'en', typeId: string): RequestCard {
  const long = (n: number) => '招商银行 ACME & <Partners> *bold* '.repeat(Math.ceil(n / 30)).slice(0, n);
  return {
    requestId: 12345, version: 17, locale, title: `#12345 ${typeId} · ${long(200)}`, subtitle: long(200),
    status: { key: 'pending_approval', label: locale === 'en' ? 'Waiting for approval' : '待审批', tone: 'waiting' },
    facts: Array.from({ length: 8 }, (_, i) => ({ label: `Fact ${i}`, value: long(300) })),
    approvals: Array.from({ length: 6 }, (_, i) => ({ label: `Step ${i}`, state: '…', people: long(120) })),
    waitingOn: long(300), yourTurn: long(80), history: Array.from({ length: 8 }, () => long(180)),
    deliverables: Array.from({ length: 5 }, (_, i) => ({ label: long(200), url: `https://docs.example.com/${i}` })),
    actions: INPUT_KINDS.map((a) => ({ ...a, label: a.id, style: 'default', ...(a.id === 'assign' ? { options: org.allPeople().map((p) => ({ value: p.id, label: `${p.name} (3)` })) } : {}) })) as CardAction[],
    url: 'https://backline.example.com/requests/12345',
  };
}

describe('Feishu cards are valid card JSON 2.0 within Feishu\'s limits', () => {
  for (const locale of LOCALES) {
    it(`the picker and the lists (${locale})`, () => {
      expect(validateCard(renderPicker(buildTypePicker(org, locale)) as unknown as Json)).toEqual([]);
      const items = Array.from({ length: 10 }, (_, i) => ({ requestId: i + 1, title: `#${i + 1} 价格申请 · ${'x'.repeat(150)}`, status: '待审批', age: '3天', detail: '审批' }));
      const list = renderList({ locale, sections: (['queue', 'mine', 'unit'] as const).map((id) => ({ id, title: id, empty: '-', items })) });
      expect(validateCard(list as unknown as Json)).toEqual([]);
      const view = renderMessageView({ locale, title: 'Digest', summary: 's', sections: Array.from({ length: 30 }, () => ({ title: 't', lines: Array.from({ length: 40 }, () => ({ text: 'x'.repeat(120) })) })), actions: [{ id: 'open', label: 'Open', requestId: 1 }, { id: 'snooze', label: 'Snooze 4 h', hours: 4 }, { id: 'dashboard', label: 'Dashboard', url: 'https://x.example.com' }], chart: { title: 'c', kind: 'bar', series: Array.from({ length: 40 }, (_, i) => ({ label: `type ${'x'.repeat(i * 3)}`, value: i })) } });
      expect(validateCard(view as unknown as Json)).toEqual([]);
    });

    for (const type of org.catalog) {
      it(`${type.id}: empty, filled-with-errors and maximal forms, and every card state (${locale})`, () => {
        const empty = buildRequestForm(type, org, 'rep.a', { locale });
        expect(validateCard(renderForm(empty, people, 'rep.a') as unknown as Json)).toEqual([]);
        const values = sampleValues(type, { long: true, person: 'pe.east1' });
        const errors = [...type.fields.map((f) => ({ field: f.id, message: 'x'.repeat(200) })), { field: 'precondition', message: 'confirm' }, { field: 'unit', message: 'unit' }];
        const full = buildRequestForm(type, org, 'rep.a', { locale, values: { ...values, precondition: ['confirmed'] }, errors });
        const rendered = renderForm(full, people, 'rep.a');
        expect(validateCard(rendered as unknown as Json)).toEqual([]);
        const card = bigCard(locale, type.id);
        expect(validateCard(renderCard(card) as unknown as Json)).toEqual([]);
        for (const action of card.actions) {
          const withForm = renderCard(card, { form: { action, values: { text: 'x'.repeat(1000), note: 'y'.repeat(1000), link: 'https://x.example.com' }, errors: { text: 'e', link: 'e', '*': 'general' }, people: org.allPeople().map((p) => ({ value: p.id, label: p.name })) } });
          expect(validateCard(withForm as unknown as Json), action.id).toEqual([]);
        }
      });
    }
  }

  it('catches what it claims to catch', () => {
    const bad = { schema: '2.0', body: { elements: [{ tag: 'form', name: 'a', elements: [{ tag: 'form', name: 'b', elements: [] }, { tag: 'input', name: 'x' }, { tag: 'input', name: 'x' }] }, { tag: 'markdown', element_id: '1bad', content: '' }] } };
    expect(validateCard(bad).join('\n')).toMatch(/form not at the root[\s\S]*duplicate name x[\s\S]*bad element_id/);
    const old = { schema: '2.0', body: { elements: [{ tag: 'note', elements: [] }, { tag: 'chart', chart_spec: { type: 'bar' } }] } };
    expect(validateCard(old).join('\n')).toMatch(/note is not a card JSON 2.0 component[\s\S]*chart without a VChart spec/);
  });
});
