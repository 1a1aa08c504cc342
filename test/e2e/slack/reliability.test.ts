import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldBlockId } from '../../../src/adapters/slack/ids.js';
import { org } from '../../fixtures/org.js';
import { sampleValues } from '../../unit/slack/samples.js';
import { sign, startSlackBot, type SlackBot } from './harness.js';

// What Slack's delivery does to a bot: bad and stale signatures, retries of the same event or
// click, double clicks, stale cards, and a Web API that fails with 5xx or 429 for a while.

type Json = Record<string, unknown>;

// Over HTTP and over Socket Mode, where Slack marks a resent event with retry_attempt instead.
describe.each([['HTTP', false], ['Socket Mode', true]])('Slack: reliability (%s)', (_transport, socketMode) => {
  let bot: SlackBot;
  beforeAll(async () => {
    bot = await startSlackBot({}, { socketMode });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  async function file(personId: string, typeId: string, overrides: Record<string, unknown> = {}): Promise<number> {
    await bot.command(personId, typeId);
    await bot.settle();
    const values = sampleValues(org.type(typeId)!, { overrides });
    const input = { precondition: ['confirmed'], ...Object.fromEntries(Object.entries(values).map(([k, v]) => [fieldBlockId(k), v])) };
    const reply = await bot.submit(personId, bot.lastView('views.open'), input);
    await bot.settle();
    return Number(/#(\d+)/.exec(JSON.stringify(reply.json))![1]);
  }

  const auditCount = (requestId: number, action: string) => bot.app.db.prisma.auditEntry.count({ where: { requestId, action } });

  // Conditional registration (not skips): each transport has its own first test.
  if (socketMode) it('serves no /slack/events in Socket Mode: even a correctly signed command there does nothing', async () => {
    bot.fake.reset();
    const body = new URLSearchParams({ command: '/support', text: '', user_id: bot.uid('rep.a'), trigger_id: 't.http', team_id: 'T0TEST', response_url: bot.fake.responseUrl() }).toString();
    const res = await fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body });
    expect(res.status).toBe(404);
    await bot.settle();
    expect(bot.fake.callsTo('views.open')).toHaveLength(0);
  });

  else it('refuses a bad signature and a request older than 5 minutes, and does nothing for them', async () => {
    bot.fake.reset();
    const body = new URLSearchParams({ command: '/support', text: '', user_id: bot.uid('rep.a'), trigger_id: 't.bad', team_id: 'T0TEST', response_url: bot.fake.responseUrl() }).toString();
    const forged = await fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body, undefined, 'wrong-secret') }, body });
    expect(forged.status).toBe(401);
    const stale = await fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body, Math.floor(Date.now() / 1000) - 6 * 60) }, body });
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${bot.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(unsigned.status).toBe(401);
    await bot.settle();
    expect(bot.fake.callsTo('views.open')).toHaveLength(0);
  });

  it('publishes App Home once for an event delivered twice (X-Slack-Retry-Num), with my unit for a coordinator', async () => {
    await file('rep.a', 'customer-presentation');
    bot.fake.reset();
    const event = { type: 'app_home_opened', user: bot.uid('pm.east'), channel: 'D0PMEAST', tab: 'home', event_ts: '1700000000.1' };
    const first = await bot.event(event, 'Ev0HOME0001');
    const retry = await bot.event(event, 'Ev0HOME0001', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await bot.settle();
    const published = bot.fake.callsTo('views.publish');
    expect(published).toHaveLength(1);
    const blocks = (published[0]!.body.view as Json).blocks as Json[];
    expect(blocks.filter((b) => b.type === 'header').map((b) => (b.text as Json).text)).toEqual(['Backline', 'Waiting on me', 'My requests', 'My unit']);
    const row = blocks.find((b) => String(b.block_id).startsWith('i.queue.'))!;
    expect((row.text as Json).text).toMatch(/Waiting for the coordinator · \d+ min · assign a supporter/);
    // Open shows the request with the buttons for this reader.
    await bot.click('pm.east', row.accessory as never, { view: { id: published[0]!.response!.view && ((published[0]!.response!.view as Json).id), type: 'home' } });
    await bot.settle();
    const details = bot.lastView('views.open');
    expect(details.callback_id).toBe('backline.details');
    expect(JSON.stringify(details.blocks)).toContain('card.assign');
  });

  it('acts once when the same click is delivered twice, and answers a second click with who already decided', async () => {
    const id = await file('rep.a', 'price-request', { discountPct: '5' });
    const approve = bot.button('mm', id, 'approve');
    const where = { message: { channel: approve.channel, ts: approve.ts } };
    await bot.click('mm', approve, where, '1799999999.000001');
    await bot.click('mm', approve, where, '1799999999.000001');
    await bot.settle();
    expect(await auditCount(id, 'approve')).toBe(1);
    // A real second click (new action_ts) on the same, now stale, card.
    bot.fake.reset();
    await bot.click('mm', approve, where);
    await bot.settle();
    const eph = bot.fake.callsTo('chat.postEphemeral');
    expect(eph).toHaveLength(1);
    expect(String(eph[0]!.body.text)).toMatch(/^Already handled by Market Manager at 14 Apr, 10:00/);
    expect(await auditCount(id, 'approve')).toBe(1);
    // The coordinator's decision races with a second coordinator click: one assignment.
    const assign = bot.button('bm.east', id, 'assign');
    await bot.click('bm.east', assign, { message: { channel: assign.channel, ts: assign.ts } });
    await bot.settle();
    const modal = bot.lastView('views.open');
    const [a, b] = await Promise.all([bot.submit('bm.east', modal, { person: 'ba.east' }), bot.submit('bm.east', modal, { person: 'ba.east' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await bot.settle();
    expect(await auditCount(id, 'assign')).toBe(1);
  });

  it('answers a click on a card that is no longer current with "already decided by X"', async () => {
    const id = await file('rep.a', 'requirements-research');
    // Decline from the console's point of view (another platform), so the Slack card is behind.
    await bot.app.services.act(id, 'pm.east', { type: 'decline', reason: 'Out of scope' });
    bot.fake.fail('chat.update', 500, { times: 100 });
    await bot.settle();
    bot.fake.reset();
    const stale = bot.button('pm.east', id, 'assign');
    await bot.click('pm.east', stale, { message: { channel: stale.channel, ts: stale.ts } });
    await bot.settle();
    expect(String(bot.fake.last('chat.postEphemeral')!.body.text)).toMatch(/out of date\. .*Presales Manager East declined: Out of scope.*Declined/);
    expect(bot.fake.callsTo('views.open')).toHaveLength(0);
    // Let the failed edits through again and let the outbox catch up.
    (bot.fake as unknown as { failures: Array<{ times: number }> }).failures.forEach((f) => (f.times = 0));
    bot.advance(10 * 60_000);
    await bot.settle();
    expect(bot.statusOf('pm.east', id)).toContain('Declined');
  });

  it('retries a card after 429 with Retry-After and after a 500, from the outbox, until the card catches up', async () => {
    bot.fake.fail('chat.postMessage', 429, { retryAfter: 7, times: 1 });
    const id = await file('rep.a', 'system-test');
    const rows = await bot.app.db.prisma.outboxMessage.findMany({ where: { requestId: id, status: 'pending' } });
    expect(rows.some((r) => /rate/i.test(r.lastError ?? ''))).toBe(true);
    const retryAt = Math.min(...rows.map((r) => r.nextAttemptAt.getTime()));
    expect(retryAt - (Date.parse('2026-04-14T02:00:00Z') + bot.offsetMs)).toBeGreaterThanOrEqual(7000);
    expect(() => bot.card('rep.a', id)).toThrow();
    bot.fake.fail('chat.postMessage', 500, { times: 1 });
    bot.advance(8_000);
    await bot.settle();
    bot.advance(60_000);
    await bot.settle();
    expect(bot.statusOf('rep.a', id)).toContain('Waiting for the coordinator');
    expect(await bot.app.db.prisma.outboxMessage.count({ where: { requestId: id, status: { not: 'sent' } } })).toBe(0);
    // Later changes edit that same card in place.
    await bot.press('tm.east', id, 'decline', { text: 'No lab time' });
    expect(bot.statusOf('rep.a', id)).toContain('Declined');
  });

  it('keeps a submission whole when Slack fails: the request is stored once, the receipt arrives later', async () => {
    bot.fake.fail('chat.postMessage', 500, { times: 3 });
    await bot.command('rep.a', 'sales-collateral');
    await bot.settle();
    const view = bot.lastView('views.open');
    const values = sampleValues(org.type('sales-collateral')!);
    const input = { precondition: ['confirmed'], ...Object.fromEntries(Object.entries(values).map(([k, v]) => [fieldBlockId(k), v])) };
    // Slack resends a view submission it did not get an answer for: one request either way.
    const [a, b] = [await bot.submit('rep.a', view, input), await bot.submit('rep.a', view, input)];
    expect(JSON.stringify(a.json)).toBe(JSON.stringify(b.json));
    const id = Number(/#(\d+)/.exec(JSON.stringify(a.json))![1]);
    for (let i = 0; i < 5; i++) {
      bot.advance(60_000);
      await bot.settle();
    }
    expect(bot.statusOf('rep.a', id)).toContain('Waiting for the coordinator');
    expect(await bot.app.db.prisma.request.count({ where: { typeId: 'sales-collateral' } })).toBe(1);
  });

  it('acks interactions it has no use for at once (a button or modal from an older version), instead of leaving Slack to time out', async () => {
    const calls = bot.fake.calls.length;
    const click = await bot.click('rep.a', { action_id: 'retired.button', value: 'x' }, { message: { channel: 'D0REPA', ts: '1700000000.000100' } });
    const submit = await bot.interact({ type: 'view_submission', user: { id: bot.uid('rep.a'), team_id: 'T0TEST' }, team: { id: 'T0TEST' }, api_app_id: 'A0BACKLINE', view: { id: 'V0OLD', callback_id: 'retired.modal', state: { values: {} }, blocks: [] } });
    const shortcut = await bot.interact({ type: 'shortcut', callback_id: 'retired.shortcut', trigger_id: 'trig.old', user: { id: bot.uid('rep.a') }, team: { id: 'T0TEST' } });
    for (const r of [click, submit, shortcut]) {
      expect(r.status).toBe(200);
      expect(r.ms).toBeLessThan(1000);
    }
    expect(submit.text).toBe('');
    await bot.settle();
    expect(bot.fake.calls.length).toBe(calls);
  });
});
