import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { WebAPICallResult } from '@slack/web-api';
import { runInBackground, type CpuPriority } from '../../app/cpu-priority.js';
import { webApiTransport } from './web-api-transport.js';

// The Slack Web API thread's side (web-api-thread.ts starts it): makes the calls the acking
// thread posts, with the transport alone, so that this thread's isolate loads neither
// WebClient nor anything else it does not use.

/** A call (id 0: one-way, nothing is answered unless it fails), or a request to report when no call is left in flight. */
export type Call = { id: number; method: string; options: Record<string, unknown> } | { flush: number };
export type Reply =
  | { id: number; result: WebAPICallResult }
  | { id: number; error: SerialisedError }
  | { failed: string; error: SerialisedError }
  | { flushed: number }
  | { priority: CpuPriority }
  | { warn: string };
interface SerialisedError {
  message: string;
  code?: string;
  data?: unknown;
  statusCode?: number;
  retryAfter?: number;
}
export interface ThreadData {
  slackWebApiThread: true;
  token: string;
  slackApiUrl?: string;
  background: boolean;
}

const serialise = (e: unknown): SerialisedError => {
  const x = (e ?? {}) as SerialisedError;
  return {
    message: x.message ?? String(e),
    ...(x.code !== undefined ? { code: x.code } : {}),
    ...(x.data !== undefined ? { data: x.data } : {}),
    ...(x.statusCode !== undefined ? { statusCode: x.statusCode } : {}),
    ...(x.retryAfter !== undefined ? { retryAfter: x.retryAfter } : {}),
  };
};

/**
 * Slack answers views.open / push / update / publish with the whole view it was sent. Nothing
 * here reads a view back but its ids, and copying every block back into the acking thread would
 * cost it more than the call did: the answer keeps the view's ids, metadata and state.
 */
export function withoutViewBlocks(result: WebAPICallResult): WebAPICallResult {
  const view = (result as { view?: Record<string, unknown> }).view;
  if (!view || typeof view !== 'object') return result;
  const { blocks: _blocks, title: _title, submit: _submit, close: _close, ...rest } = view;
  return { ...result, view: rest } as WebAPICallResult;
}

function serveCalls(port: NonNullable<typeof parentPort>, data: ThreadData): void {
  if (data.background && process.platform === 'linux') {
    // Linux schedules each thread on its own; /proc/thread-self names this one.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    port.postMessage({ priority: runInBackground(tid) } satisfies Reply);
  }
  const call = webApiTransport({
    token: data.token,
    ...(data.slackApiUrl ? { slackApiUrl: data.slackApiUrl } : {}),
    warn: (warn) => port.postMessage({ warn } satisfies Reply),
  });
  let inFlight = 0;
  let flushes: number[] = [];
  const settled = () => {
    if (--inFlight > 0) return;
    for (const flushed of flushes) port.postMessage({ flushed } satisfies Reply);
    flushes = [];
  };
  port.on('message', (m: Call) => {
    if ('flush' in m) {
      if (inFlight === 0) port.postMessage({ flushed: m.flush } satisfies Reply);
      else flushes.push(m.flush);
      return;
    }
    inFlight += 1;
    call(m.method, m.options, { answer: m.id !== 0 })
      .then(
        (result) => {
          if (m.id !== 0) port.postMessage({ id: m.id, result: withoutViewBlocks(result) } satisfies Reply);
        },
        (e: unknown) => port.postMessage(m.id !== 0 ? { id: m.id, error: serialise(e) } : { failed: m.method, error: serialise(e) } satisfies Reply),
      )
      .finally(settled);
  });
}

if (parentPort && (workerData as Partial<ThreadData> | null)?.slackWebApiThread) serveCalls(parentPort, workerData as ThreadData);
