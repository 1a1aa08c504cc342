import { FakeSlackApi } from '../../test/fakes/slack-api.js';
import { serveTarget } from '../lib/target.js';

// The fake Slack Web API in its own process, as the real one would be: the bot's post-ack calls
// (views.open) then cost the bot its client work only, not the server side too. Idle connections
// are kept 60 s, as Slack's edge does (the tests' 1 s would make the bot reconnect for every call).
// It answers every call as in the tests but keeps only counts, not thousands of modals.
const fake = await new FakeSlackApi().start({ keepAliveMs: 60_000, record: false });
serveTarget(fake.url, {
  ask: (method) => fake.okCounts.get(method) ?? 0,
  stop: () => fake.stop(),
});
