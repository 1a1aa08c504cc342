import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldBlockId } from '../../../src/adapters/slack/ids.js';
import { dmChannel } from '../../fakes/slack-api.js';
import { org } from '../../fixtures/org.js';
import { sampleValues } from '../../unit/slack/samples.js';
import { startSlackBot, type SlackBot } from './harness.js';

// Requesting from Slack: /support and its words, the picker turning into a form, the message
// shortcut, validation errors in the requester's language, and the submit path of every type.

type Json = Record<string, unknown>;

/** A form's values by block id, from catalog sample values. */
function formInput(typeId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const values = sampleValues(org.type(typeId)!, { overrides });
  return { precondition: ['confirmed'], ...Object.fromEntries(Object.entries(values).map(([k, v]) => [fieldBlockId(k), v])) };
}

// Over HTTP (signed requests to POST /slack/events) and over Socket Mode (envelopes on Slack's
// WebSocket, acknowledged on it): the same listeners answer both.
describe.each([['HTTP', false], ['Socket Mode', true]])('Slack: requesting support (%s)', (_transport, socketMode) => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await startSlackBot({}, { socketMode });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  it('opens the type picker grouped by system, then turns it into the chosen form in place', async () => {
    const reply = await bot.command('rep.a');
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('');
    await bot.settle();
    const picker = bot.lastView('views.open');
    const blocks = picker.blocks as Json[];
    expect(blocks.filter((b) => b.type === 'header').map((b) => (b.text as Json).text)).toEqual(['Technical support', 'Market support', 'Business support']);
    const price = blocks.find((b) => b.block_id === 't.price-request')!;
    expect((price.text as Json).text).toContain('A special price for a project');
    expect((price.text as Json).text).toContain('Precondition: The product, solution or system is decided');

    await bot.click('rep.a', price.accessory as Json as never, { view: picker });
    await bot.settle();
    const update = bot.fake.last('views.update')!;
    expect(update.body.view_id).toBe(picker.id);
    expect(update.body.hash).toBe(picker.hash);
    const form = bot.lastView('views.update');
    expect(form.callback_id).toBe('backline.form');
    const inputs = (form.blocks as Json[]).filter((b) => b.type === 'input');
    const kinds = Object.fromEntries(inputs.map((b) => [b.block_id, (b.element as Json).type]));
    expect(kinds).toMatchObject({ precondition: 'checkboxes', unit: 'static_select', 'f.customer': 'plain_text_input', 'f.tenderInfo': 'plain_text_input', 'f.listPrice': 'number_input', 'f.discountPct': 'number_input' });
  });

  it('builds each form only from the catalog: dates, datetimes, selects, multi-selects, URLs', async () => {
    await bot.command('rep.a', 'solution-proposal');
    await bot.command('rep.a', 'customer-presentation');
    await bot.command('rep.a', 'project-bid');
    await bot.settle();
    const kinds = bot.fake.callsTo('views.open').slice(-3).flatMap((c) => ((c.body.view as Json).blocks as Json[]).filter((b) => b.type === 'input').map((b) => (b.element as Json).type));
    expect(new Set(kinds)).toEqual(new Set(['checkboxes', 'static_select', 'plain_text_input', 'datepicker', 'multi_static_select', 'datetimepicker', 'url_text_input']));
  });

  it('opens a form directly by slug, Chinese name, English name or prefix', async () => {
    for (const query of ['price-request', '价格申请', 'Contract review', 'corporate-g']) {
      bot.fake.reset();
      const reply = await bot.command('rep.a', query);
      expect(reply.text).toBe('');
      await bot.settle();
      const view = bot.lastView('views.open');
      expect(view.callback_id).toBe('backline.form');
      expect(JSON.parse(String(view.private_metadata)).t).toBe(org.findType(query)!.id);
    }
    const unknown = await bot.command('rep.a', 'no-such-type');
    expect(unknown.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String(unknown.json!.text)).toContain('There is no request type "no-such-type"');
  });

  it('answers /support help and /support list ephemerally, in the person\'s language', async () => {
    const help = await bot.command('rep.b', 'help');
    expect(help.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String(help.json!.text)).toContain('Backline 帮助');
    bot.fake.reset();
    const list = await bot.command('rep.a', 'list');
    expect(list.text).toBe('');
    await bot.settle();
    const posted = bot.fake.last('response_url')!;
    expect(posted.body.response_type).toBe('ephemeral');
    expect(((posted.body.blocks as Json[]).filter((b) => b.type === 'header').map((b) => (b.text as Json).text))).toEqual(['Waiting on me', 'My requests']);
  });

  it('tells a Slack user who is not in the org config how to get linked', async () => {
    const reply = await bot.command('U0STRANGER');
    expect(String(reply.json!.text)).toContain('slack: U0STRANGER');
  });

  it('opens the picker from a message shortcut with the message text and link, and carries them into the form', async () => {
    bot.fake.reset();
    await bot.interact({
      type: 'message_action', callback_id: 'backline.from_message', trigger_id: 'trig.msg', user: { id: bot.uid('rep.a') }, team: { id: 'T0TEST', domain: 'acme' },
      channel: { id: 'C0SALES' }, message: { type: 'message', text: 'Customer wants a PoC of the <firewall> next week', ts: '1700000123.000400' }, response_url: bot.fake.responseUrl(),
    });
    await bot.settle();
    const picker = bot.lastView('views.open');
    expect(JSON.stringify(picker.blocks)).toContain('https://acme.slack.com/archives/C0SALES/p1700000123000400');
    const choose = (picker.blocks as Json[]).find((b) => b.block_id === 't.system-test')!.accessory as Json;
    await bot.click('rep.a', choose as never, { view: picker });
    await bot.settle();
    const form = bot.lastView('views.update');
    const first = (form.blocks as Json[]).find((b) => b.type === 'input' && (b.element as Json).multiline === true)!;
    expect((first.element as Json).initial_value).toBe('Customer wants a PoC of the <firewall> next week\nhttps://acme.slack.com/archives/C0SALES/p1700000123000400');
  });

  it('returns validation errors next to each field, in Chinese for a zh-CN person and in English otherwise', async () => {
    await bot.command('rep.b', 'price-request');
    await bot.settle();
    const view = bot.lastView('views.open');
    const zh = await bot.submit('rep.b', view, { ...formInput('price-request', { discountPct: '140' }), precondition: [] });
    expect(zh.status).toBe(200);
    expect(zh.json).toMatchObject({ response_action: 'errors' });
    const errors = zh.json!.errors as Record<string, string>;
    expect(errors.precondition).toBe('提交前请确认满足支持条件。');
    expect(errors['f.discountPct']).toBe('不能大于 100。');

    await bot.command('rep.a', 'price-request');
    await bot.settle();
    const en = await bot.submit('rep.a', bot.lastView('views.open'), { ...formInput('price-request'), 'f.customer': '', 'f.listPrice': 'abc' });
    expect(en.json!.errors).toEqual({ 'f.customer': 'This field is required.', 'f.listPrice': 'Enter a number.' });
  });

  it('uses Slack\'s locale for a person whose org entry sets none', async () => {
    bot.fake.userLocales.set(bot.uid('pm.south'), 'zh-CN');
    const adapterLocale = await bot.command('pm.south', 'price-request');
    expect(adapterLocale.status).toBe(200);
    await bot.settle();
    expect(((bot.lastView('views.open').title as Json).text)).toBe('价格申请');
    expect(bot.fake.callsTo('users.info').map((c) => c.body.user)).toContain(bot.uid('pm.south'));
  });

  it('files a request of each of the 13 types from its modal and DMs the requester a receipt card', async () => {
    expect(org.catalog).toHaveLength(13);
    for (const type of org.catalog) {
      bot.fake.reset();
      await bot.command('rep.b', type.id);
      await bot.settle();
      const view = bot.lastView('views.open');
      // South has no test manager: file everything in East, where every role is staffed.
      const reply = await bot.submit('rep.b', view, { ...formInput(type.id), unit: 'east' });
      expect(reply.json, type.id).toMatchObject({ response_action: 'update' });
      const receipt = ((reply.json!.view as Json).blocks as Json[])[0]!;
      const id = Number(/#(\d+)/.exec(String((receipt.text as Json).text))![1]);
      await bot.settle();
      const card = bot.card('rep.b', id);
      expect(card.channel).toBe(dmChannel(bot.uid('rep.b')));
      expect(String(((card.message.blocks as Json[])[0]!.text as Json).text)).toContain(type.label['zh-CN']);
      const request = await bot.app.services.card(id, 'rep.b');
      expect(request?.status.key, type.id).toMatch(/^pending_(approval|assignment)$/);
      // The coordinator or first approver got a card too.
      const waiting = (await bot.app.services.lists('rep.b')).sections.find((s) => s.id === 'mine')!.items.map((i) => i.requestId);
      expect(waiting).toContain(id);
    }
  });

  it('tells the rep, in their language, when Slack does not open the form', async () => {
    bot.fake.reset();
    bot.fake.refuse('views.open', 'expired_trigger_id');
    const zh = await bot.command('rep.b');
    expect(zh.status).toBe(200);
    await bot.settle();
    expect(bot.fake.callsTo('response_url').map((c) => c.body)).toEqual([{ response_type: 'ephemeral', replace_original: false, text: 'Slack 未能打开表单(expired_trigger_id)。请重新输入 /support。' }]);
    bot.fake.fail('views.open', 500);
    await bot.command('rep.a', 'sales-collateral');
    await bot.settle();
    expect(bot.fake.callsTo('response_url').map((c) => c.body.text)).toContain('Slack did not open the form (HTTP 500). Please try /support again.');
    // Opened, nothing is said.
    bot.fake.reset();
    await bot.command('rep.a');
    await bot.settle();
    expect(bot.fake.callsTo('views.open')).toHaveLength(1);
    expect(bot.fake.callsTo('response_url')).toHaveLength(0);
    // The message shortcut, the other way in, says so too.
    bot.fake.refuse('views.open', 'expired_trigger_id');
    await bot.interact({
      type: 'message_action', callback_id: 'backline.from_message', trigger_id: 'trig.msg.2', user: { id: bot.uid('rep.a') }, team: { id: 'T0TEST', domain: 'acme' },
      channel: { id: 'C0SALES' }, message: { type: 'message', text: 'A demo, please', ts: '1700000124.000400' }, response_url: bot.fake.responseUrl('shortcut'),
    });
    await bot.settle();
    expect(bot.fake.callsTo('response_url').map((c) => c.body.text)).toEqual(['Slack did not open the form (expired_trigger_id). Please try /support again.']);
  });

  it('acks /support before the slow modal call returns (the trigger_id is used first, within 3 s)', async () => {
    bot.fake.delay('views.open', 400);
    const reply = await bot.command('rep.a');
    expect(reply.status).toBe(200);
    expect(reply.ms).toBeLessThan(300);
    await bot.settle();
    expect(bot.fake.last('views.open')!.response?.ok).toBe(true);
    bot.fake.delay('views.open', 0);
  });
});
