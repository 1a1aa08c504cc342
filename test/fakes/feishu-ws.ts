import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';

// A local Feishu long-connection endpoint, the server side of the SDK's WSClient:
//
// 1. POST {domain}/callback/ws/endpoint with {AppID, AppSecret} (served by FakeFeishuApi, which
//    calls endpoint() below) answers {code: 0, data: {URL, ClientConfig}}. As on Feishu, the URL is
//    another host (here our own server) and carries service_id and a one-time ticket.
// 2. The client opens a WebSocket to that URL and talks protobuf `pbbp2.Frame`s, binary messages:
//    - control frames (method 0): the client sends `ping` at once and every PingInterval seconds,
//      the server answers `pong` with the ClientConfig as JSON payload (the client adopts it);
//    - data frames (method 1), server → client: headers type (`event`), message_id, sum, seq,
//      trace_id; payload = the event's JSON, a schema 2.0 envelope, unencrypted (the connection
//      was authenticated at step 1). A large payload may come in `sum` fragments sharing a
//      message_id. Card callbacks (card.action.trigger) come as type `event` too: the SDK's
//      WSClient (Node and Go alike) drops frames of type `card`, the old card protocol.
//    - the answer, client → server: the same frame (same SeqID, LogID, headers plus biz_rt) with
//      payload JSON {code: 200 | 500, data?: base64(JSON of the handler's return value)}.
//
// Frames are encoded with protobufjs, declared below from the pbbp2 field numbers rather than
// borrowing the client's codec, so the fake speaks the wire format on its own. protobufjs and ws
// are not dependencies of this project but of @larksuiteoapi/node-sdk: they are loaded from the
// SDK's own location, so the fake always uses the very versions the WSClient uses. `ws` ships no
// types (and @types/ws is not installed), hence the small interfaces below.

type Json = Record<string, unknown>;

const sdkRequire = createRequire(createRequire(import.meta.url).resolve('@larksuiteoapi/node-sdk'));
const protobuf = sdkRequire('protobufjs') as typeof import('protobufjs');

interface WsSocket {
  readonly readyState: number;
  send(data: Uint8Array, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', fn: (code: number) => void): this;
  on(event: 'error', fn: (err: Error) => void): this;
}
interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, cb: (ws: WsSocket) => void): void;
  close(cb?: () => void): void;
}
const { WebSocketServer } = sdkRequire('ws') as { WebSocketServer: new (opts: { noServer: true }) => WsServer };
const OPEN = 1;

// message Frame { required uint64 SeqID = 1; required uint64 LogID = 2; required int32 service = 3;
//   required int32 method = 4; repeated Header headers = 5; optional string payload_encoding = 6;
//   optional string payload_type = 7; optional bytes payload = 8; optional string LogIDNew = 9; }
// message Header { required string key = 1; required string value = 2; }
const pbbp2 = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: { fields: { key: { rule: 'required', type: 'string', id: 1 }, value: { rule: 'required', type: 'string', id: 2 } } },
        Frame: {
          fields: {
            SeqID: { rule: 'required', type: 'uint64', id: 1 },
            LogID: { rule: 'required', type: 'uint64', id: 2 },
            service: { rule: 'required', type: 'int32', id: 3 },
            method: { rule: 'required', type: 'int32', id: 4 },
            headers: { rule: 'repeated', type: 'Header', id: 5 },
            payloadEncoding: { type: 'string', id: 6 },
            payloadType: { type: 'string', id: 7 },
            payload: { type: 'bytes', id: 8 },
            LogIDNew: { type: 'string', id: 9 },
          },
        },
      },
    },
  },
}).lookupType('pbbp2.Frame');

export const FRAME_CONTROL = 0;
export const FRAME_DATA = 1;

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: Array<{ key: string; value: string }>;
  payload?: Uint8Array;
  payloadEncoding?: string;
  payloadType?: string;
  LogIDNew?: string;
}

export function encodeFrame(frame: Frame): Uint8Array {
  return pbbp2.encode(pbbp2.fromObject(frame)).finish();
}

export function decodeFrame(bytes: Uint8Array): Frame {
  return pbbp2.toObject(pbbp2.decode(bytes), { longs: Number, arrays: true }) as Frame;
}

export const header = (f: Frame, key: string): string | undefined => f.headers.find((h) => h.key === key)?.value;

/**
 * Feishu's ClientConfig, times in seconds (the SDK multiplies by 1000, so fractions work). After a
 * drop the client waits random(0..ReconnectNonce) before its first attempt and ReconnectInterval
 * between failed ones: Feishu's 30 s / 120 s would make a reconnect test slow, hence 0 / 0.05.
 */
export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

/** The client's answer to one pushed event. */
export interface PushReply {
  /** 200, or 500 when the handler threw. */
  code: number;
  /**
   * The handler's return value (decoded from base64 JSON), undefined when it returned nothing.
   * The SDK answers an event type with no handler with the string "no <type> event handle".
   */
  data: unknown;
  /** The response frame as received. */
  frame: Frame;
  ms: number;
}

interface Connection {
  id: number;
  ws: WsSocket;
  pings: number;
  closed: boolean;
}

