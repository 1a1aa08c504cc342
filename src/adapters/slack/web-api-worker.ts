import { readlinkSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { request } from 'undici';
import type { WebAPICallResult } from '@slack/web-api';
import { runInBackground, type CpuPriority } from '../../app/cpu-priority.js';
import { webApiTransport } from './web-api-transport.js';

// The Slack Web API thread's side (web-api-thread.ts starts it): makes the calls the acking
// thread posts, with the transport alone, so that this thread's isolate loads neither
// WebClient nor anything else it does not use.

/**
 * A call (id 0: one-way, nothing is answered unless it fails), or a request to report when no
 * call is left in flight. A one-way call may say what to tell the person if it fails: an
 * ephemeral message through the interaction's response_url, which works in any conversation.
 */
export type Call = { id: number; method: string; options: Record<string, unknown>; orTell?: Fallback } | { flush: number };
export interface Fallback {
  responseUrl: string;
  /** The message, with `{reason}` standing for Slack's error code. */
  text: string;
}
export type Reply =
  | { id: number; result: WebAPICallResult }
  | { id: number; error: SerialisedError }
  | { failed: string; error: SerialisedError; told?: boolean }
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

/** Posts the fallback message; whether Slack took it. */
async function tell(to: Fallback, error: SerialisedError): Promise<boolean> {
  const reason = (error.data as { error?: string } | undefined)?.error ?? (error.statusCode ? `HTTP ${error.statusCode}` : 'no connection');
  try {
    const res = await request(to.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: to.text.replaceAll('{reason}', reason) }),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
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
        async (e: unknown) => {
          const error = serialise(e);
          if (m.id !== 0) return port.postMessage({ id: m.id, error } satisfies Reply);
          const told = m.orTell ? await tell(m.orTell, error) : undefined;
          port.postMessage({ failed: m.method, error, ...(told !== undefined ? { told } : {}) } satisfies Reply);
        },
      )
      .finally(settled);
  });
}

if (parentPort && (workerData as Partial<ThreadData> | null)?.slackWebApiThread) serveCalls(parentPort, workerData as ThreadData);
