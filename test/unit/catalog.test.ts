import { describe, expect, it } from 'vitest';
import { requestTypeSchema } from '../../src/config/org-schema.js';
import { defaultCatalog, LOCALES, type FieldDef, type Localized, type RequestTypeDef } from '../../src/core/catalog/index.js';

const CJK = /[\u3400-\u9fff]/;
const type = (id: string): RequestTypeDef => {
  const t = defaultCatalog.find((x) => x.id === id);
  if (!t) throw new Error(`no type ${id}`);
  return t;
};
const field = (typeId: string, fieldId: string): FieldDef => {
  const f = type(typeId).fields.find((x) => x.id === fieldId);
  if (!f) throw new Error(`no field ${fieldId} in ${typeId}`);
  return f;
};

/** Every localized string of a type, with where it sits, and whether its zh must be Chinese. */
function localizedOf(t: RequestTypeDef): Array<{ at: string; value: Localized; chinese: boolean; limit?: number }> {
  const out: Array<{ at: string; value: Localized; chinese: boolean; limit?: number }> = [
    { at: 'label', value: t.label, chinese: true, limit: 24 },
    { at: 'purpose', value: t.purpose, chinese: true },
    { at: 'precondition', value: t.precondition, chinese: true },
    { at: 'deliverable', value: t.deliverable, chinese: true },
  ];
  for (const f of t.fields) {
    out.push({ at: `${f.id}.label`, value: f.label, chinese: true, limit: 48 });
    if (f.help) out.push({ at: `${f.id}.help`, value: f.help, chinese: true });
    for (const o of f.options ?? []) {
      // Product names such as "Word" are the same in both languages.
      out.push({ at: `${f.id}.${o.value}`, value: o.label, chinese: o.label['zh-CN'] !== o.label.en, limit: 75 });
    }
  }
  for (const s of t.approvals) {
    out.push({ at: `approvals.${s.id}`, value: s.label, chinese: true, limit: 48 });
    if (s.onDisagree) out.push({ at: `approvals.${s.id}.onDisagree`, value: s.onDisagree.label, chinese: true, limit: 48 });
  }
  return out;
}

describe('the shipped catalog', () => {
  it('offers the policy\'s 13 request types, in the policy\'s order, each once', () => {
    expect(defaultCatalog.map((t) => t.id)).toEqual([
      'requirements-research', 'solution-proposal', 'system-test', 'customer-presentation', 'customer-training',
      'project-bid', 'sales-collateral', 'market-event', 'customer-visit', 'executive-visit', 'corporate-gift',
      'price-request', 'contract-review',
    ]);
    expect(new Set(defaultCatalog.map((t) => t.id)).size).toBe(13);
  });

  it('names every type with the policy\'s own Chinese term', () => {
    expect(defaultCatalog.map((t) => t.label['zh-CN'])).toEqual([
      '需求调研', '方案提议书', '技术测试', '用户展现', '用户培训', '项目投标',
      '销售工具', '市场活动', '用户参观', '高层造访', '企业礼品', '价格申请', '协议评审',
    ]);
  });

  it('puts each type in the support system the policy puts it in', () => {
    const systems = Object.fromEntries(defaultCatalog.map((t) => [t.id, t.system]));
    for (const id of ['requirements-research', 'solution-proposal', 'system-test', 'customer-presentation', 'customer-training', 'project-bid']) {
      expect(systems[id]).toBe('technical');
    }
    for (const id of ['sales-collateral', 'market-event', 'customer-visit', 'executive-visit', 'corporate-gift']) expect(systems[id]).toBe('market');
    for (const id of ['price-request', 'contract-review']) expect(systems[id]).toBe('business');
  });

  it('shows every label, hint, option, precondition, purpose and deliverable in Chinese and in English', () => {
    for (const t of defaultCatalog) {
      for (const { at, value, chinese } of localizedOf(t)) {
        for (const locale of LOCALES) expect(value[locale]?.trim(), `${t.id} ${at} ${locale}`).toBeTruthy();
        if (chinese) expect(value['zh-CN'], `${t.id} ${at} zh-CN`).toMatch(CJK);
      }
    }
  });

  it('keeps labels short enough for Slack forms (type 24, field 48, option 75 characters)', () => {
    for (const t of defaultCatalog) {
      for (const { at, value, limit } of localizedOf(t)) {
        if (limit === undefined) continue;
        for (const locale of LOCALES) expect(value[locale].length, `${t.id} ${at} ${locale}: ${value[locale]}`).toBeLessThanOrEqual(limit);
      }
    }
  });

  it('passes the org config\'s own request-type schema, so an override starts from a valid type', () => {
    for (const t of defaultCatalog) expect(requestTypeSchema.safeParse(t).success, t.id).toBe(true);
  });
});

