import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadOrgConfig, OrgConfigError, parseOrgConfig, routingGaps, type ConfigIssue } from '../../src/config/load-org.js';
import type { Org } from '../../src/core/org.js';

const EXAMPLE = fileURLToPath(new URL('../../config/org.example.yaml', import.meta.url));
const exampleText = readFileSync(EXAMPLE, 'utf8');

type Raw = any;

/** A fresh, mutable copy of the demo config as plain data. */
const demo = (): Raw => parse(exampleText);
const build = (raw: Raw): Org => parseOrgConfig(stringify(raw), 'test.yaml');

/** The issues a broken config is rejected with. */
function issuesOf(input: Raw | string): ConfigIssue[] {
  try {
    if (typeof input === 'string') parseOrgConfig(input, 'test.yaml');
    else build(input);
  } catch (err) {
    expect(err).toBeInstanceOf(OrgConfigError);
    return (err as OrgConfigError).issues;
  }
  throw new Error('expected the config to be rejected');
}

function issueAt(input: Raw | string, path: string): ConfigIssue {
  const issues = issuesOf(input);
  const hit = issues.find((i) => i.path === path);
  if (!hit) throw new Error(`no issue at ${path}; got ${JSON.stringify(issues)}`);
  return hit;
}

const indexOf = (raw: Raw, id: string): number => raw.people.findIndex((p: Raw) => p.id === id);

const extraType = {
  id: 'demo-loan',
  system: 'technical',
  label: { 'zh-CN': '样机借用', en: 'Demo unit loan' },
  purpose: { 'zh-CN': '向用户借出样机', en: 'Lend a demo unit to a customer' },
  precondition: { 'zh-CN': '已有明确测试计划', en: 'There is a test plan' },
  fields: [
    { id: 'customer', kind: 'customer', label: { 'zh-CN': '用户', en: 'Customer' }, required: true },
    { id: 'units', kind: 'number', label: { 'zh-CN': '数量', en: 'Units' }, required: true, min: 1 },
  ],
  coordinatorRole: 'testManager',
  supporterRole: 'testEngineer',
  deliverable: { 'zh-CN': '样机交付', en: 'The demo unit, delivered' },
};

