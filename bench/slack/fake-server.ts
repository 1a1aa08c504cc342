import { FakeSlackApi } from '../../test/fakes/slack-api.js';
import { serveTarget } from '../lib/target.js';

// The fake Slack Web API in its own process, as the real one would be: the bot's post-ack calls
// (views.open) then cost the bot its client work only, not the server side too. Idle connections
// are kept 60 s, as Slack's edge does (the tests' 1 s would make the bot reconnect for every call).
// It answers every call as in the tests but keeps only counts, not thousands of modals.
const fake = await new FakeSlackApi().start({ keepAliveMs: 60_000, record: false });
// When each modal arrived (epoch ms), by trigger_id: the bench compares it with when the command was sent.
const opened = new Map<string, number>();
fake.onCall = (method, body) => {
  if (method === 'views.open') opened.set(String(body.trigger_id), performance.timeOrigin + performance.now());
};
serveTarget(fake.url, {
  ask: (what) => (what === 'opened-at' ? Object.fromEntries(opened) : (fake.okCounts.get(what) ?? 0)),
  stop: () => fake.stop(),
});
