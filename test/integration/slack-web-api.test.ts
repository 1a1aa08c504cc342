import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { classifySlackError } from '../../src/adapters/slack/channel.js';
import { ThreadedWebClient } from '../../src/adapters/slack/web-api-thread.js';
import { withoutViewBlocks } from '../../src/adapters/slack/web-api-worker.js';
import { jsonBody, webApiTransport } from '../../src/adapters/slack/web-api-transport.js';
import { FakeSlackApi } from '../fakes/slack-api.js';

// Backline's Slack Web API calls, over real HTTP against the fake Slack: the transport (JSON for
// write methods with the cached modal spliced in, form-encoding for users.info, WebClient's error
// codes) and the worker thread they run on (answers, errors, one-way calls, idle).

const TOKEN = 'xoxb-test-token';
const VIEW = { type: 'modal', callback_id: 'backline.picker', title: { type: 'plain_text', text: '申请支持' }, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'a & b <c> "d"' } }] };

let fake: FakeSlackApi;
beforeAll(async () => {
  fake = await new FakeSlackApi().start();
});
afterAll(async () => {
  await fake.stop();
});

const caught = async (p: Promise<unknown>): Promise<Record<string, unknown>> => {
  try {
    await p;
  } catch (e) {
    return e as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
};

describe('web API transport', () => {
  const warnings: string[] = [];
  const call = () => webApiTransport({ token: TOKEN, slackApiUrl: fake.url, warn: (w) => warnings.push(w) });

  it('sends a pre-serialised view as JSON, byte for byte, with the token in the Authorization header', async () => {
    fake.reset();
    const res = await call()('views.open', { trigger_id: 't.1', view: JSON.stringify(VIEW) });
    expect(res.ok).toBe(true);
    expect(fake.last('views.open')?.body).toEqual({ trigger_id: 't.1', view: VIEW });
    expect(jsonBody({ view: JSON.stringify(VIEW), text: '{not json a caller meant as text', n: 3, skip: undefined })).toBe(
      `{"view":${JSON.stringify(VIEW)},"text":${JSON.stringify('{not json a caller meant as text')},"n":3}`,
    );
  });

  it('when nobody reads the answer, still tells success from failure', async () => {
    expect(await call()('views.open', { trigger_id: 't.3', view: JSON.stringify(VIEW) }, { answer: false })).toEqual({ ok: true });
    const e = await caught(call()('views.update', { view_id: 'V-none', view: JSON.stringify(VIEW) }, { answer: false }));
    expect(e).toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'not_found' } });
  });

  it('form-encodes read methods (users.info takes no JSON body)', async () => {
    fake.userLocales.set('U1', 'zh-CN');
    const res = (await call()('users.info', { user: 'U1', include_locale: true })) as { user?: { locale?: string } };
    expect(res.user?.locale).toBe('zh-CN');
  });

  it('is refused without a bot token, as Slack refuses it', async () => {
    const e = await caught(webApiTransport({ token: '', slackApiUrl: fake.url })('chat.postMessage', { channel: 'U1', text: 'hi' }));
    expect(e.code).toBe('slack_webapi_platform_error');
    expect((e.data as { error?: string }).error).toBe('not_authed');
  });

  it('fails with WebClient codes: 429 with Retry-After, HTTP 500, a platform error, a refused connection', async () => {
    fake.fail('chat.postMessage', 429, { retryAfter: 7 });
    const limited = await caught(call()('chat.postMessage', { channel: 'U1', text: 'hi' }));
    expect(limited).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(classifySlackError(limited)).toMatchObject({ retryable: true, code: 'rate_limited', retryAfterMs: 7000 });

    fake.fail('chat.postMessage', 500);
    const down = await caught(call()('chat.postMessage', { channel: 'U1', text: 'hi' }));
    expect(down).toMatchObject({ code: 'slack_webapi_http_error', statusCode: 500 });
    expect(classifySlackError(down)).toMatchObject({ retryable: true, code: 'server_error' });

    const gone = await caught(call()('chat.update', { channel: 'D1', ts: '1.2', text: 'x' }));
    expect(gone).toMatchObject({ code: 'slack_webapi_platform_error', data: { ok: false, error: 'message_not_found' } });
    expect(classifySlackError(gone)).toMatchObject({ retryable: false });

    const refused = await caught(webApiTransport({ token: TOKEN, slackApiUrl: 'http://127.0.0.1:9/api/' })('chat.postMessage', { channel: 'U1', text: 'hi' }));
    expect(refused.code).toBe('slack_webapi_request_error');
    expect(classifySlackError(refused)).toMatchObject({ retryable: true, code: 'network' });
  });
});

