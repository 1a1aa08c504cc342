import { describe, expect, it } from 'vitest';
import { renderCard, renderComment, renderMessageView, renderNotice } from '../../../src/adapters/slack/render/card.js';
import { renderHome, renderListMessage } from '../../../src/adapters/slack/render/home.js';
import { renderActionModal, renderDetails, renderForm, renderPicker, renderSubmitted } from '../../../src/adapters/slack/render/modals.js';
import { validateFields } from '../../../src/core/catalog/validate.js';
import { LOCALES, type RequestTypeDef } from '../../../src/core/catalog/types.js';
import { applyAction, createRequest, type Action } from '../../../src/core/domain/lifecycle.js';
import type { RequestState } from '../../../src/core/domain/types.js';
import { messages } from '../../../src/core/i18n/messages.js';
import type { AuditLike } from '../../../src/core/views/request-card.js';
import { buildRequestCard } from '../../../src/core/views/request-card.js';
import { buildRequestForm, buildTypePicker } from '../../../src/core/views/request-form.js';
import type { ListView, MessageView } from '../../../src/core/views/model.js';
import { ctx, org } from '../../fixtures/org.js';
import { checkMessage, checkView } from './limits.js';
import { sampleValues } from './samples.js';

// Every view and message the Slack adapter can produce, for every request type, in zh-CN and
// en, with every text at its maximum length, stays inside Slack's Block Kit limits.

const LONG_MESSAGE = 'A customer asked for a demo & a quote <urgent>. '.repeat(300);
const prefill = { text: LONG_MESSAGE, link: 'https://acme.slack.com/archives/C0123456/p1700000000000100' };

// One extra type beyond the catalog exercises the elements no shipped type uses yet:
// a users select and a select with more options than Slack allows statically.
const synthetic: RequestTypeDef = {
  ...org.catalog[0]!,
  id: 'synthetic-wide',
  fields: [
    ...org.catalog[0]!.fields,
    { id: 'owner', kind: 'person', label: { 'zh-CN': '负责人', en: 'Owner' }, required: false },
    { id: 'region', kind: 'select', label: { 'zh-CN': '地区', en: 'Region' }, required: false, options: Array.from({ length: 150 }, (_, i) => ({ value: `r${i}`, label: { 'zh-CN': `地区 ${i}`, en: `Region ${i} with a long label that goes past the option limit of Slack` } })) },
  ],
};

interface Walk {
  states: RequestState[];
  audit: AuditLike[];
}

/** Drives a request of this type through its whole life: every state a card can show. */
function walk(type: RequestTypeDef): Walk {
  const c = ctx();
  const values = validateFields(type, { ...sampleValues(type, { long: true }), precondition: true }, { locale: 'en', timezone: 'Asia/Shanghai', org });
  if (!values.ok) throw new Error(`${type.id}: ${JSON.stringify(values.errors)}`);
  const audit: AuditLike[] = [];
  const record = (tr: { next: RequestState; audit: Array<Omit<AuditLike, 'createdAt'>> }) => {
    audit.push(...tr.audit.map((a) => ({ ...a, createdAt: c.now })));
    return { ...tr.next, id: 42 };
  };
  let s = record(createRequest({ type, unitId: 'east', customer: String(values.values.customer ?? ''), title: 'T'.repeat(200), fields: values.values, requesterId: 'rep.a' }, c));
  const states = [s];
  const step = (actor: string, action: Action) => {
    s = record(applyAction(s, actor, action, c));
    states.push(s);
  };
  let guard = 0;
  while (s.status === 'pending_approval' && guard++ < 10) {
    const task = s.tasks.find((x) => x.status === 'open' && x.kind === 'approve')!;
    if (guard === 1) {
      step(task.personId, { type: 'return', question: 'Q? '.repeat(600) });
      step('rep.a', { type: 'resubmit', answer: 'A. '.repeat(600) });
      continue;
    }
    step(task.personId, { type: 'decide', decision: 'approve', comment: 'ok '.repeat(300) });
  }
  const coordinator = org.holders(type.coordinatorRole, 'east')[0]!;
  const supporter = org.holders(type.supporterRole, 'east')[0]!;
  step(coordinator, { type: 'assign', supporterId: supporter, note: 'n' });
  step(supporter, { type: 'accept' });
  step(supporter, { type: 'deliver', link: `https://files.example.com/${'x'.repeat(500)}`, note: 'delivered '.repeat(150) });
  step('rep.a', { type: 'confirm', rating: 5, note: 'great' });
  return { states, audit };
}

const everyone = (s: RequestState) => [...new Set(['rep.a', ...s.tasks.map((t) => t.personId), ...org.holders(org.type(s.typeId)!.coordinatorRole, s.unitId)])];

