import { compare, forkTarget, type Req } from '../lib/http-bench.js';
import { APP_ID, VERIFICATION_TOKEN, encrypt, newEventId, orgYaml, sign } from '../../test/e2e/feishu/harness.js';

// npm run bench:feishu: card callbacks (card.action.trigger, encrypted and signed as Feishu sends
// them) at concurrency 1, 10 and 50, Backline against a bare EventDispatcher whose handler returns
// a fixed card, each server in its own process. The bot's callback is "open this type's form":
// signature check, decryption, persisted event-id dedupe, org lookup, form build and card render.
// Targets: p99 within 1.5x of bare and under 100 ms at concurrency 50.
//   npm run bench:feishu     BENCH_REQUESTS=5000 npm run bench:feishu
//   BENCH_PROFILE=/tmp/prof BENCH_PROFILE_TARGET=backline npm run bench:feishu   (CPU profile of the bot)

const bare = await forkTarget('bare', new URL('./target.ts', import.meta.url), ['bare']);
const bot = await forkTarget('backline', new URL('./target.ts', import.meta.url), ['bot']);
const openId = orgYaml().openIds.get('rep.a')!;

function requests(_t: unknown, n: number): Req[] {
  return Array.from({ length: n }, () => {
    const body = JSON.stringify({
      encrypt: encrypt(JSON.stringify({
        schema: '2.0',
        header: { event_id: newEventId(), token: VERIFICATION_TOKEN, create_time: String(Date.now()), event_type: 'card.action.trigger', tenant_key: 't', app_id: APP_ID },
        event: { operator: { open_id: openId }, token: 'c-x', action: { tag: 'button', value: { k: 'pick', t: 'price-request' } }, host: 'im_message', context: { open_message_id: 'om_1', open_chat_id: 'oc_1' } },
      })),
    });
    return { path: '/feishu/events', headers: { 'content-type': 'application/json', ...sign(body) }, body };
  });
}

const ok = await compare({
  title: 'Feishu card callback latency',
  bare, bot, requests,
  // Both answer with a card; the bot's must be the price-request form, not a toast about an error.
  check: (t, status, body) => {
    if (status !== 200) return 'unexpected status';
    const answer = JSON.parse(body) as { card?: { type?: string; data?: unknown }; toast?: { type?: string } };
    if (answer.card?.type !== 'raw' || answer.toast?.type === 'error') return 'no card in the answer';
    if (t === bot && !JSON.stringify(answer.card.data).includes('"k":"submit"')) return 'not the form';
    return undefined;
  },
});
await Promise.all([bare.stop(), bot.stop()]);
process.exit(ok ? 0 : 1);
