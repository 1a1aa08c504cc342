import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local stand-in for the Slack Web API (https://slack.com/api/<method>), enough for Bolt and
// Backline: it records every call, keeps posted messages so chat.update behaves like Slack
// (message_not_found for an unknown ts), and can be told to fail with 500 or 429 + Retry-After.
// Point the app at it with SLACK_API_URL=<fake.url>. response_url posts land in `calls` too,
// as method "response_url".

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
  /** What the fake answered (absent for a simulated failure). */
  response?: Record<string, unknown>;
}

interface Failure {
  method: string;
  status: 500 | 429;
  retryAfter?: number;
  times: number;
}

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  /** channel -> ts -> the message as last posted or updated. */
  readonly messages = new Map<string, Map<string, Record<string, unknown>>>();
  readonly views = new Map<string, Record<string, unknown>>();
  /** Slack locales users.info reports, e.g. { U123: 'zh-CN' }. */
  readonly userLocales = new Map<string, string>();
  private readonly failures: Failure[] = [];
  private readonly refusals: Array<{ method: string; error: string; times: number }> = [];
  private readonly delays = new Map<string, number>();
  /** Answered by apps.connections.open: a FakeSlackSocket's url, for Socket Mode. */
  socketUrl?: () => string;
  /** Called as each call arrives, before it is answered. */
  onCall?: (method: string, body: Record<string, unknown>) => void;
  /** Calls answered with ok: true, by method (counted whether or not calls are recorded). */
  readonly okCounts = new Map<string, number>();
  private record = true;
  private server: Server | undefined;
  private seq = 0;
  private tsSeq = 0;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A response_url that records what the app posts to it. */
  responseUrl(id = 'r1'): string {
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  /**
   * keepAliveMs: idle keep-alive; at 1 s (tests) undici's 2 s threshold makes clients reconnect for every call.
   * record: false answers as usual but keeps no calls and no views, only `okCounts` (a load test's
   * thousands of modals would otherwise pile up in this process's heap, and its GC on the CPU the bot shares).
   */
  async start(opts: { keepAliveMs?: number; record?: boolean } = {}): Promise<this> {
    this.record = opts.record ?? true;
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = opts.keepAliveMs ?? 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` calls of `method` fail: 500, or 429 with Retry-After seconds. */
  /** The next `times` calls of `method` are answered 200 {ok: false, error} (e.g. expired_trigger_id). */
  refuse(method: string, error: string, times = 1): void {
    this.refusals.push({ method, error, times });
  }

  fail(method: string, status: 500 | 429, opts: { retryAfter?: number; times?: number } = {}): void {
    this.failures.push({ method, status, times: opts.times ?? 1, ...(opts.retryAfter !== undefined ? { retryAfter: opts.retryAfter } : {}) });
  }

  /** Answer `method` only after `ms` (a slow Slack). */
  delay(method: string, ms: number): void {
    this.delays.set(method, ms);
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  last(method: string): RecordedCall | undefined {
    const list = this.callsTo(method);
    return list[list.length - 1];
  }

  reset(): void {
    this.calls.length = 0;
  }

  /** The message a DM channel holds at `ts` now. */
  message(channel: string, ts: string): Record<string, unknown> | undefined {
    return this.messages.get(channel)?.get(ts);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    if (url.startsWith('/response/')) {
      this.calls.push({ method: 'response_url', body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {}, at: Date.now() });
      return this.send(res, 200, { ok: true });
    }
    const method = url.replace(/^\/api\//, '').split('?')[0]!;
    const body = parseBody(raw, req.headers['content-type'] ?? '');
    this.onCall?.(method, body);
    const call: RecordedCall = { method, body, at: Date.now() };
    if (this.record) this.calls.push(call);
    const wait = this.delays.get(method);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    const failure = this.failures.find((f) => f.method === method && f.times > 0);
    if (failure) {
      failure.times -= 1;
      if (failure.status === 429) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(failure.retryAfter ?? 1) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('internal server error');
      return;
    }
    // As Slack does: a call without the bot's token (Authorization header or `token` argument)
    // is refused, and JSON bodies are for write methods only.
    const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? body.token;
    const json = (req.headers['content-type'] ?? '').includes('application/json');
    // apps.connections.open (Socket Mode) takes the app-level token; everything else the bot's.
    const kind = method === 'apps.connections.open' ? 'xapp-' : 'xoxb-';
    if (typeof token !== 'string' || !token.startsWith(kind)) call.response = { ok: false, error: 'not_authed' };
    else if (json && !/^(chat|views)\./.test(method)) call.response = { ok: false, error: 'invalid_arguments' };
    else {
      const refusal = this.refusals.find((r) => r.method === method && r.times > 0);
      if (refusal) refusal.times -= 1;
      call.response = refusal ? { ok: false, error: refusal.error } : this.answer(method, body);
    }
    if (call.response.ok) this.okCounts.set(method, (this.okCounts.get(method) ?? 0) + 1);
    this.send(res, 200, call.response);
  }

  private answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        return this.socketUrl ? { ok: true, url: this.socketUrl() } : { ok: false, error: 'invalid_auth' };
      case 'auth.test':
        return { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'backline', team_id: 'T0TEST', user_id: 'UBOTUSER1', bot_id: 'BBOT0001' };
      case 'chat.postMessage': {
        const channel = dmChannel(String(body.channel ?? ''));
        const ts = this.nextTs();
        const message = { ...body, channel, ts };
        if (!this.messages.has(channel)) this.messages.set(channel, new Map());
        this.messages.get(channel)!.set(ts, message);
        return { ok: true, channel, ts, message };
      }
      case 'chat.update': {
        const channel = String(body.channel ?? '');
        const ts = String(body.ts ?? '');
        const existing = this.messages.get(channel)?.get(ts);
        if (!existing) return { ok: false, error: 'message_not_found' };
        this.messages.get(channel)!.set(ts, { ...existing, ...body });
        return { ok: true, channel, ts, text: body.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'views.open':
      case 'views.push':
      case 'views.update':
      case 'views.publish': {
        const id = method === 'views.update' ? String(body.view_id ?? '') : `V${String(++this.seq).padStart(8, '0')}`;
        if (method === 'views.update' && !this.views.has(id)) return { ok: false, error: 'not_found' };
        const view = { ...(body.view as Record<string, unknown>), id, hash: `h${++this.seq}`, ...(method === 'views.update' ? { root_view_id: this.views.get(id)?.root_view_id } : { root_view_id: id }) };
        if (this.record) this.views.set(id, view);
        return { ok: true, view };
      }
      case 'conversations.open': {
        const users = String(body.users ?? '');
        return { ok: true, channel: { id: dmChannel(users) } };
      }
      case 'users.info': {
        const user = String(body.user ?? '');
        return { ok: true, user: { id: user, name: user.toLowerCase(), locale: this.userLocales.get(user) ?? 'en-US' } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private nextTs(): string {
    return `${1_700_000_000 + ++this.tsSeq}.000100`;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

/** Posting to a user id opens (or reuses) the DM with them, as Slack does. */
export const dmChannel = (channel: string): string => (/^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel);

// The Web API client sends form-encoded bodies with JSON-encoded blocks and views.
function parseBody(raw: string, type: string): Record<string, unknown> {
  if (!raw) return {};
  if (type.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
