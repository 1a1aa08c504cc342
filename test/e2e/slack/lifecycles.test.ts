import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldBlockId } from '../../../src/adapters/slack/ids.js';
import { org } from '../../fixtures/org.js';
import { sampleValues } from '../../unit/slack/samples.js';
import { startSlackBot, type SlackBot } from './harness.js';

// Whole lifecycles clicked through Slack: every card of a request is edited in place on every
// recipient's side, inputs come from modals, comments go to the card's thread.

type Json = Record<string, unknown>;

// Over HTTP (signed requests to POST /slack/events) and over Socket Mode (envelopes on Slack's
// WebSocket, acknowledged on it): the same listeners answer both.
describe.each([['HTTP', false], ['Socket Mode', true]])('Slack: request lifecycles (%s)', (_transport, socketMode) => {
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
    expect(reply.json).toMatchObject({ response_action: 'update' });
    await bot.settle();
    return Number(/#(\d+)/.exec(JSON.stringify(reply.json))![1]);
  }

  /** Every card message ever posted for this request, with how often each was edited. */
  function cardsOf(requestId: number) {
    const isCard = (blocks: unknown) => Array.isArray(blocks) && (blocks[0] as Json)?.block_id === 'title' && String(((blocks[0] as Json).text as Json).text).startsWith(`#${requestId} `);
    const posts = bot.fake.callsTo('chat.postMessage').filter((c) => c.response?.ok && isCard(c.body.blocks));
    return posts.map((p) => {
      const channel = String(p.response!.channel);
      const ts = String(p.response!.ts);
      const updates = bot.fake.callsTo('chat.update').filter((u) => u.body.channel === channel && u.body.ts === ts);
      return { channel, ts, updates: updates.length };
    });
  }

  it('walks a price request across both thresholds to delivery and a rating, editing every card in place', async () => {
    const id = await file('rep.a', 'price-request', { discountPct: '35' });
    expect(bot.statusOf('rep.a', id)).toContain('Waiting for approval');
    // Chain: market manager, then BU leader (15 % < 35 %), then company leader (30 % < 35 %).
    await bot.press('mm', id, 'approve');
    await bot.press('bl.east', id, 'approve');
    // Approvers are not done until the last one: reject asks for a reason first.
    const noReason = await bot.press('boss', id, 'reject', { text: '' });
    expect(noReason.json).toMatchObject({ response_action: 'errors', errors: { text: 'Please give a reason.' } });
    await bot.press('boss', id, 'approve');
    expect(bot.statusOf('rep.a', id)).toContain('Waiting for the coordinator');

    // The coordinator assigns from the pool, each with their open load.
    const assign = bot.button('bm.east', id, 'assign');
    await bot.click('bm.east', assign, { message: { channel: assign.channel, ts: assign.ts } });
    await bot.settle();
    const modal = bot.lastView('views.open');
    const select = (modal.blocks as Json[]).find((b) => b.block_id === 'person')!.element as Json;
    expect((select.options as Json[]).map((o) => (o.text as Json).text)).toEqual(['Business Assistant East (0)', 'Business Assistant East 2 (0)']);
    await bot.submit('bm.east', modal, { person: 'ba.east', note: 'Please prepare the approval letter' });
    await bot.settle();
    expect(bot.statusOf('rep.a', id)).toContain('Assigned');

    await bot.press('ba.east', id, 'accept');
    await bot.press('ba.east', id, 'deliver', { link: 'https://docs.example.com/price-letter', note: 'Signed letter attached' });
    expect(bot.statusOf('rep.a', id)).toContain('Delivered');
    await bot.press('rep.a', id, 'confirm', { rating: '5', note: 'Fast, thanks' });

    const cards = cardsOf(id);
    // One card per participant, posted once and then only edited.
    const holders = ['rep.a', 'mm', 'bl.east', 'bl.east2', 'boss', 'bm.east', 'ba.east'];
    expect(cards.length).toBe(holders.length);
    for (const person of holders) expect(bot.statusOf(person, id), person).toContain('Closed');
    expect(cards.every((c) => c.updates > 0)).toBe(true);
    const history = JSON.stringify(bot.card('rep.a', id).message.blocks);
    for (const line of ['Market Manager approved', 'BU Leader East approved', 'Boss approved', 'Business Assistant East accepted', 'confirmed, rating 5/5']) expect(history).toContain(line);
    expect(history).toContain('https://docs.example.com/price-letter');
  });

  it('runs a contract review whose parallel reviewers disagree into a review meeting, in Chinese for the requester', async () => {
    const id = await file('rep.b', 'contract-review');
    await bot.press('lawyer', id, 'approve');
    await bot.press('pm.south', id, 'reject', { text: '技术条款不可接受' });
    // Still parallel: the market manager votes too, then the disagreement goes to the meeting.
    await bot.press('mm', id, 'approve');
    const card = JSON.stringify(bot.card('rep.b', id).message.blocks);
    expect(card).toContain('评审意见不一致,转评审会');
    expect(card).toContain('评审会');
    await bot.press('mm', id, 'approve');
    expect(bot.statusOf('rep.b', id)).toContain('待协调人分派');
    expect(bot.statusOf('lawyer', id)).toContain('Waiting for the coordinator');
  });

  it('returns a gift request for information, takes the answer from a modal, then delivers it', async () => {
    const id = await file('rep.a', 'corporate-gift', { giftValue: '5000' });
    await bot.press('bl.east', id, 'approve');
    await bot.press('bm.east', id, 'return', { text: 'Which customers exactly?' });
    expect(bot.statusOf('rep.a', id)).toContain('More information needed');
    await bot.press('rep.a', id, 'resubmit', { text: 'The five on the attached list' });
    expect(bot.statusOf('bm.east', id)).toContain('Waiting for the coordinator');
    const assign = bot.button('bm.east', id, 'assign');
    await bot.click('bm.east', assign, { message: { channel: assign.channel, ts: assign.ts } });
    await bot.settle();
    await bot.submit('bm.east', bot.lastView('views.open'), { person: 'admin' });
    await bot.settle();
    await bot.press('admin', id, 'start');
    await bot.press('admin', id, 'deliver', { note: 'Handed over at the reception' });
    await bot.press('rep.a', id, 'confirm', { rating: '4' });
    expect(bot.statusOf('admin', id)).toContain('Closed');
  });

  it('assigns, delivers and confirms a technical request, with comments in each card\'s thread', async () => {
    const id = await file('rep.a', 'requirements-research');
    expect(bot.statusOf('pm.east', id)).toContain('Waiting for the coordinator');
    // The comment button asks in a modal; everyone else gets it in their card's thread.
    await bot.press('rep.a', id, 'comment', { text: 'Customer prefers Thursday' });
    const pmCard = bot.card('pm.east', id);
    const threaded = bot.fake.callsTo('chat.postMessage').find((c) => c.body.thread_ts === pmCard.ts);
    expect(JSON.stringify(threaded?.body.blocks)).toContain('Customer prefers Thursday');

    const assign = bot.button('pm.east', id, 'assign');
    await bot.click('pm.east', assign, { message: { channel: assign.channel, ts: assign.ts } });
    await bot.settle();
    await bot.submit('pm.east', bot.lastView('views.open'), { person: 'pe.east2' });
    await bot.settle();
    // A thread reply under the supporter's card is a comment too, recorded in the audit.
    const peCard = bot.card('pe.east2', id);
    await bot.event({ type: 'message', channel_type: 'im', channel: peCard.channel, user: bot.uid('pe.east2'), text: 'On it, will call them', ts: '1700009999.000100', thread_ts: peCard.ts }, 'Ev0COMMENT1');
    await bot.settle();
    const repThread = bot.fake.callsTo('chat.postMessage').filter((c) => c.body.thread_ts === bot.card('rep.a', id).ts);
    expect(JSON.stringify(repThread.map((c) => c.body.blocks))).toContain('On it, will call them');

    await bot.press('pe.east2', id, 'accept');
    await bot.press('pe.east2', id, 'deliver', { link: 'https://docs.example.com/research-notes' });
    await bot.press('rep.a', id, 'confirm', { rating: '5' });
    expect(bot.statusOf('pm.east', id)).toContain('Closed');
    const audit = await bot.app.db.prisma.auditEntry.findMany({ where: { requestId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['submit', 'comment', 'assign', 'comment', 'accept', 'deliver', 'confirm']);
  });

  it('declines with a reason from the coordinator card', async () => {
    const id = await file('rep.a', 'customer-training');
    await bot.press('pm.east', id, 'decline', { text: 'No trainer free this quarter' });
    expect(bot.statusOf('rep.a', id)).toContain('Declined');
    expect(JSON.stringify(bot.card('rep.a', id).message.blocks)).toContain('No trainer free this quarter');
  });
});
