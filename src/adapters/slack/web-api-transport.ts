import { Agent, request } from 'undici';
import type { WebAPICallResult } from '@slack/web-api';

// One Slack Web API call over a keep-alive connection. WebClient (@slack/web-api) stays the
// typed surface the adapter calls (web-api-thread.ts); this replaces only what it does per call.
// WebClient form-encodes every argument (a 10 KB modal escaped character by character), builds a
// redacted copy of it for a debug line, and goes through fetch's web streams: ~0.35 ms of CPU per
// views.open here, against ~0.08 ms for a JSON POST that splices in the already-serialised view
// (bench/slack). The outbox owns retries, so a call fails fast, and its errors carry WebClient's
// codes and fields (`slack_webapi_platform_error` + data, `…_rate_limited_error` + retryAfter in
// seconds, `…_http_error` + statusCode, `…_request_error`) for classifySlackError.
// https://docs.slack.dev/apis/web-api#posting_json

/** `answer: false`: the caller needs only success or failure (Slack echoes a whole modal back). */
export type WebApiCall = (method: string, options: Record<string, unknown>, how?: { answer?: boolean }) => Promise<WebAPICallResult>;

export interface TransportOptions {
  token: string;
  /** Base URL ending in `/`; Slack's own by default (SLACK_API_URL points it at a fake in tests). */
  slackApiUrl?: string;
  /** Where warnings Slack returns (`response_metadata.warnings`) are reported. */
  warn?: (message: string) => void;
  agent?: Agent;
}

// Write methods take JSON bodies (with the token in the Authorization header); read methods
// such as users.info take form-encoded arguments only.
const JSON_FAMILIES = ['chat.', 'views.'];
// Arguments a caller may hand over already serialised (the cached picker modal): spliced into
// the JSON body as they are rather than sent as a JSON string.
const RAW_JSON_ARGS = new Set(['view', 'blocks', 'attachments']);

const codedError = (message: string, fields: Record<string, unknown>): Error => Object.assign(new Error(message), fields);

export function jsonBody(options: Record<string, unknown>): string {
  let body = '';
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined) continue;
    const value = typeof v === 'string' && RAW_JSON_ARGS.has(k) && /^\s*[[{]/.test(v) ? v : JSON.stringify(v);
    body += `${body ? ',' : ''}${JSON.stringify(k)}:${value}`;
  }
  return `{${body}}`;
}

function formBody(options: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(options)) {
    if (v !== undefined) form.set(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return form.toString();
}

export function webApiTransport(o: TransportOptions): WebApiCall {
  const agent = o.agent ?? new Agent({ keepAliveTimeout: 30_000, connections: 64, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const base = o.slackApiUrl ?? 'https://slack.com/api/';
  const authorization = `Bearer ${o.token}`;
  return async (method, options, how) => {
    const asJson = JSON_FAMILIES.some((f) => method.startsWith(f));
    let res;
    try {
      res = await request(`${base}${method}`, {
        method: 'POST',
        headers: { authorization, 'content-type': asJson ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded' },
        body: asJson ? jsonBody(options) : formBody(options),
        dispatcher: agent,
      });
    } catch (e) {
      throw codedError(`A request error occurred: ${(e as Error).message}`, { code: 'slack_webapi_request_error', original: { message: (e as Error).message } });
    }
    const text = await res.body.text().catch(() => '');
    if (res.statusCode === 429) {
      const retryAfter = Number(res.headers['retry-after']);
      throw codedError(`A rate-limit has been reached, you may retry this request in ${retryAfter} seconds`, {
        code: 'slack_webapi_rate_limited_error',
        retryAfter: Number.isFinite(retryAfter) ? retryAfter : 1,
      });
    }
    if (res.statusCode !== 200) {
      throw codedError(`An HTTP protocol error occurred: statusCode = ${res.statusCode}`, { code: 'slack_webapi_http_error', statusCode: res.statusCode, body: text.slice(0, 500) });
    }
    // Success needs no parsing when nobody reads the answer: Slack's starts with "ok" (and a
    // warning would be worth the parse). Anything else is parsed and checked in full below.
    if (how?.answer === false && text.startsWith('{"ok":true') && !text.includes('"warning')) return { ok: true };
    let result: WebAPICallResult & { error?: string; warning?: string };
    try {
      result = JSON.parse(text) as typeof result;
    } catch {
      throw codedError(`An HTTP protocol error occurred: ${method} answered with a body that is not JSON`, { code: 'slack_webapi_http_error', statusCode: res.statusCode, body: text.slice(0, 500) });
    }
    const warnings = [...(result.warning ? [result.warning] : []), ...(result.response_metadata?.warnings ?? [])];
    if (warnings.length > 0) o.warn?.(`${method}: Slack warns ${warnings.join(', ')}`);
    if (!result.ok) throw codedError(`An API error occurred: ${result.error}`, { code: 'slack_webapi_platform_error', data: result });
    return result;
  };
}
