import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { org } from '../../fixtures/org.js';
import { feishuValues, findButton, startFeishuBot, type FeishuBot } from './harness.js';

// Whole lifecycles clicked through Feishu card callbacks: the clicker's card is answered at once,
// every other participant's card is patched (im.v1.message.patch) from the outbox.

type Json = Record<string, unknown>;

describe('Feishu: request lifecycles', () => {
  let bot: FeishuBot;
  beforeAll(async () => {
    bot = await startFeishuBot();
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const file = async (personId: string, typeId: string, overrides: Record<string, unknown> = {}) => {
    const type = org.type(typeId)!;
    const { requestId, reply } = await bot.file(personId, type, feishuValues(type, (id) => bot.oid(id), overrides));
    expect(requestId, JSON.stringify(reply.json).slice(0, 300)).toBeGreaterThan(0);
    return requestId!;
  };

  it('walks a price request across both thresholds to a rating, patching every card in place', async () => {
    const id = await file('rep.a', 'price-request', { discountPct: '35' });
    expect(bot.statusOf('rep.a', id)).toBe('Waiting for approval');
    const r1 = await bot.press('mm', id, 'approve');
    expect(r1.ms).toBeLessThan(3000);
    expect((r1.json!.toast as Json).type).toBe('success');
    await bot.press('bl.east', id, 'approve');
    // Reject needs a reason: an empty one comes back as an error under the input, values kept.
    const noReason = await bot.press('boss', id, 'reject', { text: '' });
    expect(JSON.stringify(noReason.json)).toContain('Please give a reason.');
    await bot.press('boss', id, 'approve');
    expect(bot.statusOf('rep.a', id)).toBe('Waiting for the coordinator');

    // Assign from the pool, each supporter with their open load.
    const { messageId, card } = bot.card('bm.east', id);
    const opened = await bot.callback('bm.east', messageId, { value: findButton(card, (v) => v.a === 'assign')! });
    const form = JSON.stringify(opened.json);
    expect(form).toContain('Business Assistant East (0)');
    await bot.press('bm.east', id, 'assign', { person: 'ba.east', note: 'Please prepare the approval letter' });
    expect(bot.statusOf('rep.a', id)).toBe('Assigned');
    await bot.press('ba.east', id, 'accept');
    await bot.press('ba.east', id, 'start');
    await bot.press('ba.east', id, 'deliver', { link: 'https://docs.example.com/price-letter', note: 'Signed letter' });
    expect(bot.statusOf('rep.a', id)).toBe('Delivered, waiting for confirmation');
    await bot.press('rep.a', id, 'confirm', { rating: '5', note: 'Fast, thanks' });

    for (const person of ['rep.a', 'mm', 'bl.east', 'boss', 'bm.east', 'ba.east']) expect(bot.statusOf(person, id), person).toBe('Closed');
    // Chinese readers see the same state in their language.
    expect(bot.statusOf('bl.east2', id)).toBe('已完成');
    // One message per participant, created once, then only patched.
    const patches = bot.fake.callsTo('PATCH', '/im/v1/messages/');
    expect(patches.length).toBeGreaterThan(10);
    expect(JSON.stringify(bot.card('rep.a', id).card)).toContain('https://docs.example.com/price-letter');
  });

  it('answers a stale click with "already decided by X at T" and the current card', async () => {
    const id = await file('rep.a', 'corporate-gift', { giftValue: '5000' });
    // bl.east and bl.east2 share an any-mode step: the second click is stale.
    const old = bot.card('bl.east2', id);
    const oldApprove = findButton(old.card, (v) => v.a === 'approve')!;
    await bot.press('bl.east', id, 'approve');
    const stale = await bot.callback('bl.east2', old.messageId, { value: oldApprove });
    const toast = stale.json!.toast as Json;
    expect(toast.type).toBe('error');
    expect(String(toast.content)).toMatch(/BU Leader East/);
    expect(String(toast.content)).toMatch(/10:00/);
    expect((stale.json!.card as Json).type).toBe('raw');
  });

  it('runs a contract review whose parallel reviewers disagree into a review meeting', async () => {
    const id = await file('rep.b', 'contract-review');
    await bot.press('lawyer', id, 'approve');
    await bot.press('pm.south', id, 'reject', { text: '技术条款不可接受' });
    await bot.press('mm', id, 'approve');
    expect(JSON.stringify(bot.card('rep.b', id).card)).toContain('评审会');
    await bot.press('mm', id, 'approve');
    expect(bot.statusOf('rep.b', id)).toBe('待协调人分派');
    expect(bot.statusOf('lawyer', id)).toBe('Waiting for the coordinator');
  });

  it('returns a gift request for information, takes the answer, then delivers it', async () => {
    const id = await file('rep.a', 'corporate-gift', { giftValue: '5000' });
    await bot.press('bl.east', id, 'approve');
    await bot.press('bm.east', id, 'return', { text: 'Which customers exactly?' });
    expect(bot.statusOf('rep.a', id)).toBe('More information needed');
    await bot.press('rep.a', id, 'resubmit', { text: 'The five on the attached list' });
    await bot.press('bm.east', id, 'assign', { person: 'admin' });
    await bot.press('admin', id, 'start');
    await bot.press('admin', id, 'deliver', { note: 'Handed over at the reception' });
    await bot.press('rep.a', id, 'confirm', { rating: '4' });
    expect(bot.statusOf('admin', id)).toBe('Closed');
  });

  it('assigns, delivers and confirms a technical request, with comments replied in each card\'s thread', async () => {
    const id = await file('rep.a', 'requirements-research');
    await bot.press('rep.a', id, 'comment', { text: 'Customer prefers Thursday' });
    const pmCard = bot.card('pm.east', id);
    const replies = bot.fake.callsTo('POST', `/im/v1/messages/${pmCard.messageId}/reply`);
    expect(replies.length).toBe(1);
    expect(replies[0]!.body.reply_in_thread).toBe(true);
    expect(String(replies[0]!.body.content)).toContain('Customer prefers Thursday');
    await bot.press('pm.east', id, 'assign', { person: 'pe.east2' });
    // A reply under the supporter's card is a comment on the request.
    await bot.message('pe.east2', 'On it, will call them', { rootId: bot.card('pe.east2', id).messageId });
    const repReplies = bot.fake.callsTo('POST', `/im/v1/messages/${bot.card('rep.a', id).messageId}/reply`);
    expect(repReplies.map((c) => String(c.body.content)).join()).toContain('On it, will call them');
    await bot.press('pe.east2', id, 'accept');
    await bot.press('pe.east2', id, 'deliver', { link: 'https://docs.example.com/research-notes' });
    await bot.press('rep.a', id, 'confirm', { rating: '5' });
    expect(bot.statusOf('pm.east', id)).toBe('Closed');
    const audit = await bot.app.db.prisma.auditEntry.findMany({ where: { requestId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual(['submit', 'comment', 'assign', 'comment', 'accept', 'deliver', 'confirm']);
  });

  it('declines with a reason and shows "My requests" and "Waiting on me"', async () => {
    const id = await file('rep.a', 'customer-training');
    await bot.press('pm.east', id, 'decline', { text: 'No trainer free this quarter' });
    expect(bot.statusOf('rep.a', id)).toBe('Declined');
    const w = await file('rep.a', 'customer-presentation');
    await bot.message('pm.east', 'list');
    const list = JSON.stringify(bot.content(bot.last('pm.east').message_id));
    expect(list).toContain('Waiting on me');
    expect(list).toContain(`#${w} `);
  });
});
