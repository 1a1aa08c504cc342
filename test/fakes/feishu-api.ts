import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A local Feishu OpenAPI: tenant tokens and im.v1 message create / patch / reply, answered the
// way Feishu answers (HTTP 200 with { code, msg, data }, or an HTTP error with a code). Records
// every call, keeps each message's latest content, and can be told to fail.

type Json = Record<string, unknown>;

export interface FeishuCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Json;
  status: number;
  response: Json;
}

export interface FakeMessage {
  message_id: string;
  chat_id: string;
  receive_id: string;
  msg_type: string;
  content: string;
  root_id?: string;
  uuid?: string;
  updates: number;
}

interface Failure {
  match: (method: string, path: string) => boolean;
  status: number;
  code: number;
  msg: string;
  headers?: Record<string, string>;
}

export class FakeFeishuApi {
  readonly calls: FeishuCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  private readonly byUuid = new Map<string, string>();
  private readonly tokens = new Set<string>();
  private readonly failures: Failure[] = [];
  private server: Server | undefined;
  private seq = 0;
  url = '';
  /** Answers POST /callback/ws/endpoint (the SDK's WSClient asks it for its WebSocket URL): see FakeFeishuWs. */
  longConnection: { endpoint(body: Json): Json } | undefined;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` calls matching `path` (a substring; default any message call) fail like this. */
  failNext(times: number, f: { status?: number; code: number; msg?: string; path?: string; method?: string; headers?: Record<string, string> }): void {
    for (let i = 0; i < times; i++) {
      this.failures.push({
        match: (m, p) => (!f.method || f.method === m) && p.includes(f.path ?? '/im/v1/messages'),
        status: f.status ?? 200, code: f.code, msg: f.msg ?? 'failure', ...(f.headers ? { headers: f.headers } : {}),
      });
    }
  }

  /** Every issued tenant token stops working (Feishu answers 99991663 until a new one is fetched). */
  expireTokens(): void {
    this.tokens.clear();
  }

  callsTo(method: string, pathPart: string): FeishuCall[] {
    return this.calls.filter((c) => c.method === method && c.path.includes(pathPart));
  }

  tokenRequests(): number {
    return this.callsTo('POST', '/auth/v3/tenant_access_token/internal').length;
  }

  /** Messages sent to an open_id (cards and texts), oldest first. */
  sentTo(openId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.receive_id === openId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    let body: Json = {};
    try {
      body = raw ? (JSON.parse(raw) as Json) : {};
    } catch {
      body = {};
    }
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const send = (status: number, response: Json, headers: Record<string, string> = {}) => {
      this.calls.push({ method, path, query: Object.fromEntries(url.searchParams), body, status, response });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(response));
    };
    if (path === '/open-apis/auth/v3/tenant_access_token/internal') {
      const token = `t-${++this.seq}`;
      this.tokens.add(token);
      return send(200, { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }
    if (path === '/callback/ws/endpoint') return send(200, this.longConnection ? this.longConnection.endpoint(body) : { code: 1, msg: 'no long connection in the fake' });
    const failure = this.failures.findIndex((f) => f.match(method, path));
    if (failure >= 0) {
      const f = this.failures.splice(failure, 1)[0]!;
      return send(f.status, { code: f.code, msg: f.msg }, f.headers);
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!auth || !this.tokens.has(auth)) return send(400, { code: 99991663, msg: 'Invalid access token for authorization. Please make a request with token attached.' });
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/open-apis/im/v1/messages') {
      const uuid = typeof body.uuid === 'string' ? body.uuid : undefined;
      const existing = uuid ? this.byUuid.get(uuid) : undefined;
      if (existing) return send(200, { code: 0, msg: 'success', data: this.view(this.messages.get(existing)!) });
      const msg = this.add({ receive_id: String(body.receive_id), msg_type: String(body.msg_type), content: String(body.content), ...(uuid ? { uuid } : {}) });
      return send(200, { code: 0, msg: 'success', data: this.view(msg) });
    }
    if ((m = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(path)) && method === 'POST') {
      const parent = this.messages.get(m[1]!);
      if (!parent) return send(400, { code: 230011, msg: 'The message was withdrawn.' });
      const msg = this.add({ receive_id: parent.receive_id, msg_type: String(body.msg_type), content: String(body.content), root_id: parent.root_id ?? parent.message_id });
      return send(200, { code: 0, msg: 'success', data: this.view(msg) });
    }
    if ((m = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(path)) && method === 'PATCH') {
      const msg = this.messages.get(m[1]!);
      if (!msg) return send(400, { code: 230011, msg: 'The message was withdrawn.' });
      msg.content = String(body.content);
      msg.updates++;
      return send(200, { code: 0, msg: 'success', data: {} });
    }
    send(404, { code: 404, msg: `fake has no ${method} ${path}` });
  }

  private add(m: Omit<FakeMessage, 'message_id' | 'chat_id' | 'updates'>): FakeMessage {
    const msg: FakeMessage = { ...m, message_id: `om_${++this.seq}`, chat_id: `oc_${m.receive_id}`, updates: 0 };
    this.messages.set(msg.message_id, msg);
    if (m.uuid) this.byUuid.set(m.uuid, msg.message_id);
    return msg;
  }

  private view(m: FakeMessage): Json {
    return { message_id: m.message_id, chat_id: m.chat_id, msg_type: m.msg_type, ...(m.root_id ? { root_id: m.root_id } : {}) };
  }
}
