import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { org } from '../../fixtures/org.js';
import { FakeSlackApi } from '../../fakes/slack-api.js';
import { SECRET, SlackBot } from '../slack/harness.js';
import { feishuValues, orgYaml, startFeishuBot, type FeishuBot } from './harness.js';

// One organisation on both platforms: the BU leaders live in Slack, everyone else in Feishu.
// A request raised in Feishu is approved in Slack and delivered in Feishu; every participant's
// card, on either platform, shows the same current state.

const inSlack = (id: string) => id === 'bl.east' || id === 'bl.east2';

describe('Feishu and Slack at once', () => {
  let feishu: FeishuBot;
  let slack: SlackBot;
  let slackFake: FakeSlackApi;
  beforeAll(async () => {
    slackFake = await new FakeSlackApi().start();
    feishu = await startFeishuBot({ slack: inSlack, env: { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slackFake.url } });
    slack = new SlackBot(feishu.app, slackFake, feishu.url, orgYaml({ slack: inSlack }).slackIds, feishu.dir);
  });
  afterAll(async () => {
    await feishu?.stop();
    await slackFake?.stop();
  });

  it('raises a gift request in Feishu, approves it in Slack, delivers and confirms it in Feishu', async () => {
    const type = org.type('corporate-gift')!;
    const { requestId: id } = await feishu.file('rep.a', type, feishuValues(type, (p) => feishu.oid(p), { giftValue: '5000' }));
    expect(id).toBeGreaterThan(0);
    await slack.settle();
    // The approvers got Slack cards, the requester a Feishu card.
    expect(slack.statusOf('bl.east', id!)).toContain('Waiting for approval');
    expect(feishu.statusOf('rep.a', id!)).toBe('Waiting for approval');

    await slack.press('bl.east', id!, 'approve');
    await feishu.settle();
    expect(feishu.statusOf('rep.a', id!)).toBe('Waiting for the coordinator');
    expect(feishu.statusOf('bm.east', id!)).toBe('Waiting for the coordinator');
    expect(slack.statusOf('bl.east2', id!)).toContain('Waiting for the coordinator');

    await feishu.press('bm.east', id!, 'assign', { person: 'admin' });
    await feishu.press('admin', id!, 'start');
    await feishu.press('admin', id!, 'deliver', { note: 'Handed over at the reception' });
    await feishu.press('rep.a', id!, 'confirm', { rating: '5' });
    await slack.settle();
    for (const p of ['rep.a', 'bm.east', 'admin']) expect(feishu.statusOf(p, id!), p).toBe('Closed');
    for (const p of ['bl.east', 'bl.east2']) expect(slack.statusOf(p, id!), p).toContain('Closed');
  });

  it('lets a Feishu approver decide a request whose other approver lives in Slack, and the Slack card follows', async () => {
    const type = org.type('price-request')!;
    const { requestId: id } = await feishu.file('rep.a', type, feishuValues(type, (p) => feishu.oid(p), { discountPct: '20' }));
    await feishu.press('mm', id!, 'approve');
    await slack.settle();
    expect(slack.statusOf('bl.east', id!)).toContain('Waiting for approval');
    expect(JSON.stringify(slack.card('bl.east', id!).message.blocks)).toContain('Market Manager approved');
    await slack.press('bl.east', id!, 'reject', { text: 'Margin too thin' });
    await feishu.settle();
    expect(feishu.statusOf('rep.a', id!)).toBe('Rejected');
    expect(feishu.statusOf('mm', id!)).toBe('Rejected');
  });
});
