import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { SlackAdapter } from '../../../src/adapters/slack/index.js';
import { createBackline, type Backline } from '../../../src/app/create-app.js';
import { readEnv } from '../../../src/config/env.js';
import { FakeSlackApi, dmChannel } from '../../fakes/slack-api.js';
import { FakeSlackSocket } from '../../fakes/slack-socket.js';
import { ORG_YAML } from '../../fixtures/org.js';

// Backline with Slack on, against the fake Web API, driven over real HTTP with signed requests,
// or in Socket Mode over the fake Slack's WebSocket (startSlackBot(env, { socketMode: true }): the
// same helpers then push envelopes and read the acknowledgement's payload as the reply).
// The org is the domain-test fixture with a Slack id for every person; rep.b reads Chinese.

export const SECRET = 'test-signing-secret';
export const TEAM = { id: 'T0TEST', domain: 'acme' };

/** Tuesday 14 April 2026, 10:00 in Shanghai: a working day, nobody away. */
const BASE = Date.parse('2026-04-14T02:00:00Z');

export function slackOrgYaml(): { yaml: string; slackIds: Map<string, string> } {
  const data = parse(ORG_YAML) as { people: Array<{ id: string; slack?: string; locale?: string }> };
  const slackIds = new Map<string, string>();
  data.people.forEach((p, i) => {
    p.slack = `U${String(i + 1).padStart(8, '0')}`;
    slackIds.set(p.id, p.slack);
    if (p.id === 'rep.b') p.locale = 'zh-CN';
  });
  return { yaml: stringify(data), slackIds };
}

export function sign(body: string, ts = Math.floor(Date.now() / 1000), secret = SECRET): Record<string, string> {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig };
}

export interface Reply {
  status: number;
  text: string;
  json: Record<string, unknown> | undefined;
  ms: number;
}

type Json = Record<string, unknown>;

export class SlackBot {
  private actionSeq = 0;
  private triggerSeq = 0;
  offsetMs = 0;

  constructor(
    readonly app: Backline,
    readonly fake: FakeSlackApi,
    readonly url: string,
    readonly slackIds: Map<string, string>,
    private readonly dir: string,
    readonly socket?: FakeSlackSocket,
  ) {}

  get adapter(): SlackAdapter {
    return this.app.adapters.find((a) => a.channel.platform === 'slack') as SlackAdapter;
  }

  uid(personId: string): string {
    return this.slackIds.get(personId)!;
  }

  /** Moves the app's clock (not Slack's signing clock) forward. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Waits for every listener's after-ack work and every outbox row that is due. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.adapter.idle();
      await this.app.outbox.idle();
      await this.app.outbox.drain();
    }
  }

  async post(body: string, contentType: string, headers: Record<string, string> = {}): Promise<Reply> {
    const start = performance.now();
    const res = await fetch(`${this.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...sign(body), ...headers }, body });
    const text = await res.text();
    let json: Json | undefined;
    try {
      json = text ? (JSON.parse(text) as Json) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, ms: performance.now() - start };
  }

  command(personId: string, text = '', headers: Record<string, string> = {}): Promise<Reply> {
    const fields = {
      token: 'legacy', team_id: TEAM.id, team_domain: TEAM.domain, channel_id: 'C0GENERAL', channel_name: 'general',
      user_id: this.uid(personId) ?? personId, user_name: personId, command: '/support', text, api_app_id: 'A0BACKLINE',
      response_url: this.fake.responseUrl(`${personId}-${++this.triggerSeq}`), trigger_id: `trig.${++this.triggerSeq}`,
    };
    if (this.socket) return this.pushed(this.socket.send('slash_commands', fields));
    return this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', headers);
  }

  interact(payload: Json, headers: Record<string, string> = {}): Promise<Reply> {
    if (this.socket) return this.pushed(this.socket.send('interactive', payload));
    return this.post(`payload=${encodeURIComponent(JSON.stringify(payload))}`, 'application/x-www-form-urlencoded', headers);
  }

  event(event: Json, eventId: string, headers: Record<string, string> = {}): Promise<Reply> {
    const envelope = { token: 'legacy', team_id: TEAM.id, api_app_id: 'A0BACKLINE', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event };
    if (this.socket) {
      const attempt = Number(headers['x-slack-retry-num'] ?? 0);
      return this.pushed(this.socket.send('events_api', envelope, { attempt, ...(headers['x-slack-retry-reason'] ? { reason: headers['x-slack-retry-reason'] } : {}) }));
    }
    return this.post(JSON.stringify(envelope), 'application/json', headers);
  }

  /** A Socket Mode acknowledgement as the reply HTTP mode would have given. */
  private async pushed(ack: ReturnType<FakeSlackSocket['send']>): Promise<Reply> {
    const { payload, ms } = await ack;
    return { status: 200, text: payload ? JSON.stringify(payload) : '', json: payload, ms };
  }

