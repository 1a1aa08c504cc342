import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { org } from '../../fixtures/org.js';
import { FRAME_CONTROL, FRAME_DATA, header } from '../../fakes/feishu-ws.js';
import { APP_ID, APP_SECRET, buttons, feishuValues, findButton, newEventId, startFeishuBot, type FeishuBot } from './harness.js';

// Feishu in its default mode: FEISHU_MODE unset, so the adapter starts the SDK's WSClient, which
// asks the fake OpenAPI for its long-connection URL and connects to FakeFeishuWs. Events and card
// callbacks arrive as protobuf data frames over that WebSocket, unencrypted, as Feishu delivers
// them; card callbacks are answered in the response frame, everything else leaves through the
// fake OpenAPI.

type Json = Record<string, unknown>;

describe('Feishu: long connection (WSClient)', () => {
  let bot: FeishuBot;
  beforeAll(async () => {
    bot = await startFeishuBot({ ws: true });
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const ws = () => bot.ws!;
  const sent = () => bot.fake.callsTo('POST', '/im/v1/messages').length;
  const formCard = (reply: { json: Json | undefined }) => ((reply.json?.card as Json | undefined)?.data as Json | undefined) ?? {};

  it('connects with the app credentials, on the URL the endpoint gave, and pings', async () => {
    expect(ws().endpointCalls[0]).toEqual({ AppID: APP_ID, AppSecret: APP_SECRET });
    expect(ws().connections).toHaveLength(1);
    const ping = ws().received.find((f) => f.method === FRAME_CONTROL && header(f, 'type') === 'ping')!;
    expect(ping.service).toBe(ws().serviceId);
    // No webhook in this mode: events come only over the long connection.
    expect((await bot.postRaw('{}')).status).toBe(404);
  });

  it('answers a p2p "/support price" message with the price-request form, sent through the OpenAPI', async () => {
    const before = sent();
    const reply = await bot.message('rep.a', '/support price');
    expect(reply.status).toBe(200);
    expect(reply.ms).toBeLessThan(3000);
    const calls = bot.fake.callsTo('POST', '/im/v1/messages').slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toMatchObject({ receive_id: bot.oid('rep.a'), msg_type: 'interactive' });
    expect(calls[0]!.query.receive_id_type).toBe('open_id');
    const form = bot.content(bot.last('rep.a').message_id);
    expect(buttons(form)).toContainEqual({ k: 'submit', t: 'price-request' });
    expect(JSON.stringify(form)).toContain(org.type('price-request')!.label.en);
  });

  it('answers a card.action.trigger (pick) in the response frame with the form card', async () => {
    await bot.message('rep.b', '/support');
    const picker = bot.last('rep.b');
    const pick = findButton(bot.content(picker.message_id), (v) => v.k === 'pick' && v.t === 'price-request')!;
    const before = sent();
    const reply = await bot.callback('rep.b', picker.message_id, { value: pick });
    expect(reply.status).toBe(200);
    expect(reply.ms).toBeLessThan(3000);
    expect((reply.json?.card as Json | undefined)?.type).toBe('raw');
    const form = formCard(reply);
    expect(form.schema).toBe('2.0');
    expect(JSON.stringify(form)).toContain('"tag":"form"');
    expect(buttons(form)).toContainEqual({ k: 'submit', t: 'price-request' });
    // The answer frame is the pushed frame echoed (same SeqID, LogID, headers) plus biz_rt.
    const frame = ws().received.filter((f) => f.method === FRAME_DATA).at(-1)!;
    expect(frame.service).toBe(ws().serviceId);
    expect(header(frame, 'type')).toBe('event');
    expect(header(frame, 'biz_rt')).toBeDefined();
    // Answered in the frame: nothing went through the OpenAPI for the click.
    expect(sent()).toBe(before);
  });

  it('files a request from the form over the long connection; the approver gets its card', async () => {
    const type = org.type('price-request')!;
    const { reply, requestId } = await bot.file('rep.a', type, feishuValues(type, (id) => bot.oid(id)));
    expect(reply.status).toBe(200);
    expect((reply.json?.toast as Json | undefined)?.type).toBe('success');
    expect(requestId).toBeGreaterThan(0);
    expect(await bot.app.db.prisma.request.count({ where: { id: requestId! } })).toBe(1);
    expect(bot.statusOf('mm', requestId!)).toBeTruthy();
  });

  it('acts once on a redelivered event or card callback (same event_id)', async () => {
    const eventId = newEventId();
    const first = await bot.message('rep.a', 'help', { eventId });
    expect(first.status).toBe(200);
    const after = sent();
    const again = await bot.message('rep.a', 'help', { eventId });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({});
    expect(sent()).toBe(after);

    await bot.message('rep.b', '/support');
    const picker = bot.last('rep.b');
    const pick = findButton(bot.content(picker.message_id), (v) => v.k === 'pick' && v.t === 'price-request')!;
    const clickId = newEventId();
    const click = await bot.callback('rep.b', picker.message_id, { value: pick }, { eventId: clickId });
    expect(JSON.stringify(formCard(click))).toContain('"tag":"form"');
    const redelivered = await bot.callback('rep.b', picker.message_id, { value: pick }, { eventId: clickId });
    expect(redelivered.status).toBe(200);
    expect(redelivered.json).toEqual({});
  });

  it('reassembles an event that arrives in fragments', async () => {
    const before = sent();
    const event = {
      sender: { sender_id: { open_id: bot.oid('rep.a'), union_id: 'on_x', user_id: null }, sender_type: 'user', tenant_key: 'tenant_test' },
      message: { message_id: 'om_in_fragments', create_time: String(Date.now()), chat_id: `oc_${bot.oid('rep.a')}`, chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text: '/support price' }) },
    };
    const reply = await ws().push(bot.plainEnvelope('im.message.receive_v1', event), { parts: 3 });
    expect(reply.code).toBe(200);
    await bot.settle();
    expect(sent()).toBe(before + 1);
    expect(buttons(bot.content(bot.last('rep.a').message_id))).toContainEqual({ k: 'submit', t: 'price-request' });
  });

  it('reconnects after the connection drops, with a fresh URL, and handles later events', async () => {
    const endpointCalls = ws().endpointCalls.length;
    ws().drop();
    await ws().connected(2);
    expect(ws().connections).toHaveLength(2);
    expect(ws().endpointCalls).toHaveLength(endpointCalls + 1);
    const before = sent();
    const reply = await bot.message('rep.a', '/support price');
    expect(reply.status).toBe(200);
    expect(sent()).toBe(before + 1);
    expect(buttons(bot.content(bot.last('rep.a').message_id))).toContainEqual({ k: 'submit', t: 'price-request' });
    // A card callback is answered over the new connection too.
    const submit = findButton(bot.content(bot.last('rep.a').message_id), (v) => v.k === 'submit')!;
    const click = await bot.callback('rep.a', bot.last('rep.a').message_id, { value: submit, form_value: { precondition: false } });
    expect((click.json?.toast as Json | undefined)?.type).toBe('error');
  });
});
