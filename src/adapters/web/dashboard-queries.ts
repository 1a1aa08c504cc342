import { DateTime } from 'luxon';
import { Prisma, type PrismaClient } from '../../persistence/prisma.js';

// The dashboard's read model: filters, counts and aggregates computed in the database (groupBy,
// count, one AVG) so the page costs the same at 100 000 requests as at 100. Read-only.
// Candidate to move into src/persistence beside RequestQueries once its owner agrees.

export interface DashboardFilter {
  typeId?: string;
  unitId?: string;
  status?: string;
  /** Requester, coordinator or supporter. */
  personId?: string;
  /** Submitted on or after. */
  from?: Date;
  /** Submitted before. */
  to?: Date;
  /** Substring of title or customer. */
  search?: string;
}

export const OPEN_WORK = ['assigned', 'accepted', 'in_progress'];

const dateSql = {
  // Days between two instants. SQLite stores Prisma DateTime as ISO-8601 text, PostgreSQL as timestamp.
  sqlite: Prisma.sql`AVG(julianday("closedAt") - julianday("createdAt"))`,
  postgresql: Prisma.sql`AVG(EXTRACT(EPOCH FROM ("closedAt" - "createdAt")) / 86400.0)`,
} as const;

export class DashboardQueries {
  constructor(private readonly prisma: PrismaClient, private readonly provider: 'sqlite' | 'postgresql' = 'sqlite') {}

  where(f: DashboardFilter) {
    const and: object[] = [];
    if (f.typeId) and.push({ typeId: f.typeId });
    if (f.unitId) and.push({ unitId: f.unitId });
    if (f.status) and.push({ status: f.status });
    if (f.personId) and.push({ OR: [{ requesterId: f.personId }, { assigneeId: f.personId }, { coordinatorId: f.personId }] });
    if (f.from) and.push({ createdAt: { gte: f.from } });
    if (f.to) and.push({ createdAt: { lt: f.to } });
    if (f.search) {
      // Case-insensitive on both: SQLite's LIKE already is (ASCII); PostgreSQL needs ILIKE.
      const contains = this.provider === 'postgresql' ? { contains: f.search, mode: 'insensitive' as const } : { contains: f.search };
      and.push({ OR: [{ title: contains }, { customer: contains }] });
    }
    return and.length > 0 ? { AND: and } : {};
  }

  private sqlWhere(f: DashboardFilter): Prisma.Sql {
    const parts: Prisma.Sql[] = [Prisma.sql`1 = 1`];
    if (f.typeId) parts.push(Prisma.sql`"typeId" = ${f.typeId}`);
    if (f.unitId) parts.push(Prisma.sql`"unitId" = ${f.unitId}`);
    if (f.status) parts.push(Prisma.sql`"status" = ${f.status}`);
    if (f.personId) parts.push(Prisma.sql`("requesterId" = ${f.personId} OR "assigneeId" = ${f.personId} OR "coordinatorId" = ${f.personId})`);
    // Compare as the column is stored: on SQLite ISO text with "+00:00" (as Prisma's adapter
    // writes it; "Z" would sort after it), on PostgreSQL timestamps.
    const at = (d: Date) => (this.provider === 'sqlite' ? d.toISOString().replace('Z', '+00:00') : d);
    if (f.from) parts.push(Prisma.sql`"createdAt" >= ${at(f.from)}`);
    if (f.to) parts.push(Prisma.sql`"createdAt" < ${at(f.to)}`);
    if (f.search) {
      const pattern = `%${f.search.replace(/[\\%_]/g, '\\$&')}%`;
      const like = this.provider === 'postgresql' ? Prisma.sql`ILIKE` : Prisma.sql`LIKE`;
      parts.push(Prisma.sql`("title" ${like} ${pattern} ESCAPE '\\' OR "customer" ${like} ${pattern} ESCAPE '\\')`);
    }
    return Prisma.join(parts, ' AND ');
  }

  async list(f: DashboardFilter, page: number, pageSize: number) {
    const where = this.where(f);
    const [rows, total] = await Promise.all([
      this.prisma.request.findMany({
        where, orderBy: { id: 'desc' }, skip: (page - 1) * pageSize, take: pageSize,
        select: { id: true, typeId: true, unitId: true, title: true, customer: true, status: true, requesterId: true, assigneeId: true, createdAt: true, closedAt: true },
      }),
      this.prisma.request.count({ where }),
    ]);
    return { rows, total };
  }

  /** Totals by status, for the headline numbers. */
  async byStatus(f: DashboardFilter): Promise<Map<string, number>> {
    const rows = await this.prisma.request.groupBy({ by: ['status'], where: this.where(f), _count: { _all: true } });
    return new Map(rows.map((r) => [r.status, r._count._all]));
  }

