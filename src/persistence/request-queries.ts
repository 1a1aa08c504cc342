import type { PrismaClient } from './prisma.js';

// Read models for lists, App Home, the dashboard and digests. Each query is served by an index
// in prisma/schema.prisma; bench/core measures them at 100 000 requests.

export interface RequestSummary {
  id: number;
  typeId: string;
  unitId: string;
  title: string;
  customer: string;
  requesterId: string;
  status: string;
  assigneeId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const summarySelect = {
  id: true, typeId: true, unitId: true, title: true, customer: true, requesterId: true, status: true,
  assigneeId: true, createdAt: true, updatedAt: true,
} as const;

export interface QueueItem extends RequestSummary {
  taskId: string;
  taskKind: string;
  personId: string;
  waitingSince: Date;
  dueAt: Date | null;
}

export class RequestQueries {
  constructor(private readonly prisma: PrismaClient) {}

  /** Requests I raised, newest activity first. */
  async mine(personId: string, limit = 20): Promise<RequestSummary[]> {
    return this.prisma.request.findMany({ where: { requesterId: personId }, orderBy: { updatedAt: 'desc' }, take: limit, select: summarySelect });
  }

  /** Open tasks waiting on these people (a person and those they stand in for), oldest first. */
  async queue(personIds: string[], limit = 20): Promise<QueueItem[]> {
    const tasks = await this.prisma.task.findMany({
      where: { personId: { in: personIds }, status: 'open' },
      orderBy: { createdAt: 'asc' },
      take: limit,
      select: { id: true, kind: true, personId: true, createdAt: true, dueAt: true, request: { select: summarySelect } },
    });
    return tasks.map((t) => ({ ...t.request, taskId: t.id, taskKind: t.kind, personId: t.personId, waitingSince: t.createdAt, dueAt: t.dueAt }));
  }

  /** Requests of my units, newest activity first; optionally only open ones. */
  async byUnit(unitIds: string[], opts: { limit?: number; status?: string[] } = {}): Promise<RequestSummary[]> {
    return this.prisma.request.findMany({
      where: { unitId: { in: unitIds }, ...(opts.status ? { status: { in: opts.status } } : {}) },
      orderBy: { updatedAt: 'desc' },
      take: opts.limit ?? 20,
      select: summarySelect,
    });
  }

  /** Open load per supporter, for the assign picker. */
  async openLoad(personIds: string[]): Promise<Map<string, number>> {
    const rows = await this.prisma.request.groupBy({
      by: ['assigneeId'],
      where: { assigneeId: { in: personIds }, status: { in: ['assigned', 'accepted', 'in_progress'] } },
      _count: { _all: true },
    });
    return new Map(rows.map((r) => [r.assigneeId ?? '', r._count._all]));
  }

  async all(filter: { typeId?: string; unitId?: string; status?: string; personId?: string; from?: Date; to?: Date; search?: string; limit?: number; offset?: number } = {}) {
    const where = {
      ...(filter.typeId ? { typeId: filter.typeId } : {}),
      ...(filter.unitId ? { unitId: filter.unitId } : {}),
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
      // Person and search are each an OR; both must hold.
      AND: [
        ...(filter.personId ? [{ OR: [{ requesterId: filter.personId }, { assigneeId: filter.personId }, { coordinatorId: filter.personId }] }] : []),
        ...(filter.search ? [{ OR: [{ title: { contains: filter.search } }, { customer: { contains: filter.search } }] }] : []),
      ],
    };
    const [rows, total] = await Promise.all([
      this.prisma.request.findMany({ where, orderBy: { createdAt: 'desc' }, take: filter.limit ?? 50, skip: filter.offset ?? 0, select: summarySelect }),
      this.prisma.request.count({ where }),
    ]);
    return { rows, total };
  }
}
