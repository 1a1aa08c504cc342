import * as lark from '@larksuiteoapi/node-sdk';
import express from 'express';
import pino from 'pino';
import { mountWebhook } from '../../src/adapters/feishu/webhook.js';
import { ENCRYPT_KEY, VERIFICATION_TOKEN, startFeishuBot } from '../../test/e2e/feishu/harness.js';
import { serveExpressTarget, serveTarget } from '../lib/target.js';

// A server under test for bench/feishu/run.ts, in its own process: `bot` (Backline in webhook
// mode, logging at the production default, info) or `bare` (the same webhook transport, i.e.
// verify, decrypt, the SDK's EventDispatcher, with a handler that returns a fixed card).
const kind = process.argv[2];

if (kind === 'bot') {
  const bot = await startFeishuBot({ env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' } });
  serveTarget(bot.url, { settle: () => bot.settle(), stop: () => bot.stop() });
} else {
  const http = express();
  const dispatcher = new lark.EventDispatcher({ encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, loggerLevel: lark.LoggerLevel.error }).register({
    'card.action.trigger': async () => ({ toast: { type: 'info', content: 'ok' }, card: { type: 'raw', data: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: 'ok' }] } } } }),
  } as never);
  mountWebhook(http, { dispatcher, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, log: pino({ level: 'silent' }) });
  await serveExpressTarget(http);
}