describe('request forms', () => {
  it('give every field a camelCase id unique within its type', () => {
    for (const t of defaultCatalog) {
      const ids = t.fields.map((f) => f.id);
      expect(new Set(ids).size, t.id).toBe(ids.length);
      for (const id of ids) expect(id, t.id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    }
  });

  it('ask for the customer first, and have a short title field for lists and cards', () => {
    for (const t of defaultCatalog) {
      expect(t.fields[0], t.id).toMatchObject({ id: 'customer', kind: 'customer' });
      expect(t.titleField, t.id).toBeDefined();
      const title = t.fields.find((f) => f.id === t.titleField);
      expect(title, t.id).toMatchObject({ kind: 'text', required: true });
      expect(title!.maxLength, t.id).toBeLessThanOrEqual(200);
    }
    expect(type('market-event').titleField).toBe('eventName');
  });

  it('offer choices on every select and multiselect, each value once', () => {
    for (const t of defaultCatalog) {
      for (const f of t.fields) {
        if (f.kind === 'select' || f.kind === 'multiselect') {
          const values = (f.options ?? []).map((o) => o.value);
          expect(values.length, `${t.id}.${f.id}`).toBeGreaterThanOrEqual(2);
          expect(new Set(values).size, `${t.id}.${f.id}`).toBe(values.length);
        } else {
          expect(f.options, `${t.id}.${f.id}`).toBeUndefined();
        }
      }
    }
  });

  it('bound every text and only remind about date or time fields', () => {
    for (const t of defaultCatalog) {
      for (const f of t.fields) {
        if (f.kind === 'text' || f.kind === 'customer') expect(f.maxLength, `${t.id}.${f.id}`).toBeLessThanOrEqual(500);
        if (f.kind === 'longtext') expect(f.maxLength, `${t.id}.${f.id}`).toBeLessThanOrEqual(2000);
        if (f.scheduled) expect(['date', 'datetime'], `${t.id}.${f.id}`).toContain(f.kind);
        if (f.min !== undefined && f.max !== undefined) expect(f.min).toBeLessThan(f.max);
      }
    }
  });

  it('remind people of the appointments the policy names', () => {
    const scheduled = (id: string) => type(id).fields.filter((f) => f.scheduled).map((f) => f.id);
    expect(scheduled('requirements-research')).toEqual(['researchTime']);
    expect(scheduled('system-test')).toEqual(['testTime']);
    expect(scheduled('customer-presentation')).toEqual(['presentationTime']);
    expect(scheduled('customer-training')).toEqual(['trainingTime']);
    expect(scheduled('project-bid')).toEqual(['submissionTime', 'presentationTime']);
    expect(scheduled('market-event')).toEqual(['eventTime']);
    expect(scheduled('customer-visit')).toEqual(['visitTime']);
    expect(scheduled('executive-visit')).toEqual(['visitTime']);
  });

  it('ask what the policy says a requirements research must state', () => {
    const ids = type('requirements-research').fields.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['contacts', 'content', 'requirements', 'researchTime', 'place', 'method', 'expectedOutcome']));
    expect(field('requirements-research', 'method').options?.map((o) => o.label['zh-CN'])).toEqual(expect.arrayContaining(['现场沟通', '电话沟通']));
    expect(field('requirements-research', 'expectedOutcome').required).toBe(false);
  });

  it('ask for the proposal\'s format (Word, PPT) and form (electronic, paper)', () => {
    expect(field('solution-proposal', 'format').options?.map((o) => o.value)).toEqual(['word', 'ppt']);
    expect(field('solution-proposal', 'form').options?.map((o) => o.value)).toEqual(['electronic', 'paper']);
    expect(field('solution-proposal', 'dueDate').kind).toBe('date');
  });

  it('ask a system test for its environment and how results come back', () => {
    expect(field('system-test', 'environment')).toMatchObject({ kind: 'longtext', required: true });
    expect(field('system-test', 'environment').help?.['zh-CN']).toContain('网络环境');
    expect(field('system-test', 'feedbackBy')).toMatchObject({ kind: 'date', required: true });
    expect(field('system-test', 'feedbackFormat').required).toBe(true);
    expect(field('system-test', 'feedbackRequirements').required).toBe(true);
  });

  it('offer the presentation methods one-to-one, group and conference', () => {
    expect(field('customer-presentation', 'method').options?.map((o) => o.value)).toEqual(expect.arrayContaining(['oneToOne', 'group', 'conference']));
  });

  it('ask a project bid for the judges, and the bid presentation\'s time and place', () => {
    expect(field('project-bid', 'judges')).toMatchObject({ required: true });
    expect(field('project-bid', 'presentationTime')).toMatchObject({ kind: 'datetime', scheduled: true, required: true });
    expect(field('project-bid', 'presentationPlace')).toMatchObject({ kind: 'text', required: true });
    expect(field('project-bid', 'tenderLink').kind).toBe('link');
    expect(field('project-bid', 'bidRequirements').required).toBe(true);
    expect(field('project-bid', 'presentationRequirements').required).toBe(true);
  });

  it('list the sales tools catalogue of chapter 2', () => {
    const labels = field('sales-collateral', 'items').options!.map((o) => o.label['zh-CN']).join(' ');
    for (const item of ['企业宣传手册', '企业介绍', '宣传光盘', '手提袋', '产品介绍', '产品技术白皮书', '成功案例', '教战手册', '方案白皮书', '方案教战手册', '方案成功案例']) {
      expect(labels).toContain(item);
    }
  });

  it('ask a market event for every part of the event plan, with all eight budget lines and a total', () => {
    const ids = type('market-event').fields.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining([
      'eventName', 'eventTime', 'place', 'goal', 'customerCount', 'expectedAttendees', 'invitedDepartments',
      'invitationCriteria', 'targetCustomers', 'format', 'agenda', 'resources',
    ]));
    const lines = ['budgetVenue', 'budgetMeals', 'budgetLodging', 'budgetTransport', 'budgetBooth', 'budgetGifts', 'budgetMedia', 'budgetMisc'];
    for (const id of lines) expect(field('market-event', id).kind, id).toBe('money');
    expect(field('market-event', 'budgetTotal')).toMatchObject({ kind: 'money', required: true });
    expect(field('market-event', 'goal').options?.map((o) => o.label['zh-CN'])).toEqual(expect.arrayContaining(['产品方案推介', '用户公关', '项目公关']));
  });

  it('ask a corporate gift for its purpose, details, customer list, quantity and total value', () => {
    for (const id of ['purpose', 'giftDetails', 'customerList', 'quantity']) expect(field('corporate-gift', id).required, id).toBe(true);
    expect(field('corporate-gift', 'giftValue')).toMatchObject({ kind: 'money', required: true });
  });

  it('ask a price request for tender information, prices, the discount and the reason', () => {
    expect(field('price-request', 'tenderInfo').required).toBe(true);
    expect(field('price-request', 'listPrice').kind).toBe('money');
    expect(field('price-request', 'requestedPrice').kind).toBe('money');
    expect(field('price-request', 'discountPct')).toMatchObject({ kind: 'number', min: 0, max: 100, required: true });
    expect(field('price-request', 'reason').required).toBe(true);
  });

  it('ask a contract review for the contract link, its kind, template deviation and the deadline', () => {
    expect(field('contract-review', 'contractLink')).toMatchObject({ kind: 'link', required: true });
    expect(field('contract-review', 'contractKind').options?.map((o) => o.value)).toEqual(['sales', 'agency']);
    expect(field('contract-review', 'standardTemplate').kind).toBe('select');
    expect(field('contract-review', 'amount').kind).toBe('money');
    expect(field('contract-review', 'requiredBy')).toMatchObject({ kind: 'date', required: true });
  });
});

