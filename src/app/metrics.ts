import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so tests can start several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'backline_' });
  return {
    registry,
    actions: new Counter({ name: 'backline_actions_total', help: 'User actions handled, by action and outcome', labelNames: ['action', 'outcome'] as const, registers: [registry] }),
    actionSeconds: new Histogram({ name: 'backline_action_seconds', help: 'Use-case latency', labelNames: ['action'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] }),
    outboxSent: new Counter({ name: 'backline_outbox_sent_total', help: 'Outbox messages delivered, by platform and kind', labelNames: ['platform', 'kind'] as const, registers: [registry] }),
    outboxFailed: new Counter({ name: 'backline_outbox_failures_total', help: 'Outbox delivery failures, by platform and reason', labelNames: ['platform', 'reason'] as const, registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
