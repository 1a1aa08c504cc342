import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { FeishuAdapter } from '../../../src/adapters/feishu/index.js';
import { fieldName } from '../../../src/adapters/feishu/ids.js';
import { createBackline, type Backline } from '../../../src/app/create-app.js';
import { readEnv } from '../../../src/config/env.js';
import type { RequestTypeDef } from '../../../src/core/catalog/types.js';
import { FakeFeishuApi, type FakeMessage } from '../../fakes/feishu-api.js';
import { FakeFeishuWs } from '../../fakes/feishu-ws.js';
import { ORG_YAML } from '../../fixtures/org.js';

// Backline with Feishu on in webhook mode, against the fake OpenAPI, driven over real HTTP with
// payloads built the way Feishu builds them: schema 2.0 envelopes, AES-256-CBC encrypted with
// the encrypt key, signed sha256(ts + nonce + encryptKey + body). The org is the domain-test
// fixture with an open_id for everyone; rep.a and the approvers read English, the rest Chinese
// (the Feishu default).
//
// With `ws: true` the bot runs in its default long-connection mode instead (FEISHU_MODE unset, no
// token or encrypt key): the SDK's WSClient connects to FakeFeishuWs, and the same helpers deliver
// each event as an unencrypted data frame over the WebSocket; a Reply is then the client's answer
// frame (status = its code, json = the handler's decoded return value).

export const APP_ID = 'cli_a1b2c3d4e5f60718';
export const APP_SECRET = 'secret';
export const VERIFICATION_TOKEN = 'v-token-test';
export const ENCRYPT_KEY = 'encrypt-key-test';

/** Tuesday 14 April 2026, 10:00 in Shanghai: a working day, nobody away. */
export const BASE = Date.parse('2026-04-14T02:00:00Z');
const ENGLISH = new Set(['rep.a', 'mm', 'bl.east', 'boss', 'lawyer', 'pm.east', 'pe.east2', 'bm.east', 'ba.east', 'admin']);

type Json = Record<string, unknown>;

export function orgYaml(opts: { slack?: (id: string) => boolean } = {}): { yaml: string; openIds: Map<string, string>; slackIds: Map<string, string> } {
  const data = parse(ORG_YAML) as { people: Array<{ id: string; feishu?: string; slack?: string; locale?: string; prefer?: string }> };
  const openIds = new Map<string, string>();
  const slackIds = new Map<string, string>();
  data.people.forEach((p, i) => {
    if (opts.slack?.(p.id)) {
      p.slack = `U${String(i + 1).padStart(8, '0')}`;
      slackIds.set(p.id, p.slack);
      p.prefer = 'slack';
    } else {
      p.feishu = `ou_${createHash('md5').update(p.id).digest('hex')}`;
      openIds.set(p.id, p.feishu);
    }
    if (ENGLISH.has(p.id)) p.locale = 'en';
  });
  return { yaml: stringify(data), openIds, slackIds };
}

export function encrypt(json: string, key = ENCRYPT_KEY): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv);
  return Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final()]).toString('base64');
}