  private user(personId: string) {
    return { id: this.uid(personId), username: personId, name: personId, team_id: TEAM.id };
  }

  /** Clicks a button in a message (a card in the person's DM) or in a view. */
  click(personId: string, button: { action_id: string; value?: string; block_id?: string }, where: { message?: { channel: string; ts: string }; view?: Json }, actionTs?: string): Promise<Reply> {
    const action_ts = actionTs ?? `${1_800_000_000 + ++this.actionSeq}.000200`;
    const container = where.view
      ? { type: 'view', view_id: where.view.id }
      : { type: 'message', channel_id: where.message!.channel, message_ts: where.message!.ts, is_ephemeral: false };
    return this.interact({
      type: 'block_actions', user: this.user(personId), api_app_id: 'A0BACKLINE', token: 'legacy', team: TEAM,
      trigger_id: `trig.${++this.triggerSeq}`, container,
      ...(where.message ? { channel: { id: where.message.channel }, message: { ts: where.message.ts } } : {}),
      ...(where.view ? { view: where.view } : {}),
      actions: [{ type: 'button', action_id: button.action_id, block_id: button.block_id ?? 'actions', value: button.value, action_ts }],
    });
  }

  /** Submits a modal the bot opened, with `values` keyed by block id typed in (see fillState). */
  submit(personId: string, view: Json, values: Record<string, unknown>): Promise<Reply> {
    return this.interact({
      type: 'view_submission', user: this.user(personId), api_app_id: 'A0BACKLINE', token: 'legacy', team: TEAM, trigger_id: `trig.${++this.triggerSeq}`,
      view: { ...view, state: { values: fillState(view, values) } },
    });
  }

  /** The latest view the bot opened, pushed or updated, as Slack holds it (with id and hash). */
  lastView(method?: 'views.open' | 'views.update' | 'views.push' | 'views.publish'): Json {
    const calls = this.fake.calls.filter((c) => c.response?.ok && (method ? c.method === method : /^views\.(open|update|push)$/.test(c.method)));
    const call = calls[calls.length - 1];
    if (!call) throw new Error(`no ${method ?? 'view'} call`);
    return call.response!.view as Json;
  }

  /** The card a person holds for a request right now (as the fake Slack shows it). */
  card(personId: string, requestId: number): { channel: string; ts: string; message: Json } {
    const dm = dmChannel(this.uid(personId));
    const all = [...(this.fake.messages.get(dm)?.values() ?? [])];
    const msg = all.find((m) => (m.blocks as Json[] | undefined)?.some((b) => b.block_id === 'title' && String((b.text as Json).text).startsWith(`#${requestId} `)));
    if (!msg) throw new Error(`${personId} has no card for #${requestId}`);
    return { channel: dm, ts: String(msg.ts), message: msg };
  }

