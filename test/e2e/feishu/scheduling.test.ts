import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU } from '../../../src/adapters/feishu/ids.js';
import { org } from '../../fixtures/org.js';
import { buttons, feishuValues, startFeishuBot, type FeishuBot } from './harness.js';

// Reminders and digests in Feishu: `digest` and `snooze <hours>` typed to the bot, the bot menu's
// digest entry, the snooze button on a reminder card, and the weekly summary's card chart.

type Json = Record<string, unknown>;
const HOUR = 3_600_000;

describe('Feishu: reminders, snooze and digest', () => {
  let bot: FeishuBot;
  let requestId: number;
  beforeAll(async () => {
    bot = await startFeishuBot();
    const type = org.type('corporate-gift')!;
    requestId = (await bot.file('rep.a', type, feishuValues(type, (id) => bot.oid(id), { giftValue: '500' }))).requestId!;
    await bot.settle();
  });
  afterAll(async () => {
    await bot?.stop();
  });

  const openTasks = (personId: string) => bot.app.db.prisma.task.findMany({ where: { personId, status: 'open' } });
  const waitingOn = async () => (await bot.app.db.prisma.task.findFirstOrThrow({ where: { requestId, status: 'open' } })).personId;
  const text = (personId: string) => String((JSON.parse(bot.last(personId).content) as Json).text ?? '');

  it('shows a manager their digest from a message and from the bot menu', async () => {
    const approver = await waitingOn();
    await bot.message(approver, 'digest');
    const digest = JSON.stringify(bot.content(bot.last(approver).message_id));
    expect(digest).toMatch(/每日摘要|Daily digest/);
    expect(digest).toContain(`#${requestId}`);
    const before = bot.fake.sentTo(bot.oid(approver)).length;
    await bot.menu(approver, MENU.digest);
    expect(bot.fake.sentTo(bot.oid(approver)).length).toBe(before + 1);
    expect(JSON.stringify(bot.content(bot.last(approver).message_id))).toContain(`#${requestId}`);

    await bot.message('rep.a', '/support digest');
    expect(text('rep.a')).toMatch(/没有摘要|no digest/);
  });

  it('pauses reminders with "snooze <hours>" and explains the usage on bad hours', async () => {
    const approver = await waitingOn();
    await bot.message(approver, 'snooze 6');
    expect(text(approver)).toMatch(/提醒已暂停至 .*1 个待办环节|Reminders paused until/);
    expect((await openTasks(approver))[0]!.snoozedUntil!.getTime() - bot.app.deps.clock.now().getTime()).toBe(6 * HOUR);
    await bot.message(approver, '/support snooze 500');
    expect(text(approver)).toMatch(/snooze/);
  });

  it('sends a due reminder card whose snooze button answers with a toast and pauses the reminders', async () => {
    const approver = await waitingOn();
    bot.offsetMs += 2 * 24 * HOUR;
    const before = bot.fake.sentTo(bot.oid(approver)).length;
    await bot.app.scheduler.tick(bot.app.deps.clock.now());
    await bot.settle();
    const sent = bot.fake.sentTo(bot.oid(approver)).slice(before);
    const reminder = sent.find((m) => m.msg_type === 'interactive' && buttons(JSON.parse(m.content) as Json).some((v) => v.k === 'snooze'));
    expect(reminder, 'a reminder card with a snooze button').toBeDefined();
    expect(reminder!.content).toContain(`#${requestId}`);
    const snooze = buttons(JSON.parse(reminder!.content) as Json).find((v) => v.k === 'snooze')!;

    const reply = await bot.callback(approver, reminder!.message_id, { value: snooze });
    expect(reply.status).toBe(200);
    expect((reply.json!.toast as Json).type).toBe('success');
    expect(String((reply.json!.toast as Json).content)).toMatch(/提醒已暂停|Reminders paused/);
    expect((await openTasks(approver))[0]!.snoozedUntil!.getTime() - bot.app.deps.clock.now().getTime()).toBe(Number(snooze.h) * HOUR);
  });
});