describe('Slack Block Kit limits', () => {
  for (const locale of LOCALES) {
    it(`keeps the type picker inside the limits in ${locale}, with and without a quoted message`, () => {
      const picker = buildTypePicker(org, locale);
      expect(picker.groups.map((g) => g.system)).toEqual(['technical', 'market', 'business']);
      expect(checkView(renderPicker(picker) as never)).toEqual([]);
      const withMessage = renderPicker(picker, prefill);
      expect(checkView(withMessage as never)).toEqual([]);
      expect(JSON.parse(withMessage.private_metadata!).p.link).toBe(prefill.link);
    });

    for (const type of [...org.catalog, synthetic]) {
      it(`renders every ${type.id} form, card and action modal within the limits in ${locale}`, () => {
        const values = sampleValues(type, { long: true, person: 'rep.b' });
        const form = buildRequestForm(type, org, 'rep.a', { locale, values });
        expect(checkView(renderForm(form, { slackIdOf: () => 'U0REPB001' }) as never)).toEqual([]);
        expect(checkView(renderForm(buildRequestForm(type, org, 'rep.a', { locale }), { prefill }) as never)).toEqual([]);
        if (type === synthetic) return;
        const { states, audit } = walk(type);
        let actionsSeen = 0;
        for (const s of states) {
          for (const viewer of everyone(s)) {
            const card = buildRequestCard({ request: s, viewerId: viewer, org, now: ctx().now, audit, attachments: [{ kind: 'link', purpose: 'deliverable', value: `https://files.example.com/${'y'.repeat(900)}` }], locale, baseUrl: 'https://backline.example.com' });
            const problems = [...checkMessage(renderCard(card)), ...checkView(renderDetails(card, 'Already handled by someone. '.repeat(10)) as never)];
            for (const a of card.actions) {
              actionsSeen++;
              if (a.input) problems.push(...checkView(renderActionModal(card, a) as never).map((p) => `${a.id}: ${p}`));
            }
            expect(problems, `${s.status} as ${viewer}`).toEqual([]);
          }
        }
        expect(actionsSeen).toBeGreaterThan(10);
      });
    }

    it(`keeps App Home, /support list, notices, comments, digests and the receipt inside the limits in ${locale}`, () => {
      const items = Array.from({ length: 40 }, (_, i) => ({ requestId: i + 1, title: `#${i + 1} ${'价格申请 Price request · '.repeat(40)}`, status: 'Waiting for approval', age: '3 d', detail: 'approve' }));
      const list: ListView = { locale, sections: (['queue', 'mine', 'unit'] as const).map((id) => ({ id, title: id, empty: 'Nothing here.', items })) };
      expect(checkView(renderHome(list) as never)).toEqual([]);
      expect(checkMessage(renderListMessage(list))).toEqual([]);
      const empty: ListView = { locale, sections: [{ id: 'mine', title: 'Mine', empty: 'Nothing', items: [] }] };
      expect(checkView(renderHome(empty) as never)).toEqual([]);
      for (const key of Object.keys(messages[locale]).filter((k) => k.startsWith('notice.'))) {
        expect(checkMessage(renderNotice(messages[locale][key as keyof (typeof messages)['en']].replace(/\{\w+\}/g, 'x'.repeat(500))))).toEqual([]);
      }
      expect(checkMessage(renderComment(locale, 'Wang Fang', 'c'.repeat(10_000)))).toEqual([]);
      const digest: MessageView = {
        locale, title: 'Daily digest '.repeat(20), summary: 's'.repeat(4000),
        sections: Array.from({ length: 30 }, (_, i) => ({ title: `Section ${i}`, lines: Array.from({ length: 60 }, (__, j) => ({ text: `#${j} ${'line '.repeat(30)}`, requestId: j })) })),
        actions: Array.from({ length: 40 }, (_, i) => ({ id: (['open', 'dashboard', 'snooze'] as const)[i % 3]!, label: 'Open '.repeat(30), requestId: i + 1, hours: 4, url: 'https://backline.example.com/dashboard' })),
        chart: { title: 'Requests per type', kind: 'bar', series: Array.from({ length: 13 }, (_, i) => ({ label: `type ${i}`, value: i })) },
      };
      expect(checkMessage(renderMessageView(digest))).toEqual([]);
      expect(checkView(renderSubmitted(locale, 123456) as never)).toEqual([]);
    });
  }

  it('reports a view that breaks the limits (the checker itself works)', () => {
    const bad = { type: 'modal', title: { type: 'plain_text', text: 'A title that is far too long for Slack' }, blocks: [{ type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'x' } }, { type: 'section', block_id: 'a', text: { type: 'mrkdwn', text: 'y'.repeat(3001) } }], private_metadata: '{}' };
    expect(checkView(bad)).toEqual(expect.arrayContaining([expect.stringContaining('title'), expect.stringContaining('duplicate block_id'), expect.stringContaining('3001 > 3000')]));
  });
});