  /** A card's button by CardAction id (card.approve, …). */
  button(personId: string, requestId: number, id: string): { action_id: string; value: string; channel: string; ts: string } {
    const c = this.card(personId, requestId);
    const actions = (c.message.blocks as Json[]).find((b) => b.type === 'actions');
    const el = ((actions?.elements as Json[]) ?? []).find((e) => e.action_id === `card.${id}`);
    if (!el) throw new Error(`${personId}'s card #${requestId} has no ${id} button; it has ${((actions?.elements as Json[]) ?? []).map((e) => e.action_id).join(', ')}`);
    return { action_id: String(el.action_id), value: String(el.value), channel: c.channel, ts: c.ts };
  }

  /** Clicks a card button; a modal opens for buttons that need input, and `input` fills and submits it. */
  async press(personId: string, requestId: number, id: string, input?: Record<string, unknown>): Promise<Reply> {
    const b = this.button(personId, requestId, id);
    const reply = await this.click(personId, b, { message: { channel: b.channel, ts: b.ts } });
    await this.settle();
    if (!input) return reply;
    const view = this.lastView('views.open');
    const res = await this.submit(personId, view, input);
    await this.settle();
    return res;
  }

  statusOf(personId: string, requestId: number): string {
    const blocks = this.card(personId, requestId).message.blocks as Json[];
    return String(((blocks.find((b) => b.block_id === 'status') as Json).text as Json).text);
  }

  async stop(): Promise<void> {
    await this.app.stop();
    await this.socket?.stop();
    await this.fake.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startSlackBot(env: Record<string, string> = {}, opts: { socketMode?: boolean } = {}): Promise<SlackBot> {
  const fake = await new FakeSlackApi().start();
  const socket = opts.socketMode ? await new FakeSlackSocket().start() : undefined;
  if (socket) fake.socketUrl = () => socket.url;
  const dir = mkdtempSync(path.join(tmpdir(), 'backline-slack-'));
  const { yaml, slackIds } = slackOrgYaml();
  const configFile = path.join(dir, 'org.yaml');
  writeFileSync(configFile, yaml);
  let bot: SlackBot | undefined;
  const clock = { now: () => new Date(BASE + (bot?.offsetMs ?? 0)) };
  const app = await createBackline({
    env: readEnv({
      DATABASE_URL: `file:${path.join(dir, 'slack.db')}`, LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.url, BACKLINE_SANDBOX: '0',
      ...(socket ? { SLACK_APP_TOKEN: 'xapp-1-A0BACKLINE-test' } : {}), ...env,
    }),
    configFile, clock,
  });
  const port = await app.start(0);
  await socket?.connected();
  bot = new SlackBot(app, fake, `http://127.0.0.1:${port}`, slackIds, dir, socket);
  return bot;
}

/** Slack's view state for a modal: what a person typed, by block id, shaped by each element's type. */
export function fillState(view: Json, values: Record<string, unknown>): Record<string, Record<string, Json>> {
  const state: Record<string, Record<string, Json>> = {};
  for (const b of (view.blocks as Json[]) ?? []) {
    if (b.type !== 'input') continue;
    const el = b.element as Json;
    const id = String(b.block_id);
    const given = id in values ? values[id] : undefined;
    const type = String(el.type);
    let s: Json;
    switch (type) {
      case 'datepicker':
        s = { selected_date: given ?? el.initial_date ?? null };
        break;
      case 'datetimepicker':
        s = { selected_date_time: given ?? el.initial_date_time ?? null };
        break;
      case 'static_select':
      case 'external_select':
      case 'radio_buttons':
        s = { selected_option: given !== undefined ? { value: given } : (el.initial_option ?? null) };
        break;
      case 'multi_static_select':
      case 'multi_external_select':
      case 'checkboxes':
        s = { selected_options: given !== undefined ? (given as string[]).map((v) => ({ value: v })) : (el.initial_options ?? []) };
        break;
      case 'users_select':
        s = { selected_user: given ?? el.initial_user ?? null };
        break;
      default:
        s = { value: given !== undefined ? String(given) : (el.initial_value ?? null) };
    }
    state[id] = { [String(el.action_id)]: { type, ...s } };
  }
  return state;
}
