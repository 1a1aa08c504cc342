import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldBlockId } from '../../../src/adapters/slack/ids.js';
import { org } from '../../fixtures/org.js';
import { sampleValues } from '../../unit/slack/samples.js';
import { startSlackBot, type SlackBot } from './harness.js';

// Reminders and digests in Slack: `/support digest`, `/support snooze <hours>` and the snooze
// button on a reminder. The scheduler runs on the app's clock, moved by the test; nothing sleeps.

type Json = Record<string, unknown>;
const HOUR = 3_600_000;

describe('Slack: reminders, snooze and digest', () => {
  let bot: SlackBot;
  let requestId: number;
  beforeAll(async () => {
    bot = await startSlackBot();
    await bot.command('rep.a', 'corporate-gift');
    await bot.settle();
    const values = sampleValues(org.type('corporate-gift')!, { overrides: { giftValue: 500 } });
    const input = { precondition: ['confirmed'], ...Object.fromEntries(Object.entries(values).map(([k, v]) => [fieldBlockId(k), v])) };
    const reply = await bot.submit('rep.a', bot.lastView('views.open'), input);
    requestId = Number(/#(\d+)/.exec(JSON.stringify(reply.json))![1]);
    await bot.settle();
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const openTasks = (personId: string) => bot.app.db.prisma.task.findMany({ where: { personId, status: 'open' } });
  const waitingOn = async () => (await bot.app.db.prisma.task.findFirstOrThrow({ where: { requestId, status: 'open' } })).personId;

  it('shows a manager their digest now, and tells someone without units why there is none', async () => {
    const approver = await waitingOn();
    bot.fake.reset();
    expect((await bot.command(approver, 'digest')).status).toBe(200);
    await bot.settle();
    const digest = bot.fake.last('response_url')!.body;
    expect(digest.response_type).toBe('ephemeral');
    const text = JSON.stringify(digest.blocks);
    expect(text).toContain('Daily digest');
    expect(text).toContain(`#${requestId}`);

    bot.fake.reset();
    await bot.command('rep.a', 'digest');
    await bot.settle();
    expect(String(bot.fake.last('response_url')!.body.text)).toMatch(/no digest/);
  });

  it('pauses reminders with /support snooze <hours>, and explains the usage on bad hours', async () => {
    const approver = await waitingOn();
    const reply = await bot.command(approver, 'snooze 8');
    expect(reply.json).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.json!.text)).toMatch(/Reminders paused until .* \(1 waiting step\(s\)\)|提醒已暂停至 .*1 个待办环节/);
    const until = (await openTasks(approver))[0]!.snoozedUntil!;
    expect(until.getTime() - bot.app.deps.clock.now().getTime()).toBe(8 * HOUR);

    const bad = await bot.command(approver, 'snooze forever');
    expect(String(bad.json!.text)).toMatch(/\/support snooze/);
  });

  it('sends a due reminder with a snooze button that pauses the reminders', async () => {
    const approver = await waitingOn();
    // Two working days later, well past the first nudge and the 8 h snooze.
    bot.advance(2 * 24 * HOUR);
    bot.fake.reset();
    await bot.app.scheduler.tick(bot.app.deps.clock.now());
    await bot.settle();
    const reminder = bot.fake.callsTo('chat.postMessage').find((c) => JSON.stringify(c.body.blocks ?? []).includes('reminder.snooze'));
    expect(reminder, 'a reminder with a snooze button').toBeDefined();
    expect(JSON.stringify(reminder!.body.blocks)).toContain(`#${requestId}`);
    const actions = (reminder!.body.blocks as Json[]).find((b) => b.type === 'actions')!;
    const snooze = (actions.elements as Json[]).find((e) => String(e.action_id).startsWith('reminder.snooze'))!;

    await bot.click(approver, { action_id: String(snooze.action_id), value: String(snooze.value) }, { message: { channel: String(reminder!.response!.channel), ts: String(reminder!.response!.ts) } });
    await bot.settle();
    const said = bot.fake.last('chat.postEphemeral')!;
    expect(String(said.body.text)).toMatch(/Reminders paused|提醒已暂停/);
    const until = (await openTasks(approver))[0]!.snoozedUntil!;
    expect(until.getTime() - bot.app.deps.clock.now().getTime()).toBe(Number(snooze.value) * HOUR);
  });
});