describe('the shipped demo config (config/org.example.yaml)', () => {
  const org = loadOrgConfig(EXAMPLE);

  it('loads and leaves no role unfilled for any request type in any unit', () => {
    expect(org.name).toContain('Northwind Systems');
    expect(org.allUnits().map((u) => u.id)).toEqual(['east', 'south']);
    expect(org.catalog).toHaveLength(13);
    expect(routingGaps(org)).toEqual([]);
  });

  it('reaches everyone on at least one platform and mixes Slack, Feishu and both', () => {
    const people = org.allPeople();
    expect(people.length).toBeGreaterThanOrEqual(20);
    for (const p of people) expect(p.slack ?? p.feishu, p.id).toBeDefined();
    expect(people.filter((p) => p.slack && p.feishu).length).toBeGreaterThanOrEqual(3);
    expect(people.filter((p) => p.slack && !p.feishu).length).toBeGreaterThan(0);
    expect(people.filter((p) => p.feishu && !p.slack).length).toBeGreaterThan(0);
    for (const p of people) if (p.slack) expect(p.slack).toMatch(/^U[A-Z0-9]{8,}$/);
    for (const p of people) if (p.feishu) expect(p.feishu).toMatch(/^ou_[0-9a-f]{32}$/);
    expect(people.filter((p) => p.locale === 'en' && p.timezone && p.timezone !== 'Asia/Shanghai').length).toBeGreaterThanOrEqual(2);
  });

  it('has a single management tree rooted at the company leader', () => {
    const roots = org.allPeople().filter((p) => !p.manager).map((p) => p.id);
    expect(roots).toEqual(org.holders('companyLeader', 'east'));
    for (const p of org.allPeople()) {
      const seen = new Set<string>();
      let at: string | undefined = p.id;
      while (at) {
        expect(seen.has(at), `manager cycle at ${at}`).toBe(false);
        seen.add(at);
        at = org.manager(at);
      }
    }
  });

  it('lists reps with a home unit and no role', () => {
    const reps = org.allPeople().filter((p) => p.unit && org.unitsOf(p.id).length === 0);
    expect(reps.filter((p) => p.unit === 'east').length).toBeGreaterThanOrEqual(2);
    expect(reps.filter((p) => p.unit === 'south').length).toBeGreaterThanOrEqual(2);
  });

  it('carries the policy thresholds, SLA, reminders and digests', () => {
    expect(org.data.thresholds).toEqual({
      price: { buLeaderDiscountPct: 15, companyLeaderDiscountPct: 30 },
      gift: { buLeaderValue: 2000, companyLeaderValue: 10000 },
      event: { buLeaderBudget: 50000, companyLeaderBudget: 200000 },
    });
    expect(org.data.sla.approve).toBe(8);
    expect(org.data.reminders.escalateAt).toBe(1.5);
    const recipients = org.data.digests.map((d) => d.to).sort();
    expect(recipients).toEqual(
      [...org.holders('buLeader', 'east'), ...org.holders('buLeader', 'south'), ...org.holders('marketManager', 'east'), ...org.holders('companyLeader', 'east')].sort(),
    );
    expect(org.data.organization.holidays).toContain('2026-10-01');
    expect(org.data.organization.holidays.some((d) => d.startsWith('2027-'))).toBe(true);
  });

  it('has someone away with a delegate', () => {
    const away = org.allPeople().filter((p) => p.away);
    expect(away.length).toBeGreaterThanOrEqual(1);
    expect(org.person(away[0]!.away!.delegate)).toBeDefined();
  });

  it('keeps the commented catalog example valid when uncommented', () => {
    const lines = exampleText.split('\n');
    const start = lines.findIndex((l) => l === '# catalog:');
    expect(start).toBeGreaterThan(0);
    const block: string[] = [];
    for (const line of lines.slice(start)) {
      if (!line.startsWith('# ') && line !== '#') break;
      if (line.startsWith('# ──')) break;
      block.push(line.slice(2));
    }
    const raw = demo();
    raw.catalog = parse(block.join('\n')).catalog;
    const custom = build(raw);
    expect(custom.type('price-request')!.label.en).toBe('Special price request');
    expect(custom.type('executive-visit')).toBeUndefined();
    expect(custom.type('demo-loan')).toBeDefined();
    expect(routingGaps(custom)).toEqual([]);
  });
});