  /** Requests per type in each of the last `weeks` weeks (Monday to Monday in `zone`), oldest first. */
  async volumeByWeek(f: DashboardFilter, now: Date, zone: string, weeks = 12) {
    const thisWeek = DateTime.fromJSDate(now, { zone }).startOf('week');
    const starts = Array.from({ length: weeks }, (_, i) => thisWeek.minus({ weeks: weeks - 1 - i }));
    const base = this.where(f);
    const counts = await Promise.all(starts.map((start) => this.prisma.request.groupBy({
      by: ['typeId'],
      where: { AND: [base, { createdAt: { gte: start.toJSDate(), lt: start.plus({ weeks: 1 }).toJSDate() } }] },
      _count: { _all: true },
    })));
    const series = new Map<string, number[]>();
    counts.forEach((rows, i) => {
      for (const r of rows) {
        const s = series.get(r.typeId) ?? new Array<number>(weeks).fill(0);
        s[i] = r._count._all;
        series.set(r.typeId, s);
      }
    });
    return { weeks: starts.map((s) => s.toJSDate()), series };
  }

  /** Average days from submission to close, per type, over closed requests. */
  async cycleTime(f: DashboardFilter): Promise<Array<{ typeId: string; days: number; n: number }>> {
    const rows = await this.prisma.$queryRaw<Array<{ typeId: string; days: number | string | null; n: number | bigint }>>(Prisma.sql`
      SELECT "typeId", ${dateSql[this.provider]} AS days, COUNT(*) AS n
      FROM "Request"
      WHERE "status" = 'closed' AND "closedAt" IS NOT NULL AND ${this.sqlWhere(f)}
      GROUP BY "typeId"`);
    return rows.map((r) => ({ typeId: r.typeId, days: Number(r.days ?? 0), n: Number(r.n) })).sort((a, b) => b.days - a.days);
  }

  /** Finished tasks with a due time, and how many finished in time, per task kind. */
  async slaByKind(f: DashboardFilter): Promise<Array<{ kind: string; hit: number; total: number }>> {
    const request = this.where(f);
    const scope = { status: 'done', dueAt: { not: null }, ...(Object.keys(request).length > 0 ? { request } : {}) };
    const [all, hit] = await Promise.all([
      this.prisma.task.groupBy({ by: ['kind'], where: scope, _count: { _all: true } }),
      this.prisma.task.groupBy({ by: ['kind'], where: { ...scope, decidedAt: { lte: this.prisma.task.fields.dueAt } }, _count: { _all: true } }),
    ]);
    const hits = new Map(hit.map((r) => [r.kind, r._count._all]));
    return all.map((r) => ({ kind: r.kind, total: r._count._all, hit: hits.get(r.kind) ?? 0 }));
  }

  /** Requests assigned and not yet delivered, per supporter. */
  async openLoad(f: DashboardFilter): Promise<Array<{ personId: string; n: number }>> {
    const rows = await this.prisma.request.groupBy({
      by: ['assigneeId'],
      where: { AND: [this.where({ ...f, status: undefined }), { status: { in: OPEN_WORK } }, { assigneeId: { not: null } }] },
      _count: { _all: true },
    });
    return rows.map((r) => ({ personId: r.assigneeId ?? '', n: r._count._all })).sort((a, b) => b.n - a.n);
  }

  async audit(requestId: number) {
    return this.prisma.auditEntry.findMany({ where: { requestId }, orderBy: { seq: 'asc' } });
  }

  /** What Backline queued for a person (notices and comments), newest first. */
  async notifications(personId: string, limit = 15) {
    return this.prisma.outboxMessage.findMany({
      where: { personId, kind: { in: ['notice', 'comment'] } }, orderBy: { id: 'desc' }, take: limit,
      select: { id: true, kind: true, requestId: true, payload: true, createdAt: true },
    });
  }

  /** Every matching request, in pages, newest first: CSV export streams these without holding them all. */
  async *each(f: DashboardFilter, batch = 2000) {
    const where = this.where(f);
    let cursor: number | undefined;
    for (;;) {
      const rows = await this.prisma.request.findMany({
        where: cursor === undefined ? where : { AND: [where, { id: { lt: cursor } }] },
        orderBy: { id: 'desc' }, take: batch,
        select: { id: true, typeId: true, unitId: true, title: true, customer: true, status: true, requesterId: true, coordinatorId: true, assigneeId: true, rating: true, createdAt: true, updatedAt: true, closedAt: true },
      });
      if (rows.length === 0) return;
      yield rows;
      cursor = rows[rows.length - 1]!.id;
      if (rows.length < batch) return;
    }
  }
}
