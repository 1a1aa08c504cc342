import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readEnv } from './config/env.js';
import { OrgConfigError } from './config/load-org.js';
import { createBackline } from './app/create-app.js';
import { applyMigrationsInWorker } from './persistence/migrate-worker.js';

// Entry point: config, migrations, org, HTTP server; stops cleanly on SIGINT / SIGTERM.
const PID_FILE = 'data/backline.pid';
async function main() {
  const env = readEnv();
  const app = await createBackline({ env, migrate: applyMigrationsInWorker });
  const port = await app.start();
  const org = app.orgHolder.current;
  app.log.info({ port, config: app.configFile, people: org.allPeople().length, types: org.catalog.length }, 'Backline is running');
  const lines = [
    `Backline is running on http://localhost:${port}  (health: /healthz, /readyz, metrics: /metrics)`,
    `Org config: ${app.configFile} (${org.name}: ${org.allPeople().length} people, ${org.catalog.length} request types)`,
  ];
  if (app.sandbox) lines.push(`Web console (sandbox: act as anyone in the org): http://localhost:${port}/`);
  else lines.push(`Dashboard: http://localhost:${port}/ (sign in with BACKLINE_ADMIN_TOKEN)`);
  if (!env.slackEnabled) lines.push('Slack is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (see README "Connect Slack").');
  if (!env.feishuEnabled) lines.push('Feishu is off: set FEISHU_APP_ID and FEISHU_APP_SECRET (see README "Connect Feishu").');
  console.log(lines.join('\n'));
  // `npx backline reload` finds the running server here and sends it SIGHUP.
  mkdirSync('data', { recursive: true });
  writeFileSync(PID_FILE, String(process.pid));
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'stopping');
    rmSync(PID_FILE, { force: true });
    await app.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  if (e instanceof OrgConfigError) console.error(`Org config is invalid.\n${e.message}`);
  else console.error(e);
  process.exit(1);
});