describe('config errors name the path and the fix', () => {
  it('a bad Slack id', () => {
    const raw = demo();
    const i = indexOf(raw, 'xu.jing');
    raw.people[i].slack = 'xujing';
    expect(issueAt(raw, `people[${i}].slack`).message).toContain('expected a Slack user id like U012AB3CD');
    expect(() => build(raw)).toThrow(`people[${i}].slack: expected a Slack user id like U012AB3CD`);
  });

  it('a bad Feishu open_id', () => {
    const raw = demo();
    const i = indexOf(raw, 'wu.hao');
    raw.people[i].feishu = '7d8a6e6df7621556';
    expect(issueAt(raw, `people[${i}].feishu`).message).toContain('expected a Feishu open_id like ou_');
  });

  it('an unknown manager', () => {
    const raw = demo();
    const i = indexOf(raw, 'li.wei');
    raw.people[i].manager = 'liu.yan';
    const issue = issueAt(raw, `people[${i}].manager`);
    expect(issue.message).toContain('unknown person "liu.yan"');
    expect(issue.message).toContain('add them under people or fix the id');
  });

  it('a duplicate person id', () => {
    const raw = demo();
    raw.people.push({ id: 'li.wei', name: '李伟（重名）' });
    expect(issueAt(raw, `people[${raw.people.length - 1}].id`).message).toBe('duplicate person id "li.wei"');
  });

  it('a Slack id used twice', () => {
    const raw = demo();
    const a = indexOf(raw, 'xu.jing');
    const b = indexOf(raw, 'jiang.hui');
    raw.people[b].slack = raw.people[a].slack;
    expect(issueAt(raw, `people[${b}].slack`).message).toContain(`already used by people[${a}]`);
  });

  it('an unknown person in a unit role', () => {
    const raw = demo();
    raw.units[0].roles.buMarketer = ['lin.xiao'];
    expect(issueAt(raw, 'units[0].roles.buMarketer[0]').message).toContain('unknown person "lin.xiao"');
  });

  it('an unknown person in a company role and in a digest', () => {
    const raw = demo();
    raw.company.roles.legal = ['zhou.min', 'nobody'];
    raw.digests[0].to = 'ghost';
    const issues = issuesOf(raw);
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['company.roles.legal[1]', 'digests[0].to']));
  });

  it('an unknown role name', () => {
    const raw = demo();
    raw.units[1].roles.salesDirector = ['luo.bin'];
    expect(issuesOf(raw).some((i) => i.path.startsWith('units[1].roles'))).toBe(true);
  });

  it('a bad time zone, company-wide or per person', () => {
    const raw = demo();
    raw.organization.timezone = 'China/Beijing';
    const i = indexOf(raw, 'markus.weber');
    raw.people[i].timezone = 'CET+1';
    expect(issueAt(raw, 'organization.timezone').message).toContain('expected an IANA time zone like Asia/Shanghai');
    expect(issueAt(raw, `people[${i}].timezone`).message).toContain('expected an IANA time zone');
  });

  it('an away period whose delegate is unknown', () => {
    const raw = demo();
    const i = indexOf(raw, 'huang.tao');
    raw.people[i].away.delegate = 'wu.hoa';
    expect(issueAt(raw, `people[${i}].away.delegate`).message).toContain('unknown person "wu.hoa"');
  });

  it('lists every problem at once', () => {
    const raw = demo();
    raw.people[0].slack = 'bad';
    raw.people[1].feishu = 'bad';
    raw.organization.businessHours.start = '9am';
    expect(issuesOf(raw).map((i) => i.path)).toEqual(
      expect.arrayContaining(['people[0].slack', 'people[1].feishu', 'organization.businessHours.start']),
    );
  });

  it('malformed YAML fails with a line number', () => {
    const lines = exampleText.split('\n');
    const at = lines.findIndex((l) => l.trim().startsWith('- id: wu.hao'));
    expect(lines[at + 1]).toBe('    name: 吴昊');
    lines[at + 1] = '   name: 吴昊'; // one space off
    const issues = issuesOf(lines.join('\n'));
    expect(issues[0]!.path).toMatch(/^line \d+$/);
    const line = Number(issues[0]!.path.slice(5));
    expect(line).toBeGreaterThanOrEqual(at + 1);
    expect(line).toBeLessThanOrEqual(at + 3);
  });

  it('a missing file says how to create one', () => {
    expect(() => loadOrgConfig('/nonexistent/org.yaml')).toThrow(/copy config\/org.example.yaml/);
  });
});

