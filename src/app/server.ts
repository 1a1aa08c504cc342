import express, { type Express } from 'express';
import type { Metrics } from './metrics.js';

export interface HealthDeps {
  metrics: Metrics;
  /** Resolves when the database answers a trivial query. */
  pingDatabase: () => Promise<void>;
  /** Problems that make the app not ready (e.g. the org config failed to load). */
  readinessProblems?: () => string[];
}

/**
 * The app's one HTTP server. Platform adapters mount their routes on it (Slack at /slack/events,
 * Feishu at /feishu/events, the console at /), so one PORT serves everything.
 */
export function createHttpApp(deps: HealthDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Platform callbacks answer JSON that is never cached: hashing each body for an ETag is wasted CPU.
  app.disable('etag');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const problems = [...(deps.readinessProblems?.() ?? [])];
    try {
      await deps.pingDatabase();
    } catch (e) {
      problems.push(`database: ${(e as Error).message}`);
    }
    res.status(problems.length === 0 ? 200 : 503).json({ status: problems.length === 0 ? 'ready' : 'not ready', problems });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return app;
}
