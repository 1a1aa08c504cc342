import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { org } from '../../fixtures/org.js';
import { MENU } from '../../../src/adapters/feishu/ids.js';
import { buttons, feishuValues, startFeishuBot, statusTag, type FeishuBot } from './harness.js';

type Json = Record<string, unknown>;

describe('Feishu: requesting in a one-to-one chat', () => {
  let bot: FeishuBot;
  beforeAll(async () => {
    bot = await startFeishuBot();
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('answers /support with the type picker, grouped by system, in Chinese by default', async () => {
    const reply = await bot.message('rep.b', '/support');
    expect(reply.status).toBe(200);
    const picker = bot.content(bot.last('rep.b').message_id);
    expect(picker.schema).toBe('2.0');
    expect(JSON.stringify(picker)).toContain('申请营销支持');
    expect(buttons(picker).filter((v) => v.k === 'pick')).toHaveLength(org.catalog.length);
  });

  it('opens a form from the picker, by slug, by Chinese name and by English name', async () => {
    const picker = bot.last('rep.b');
    const pick = buttons(bot.content(picker.message_id)).find((v) => v.k === 'pick' && v.t === 'price-request')!;
    const reply = await bot.callback('rep.b', picker.message_id, { value: pick });
    const form = (reply.json!.card as Json).data as Json;
    expect(JSON.stringify(form)).toContain('"tag":"form"');
    for (const q of ['price-request', org.type('price-request')!.label['zh-CN'], org.type('price-request')!.label.en]) {
      await bot.message('rep.a', `/support ${q}`);
      const f = bot.content(bot.last('rep.a').message_id);
      expect(buttons(f)).toContainEqual({ k: 'submit', t: 'price-request' });
    }
  });

  it('files every one of the 13 types from its catalog form, with Feishu-shaped values', async () => {
    expect(org.catalog).toHaveLength(13);
    for (const type of org.catalog) {
      const { reply, requestId } = await bot.file('rep.a', type, feishuValues(type, (id) => bot.oid(id)));
      expect(reply.status, type.id).toBe(200);
      expect(reply.ms, type.id).toBeLessThan(3000);
      expect(requestId, `${type.id}: ${JSON.stringify(reply.json).slice(0, 400)}`).toBeGreaterThan(0);
      expect(bot.statusOf('rep.a', requestId!), type.id).toBeTruthy();
    }
    const rows = await bot.app.db.prisma.request.findMany({ select: { typeId: true, fields: true } });
    expect(new Set(rows.map((r) => r.typeId)).size).toBe(13);
  });

  it('re-renders a form with errors by field and the values kept, within 3 s, and files nothing', async () => {
    const type = org.type('price-request')!;
    const before = await bot.app.db.prisma.request.count();
    const values = feishuValues(type, (id) => bot.oid(id), { discountPct: 'lots' });
    const { reply, requestId } = await bot.file('rep.a', type, values, { precondition: false });
    expect(requestId).toBeUndefined();
    expect(reply.ms).toBeLessThan(3000);
    expect((reply.json!.toast as Json).type).toBe('error');
    const card = JSON.stringify((reply.json!.card as Json).data);
    expect(card).toContain('er_precondition');
    expect(card).toContain('Please confirm the precondition');
    expect(card).toContain('er_discountPct');
    expect(card).toContain('Enter a number.');
    expect(card).toContain('"default_value":"lots"');
    expect(card).toContain(String(values.customer));
    expect(await bot.app.db.prisma.request.count()).toBe(before);
  });

  it('answers list, help and the bot menu like Slack does', async () => {
    await bot.message('rep.a', 'list');
    const list = bot.content(bot.last('rep.a').message_id);
    expect(JSON.stringify(list)).toContain('My requests');
    expect(JSON.stringify(list)).toContain('Waiting on me');
    const open = buttons(list).find((v) => v.k === 'open')!;
    const opened = await bot.callback('rep.a', bot.last('rep.a').message_id, { value: open });
    expect(String((((opened.json!.card as Json).data as Json).header as Json).title && JSON.stringify(opened.json))).toContain(`#${String(open.r)} `);

    await bot.message('rep.a', 'help');
    expect(JSON.parse(bot.last('rep.a').content).text).toContain('/support list');
    await bot.menu('rep.b', MENU.newRequest);
    expect(buttons(bot.content(bot.last('rep.b').message_id)).filter((v) => v.k === 'pick').length).toBe(13);
    await bot.menu('rep.b', MENU.myRequests);
    expect(JSON.stringify(bot.content(bot.last('rep.b').message_id))).toContain('我的申请');
    await bot.menu('rep.b', MENU.help);
    expect(JSON.parse(bot.last('rep.b').content).text).toContain('/support');
    await bot.message('rep.a', '/support no-such-type');
    expect(JSON.parse(bot.last('rep.a').content).text).toContain('no-such-type');
  });

  it('sends the requester a card that the outbox keeps patching', async () => {
    const type = org.type('customer-training')!;
    const { requestId } = await bot.file('rep.a', type, feishuValues(type, (id) => bot.oid(id)));
    const { card } = bot.card('pm.east', requestId!);
    expect(statusTag(card)).toBe('Waiting for the coordinator');
    expect((card.config as Json).update_multi).toBe(true);
  });
});
