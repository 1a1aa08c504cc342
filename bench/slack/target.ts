import { App, ExpressReceiver, LogLevel } from '@slack/bolt';
import express from 'express';
import { serveExpressTarget, serveTarget } from '../lib/target.js';
import { SECRET, startSlackBot } from '../../test/e2e/slack/harness.js';

// A server under test for bench/slack/run.ts, in its own process: `bot` (Backline, logging at
// the production default, info) or `bare` (a Bolt app whose /support handler only acks).
const kind = process.argv[2];
const apiUrl = process.env.SLACK_API_URL!;

if (kind === 'bot') {
  const bot = await startSlackBot({ SLACK_API_URL: apiUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' });
  serveTarget(bot.url, { settle: () => bot.settle(), stop: () => bot.stop() });
} else {
  const http = express();
  const receiver = new ExpressReceiver({ signingSecret: SECRET, endpoints: '/slack/events', app: http, logLevel: LogLevel.ERROR });
  const app = new App({ token: 'xoxb-bare', receiver, clientOptions: { slackApiUrl: apiUrl }, deferInitialization: true, logLevel: LogLevel.ERROR });
  app.command('/support', async ({ ack }) => {
    await ack();
  });
  await app.init();
  await serveExpressTarget(http);
}
