import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Env } from '../config/env.js';
import type { Channel } from '../core/ports.js';
import type { Scheduler } from '../scheduling/scheduler.js';
import type { Metrics } from './metrics.js';
import type { Services } from './services.js';

/** What the composition root hands each platform adapter. */
export interface AdapterContext {
  env: Env;
  log: Logger;
  services: Services;
  /** The app's one HTTP server: adapters mount their routes here. */
  http: Express;
  metrics: Metrics;
  /** `/support snooze`, the reminder's snooze button and `/support digest`. */
  scheduler: Pick<Scheduler, 'snooze' | 'digestFor'>;
}

/** A platform adapter: receives events (HTTP or socket), and is a Channel for the outbox. */
export interface PlatformAdapter {
  channel: Channel;
  start(): Promise<void>;
  stop(): Promise<void>;
}
