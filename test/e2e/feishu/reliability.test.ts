import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { org } from '../../fixtures/org.js';
import { feishuValues, newEventId, sign, startFeishuBot, encrypt, ENCRYPT_KEY, type FeishuBot } from './harness.js';

// Webhook hardening (the SDK's gaps closed), event dedupe across a restart, and OpenAPI
// failures retried from the outbox without losing anything.

describe('Feishu: reliability', () => {
  let bot: FeishuBot;
  beforeAll(async () => {
    bot = await startFeishuBot();
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const sentCount = () => bot.fake.callsTo('POST', '/im/v1/messages').length;

  it('refuses a bad or missing signature, a wrong token and an undecryptable body with 401, doing nothing', async () => {
    const before = sentCount();
    const body = bot.envelope('im.message.receive_v1', { sender: { sender_id: { open_id: bot.oid('rep.a') }, sender_type: 'user' }, message: { message_id: 'om_x', chat_id: 'oc_x', chat_type: 'p2p', message_type: 'text', content: '{"text":"help"}' } });
    expect((await bot.postRaw(body)).status).toBe(401);
    expect((await bot.postRaw(body, sign(body, 'another-key'))).status).toBe(401);
    expect((await bot.postRaw(body, { ...sign(body), 'x-lark-signature': '0'.repeat(64) })).status).toBe(401);
    const wrongToken = bot.envelope('im.message.receive_v1', {}, { token: 'not-the-token' });
    expect((await bot.postRaw(wrongToken, sign(wrongToken))).status).toBe(401);
    const garbage = JSON.stringify({ encrypt: Buffer.from('x'.repeat(48)).toString('base64') });
    expect((await bot.postRaw(garbage, sign(garbage))).status).toBe(401);
    const otherKey = JSON.stringify({ encrypt: encrypt('{"schema":"2.0"}', 'wrong-key') });
    expect((await bot.postRaw(otherKey, sign(otherKey))).status).toBe(401);
    const plain = JSON.stringify({ schema: '2.0', header: { token: 'v-token-test', event_type: 'im.message.receive_v1', event_id: 'e1' }, event: {} });
    expect((await bot.postRaw(plain, sign(plain))).status).toBe(401);
    await bot.settle();
    expect(sentCount()).toBe(before);
    void ENCRYPT_KEY;
  });

  it('answers the URL challenge, other paths, methods and query strings without hanging', async () => {
    const challenge = JSON.stringify({ encrypt: encrypt(JSON.stringify({ challenge: 'abc', token: 'v-token-test', type: 'url_verification' })) });
    expect((await bot.postRaw(challenge, sign(challenge))).json).toEqual({ challenge: 'abc' });
    const body = bot.envelope('im.message.message_read_v1', { reader: {} });
    const q = await bot.postRaw(body, sign(body), '/feishu/events?foo=bar&x=1');
    expect(q.status).toBe(200);
    const unknown = bot.envelope('some.unknown.event_v9', {});
    expect((await bot.postRaw(unknown, sign(unknown))).status).toBe(200);
    expect((await bot.postRaw('{}', {}, '/feishu/other')).status).toBe(404);
    expect((await fetch(`${bot.url}/feishu/events`)).status).toBe(405);
    expect((await bot.postRaw('not json', sign('not json'))).status).toBe(400);
  });

  it('acts once on a redelivered event, also after a restart', async () => {
    const eventId = newEventId();
    await bot.message('rep.a', 'help', { eventId });
    const after = sentCount();
    await bot.message('rep.a', 'help', { eventId });
    expect(sentCount()).toBe(after);
    // Restart on the same database: the dedupe key is persisted.
    const env = bot.app.env;
    await bot.app.stop();
    const { createBackline } = await import('../../../src/app/create-app.js');
    const again = await createBackline({ env, configFile: bot.app.configFile, clock: bot.app.deps.clock });
    const port = await again.start(0);
    const restarted = Object.assign(Object.create(Object.getPrototypeOf(bot)) as FeishuBot, { ...bot, app: again, url: `http://127.0.0.1:${port}` });
    await restarted.message('rep.a', 'help', { eventId });
    expect(sentCount()).toBe(after);
    await restarted.message('rep.a', 'help');
    expect(sentCount()).toBe(after + 1);
    (bot as { app: unknown }).app = again;
    (bot as { url: string }).url = `http://127.0.0.1:${port}`;
  });

  it('retries token expiry, rate limits and 5xx from the outbox; nothing is lost and the card is created once', async () => {
    const type = org.type('customer-training')!;
    const tokensBefore = bot.fake.tokenRequests();
    const { requestId } = await bot.file('rep.a', type, feishuValues(type, (id) => bot.oid(id)), {
      beforeSubmit: () => {
        bot.fake.expireTokens();
        bot.fake.failNext(1, { status: 429, code: 99991400, msg: 'request trigger frequency limit', path: '/im/v1/messages', method: 'POST' });
        bot.fake.failNext(1, { status: 500, code: 1500, msg: 'internal error', path: '/im/v1/messages', method: 'POST' });
      },
    });
    expect(requestId).toBeGreaterThan(0);
    const failed = await bot.app.db.prisma.outboxMessage.findMany({ where: { requestId, status: 'pending' } });
    expect(failed.length).toBeGreaterThan(0);
    // Make every pending row due now and drain again.
    for (let i = 0; i < 5; i++) {
      bot.offsetMs += 60 * 60_000;
      await bot.settle();
    }
    const rows = await bot.app.db.prisma.outboxMessage.findMany({ where: { requestId } });
    expect(rows.every((r) => r.status === 'sent'), JSON.stringify(rows.map((r) => [r.status, r.lastError]))).toBe(true);
    expect(bot.fake.tokenRequests()).toBeGreaterThan(tokensBefore);
    const cards = bot.fake.sentTo(bot.oid('pm.east')).filter((m) => m.content.includes(`"#${requestId} `));
    expect(cards).toHaveLength(1);
    expect(rows.filter((r) => r.attempts > 1).length).toBeGreaterThanOrEqual(3);
  });
});
