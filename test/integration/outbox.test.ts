import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../src/config/load-org.js';
import { OutboxDispatcher } from '../../src/app/outbox-dispatcher.js';
import { ChannelError, type Channel, type CoreDeps, type OutboundMessage } from '../../src/core/ports.js';
import { submitRequest } from '../../src/core/use-cases/submit-request.js';
import { RequestRepository } from '../../src/persistence/request-repository.js';
import { SqlClient } from '../../src/persistence/sql-client.js';
import { freshDatabase, providers } from '../helpers/databases.js';

const org = parseOrgConfig(`
organization: { name: Outbox Co }
people:
  - { id: rep, name: Rep, slack: U0000REP1, unit: east }
  - { id: pm, name: Presales Manager, slack: U0000PM01 }
  - { id: ghost, name: Nobody Reaches Me }
units:
  - id: east
    name: { zh-CN: 华东, en: East }
    roles: { presalesManager: [pm, ghost], presalesEngineer: [pm] }
`);

/** A channel that records what it was asked to send and fails on demand. */
class FakeChannel implements Channel {
  readonly platform = 'slack' as const;
  sent: OutboundMessage[] = [];
  failures: Array<ChannelError | Error> = [];
  reaches(personId: string) {
    return Boolean(org.person(personId)?.slack);
  }
  async deliver(m: OutboundMessage) {
    const f = this.failures.shift();
    if (f) throw f;
    this.sent.push(m);
  }
}

describe.each(providers)('outbox on %s', (provider) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let sql: SqlClient;
  let deps: CoreDeps;
  let now: Date;
  let channel: FakeChannel;
  let dispatcher: OutboxDispatcher;

  beforeAll(async () => {
    db = await freshDatabase(provider);
    sql = await SqlClient.open(db.url);
  });
  afterAll(async () => {
    await sql?.close();
    await db?.close();
  });
  beforeEach(async () => {
    await db.prisma.outboxMessage.deleteMany();
    now = new Date('2026-11-23T02:00:00Z');
    const clock = { now: () => now };
    deps = { store: new RequestRepository(db.prisma, sql), org: () => org, clock, newId: randomUUID };
    channel = new FakeChannel();
    dispatcher = new OutboxDispatcher({ prisma: db.prisma, channels: () => [channel], org: () => org, clock, log: pino({ level: 'silent' }), workerId: 'w1' });
  });

  const submit = () => submitRequest(deps, { requesterId: 'rep', type: 'solution-proposal', values: validProposal() });

  it('sends every card and notice a submit wrote, once, and skips people no platform reaches', async () => {
    const { requestId } = await submit();
    await dispatcher.drain();
    const cards = channel.sent.filter((m) => m.kind === 'card').map((m) => m.personId).sort();
    expect(cards).toEqual(['pm', 'rep']);
    expect(channel.sent.some((m) => m.kind === 'notice' && m.personId === 'rep')).toBe(true);
    const rows = await db.prisma.outboxMessage.findMany({ where: { requestId } });
    expect(rows.find((r) => r.personId === 'ghost')?.status).toBe('skipped');
    expect(rows.filter((r) => r.personId !== 'ghost').every((r) => r.status === 'sent')).toBe(true);
    expect(await dispatcher.drain()).toBe(0);
  });

  it('retries a rate-limited send after Retry-After, and a 5xx with backoff, until it goes through', async () => {
    await submit();
    channel.failures.push(new ChannelError('ratelimited', true, 30_000, 'rate_limited'), new ChannelError('HTTP 503', true));
    await dispatcher.drain();
    const pending = await db.prisma.outboxMessage.findMany({ where: { status: 'pending' } });
    expect(pending).toHaveLength(2);
    // The 503 backs off for a second; the rate-limited one waits for its Retry-After.
    now = new Date(now.getTime() + 10_000);
    expect(await dispatcher.drain()).toBe(1);
    expect(await db.prisma.outboxMessage.count({ where: { status: 'pending' } })).toBe(1);
    now = new Date(now.getTime() + 30_000);
    await dispatcher.drain();
    expect(await db.prisma.outboxMessage.count({ where: { status: { not: 'sent' }, personId: { not: 'ghost' } } })).toBe(0);
    expect(channel.sent.filter((m) => m.kind === 'card')).toHaveLength(2);
  });

  it('gives up on a message the platform refuses for good, and keeps it for inspection', async () => {
    await submit();
    channel.failures.push(new ChannelError('channel_not_found', false, undefined, 'not_found'));
    await dispatcher.drain();
    const dead = await db.prisma.outboxMessage.findMany({ where: { status: 'dead' } });
    expect(dead).toHaveLength(1);
    expect(dead[0]!.lastError).toContain('channel_not_found');
  });

  it('collapses several refreshes of one person\'s card into one send of the latest state', async () => {
    const { requestId } = await submit();
    await db.prisma.outboxMessage.createMany({ data: [1, 2, 3].map(() => ({ personId: 'rep', kind: 'card', requestId, payload: { kind: 'card', personId: 'rep' }, nextAttemptAt: now })) });
    await dispatcher.drain();
    expect(channel.sent.filter((m) => m.kind === 'card' && m.personId === 'rep')).toHaveLength(1);
  });

  it('picks up rows a crashed sender had claimed once their lease runs out, not before', async () => {
    await submit();
    const crashed = new OutboxDispatcher({ prisma: db.prisma, channels: () => [{ platform: 'slack', reaches: () => true, deliver: () => new Promise(() => {}) }], org: () => org, clock: { now: () => now }, log: pino({ level: 'silent' }), workerId: 'crashed' });
    void crashed.drainOnce(); // claims everything, never finishes
    await new Promise((r) => setTimeout(r, 200));
    expect(await dispatcher.drainOnce()).toBe(0);
    now = new Date(now.getTime() + 61_000);
    await dispatcher.drain();
    expect(channel.sent.filter((m) => m.kind === 'card').map((m) => m.personId).sort()).toEqual(['pm', 'rep']);
  });
});

function validProposal(): Record<string, unknown> {
  const type = org.type('solution-proposal')!;
  const values: Record<string, unknown> = { precondition: true };
  for (const f of type.fields) {
    if (!f.required) continue;
    values[f.id] = f.kind === 'select' ? f.options![0]!.value : f.kind === 'multiselect' ? [f.options![0]!.value]
      : f.kind === 'date' ? '2026-12-01' : f.kind === 'datetime' ? '2026-12-01T10:00:00+08:00' : f.kind === 'number' || f.kind === 'money' ? 1
      : f.kind === 'link' ? 'https://example.com' : f.kind === 'person' ? 'pm' : 'Proposal text';
  }
  return values;
}
