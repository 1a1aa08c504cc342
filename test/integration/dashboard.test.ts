import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardQueries } from '../../src/adapters/web/dashboard-queries.js';
import { createRequest } from '../../src/core/domain/lifecycle.js';
import { RequestRepository } from '../../src/persistence/request-repository.js';
import { SqlClient } from '../../src/persistence/sql-client.js';
import { org } from '../fixtures/org.js';
import { freshDatabase, providers, type TestDatabase } from '../helpers/databases.js';

// The console dashboard's queries on both databases: the raw SQL (cycle time, date filters) is
// written per provider, so each filter and aggregate is checked on SQLite and on PostgreSQL.

const DAY = 86_400_000;
const at = (iso: string) => new Date(`${iso}T02:00:00Z`);

describe.each(providers)('dashboard queries on %s', (provider) => {
  let db: TestDatabase;
  let sql: SqlClient;
  let q: DashboardQueries;
  const ids: Record<string, number> = {};

  async function file(key: string, typeId: string, unitId: string, requesterId: string, customer: string, created: Date): Promise<number> {
    const type = org.type(typeId)!;
    const tr = createRequest({ type, unitId, customer, title: `${type.label.en} for ${customer}`, fields: {}, requesterId }, { org, now: created, newId: randomUUID });
    ids[key] = await new RequestRepository(db.prisma, sql).commit(null, tr);
    return ids[key]!;
  }

  beforeAll(async () => {
    db = await freshDatabase(provider);
    sql = await SqlClient.open(db.url);
    q = new DashboardQueries(db.prisma, provider);
    // Week of 2026-04-06 and the week after; two closed gifts (2 and 4 days), one open price request.
    await file('giftA', 'corporate-gift', 'east', 'rep.a', 'ACME Bank', at('2026-04-07'));
    await file('giftB', 'corporate-gift', 'east', 'rep.a', 'Zenith Telecom', at('2026-04-08'));
    await file('price', 'price-request', 'south', 'rep.b', 'acme retail', at('2026-04-14'));
    await db.prisma.request.update({ where: { id: ids.giftA }, data: { status: 'closed', assigneeId: 'admin', closedAt: new Date(at('2026-04-07').getTime() + 2 * DAY) } });
    await db.prisma.request.update({ where: { id: ids.giftB }, data: { status: 'closed', assigneeId: 'admin', closedAt: new Date(at('2026-04-08').getTime() + 4 * DAY) } });
    await db.prisma.request.update({ where: { id: ids.price }, data: { status: 'in_progress', assigneeId: 'ba.south' } });
    // SLA: the gifts' first tasks finished, one in time and one late.
    const first = async (requestId: number) => (await db.prisma.task.findFirstOrThrow({ where: { requestId }, orderBy: { createdAt: 'asc' } })).id;
    await db.prisma.task.update({ where: { id: await first(ids.giftA!) }, data: { status: 'done', dueAt: at('2026-04-08'), decidedAt: at('2026-04-07') } });
    await db.prisma.task.update({ where: { id: await first(ids.giftB!) }, data: { status: 'done', dueAt: at('2026-04-09'), decidedAt: at('2026-04-10') } });
  });
  afterAll(async () => {
    await sql?.close();
    await db?.close();
  });

  const listed = async (f: Parameters<DashboardQueries['list']>[0]) => (await q.list(f, 1, 50)).rows.map((r) => r.id).sort();

  it('filters by type, unit, status, person and submission date', async () => {
    expect(await listed({ typeId: 'corporate-gift' })).toEqual([ids.giftA, ids.giftB].sort());
    expect(await listed({ unitId: 'south' })).toEqual([ids.price]);
    expect(await listed({ status: 'closed' })).toEqual([ids.giftA, ids.giftB].sort());
    expect(await listed({ personId: 'ba.south' })).toEqual([ids.price]);
    expect(await listed({ personId: 'rep.a' })).toEqual([ids.giftA, ids.giftB].sort());
    expect(await listed({ from: at('2026-04-08'), to: at('2026-04-14') })).toEqual([ids.giftB]);
    expect((await q.list({}, 2, 2)).rows.map((r) => r.id)).toEqual([ids.giftA]);
    expect((await q.list({}, 1, 2)).total).toBe(3);
  });

  it('searches title and customer without regard to case', async () => {
    expect(await listed({ search: 'acme' })).toEqual([ids.giftA, ids.price].sort());
    expect(await listed({ search: 'ZENITH' })).toEqual([ids.giftB]);
    expect(await listed({ search: 'nothing like it' })).toEqual([]);
    // The aggregates' raw SQL searches the same way, and a typed % is a character, not a wildcard.
    expect((await q.cycleTime({ search: 'ZENITH' })).map((c) => c.n)).toEqual([1]);
    expect(await q.cycleTime({ search: '%' })).toEqual([]);
  });

  it('counts by status, volume per week, cycle time, SLA and open load', async () => {
    expect(Object.fromEntries(await q.byStatus({}))).toEqual({ closed: 2, in_progress: 1 });
    const volume = await q.volumeByWeek({}, at('2026-04-15'), 'Asia/Shanghai', 2);
    expect(volume.weeks.map((w) => w.toISOString())).toEqual(['2026-04-05T16:00:00.000Z', '2026-04-12T16:00:00.000Z']);
    expect(volume.series.get('corporate-gift')).toEqual([2, 0]);
    expect(volume.series.get('price-request')).toEqual([0, 1]);
    const cycle = await q.cycleTime({});
    expect(cycle).toHaveLength(1);
    expect(cycle[0]!.typeId).toBe('corporate-gift');
    expect(cycle[0]!.n).toBe(2);
    expect(cycle[0]!.days).toBeCloseTo(3, 5);
    expect(await q.cycleTime({ from: at('2026-04-08') })).toEqual([{ typeId: 'corporate-gift', days: expect.closeTo(4, 5) as unknown as number, n: 1 }]);
    const sla = await q.slaByKind({ typeId: 'corporate-gift' });
    expect(sla.reduce((s, r) => s + r.total, 0)).toBe(2);
    expect(sla.reduce((s, r) => s + r.hit, 0)).toBe(1);
    expect(await q.openLoad({})).toEqual([{ personId: 'ba.south', n: 1 }]);
  });

  it('streams every matching request for the CSV export in pages, newest first', async () => {
    const pages: number[][] = [];
    for await (const rows of q.each({}, 2)) pages.push(rows.map((r) => r.id));
    expect(pages).toEqual([[ids.price, ids.giftB], [ids.giftA]]);
  });
});
