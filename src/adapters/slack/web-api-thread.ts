import { Worker } from 'node:worker_threads';
import { WebClient, type WebAPICallResult } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Call, Fallback, Reply, ThreadData } from './web-api-worker.js';

// Slack's Web API calls run on a thread of their own (web-api-worker.ts). On the acking event
// loop, each call (the HTTP round trip, parsing Slack's answer, the garbage both leave) queued
// ahead of the next command's ack under a burst of /support commands (bench/slack); now that
// thread only posts the method and its arguments. The other thread runs in the background as far
// as the CPU goes (SCHED_IDLE, see cpu-priority.ts): when both want a CPU, the ack wins, since a
// missed ack is a failed command while a modal or a card can wait a moment. With a core to spare
// the priority changes nothing.

/**
 * A WebClient whose calls run on a worker thread. It keeps WebClient's typed method namespaces
 * (`views.open` and the rest all call `apiCall`), so the adapter and the outbox channel use it as
 * they would the real one; errors come back with WebClient's `code`, `data` and `retryAfter`.
 */
export class ThreadedWebClient extends WebClient {
  /**
   * The same methods for calls whose answer nobody reads (the modal a listener opens as its last
   * step): posted to the thread and resolved at once with `{ ok: true }`. The acking thread then
   * neither holds the listener's state nor wakes for the answer; a failure is logged by
   * `method`, as the listener would have. `idle()` waits for them.
   */
  readonly oneWay: WebClient;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: WebAPICallResult) => void; reject: (e: Error) => void }>();
  private readonly flushes = new Map<number, () => void>();
  private seq = 0;
  private exited = false;

  /** background: false keeps the thread at the process's priority. */
  constructor(token: string, options: { slackApiUrl?: string; background?: boolean }, private readonly log: Logger) {
    super(token, options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {});
    const data: ThreadData = { slackWebApiThread: true, token, background: options.background ?? true, ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}) };
    const entry = new URL(`./web-api-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url).href;
    // Run from TypeScript (tsx), the thread needs tsx's loader registered before it imports its file.
    this.worker = entry.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: data })
      : new Worker(new URL(entry), { workerData: data });
    this.worker.unref();
    this.worker.on('message', (m: Reply) => {
      if ('warn' in m) return void this.log.warn(m.warn);
      if ('priority' in m) return void this.log.debug({ priority: m.priority }, 'slack web api thread started');
      if ('failed' in m) return void this.log.error({ err: m.error, toldThePerson: m.told }, `slack ${m.failed} failed`);
      if ('flushed' in m) {
        this.flushes.get(m.flushed)?.();
        this.flushes.delete(m.flushed);
        return this.unrefWhenIdle();
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.unrefWhenIdle();
      if ('result' in m) p.resolve(m.result);
      else p.reject(Object.assign(new Error(m.error.message), m.error));
    });
    this.worker.on('error', (e) => {
      this.log.error({ err: e }, 'slack web api thread failed');
      this.failPending(`the Slack Web API thread failed: ${e.message}`);
    });
    this.worker.on('exit', () => {
      this.exited = true;
      this.failPending('the Slack Web API thread has stopped');
      for (const done of this.flushes.values()) done();
      this.flushes.clear();
    });
    const send = (method: string, args: Record<string, unknown>) => this.sendOneWay(method, args);
    this.oneWay = new (class extends WebClient {
      override apiCall(method: string, args: Record<string, unknown> = {}): Promise<WebAPICallResult> {
        send(method, args);
        return Promise.resolve({ ok: true });
      }
    })(token, options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {});
  }

  /** A one-way call (what `oneWay` makes); if it fails and `orTell` is given, the person is told so through its response_url. */
  sendOneWay(method: string, options: Record<string, unknown>, orTell?: Fallback): void {
    this.worker.postMessage({ id: 0, method, options, ...(orTell ? { orTell } : {}) } satisfies Call);
  }

  /** Resolves when the thread has no call in flight, one-way calls included. */
  idle(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const id = ++this.seq;
      this.flushes.set(id, resolve);
      this.worker.ref();
      this.worker.postMessage({ flush: id } satisfies Call);
    });
  }

  override apiCall(method: string, options: Record<string, unknown> = {}): Promise<WebAPICallResult> {
    return new Promise((resolve, reject) => {
      const id = ++this.seq;
      if (this.exited) return reject(Object.assign(new Error('the Slack Web API thread has stopped'), { code: 'slack_webapi_request_error' }));
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, method, options } satisfies Call);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  // Idle, the thread does not keep the process alive; a call in flight does, as a socket would.
  private unrefWhenIdle(): void {
    if (this.pending.size === 0 && this.flushes.size === 0) this.worker.unref();
  }

  // A network failure as far as the outbox is concerned: the message is retried later.
  private failPending(message: string): void {
    for (const p of this.pending.values()) p.reject(Object.assign(new Error(message), { code: 'slack_webapi_request_error' }));
    this.pending.clear();
  }
}
