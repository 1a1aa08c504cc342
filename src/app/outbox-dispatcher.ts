import type { Logger } from 'pino';
import { ChannelError, type Channel, type Clock, type OutboundMessage } from '../core/ports.js';
import type { Org } from '../core/org.js';
import type { PrismaClient } from '../persistence/prisma.js';
import type { Metrics } from './metrics.js';

// Sends what the use cases wrote to the outbox. Rows are leased (status 'sending' with a lease
// expiry in nextAttemptAt), so a crashed sender's rows are picked up again after the lease, and
// several replicas never send the same row at the same time. A crash between sending and
// recording can resend that one message; cards are updated in place, so a resend is harmless.

const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 12;

export function backoffMs(attempts: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.max(retryAfterMs, 1000);
  return Math.min(2 ** Math.max(0, attempts - 1) * 1000, 10 * 60_000);
}

export interface DispatcherDeps {
  prisma: PrismaClient;
  channels: () => Channel[];
  org: () => Org;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  workerId: string;
}

export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** The channel for a person: their preferred platform if reachable, else the first that reaches them. */
  channelFor(personId: string): Channel | undefined {
    const channels = this.deps.channels();
    const prefer = this.deps.org().person(personId)?.prefer;
    return channels.find((c) => c.platform === prefer && c.reaches(personId)) ?? channels.find((c) => c.reaches(personId));
  }

  /** Claims and sends one batch; returns how many rows it settled. */
  async drainOnce(limit = 100): Promise<number> {
    const { prisma, clock, workerId } = this.deps;
    const now = clock.now();
    const candidates = await prisma.outboxMessage.findMany({
      where: { status: { in: ['pending', 'sending'] }, nextAttemptAt: { lte: now } },
      orderBy: { id: 'asc' }, take: limit, select: { id: true },
    });
    if (candidates.length === 0) return 0;
    const lease = `${workerId}:${now.getTime()}:${Math.random().toString(36).slice(2, 8)}`;
    await prisma.outboxMessage.updateMany({
      where: { id: { in: candidates.map((c) => c.id) }, status: { in: ['pending', 'sending'] }, nextAttemptAt: { lte: now } },
      data: { status: 'sending', claimedBy: lease, nextAttemptAt: new Date(now.getTime() + LEASE_MS), attempts: { increment: 1 } },
    });
    const rows = await prisma.outboxMessage.findMany({ where: { claimedBy: lease, status: 'sending' }, orderBy: { id: 'asc' } });
    // Several refreshes of one person's card collapse into one send of the latest state.
    const seenCards = new Set<string>();
    const toSend: typeof rows = [];
    const collapsed: number[] = [];
    for (const row of [...rows].reverse()) {
      if (row.kind === 'card') {
        const key = `${row.requestId}:${row.personId}`;
        if (seenCards.has(key)) {
          collapsed.push(row.id);
          continue;
        }
        seenCards.add(key);
      }
      toSend.unshift(row);
    }
    if (collapsed.length > 0) await prisma.outboxMessage.updateMany({ where: { id: { in: collapsed } }, data: { status: 'sent', sentAt: now, lastError: 'collapsed' } });
    for (const row of toSend) await this.sendOne(row as never);
    return rows.length;
  }

  private async sendOne(row: OutboundMessage & { claimedBy: string }) {
    const { prisma, clock, log, metrics } = this.deps;
    const channel = this.channelFor(row.personId);
    if (!channel) {
      await prisma.outboxMessage.updateMany({ where: { id: row.id, claimedBy: row.claimedBy }, data: { status: 'skipped', lastError: 'no platform reaches this person' } });
      return;
    }
    try {
      await channel.deliver({ id: row.id, kind: row.kind, personId: row.personId, requestId: row.requestId, payload: row.payload as Record<string, unknown>, attempts: row.attempts });
      await prisma.outboxMessage.updateMany({ where: { id: row.id, claimedBy: row.claimedBy }, data: { status: 'sent', sentAt: clock.now(), lastError: null } });
      metrics?.outboxSent.inc({ platform: channel.platform, kind: row.kind });
    } catch (e) {
      const err = e instanceof ChannelError ? e : new ChannelError((e as Error).message ?? String(e), true, undefined, 'network');
      const dead = !err.retryable || row.attempts >= MAX_ATTEMPTS;
      const next = new Date(clock.now().getTime() + backoffMs(row.attempts, err.retryAfterMs));
      await prisma.outboxMessage.updateMany({
        where: { id: row.id, claimedBy: row.claimedBy },
        data: dead ? { status: 'dead', lastError: err.message.slice(0, 500) } : { status: 'pending', nextAttemptAt: next, lastError: err.message.slice(0, 500) },
      });
      metrics?.outboxFailed.inc({ platform: channel.platform, reason: err.code });
      log.warn({ outboxId: row.id, platform: channel.platform, code: err.code, attempts: row.attempts, dead, retryAt: dead ? undefined : next }, 'outbox delivery failed');
    }
  }

  /** Sends until nothing is due (used by tests and after each action). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.drainOnce();
      total += n;
      if (n === 0) return total;
    }
  }

  /** Ask for a drain soon; concurrent kicks coalesce into one more pass. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().catch((e: unknown) => {
      this.deps.log.error({ err: e }, 'outbox drain failed');
      return 0;
    }).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Waits for the current drain, if any (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  start(intervalMs = 1000): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }
}
