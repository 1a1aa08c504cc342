import { FakeSlackApi } from '../../test/fakes/slack-api.js';
import { serveTarget } from '../lib/target.js';

// The fake Slack Web API in its own process, as the real one would be: the bot's post-ack calls
// (views.open) then cost the bot its client work only, not the server side too. Idle connections
// are kept 60 s, as Slack's edge does (the tests' 1 s would make the bot reconnect for every call).
const fake = await new FakeSlackApi().start({ keepAliveMs: 60_000 });
serveTarget(fake.url, {
  ask: (method) => fake.callsTo(method).filter((c) => c.response?.ok).length,
  stop: () => fake.stop(),
});
