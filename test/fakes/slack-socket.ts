import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

// A local Slack Socket Mode endpoint, the server side of @slack/socket-mode
// (https://docs.slack.dev/apis/events-api/using-socket-mode):
//
// 1. The app calls apps.connections.open with its app-level token (xapp-…); FakeSlackApi answers
//    with `url` below when its `socketUrl` is set.
// 2. The app opens that WebSocket; Slack sends {type: "hello"} and from then on pushes envelopes:
//    {envelope_id, type: "slash_commands" | "interactive" | "events_api", payload,
//    accepts_response_payload, retry_attempt, retry_reason}. The payload is what HTTP mode would
//    POST (a command's fields, an interaction, an event_callback), with no signature: the
//    connection was authenticated at step 1.
// 3. The app acknowledges each envelope on the socket with {envelope_id, payload?}; the payload is
//    what HTTP mode would answer (an ephemeral reply, `response_action: errors`, ...).

type Json = Record<string, unknown>;

export interface SocketReply {
  /** The acknowledgement's payload, undefined when it carried none (or an empty one). */
  payload: Json | undefined;
  ms: number;
}

export class FakeSlackSocket {
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  private readonly waiting = new Map<string, { started: number; resolve: (r: SocketReply) => void; timer: NodeJS.Timeout }>();
  private onConnect: (() => void) | undefined;
  port = 0;
  /** Connections the app opened so far. */
  connections = 0;

  get url(): string {
    return `ws://127.0.0.1:${this.port}/link/?ticket=${randomUUID()}`;
  }

  async start(): Promise<this> {
    this.server = createServer((_req, res) => res.writeHead(426).end());
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => {
      this.connections += 1;
      this.socket = ws;
      ws.on('message', (data) => this.receive(String(data)));
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0BACKLINE' } }));
      this.onConnect?.();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Resolves once the app has connected (at once if it already has). */
  connected(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve) => (this.onConnect = resolve));
  }

  /** Pushes an envelope; resolves with the app's acknowledgement (rejects after 5 s without one). */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: Json, retry: { attempt?: number; reason?: string } = {}): Promise<SocketReply> {
    const ws = this.socket;
    if (!ws) return Promise.reject(new Error('the app has not connected'));
    const envelope_id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(envelope_id);
        reject(new Error(`no acknowledgement for ${type} envelope ${envelope_id}`));
      }, 5000);
      this.waiting.set(envelope_id, { started: performance.now(), resolve, timer });
      ws.send(JSON.stringify({
        envelope_id, type, payload, accepts_response_payload: type !== 'events_api',
        ...(type === 'events_api' ? { retry_attempt: retry.attempt ?? 0, retry_reason: retry.reason ?? '' } : {}),
      }));
    });
  }

  async stop(): Promise<void> {
    for (const w of this.waiting.values()) clearTimeout(w.timer);
    this.wss?.clients.forEach((c) => c.terminate());
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private receive(raw: string): void {
    const m = JSON.parse(raw) as { envelope_id?: string; payload?: Json };
    const w = m.envelope_id ? this.waiting.get(m.envelope_id) : undefined;
    if (!w) return;
    clearTimeout(w.timer);
    this.waiting.delete(m.envelope_id!);
    const payload = m.payload && Object.keys(m.payload).length > 0 ? m.payload : undefined;
    w.resolve({ payload, ms: performance.now() - w.started });
  }
}