interface Pending {
  started: number;
  resolve: (r: PushReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class FakeFeishuWs {
  /** Every POST /callback/ws/endpoint body, in order. */
  readonly endpointCalls: Json[] = [];
  /** Every frame any client sent (pings and responses), in order. */
  readonly received: Frame[] = [];
  readonly connections: Connection[] = [];
  clientConfig: ClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 0.05, ReconnectNonce: 0 };
  /** How long a pushed event may wait for its answer (Feishu redelivers after 3 s). */
  answerTimeoutMs = 3000;
  readonly serviceId = 33554678;
  url = '';
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly waiters: Array<{ n: number; resolve: () => void }> = [];
  private seq = 0;

  constructor(private readonly app: { appId: string; appSecret: string }) {}

  async start(): Promise<this> {
    this.server = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) if (!c.closed) c.ws.terminate();
    for (const p of this.pending.values()) clearTimeout(p.timer);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The answer to POST /callback/ws/endpoint (FakeFeishuApi routes it here). */
  endpoint(body: Json): Json {
    this.endpointCalls.push(body);
    if (body.AppID !== this.app.appId || body.AppSecret !== this.app.appSecret) return { code: 514, msg: 'auth failed' };
    const ticket = randomBytes(8).toString('hex');
    this.tickets.add(ticket);
    // Shaped like Feishu's. The SDK reads device_id and service_id with qs.parse of the whole URL,
    // so only parameters after the first one are read right; service_id is never first.
    const URL = `${this.url}/ws/v2?fpid=493&aid=552564&device_id=${randomBytes(4).toString('hex')}&service_id=${this.serviceId}&ticket=${ticket}`;
    return { code: 0, msg: 'ok', data: { URL, ClientConfig: this.clientConfig } };
  }

  /** The connection events go to now: the newest one still open. */
  get current(): Connection | undefined {
    return [...this.connections].reverse().find((c) => !c.closed);
  }

  /**
   * Resolves once `n` connections have been made and the n-th is in use: it has sent its first
   * ping (the client pings from its 'open' handler, before it starts reading frames).
   */
  connected(n = this.connections.length || 1, timeoutMs = 5000): Promise<void> {
    if (this.connections.length >= n && this.connections[n - 1]!.pings > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`long connection #${n} not in use within ${timeoutMs} ms (${this.endpointCalls.length} endpoint calls, ${this.connections.length} connections)`));
      }, timeoutMs);
      const waiter = { n, resolve: () => (clearTimeout(timer), resolve()) };
      this.waiters.push(waiter);
    });
  }

  pings(): number {
    return this.connections.reduce((s, c) => s + c.pings, 0);
  }

  /** Drops the current connection without a close handshake, as a network failure would. */
  drop(): void {
    const c = this.current;
    if (!c) throw new Error('no open long connection to drop');
    c.closed = true;
    c.ws.terminate();
  }

  /**
   * Pushes one event (a schema 2.0 envelope) to the connected client as a data frame, split
   * into `parts` fragments if asked, and resolves with the client's answer frame.
   */
  push(envelope: Json, opts: { type?: 'event' | 'card'; parts?: number } = {}): Promise<PushReply> {
    const c = this.current;
    if (!c) return Promise.reject(new Error('no open long connection'));
    const bytes = Buffer.from(JSON.stringify(envelope), 'utf8');
    const parts = Math.max(1, Math.min(opts.parts ?? 1, bytes.length));
    const messageId = `msg_${++this.seq}_${randomBytes(4).toString('hex')}`;
    const traceId = randomBytes(8).toString('hex');
    const seqId = this.seq;
    const logId = 7_000_000_000 + this.seq;
    const size = Math.ceil(bytes.length / parts);
    return new Promise<PushReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(messageId);
        reject(new Error(`no answer to ${messageId} within ${this.answerTimeoutMs} ms (Feishu would redeliver it)`));
      }, this.answerTimeoutMs);
      this.pending.set(messageId, { started: performance.now(), resolve, reject, timer });
      for (let i = 0; i < parts; i++) {
        this.send(c, {
          SeqID: seqId, LogID: logId, service: this.serviceId, method: FRAME_DATA,
          headers: [
            { key: 'type', value: opts.type ?? 'event' }, { key: 'message_id', value: messageId },
            { key: 'sum', value: String(parts) }, { key: 'seq', value: String(i) }, { key: 'trace_id', value: traceId },
          ],
          payload: bytes.subarray(i * size, (i + 1) * size),
        });
      }
    });
  }

  private send(c: Connection, frame: Frame): void {
    if (c.ws.readyState === OPEN) c.ws.send(encodeFrame(frame));
  }

  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (url.pathname !== '/ws/v2' || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nhandshake-status: 403\r\nhandshake-msg: invalid ticket\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c: Connection = { id: this.connections.length + 1, ws, pings: 0, closed: false };
      this.connections.push(c);
      ws.on('message', (data) => this.receive(c, data));
      ws.on('close', () => {
        c.closed = true;
      });
      ws.on('error', () => {
        c.closed = true;
      });
    });
  }

  private receive(c: Connection, data: Buffer): void {
    const frame = decodeFrame(data);
    this.received.push(frame);
    const type = header(frame, 'type');
    if (frame.method === FRAME_CONTROL && type === 'ping') {
      c.pings++;
      this.send(c, {
        SeqID: 0, LogID: 0, service: this.serviceId, method: FRAME_CONTROL,
        headers: [{ key: 'type', value: 'pong' }], payload: Buffer.from(JSON.stringify(this.clientConfig)),
      });
      for (const w of [...this.waiters]) {
        if (this.connections.length >= w.n && this.connections[w.n - 1]!.pings > 0) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
      }
      return;
    }
    if (frame.method !== FRAME_DATA) return;
    const messageId = header(frame, 'message_id') ?? '';
    const p = this.pending.get(messageId);
    if (!p) return;
    this.pending.delete(messageId);
    clearTimeout(p.timer);
    try {
      const body = JSON.parse(Buffer.from(frame.payload ?? []).toString('utf8')) as { code: number; data?: string };
      const data: unknown = body.data ? JSON.parse(Buffer.from(body.data, 'base64').toString('utf8')) : undefined;
      p.resolve({ code: body.code, data, frame, ms: performance.now() - p.started });
    } catch (e) {
      p.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