describe('catalog customisation in the org config', () => {
  it('an override changes a label', () => {
    const raw = demo();
    raw.catalog.overrides['price-request'] = { label: { 'zh-CN': '特价申请', en: 'Special price request' } };
    const org = build(raw);
    expect(org.type('price-request')!.label).toEqual({ 'zh-CN': '特价申请', en: 'Special price request' });
    expect(org.type('price-request')!.fields.length).toBeGreaterThan(0);
    expect(org.findType('特价申请')?.id).toBe('price-request');
  });

  it('a changed threshold is what approvals compare against', () => {
    const raw = demo();
    raw.thresholds.price.buLeaderDiscountPct = 10;
    expect(build(raw).threshold('price.buLeaderDiscountPct')).toBe(10);
  });

  it('an override can patch a field by id and remove another', () => {
    const raw = demo();
    raw.catalog.overrides['price-request'] = {
      fields: [{ id: 'reason', label: { 'zh-CN': '特价理由', en: 'Why this price' } }],
      removeFields: ['tenderInfo'],
    };
    const type = build(raw).type('price-request')!;
    expect(type.fields.find((f) => f.id === 'reason')!.label.en).toBe('Why this price');
    expect(type.fields.find((f) => f.id === 'reason')!.kind).toBe('longtext');
    expect(type.fields.some((f) => f.id === 'tenderInfo')).toBe(false);
  });

  it('an override naming an unknown type fails with its path', () => {
    const raw = demo();
    raw.catalog.overrides['price-requests'] = { label: { 'zh-CN': '价格', en: 'Price' } };
    expect(issueAt(raw, 'catalog.overrides.price-requests').message).toContain('unknown request type "price-requests"');
  });

  it('an added 14th type appears in org.catalog', () => {
    const raw = demo();
    raw.catalog.add = [extraType];
    const org = build(raw);
    expect(org.catalog).toHaveLength(14);
    expect(org.catalog.at(-1)!.id).toBe('demo-loan');
    expect(org.type('demo-loan')!.approvals).toEqual([]);
    expect(org.findType('样机')?.id).toBe('demo-loan');
    expect(routingGaps(org)).toEqual([]);
  });

  it('an added type whose id is already shipped is a duplicate', () => {
    const raw = demo();
    raw.catalog.add = [{ ...extraType, id: 'price-request' }];
    expect(issuesOf(raw).some((i) => i.message.includes('duplicate request type id "price-request"'))).toBe(true);
  });

  it('disable removes a type', () => {
    const raw = demo();
    raw.catalog.disable = ['executive-visit'];
    const org = build(raw);
    expect(org.catalog).toHaveLength(12);
    expect(org.type('executive-visit')).toBeUndefined();
  });

  it('an approval condition on a missing threshold fails with its path', () => {
    const raw = demo();
    raw.catalog.overrides['corporate-gift'] = {
      approvals: [{
        id: 'bu-leader', label: { 'zh-CN': '事业部领导审批', en: 'BU leader approval' }, mode: 'any', approvers: ['buLeader'],
        when: [{ field: 'giftValue', op: 'gt', threshold: 'gift.buLeaderLimit' }],
      }],
    };
    const issue = issueAt(raw, 'catalog.overrides.corporate-gift.approvals[0].when[0].threshold');
    expect(issue.message).toContain('no threshold "gift.buLeaderLimit"');
    expect(issue.message).toContain('add it under thresholds');
  });

  it('removing a threshold the shipped catalog uses fails with the path of the condition', () => {
    const raw = demo();
    delete raw.thresholds.price.buLeaderDiscountPct;
    const issue = issueAt(raw, 'catalog(price-request).approvals[1].when[0].threshold');
    expect(issue.message).toContain('no threshold "price.buLeaderDiscountPct"');
  });

  it('a condition on a field that is not a number fails with its path', () => {
    const raw = demo();
    raw.catalog.add = [{
      ...extraType,
      approvals: [{ id: 'x', label: { 'zh-CN': '审批', en: 'Approval' }, mode: 'any', approvers: ['buLeader'], when: [{ field: 'customer', op: 'gt', threshold: 5 }] }],
    }];
    expect(issueAt(raw, 'catalog(demo-loan).approvals[0].when[0].field').message).toContain('"customer" is not a number or money field');
  });
});