describe('ThreadedWebClient', () => {
  const logged: Array<{ level: string; msg: string }> = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as { level: string; msg: string }) });
  let client: ThreadedWebClient;
  beforeAll(() => {
    client = new ThreadedWebClient(TOKEN, { slackApiUrl: fake.url }, log);
  });
  afterAll(async () => {
    await client.close();
  });

  it('answers through the thread, a view without its blocks', async () => {
    fake.reset();
    const res = (await client.views.open({ trigger_id: 't.2', view: VIEW as never })) as { ok: boolean; view?: Record<string, unknown> };
    expect(res.ok).toBe(true);
    expect(res.view?.id).toMatch(/^V/);
    expect(res.view?.callback_id).toBe('backline.picker');
    expect(res.view).not.toHaveProperty('blocks');
    const posted = (await client.chat.postMessage({ channel: 'U2', text: 'hello' })) as { ts?: string; channel?: string };
    expect(posted.channel).toBe('D2');
    expect(fake.message('D2', posted.ts!)?.text).toBe('hello');
  });

  it('rejects with the error the outbox classifies (code, data, retryAfter survive the thread)', async () => {
    fake.fail('chat.postMessage', 429, { retryAfter: 3 });
    const e = await caught(client.chat.postMessage({ channel: 'U2', text: 'x' }));
    expect(e).toBeInstanceOf(Error);
    expect(classifySlackError(e)).toMatchObject({ retryable: true, code: 'rate_limited', retryAfterMs: 3000 });
    const gone = await caught(client.chat.update({ channel: 'D2', ts: '9.9', text: 'x' }));
    expect((gone.data as { error?: string }).error).toBe('message_not_found');
  });

  it('one-way calls resolve at once, are all made by the time idle() resolves, and a failure is logged', async () => {
    fake.reset();
    fake.delay('views.open', 150);
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, (_, i) => client.oneWay.views.open({ trigger_id: `t.ow.${i}`, view: VIEW as never })));
    expect(Date.now() - started).toBeLessThan(100);
    await client.idle();
    expect(fake.callsTo('views.open').filter((c) => c.response?.ok)).toHaveLength(5);
    fake.delay('views.open', 0);

    fake.fail('views.open', 500);
    await client.oneWay.views.open({ trigger_id: 't.ow.fail', view: VIEW as never });
    await client.idle();
    await new Promise((r) => setTimeout(r, 20));
    expect(logged.some((l) => l.msg === 'slack views.open failed')).toBe(true);
  });

  it('a call in flight when the thread stops fails as a network error (the outbox retries it)', async () => {
    const doomed = new ThreadedWebClient(TOKEN, { slackApiUrl: fake.url }, log);
    fake.delay('chat.postMessage', 300);
    const p = caught(doomed.chat.postMessage({ channel: 'U3', text: 'x' }));
    await new Promise((r) => setTimeout(r, 50));
    await doomed.close();
    fake.delay('chat.postMessage', 0);
    expect(classifySlackError(await p)).toMatchObject({ retryable: true, code: 'network' });
  });
});

/** Scheduling policies of this process's threads (/proc/<pid>/task/<tid>/stat, field 41; 5 = SCHED_IDLE). */
const threadPolicies = (): number[] =>
  readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  });

describe.runIf(process.platform === 'linux')('the Web API thread on Linux', () => {
  it('runs at SCHED_IDLE, so the acking thread never waits behind it for a CPU', async () => {
    const before = threadPolicies().filter((p) => p === 5).length;
    const client = new ThreadedWebClient(TOKEN, { slackApiUrl: fake.url }, pino({ level: 'silent' }));
    await client.auth.test();
    expect(threadPolicies().filter((p) => p === 5).length).toBe(before + 1);
    await client.close();
  });
});

describe('withoutViewBlocks', () => {
  it('keeps what a caller may read of a view (ids, hash, metadata, state) and drops what it sent', () => {
    const res = withoutViewBlocks({ ok: true, view: { id: 'V1', hash: 'h1', private_metadata: '{}', state: { values: {} }, blocks: [{}], title: {}, submit: {}, close: {} } } as never) as unknown as { view: object };
    expect(res.view).toEqual({ id: 'V1', hash: 'h1', private_metadata: '{}', state: { values: {} } });
  });
});
