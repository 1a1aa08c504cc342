import { compare, forkTarget, type Req, type Target } from '../lib/http-bench.js';
import { percentile } from '../lib/stats.js';
import { sign, slackOrgYaml } from '../../test/e2e/slack/harness.js';

// Ack latency of signed `/support` commands (each opens the picker modal with views.open after
// the ack), Backline against a bare Bolt app whose handler only acks, at concurrency 1, 10, 50.
// Each server runs in its own process; the fake Slack Web API in a third, at the lowest CPU
// priority (SCHED_IDLE): it stands in for Slack's servers, which do not share the bot's CPU (its
// CPU per call is still printed). Targets: Backline's p99 within 1.5x of bare Bolt's, and under
// 100 ms at concurrency 50; every modal at Slack within 3 s of its command.
//   npm run bench:slack     BENCH_REQUESTS=10000 npm run bench:slack
//   BENCH_PROFILE=/tmp/prof BENCH_PROFILE_TARGET=backline npm run bench:slack   (CPU profile of the bot)
//   BENCH_NOISE=1 npm run bench:slack   (bare Bolt against itself: the ratios this machine shows for no difference)

const slack = await forkTarget('fake-slack', new URL('./fake-server.ts', import.meta.url), [], {}, { background: true });
const env = { SLACK_API_URL: slack.url };
const bare = await forkTarget('bolt', new URL('./target.ts', import.meta.url), ['bare'], env);
const bot = process.env.BENCH_NOISE
  ? await forkTarget('bolt-again', new URL('./target.ts', import.meta.url), ['bare'], env)
  : await forkTarget('backline', new URL('./target.ts', import.meta.url), ['bot'], env);

const { slackIds } = slackOrgYaml();
const users = ['rep.a', 'rep.b', 'pm.east', 'bm.east', 'mm'].map((p) => slackIds.get(p)!);
const responseUrl = `${slack.url.replace(/api\/$/, '')}response/bench`;
let seq = 0;
const sent = new Map<Target, number>();

function requests(t: Target, n: number): Req[] {
  sent.set(t, (sent.get(t) ?? 0) + n);
  return Array.from({ length: n }, () => {
    const i = ++seq;
    const body = new URLSearchParams({
      token: 'legacy', team_id: 'T0TEST', team_domain: 'acme', channel_id: 'C0GENERAL', user_id: users[i % users.length]!, user_name: 'bench',
      command: '/support', text: '', api_app_id: 'A0BACKLINE', response_url: responseUrl, trigger_id: `bench.${i}`,
    }).toString();
    return { path: '/slack/events', headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) }, body, key: `bench.${i}` };
  });
}

const sentAt = new Map<string, number>();
let ok = await compare({
  title: 'Slack /support ack latency',
  sentAt,
  bare, bot, requests, helpers: [slack],
  // Both ack with an empty 200; anything else (401, an ephemeral "not linked") is a broken run.
  check: (_t, status, body) => (status !== 200 || body !== '' ? 'unexpected ack' : undefined),
});

// The bot did its full work: one views.open per command it acked.
await bot.settle();
if (process.env.BENCH_NOISE) process.exit(0);
const opened = Number(await slack.ask('views.open'));
const expected = sent.get(bot) ?? 0;
console.log(`views.open calls the fake Slack answered: ${opened} for ${expected} commands sent to Backline`);
if (opened !== expected) {
  console.log('BROKEN RUN: Backline did not open a modal for every command');
  ok = false;
}
// The acks are fast because the modal is opened after them, on a background thread: each
// modal must still reach Slack within the trigger_id's 3 s, under the heaviest load here too.
const arrivals = Object.entries((await slack.ask('opened-at')) as Record<string, number>).map(([k, at]) => at - sentAt.get(k)!).filter((d) => Number.isFinite(d)).sort((a, b) => a - b);
const late = arrivals.filter((d) => d >= 3000).length;
console.log(`command sent → views.open at Slack: p50 ${percentile(arrivals, 50).toFixed(1)} ms, p99 ${percentile(arrivals, 99).toFixed(1)} ms, max ${arrivals[arrivals.length - 1]!.toFixed(1)} ms; ${late} of ${arrivals.length} past the trigger_id's 3 s`);
if (late > 0) ok = false;
await Promise.all([bare.stop(), bot.stop()]);
await slack.stop();
process.exit(ok ? 0 : 1);