describe('Org lookups', () => {
  const org = loadOrgConfig(EXAMPLE);

  it('findType by slug, zh name, en name and unique prefix', () => {
    expect(org.findType('price-request')?.id).toBe('price-request');
    expect(org.findType('价格申请')?.id).toBe('price-request');
    expect(org.findType('Price request')?.id).toBe('price-request');
    expect(org.findType('  PRICE REQUEST ')?.id).toBe('price-request');
    expect(org.findType('price')?.id).toBe('price-request');
    expect(org.findType('contract')?.id).toBe('contract-review');
    expect(org.findType('项目')?.id).toBe('project-bid');
    expect(org.findType('市场活')?.id).toBe('market-event');
  });

  it('findType returns undefined for an ambiguous prefix or nothing', () => {
    expect(org.findType('customer')).toBeUndefined(); // presentation, training, visit
    expect(org.findType('用户')).toBeUndefined(); // 用户展现, 用户培训, 用户参观
    expect(org.findType('')).toBeUndefined();
    expect(org.findType('no such thing')).toBeUndefined();
  });

  it('holders: the unit first, then the company roles', () => {
    expect(org.holders('buLeader', 'east')).toEqual(['liu.yang']);
    expect(org.holders('buLeader', 'south')).toEqual(['luo.bin']);
    expect(org.holders('legal', 'east')).toEqual(['zhou.min']);
    expect(org.holders('legal', 'south')).toEqual(['zhou.min']);
    expect(org.holders('buLeader', 'north')).toEqual([]);
    const raw = demo();
    raw.units[1].roles.legal = ['qian.wen'];
    const custom = build(raw);
    expect(custom.holders('legal', 'south')).toEqual(['qian.wen']);
    expect(custom.holders('legal', 'east')).toEqual(['zhou.min']);
  });

  it('finds people by platform id', () => {
    const p = org.person('lin.xiaoyu')!;
    expect(org.personBySlack(p.slack!)?.id).toBe('lin.xiaoyu');
    expect(org.personByFeishu(p.feishu!)?.id).toBe('lin.xiaoyu');
    expect(org.personBySlack('U00000000')).toBeUndefined();
  });

  it('locale and time zone fall back to the organization', () => {
    expect(org.locale('markus.weber')).toBe('en');
    expect(org.timezone('markus.weber')).toBe('Europe/Berlin');
    expect(org.locale('li.wei')).toBe('zh-CN');
    expect(org.timezone('li.wei')).toBe('Asia/Shanghai');
    expect(org.locale(undefined)).toBe('zh-CN');
  });

  it('delegateOf is active only inside the away window, in the person\'s zone', () => {
    // huang.tao (Asia/Shanghai, UTC+8) is away 2026-08-03 .. 2026-08-14, delegate wu.hao.
    expect(org.delegateOf('huang.tao', new Date('2026-08-02T15:59:00Z'))).toBeUndefined(); // 08-02 23:59 Shanghai
    expect(org.delegateOf('huang.tao', new Date('2026-08-02T16:00:00Z'))).toBe('wu.hao'); // 08-03 00:00
    expect(org.delegateOf('huang.tao', new Date('2026-08-14T15:59:00Z'))).toBe('wu.hao'); // 08-14 23:59
    expect(org.delegateOf('huang.tao', new Date('2026-08-14T16:00:00Z'))).toBeUndefined(); // 08-15 00:00
    expect(org.delegateOf('wu.hao', new Date('2026-08-05T04:00:00Z'))).toBeUndefined();
    expect(org.actingFor('wu.hao', new Date('2026-08-05T04:00:00Z'))).toEqual(['wu.hao', 'huang.tao']);
    expect(org.actingFor('wu.hao', new Date('2026-09-05T04:00:00Z'))).toEqual(['wu.hao']);

    // The same instant is 08-03 in Shanghai but still 08-02 in Berlin (UTC+2 in summer).
    const raw = demo();
    raw.people[indexOf(raw, 'markus.weber')].away = { from: '2026-08-03', until: '2026-08-07', delegate: 'xu.jing' };
    const custom = build(raw);
    const instant = new Date('2026-08-02T21:30:00Z');
    expect(custom.delegateOf('markus.weber', instant)).toBeUndefined();
    expect(custom.delegateOf('huang.tao', instant)).toBe('wu.hao');
    expect(custom.delegateOf('markus.weber', new Date('2026-08-02T22:30:00Z'))).toBe('xu.jing'); // 08-03 00:30 Berlin
  });

  it('calendar() merges company and personal holidays and takes personal hours', () => {
    const company = org.calendar();
    expect(company).toMatchObject({ timezone: 'Asia/Shanghai', start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] });
    expect(company.holidays.has('2026-10-01')).toBe(true);
    expect(company.holidays.has('2026-12-25')).toBe(false);

    const markus = org.calendar('markus.weber');
    expect(markus.timezone).toBe('Europe/Berlin');
    expect(markus.holidays.has('2026-10-01')).toBe(true);
    expect(markus.holidays.has('2026-12-25')).toBe(true);
    expect(markus.holidays.size).toBe(company.holidays.size + 3);

    const emily = org.calendar('emily.chen');
    expect(emily).toMatchObject({ timezone: 'America/Los_Angeles', start: '09:00', end: '17:00' });
    expect(emily.holidays.has('2026-07-03')).toBe(true);
    expect(emily.holidays.has('2026-02-17')).toBe(true);

    expect(org.calendar('li.wei').holidays).toEqual(company.holidays);
  });
});