export function sign(body: string, key = ENCRYPT_KEY, ts = String(Math.floor(Date.now() / 1000)), nonce = randomBytes(8).toString('hex')): Record<string, string> {
  return { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': createHash('sha256').update(ts + nonce + key + body).digest('hex') };
}

export interface Reply {
  status: number;
  json: Json | undefined;
  text: string;
  ms: number;
}

let eventSeq = 0;
export const newEventId = () => `ev_${Date.now().toString(36)}_${++eventSeq}`;

export class FeishuBot {
  offsetMs = 0;

  constructor(readonly app: Backline, readonly fake: FakeFeishuApi, readonly url: string, readonly openIds: Map<string, string>, readonly dir: string, readonly ws?: FakeFeishuWs) {}

  get adapter(): FeishuAdapter {
    return this.app.adapters.find((a) => a.channel.platform === 'feishu') as FeishuAdapter;
  }

  oid(personId: string): string {
    return this.openIds.get(personId)!;
  }

  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.adapter.idle();
      await this.app.outbox.idle();
      await this.app.outbox.drain();
    }
  }

  /** POSTs a raw body with optional headers (already encrypted and signed unless told otherwise). */
  async postRaw(body: string, headers: Record<string, string> = {}, pathAndQuery = '/feishu/events'): Promise<Reply> {
    const start = performance.now();
    const res = await fetch(`${this.url}${pathAndQuery}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    let json: Json | undefined;
    try {
      json = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, ms: performance.now() - start };
  }

  /** A v2 envelope in plain JSON, as it travels over the long connection. */
  plainEnvelope(eventType: string, event: Json, opts: { eventId?: string; token?: string } = {}): Json {
    return {
      schema: '2.0',
      header: { event_id: opts.eventId ?? newEventId(), token: opts.token ?? VERIFICATION_TOKEN, create_time: String(Date.now()), event_type: eventType, tenant_key: 'tenant_test', app_id: APP_ID },
      event,
    };
  }

  /** A v2 envelope, encrypted and signed as Feishu sends it. */
  envelope(eventType: string, event: Json, opts: { eventId?: string; token?: string } = {}): string {
    return JSON.stringify({ encrypt: encrypt(JSON.stringify(this.plainEnvelope(eventType, event, opts))) });
  }

  /** Delivers an event: POSTed to the webhook, or pushed over the long connection in ws mode. */
  async send(eventType: string, event: Json, opts: { eventId?: string; token?: string } = {}): Promise<Reply> {
    if (this.ws) {
      const r = await this.ws.push(this.plainEnvelope(eventType, event, opts));
      return { status: r.code, json: r.data && typeof r.data === 'object' ? (r.data as Json) : undefined, text: r.data === undefined ? '' : JSON.stringify(r.data), ms: r.ms };
    }
    const body = this.envelope(eventType, event, opts);
    return this.postRaw(body, sign(body));
  }

  /** The person types `text` to the bot in their one-to-one chat (optionally as a reply to a message). */
  async message(personId: string, text: string, opts: { rootId?: string; eventId?: string } = {}): Promise<Reply> {
    const reply = await this.send('im.message.receive_v1', {
      sender: { sender_id: { open_id: this.oid(personId), union_id: 'on_x', user_id: null }, sender_type: 'user', tenant_key: 'tenant_test' },
      message: {
        message_id: `om_in_${++eventSeq}`, ...(opts.rootId ? { root_id: opts.rootId, parent_id: opts.rootId } : {}),
        create_time: String(Date.now()), chat_id: `oc_${this.oid(personId)}`, chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text }),
      },
    }, opts.eventId ? { eventId: opts.eventId } : {});
    await this.settle();
    return reply;
  }

  async menu(personId: string, key: string): Promise<Reply> {
    const reply = await this.send('application.bot.menu_v6', { operator: { operator_id: { open_id: this.oid(personId), union_id: 'on_x', user_id: null }, operator_name: personId }, event_key: key, timestamp: Date.now() });
    await this.settle();
    return reply;
  }

  /** A card.action.trigger for a click on `messageId` by the person. */
  async callback(personId: string, messageId: string, action: { value: Json; form_value?: Json; tag?: string; name?: string }, opts: { eventId?: string } = {}): Promise<Reply> {
    const reply = await this.send('card.action.trigger', {
      operator: { tenant_key: 'tenant_test', open_id: this.oid(personId), union_id: 'on_x' },
      token: `c-${randomBytes(6).toString('hex')}`,
      action: { tag: action.tag ?? 'button', timezone: 'Asia/Shanghai', value: action.value, ...(action.form_value ? { form_value: action.form_value, name: action.name ?? 'submit' } : {}) },
      host: 'im_message',
      context: { open_message_id: messageId, open_chat_id: `oc_${this.oid(personId)}` },
    }, opts);
    await this.settle();
    return reply;
  }

  /** The latest card JSON (or text) Feishu shows in this message. */
  content(messageId: string): Json {
    return JSON.parse(this.fake.messages.get(messageId)!.content) as Json;
  }

  /** The last message the bot sent the person. */
  last(personId: string): FakeMessage {
    const sent = this.fake.sentTo(this.oid(personId)).filter((m) => !m.root_id);
    return sent[sent.length - 1]!;
  }

  /** The person's card for a request (the one message the outbox keeps patching). */
  card(personId: string, requestId: number): { messageId: string; card: Json } {
    const msg = this.fake.sentTo(this.oid(personId)).find((m) => m.msg_type === 'interactive' && !m.root_id && String(((this.contentOf(m).header as Json)?.title as Json)?.content ?? '').startsWith(`#${requestId} `));
    if (!msg) throw new Error(`${personId} has no card for #${requestId}`);
    return { messageId: msg.message_id, card: this.contentOf(msg) };
  }

  private contentOf(m: FakeMessage): Json {
    return JSON.parse(m.content) as Json;
  }

  statusOf(personId: string, requestId: number): string {
    return statusTag(this.card(personId, requestId).card);
  }

  /** Clicks a card button by CardAction id; `input` fills and sends the inline form it opens. */
  async press(personId: string, requestId: number, id: string, input?: Record<string, unknown>): Promise<Reply> {
    const { messageId, card } = this.card(personId, requestId);
    const b = findButton(card, (v) => v.k === 'act' && v.a === id);
    if (!b) throw new Error(`${personId}'s card #${requestId} has no ${id} button; it has ${buttons(card).map((v) => String(v.a ?? v.k)).join(', ')}`);
    const reply = await this.callback(personId, messageId, { value: b });
    if (!input) return reply;
    const formCard = (reply.json?.card as Json | undefined)?.data as Json | undefined;
    const send = formCard ? findButton(formCard, (v) => v.k === 'do') : undefined;
    if (!send) throw new Error(`no inline form for ${id}: ${JSON.stringify(reply.json).slice(0, 300)}`);
    return this.callback(personId, messageId, { value: send, form_value: input });
  }

  /** `/support <type>`, then submits the form with `values` keyed by catalog field id. */
  async file(personId: string, type: RequestTypeDef, values: Record<string, unknown>, opts: { precondition?: boolean; unit?: string; beforeSubmit?: () => void } = {}): Promise<{ reply: Reply; requestId: number | undefined; messageId: string }> {
    await this.message(personId, `/support ${type.id}`);
    const form = this.last(personId);
    const submit = findButton(this.content(form.message_id), (v) => v.k === 'submit')!;
    const form_value: Json = { precondition: opts.precondition ?? true, ...(opts.unit ? { unit: opts.unit } : {}) };
    for (const [k, v] of Object.entries(values)) form_value[fieldName(k)] = v;
    opts.beforeSubmit?.();
    const reply = await this.callback(personId, form.message_id, { value: submit, form_value });
    const text = JSON.stringify(reply.json);
    const id = /#(\d+)/.exec(text)?.[1];
    return { reply, requestId: id && (reply.json?.toast as Json | undefined)?.type === 'success' ? Number(id) : undefined, messageId: form.message_id };
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.ws?.stop();
    await this.fake.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const statusTag = (card: Json): string => String((((card.header as Json).text_tag_list as Json[])[0]!.text as Json).content);

/** Every callback value of every button in a card. */
export function buttons(card: Json): Json[] {
  const out: Json[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const o = x as Json;
    if (o.tag === 'button') {
      const cb = ((o.behaviors as Json[] | undefined) ?? []).find((b) => b.type === 'callback');
      if (cb) out.push(cb.value as Json);
    }
    for (const v of Object.values(o)) if (typeof v === 'object') walk(v);
  };
  walk(card);
  return out;
}

export const findButton = (card: Json, pred: (v: Json) => boolean): Json | undefined => buttons(card).find(pred);

/** Form sample values shaped like Feishu's form_value (dates "yyyy-MM-dd +0800", people as open_ids). */
export function feishuValues(type: RequestTypeDef, openIdOf: (id: string) => string | undefined, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fields) {
    switch (f.kind) {
      case 'customer': out[f.id] = '招商银行 ACME'; break;
      case 'text': out[f.id] = `${f.id} text`; break;
      case 'longtext': out[f.id] = `${f.id}: details`; break;
      case 'date': out[f.id] = '2026-12-01 +0800'; break;
      case 'datetime': out[f.id] = '2026-12-01 10:00 +0800'; break;
      case 'number':
      case 'money': out[f.id] = String(Math.min(f.max ?? 1000, Math.max(f.min ?? 0, 10))); break;
      case 'select': out[f.id] = f.options?.[0]?.value; break;
      case 'multiselect': out[f.id] = f.options?.slice(0, 1).map((o) => o.value); break;
      case 'person': out[f.id] = openIdOf('pe.east1'); break;
      case 'link': out[f.id] = 'https://docs.example.com/d/1'; break;
    }
  }
  return { ...out, ...overrides };
}

export async function startFeishuBot(opts: { env?: Record<string, string>; slack?: (id: string) => boolean; extraEnv?: (dir: string) => Record<string, string>; ws?: boolean } = {}): Promise<FeishuBot> {
  const fake = await new FakeFeishuApi().start();
  const ws = opts.ws ? await new FakeFeishuWs({ appId: APP_ID, appSecret: APP_SECRET }).start() : undefined;
  fake.longConnection = ws;
  const dir = mkdtempSync(path.join(tmpdir(), 'backline-feishu-'));
  const { yaml, openIds } = orgYaml(opts.slack ? { slack: opts.slack } : {});
  const configFile = path.join(dir, 'org.yaml');
  writeFileSync(configFile, yaml);
  let bot: FeishuBot | undefined;
  const clock = { now: () => new Date(BASE + (bot?.offsetMs ?? 0)) };
  const app = await createBackline({
    env: readEnv({
      DATABASE_URL: `file:${path.join(dir, 'feishu.db')}`, LOG_LEVEL: 'silent', BACKLINE_SANDBOX: '0',
      FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: APP_SECRET, FEISHU_DOMAIN: fake.url,
      ...(ws ? {} : { FEISHU_MODE: 'webhook', FEISHU_VERIFICATION_TOKEN: VERIFICATION_TOKEN, FEISHU_ENCRYPT_KEY: ENCRYPT_KEY }), ...opts.env,
    }),
    configFile, clock,
  });
  const port = await app.start(0);
  bot = new FeishuBot(app, fake, `http://127.0.0.1:${port}`, openIds, dir, ws);
  // The WSClient connects in the background: wait until it is in use.
  await ws?.connected(1);
  return bot;
}
