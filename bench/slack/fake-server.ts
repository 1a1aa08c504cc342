import { FakeSlackApi } from '../../test/fakes/slack-api.js';

// The fake Slack Web API in its own process, as the real one would be: the bot's post-ack calls
// (views.open) then cost the bot its client work only, not the server side too.
const fake = await new FakeSlackApi().start();
process.stdout.write(`${fake.url}\n`);
process.on('disconnect', () => void fake.stop().then(() => process.exit(0)));
