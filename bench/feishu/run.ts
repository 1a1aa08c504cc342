// npm run bench:feishu: card callbacks (card.action.trigger, encrypted and signed as Feishu sends
// them) at concurrency 1, 10 and 50, against the bot and against a bare EventDispatcher whose
// handler returns a fixed card, in the same run on the same machine. The bot's callback is "open
// this type's form": signature check, decryption, persisted event-id dedupe, org lookup, form
// build and card render. Targets: p99 within 1.5x of bare and under 100 ms at concurrency 50.
import * as lark from '@larksuiteoapi/node-sdk';
import express from 'express';
import { percentile } from '../lib/stats.js';
import { mountWebhook } from '../../src/adapters/feishu/webhook.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, newEventId, encrypt, sign, startFeishuBot } from '../../test/e2e/feishu/harness.js';
import pino from 'pino';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 400);

async function measure(url: string, body: () => string, concurrency: number, total: number): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const b = body();
      const start = performance.now();
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(b) }, body: b });
      await res.text();
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      samples.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const sorted = samples.sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const bot = await startFeishuBot();
const openId = bot.oid('rep.a');
const callback = () => JSON.stringify({
  encrypt: encrypt(JSON.stringify({
    schema: '2.0',
    header: { event_id: newEventId(), token: VERIFICATION_TOKEN, create_time: String(Date.now()), event_type: 'card.action.trigger', tenant_key: 't', app_id: 'cli_a1b2c3d4e5f60718' },
    event: { operator: { open_id: openId }, token: 'c-x', action: { tag: 'button', value: { k: 'pick', t: 'price-request' } }, host: 'im_message', context: { open_message_id: 'om_1', open_chat_id: 'oc_1' } },
  })),
});

// The bare dispatcher: the same transport (verify, decrypt, SDK dispatch), a handler that does nothing.
const bare = express();
const dispatcher = new lark.EventDispatcher({ encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, loggerLevel: lark.LoggerLevel.error }).register({
  'card.action.trigger': async () => ({ toast: { type: 'info', content: 'ok' }, card: { type: 'raw', data: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'ok' }] } } } }),
} as never);
mountWebhook(bare, { dispatcher, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, log: pino({ level: 'silent' }) });
const server = bare.listen(0);
const bareUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/feishu/events`;
const botUrl = `${bot.url}/feishu/events`;

// Warm up both at full concurrency (JIT, SQLite page cache, 50 keep-alive connections each).
await measure(botUrl, callback, 50, 300);
await measure(bareUrl, callback, 50, 300);

const rows: string[] = [];
let pass = true;
for (const c of [1, 10, 50]) {
  const b = await measure(bareUrl, callback, c, ROUNDS);
  const o = await measure(botUrl, callback, c, ROUNDS);
  const ratio = o.p99 / b.p99;
  if (c === 50 && (ratio > 1.5 || o.p99 > 100)) pass = false;
  rows.push(`c=${String(c).padStart(2)}  bare p50 ${b.p50.toFixed(2)} ms  p99 ${b.p99.toFixed(2)} ms | bot p50 ${o.p50.toFixed(2)} ms  p99 ${o.p99.toFixed(2)} ms | p99 ratio ${ratio.toFixed(2)}x`);
}
console.log(`Feishu card callbacks, ${ROUNDS} per level (node ${process.version})`);
for (const r of rows) console.log(r);
console.log(pass ? 'targets met (c=50: p99 <= 1.5x bare and < 100 ms)' : 'targets NOT met at c=50');
server.close();
await bot.stop();
process.exit(0);