describe('routing and approvals', () => {
  it('sends each type to the coordinator and supporter of the policy table', () => {
    const routing = Object.fromEntries(defaultCatalog.map((t) => [t.id, [t.coordinatorRole, t.supporterRole]]));
    expect(routing).toEqual({
      'requirements-research': ['presalesManager', 'presalesEngineer'],
      'solution-proposal': ['presalesManager', 'presalesEngineer'],
      'system-test': ['testManager', 'testEngineer'],
      'customer-presentation': ['presalesManager', 'presalesEngineer'],
      'customer-training': ['presalesManager', 'presalesEngineer'],
      'project-bid': ['presalesManager', 'presalesEngineer'],
      'sales-collateral': ['buMarketer', 'productManager'],
      'market-event': ['buMarketer', 'buMarketer'],
      'customer-visit': ['buMarketer', 'buMarketer'],
      'executive-visit': ['buMarketer', 'buLeader'],
      'corporate-gift': ['buMarketer', 'administration'],
      'price-request': ['buMarketer', 'businessAssistant'],
      'contract-review': ['buMarketer', 'businessAssistant'],
    });
  });

  it('compares approval conditions only against number or money fields of the same type', () => {
    const thresholdKeys = [
      'price.buLeaderDiscountPct', 'price.companyLeaderDiscountPct', 'gift.buLeaderValue', 'gift.companyLeaderValue',
      'event.buLeaderBudget', 'event.companyLeaderBudget',
    ];
    for (const t of defaultCatalog) {
      for (const step of t.approvals) {
        for (const c of step.when ?? []) {
          const f = t.fields.find((x) => x.id === c.field);
          expect(f && ['number', 'money'].includes(f.kind), `${t.id} ${step.id} ${c.field}`).toBe(true);
          expect(f!.required, `${t.id} ${step.id} ${c.field}`).toBe(true);
          expect(thresholdKeys, `${t.id} ${step.id}`).toContain(c.threshold);
        }
      }
    }
  });

  it('escalates prices, gifts and event budgets to the BU and company leaders above thresholds', () => {
    const steps = (id: string) => type(id).approvals.map((s) => [s.id, s.when?.[0]?.field, s.when?.[0]?.threshold]);
    expect(steps('price-request')).toEqual([
      ['market-manager', undefined, undefined],
      ['bu-leader', 'discountPct', 'price.buLeaderDiscountPct'],
      ['company-leader', 'discountPct', 'price.companyLeaderDiscountPct'],
    ]);
    expect(steps('corporate-gift')).toEqual([
      ['bu-leader', 'giftValue', 'gift.buLeaderValue'],
      ['company-leader', 'giftValue', 'gift.companyLeaderValue'],
    ]);
    expect(steps('market-event')).toEqual([
      ['market-manager', undefined, undefined],
      ['bu-leader', 'budgetTotal', 'event.buLeaderBudget'],
      ['company-leader', 'budgetTotal', 'event.companyLeaderBudget'],
    ]);
    expect(type('price-request').approvals[0]).toMatchObject({ mode: 'any', approvers: ['marketManager'] });
    expect(type('executive-visit').approvals).toMatchObject([{ id: 'bu-leader', mode: 'any', approvers: ['buLeader'] }]);
    expect(type('executive-visit').approvals[0]!.when).toBeUndefined();
  });

  it('reviews a contract in parallel (legal, technical, commercial) and calls a review meeting on disagreement', () => {
    expect(type('contract-review').approvals).toEqual([
      expect.objectContaining({
        id: 'review', mode: 'all', approvers: ['legal', 'presalesManager', 'marketManager'],
        onDisagree: { role: 'marketManager', label: expect.objectContaining({ 'zh-CN': '评审会' }) },
      }),
    ]);
  });

  it('needs no approval for the technical types, sales tools and customer visits', () => {
    for (const id of ['requirements-research', 'solution-proposal', 'system-test', 'customer-presentation', 'customer-training', 'project-bid', 'sales-collateral', 'customer-visit']) {
      expect(type(id).approvals, id).toEqual([]);
    }
  });

  it('gives step ids unique within a type, and asks a market event for its summary afterwards', () => {
    for (const t of defaultCatalog) {
      const ids = t.approvals.map((s) => s.id);
      expect(new Set(ids).size, t.id).toBe(ids.length);
      expect(t.monitors.length, t.id).toBeGreaterThan(0);
    }
    expect(defaultCatalog.filter((t) => t.followUp === 'event-summary').map((t) => t.id)).toEqual(['market-event']);
  });
});
