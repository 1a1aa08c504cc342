import type { RequestState, StepState, TaskState, Transition } from '../core/domain/types.js';
import type { PrismaClient } from './prisma.js';

// Persists what the pure domain decided. A Transition is written in one transaction: the
// request row only if its version is still the one we read (optimistic concurrency), then its
// steps, tasks, audit entries, outbox rows and the action's idempotency key.

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export class VersionConflict extends Error {
  constructor() {
    super('version conflict');
    this.name = 'VersionConflict';
  }
}

export class DuplicateKey extends Error {
  constructor(readonly result: unknown) {
    super('duplicate idempotency key');
    this.name = 'DuplicateKey';
  }
}

const include = { steps: true, tasks: true } as const;

type Row = Awaited<ReturnType<PrismaClient['request']['findUnique']>> & { steps: unknown[]; tasks: unknown[] };

export function toState(row: NonNullable<Row>): RequestState {
  const r = row as unknown as RequestState & { fields: unknown; watchers: unknown };
  return {
    ...(row as unknown as RequestState),
    fields: (r.fields ?? {}) as RequestState['fields'],
    watchers: (r.watchers ?? []) as string[],
    steps: (row.steps as StepState[]).map((s) => ({ ...s })).sort((a, b) => a.seq - b.seq),
    tasks: (row.tasks as TaskState[]).map((t) => ({ ...t })),
  };
}

const requestData = (s: RequestState) => ({
  typeId: s.typeId, unitId: s.unitId, customer: s.customer, title: s.title, requesterId: s.requesterId,
  status: s.status, resumeStage: s.resumeStage ?? null, fields: s.fields as object, version: s.version,
  coordinatorId: s.coordinatorId ?? null, assigneeId: s.assigneeId ?? null, rating: s.rating ?? null,
  ratingNote: s.ratingNote ?? null, watchers: s.watchers, lastNudgeAt: s.lastNudgeAt ?? null,
  scheduledAt: s.scheduledAt ?? null, updatedAt: s.updatedAt, closedAt: s.closedAt ?? null,
});

const stepData = (requestId: number, s: StepState) => ({
  id: s.id, requestId, seq: s.seq, defId: s.defId, label: s.label as object, mode: s.mode, status: s.status,
  onDisagree: (s.onDisagree ?? undefined) as object | undefined, decidedAt: s.decidedAt ?? null,
});

const taskData = (requestId: number, t: TaskState) => ({
  id: t.id, requestId, stepId: t.stepId ?? null, kind: t.kind, personId: t.personId, status: t.status,
  decision: t.decision ?? null, comment: t.comment ?? null, decidedById: t.decidedById ?? null,
  onBehalfOfId: t.onBehalfOfId ?? null, createdAt: t.createdAt, dueAt: t.dueAt ?? null, decidedAt: t.decidedAt ?? null,
  nextRemindAt: t.nextRemindAt ?? null, remindCount: t.remindCount ?? 0, escalatedAt: t.escalatedAt ?? null,
  snoozedUntil: t.snoozedUntil ?? null,
});

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

function stepChanged(a: StepState, b: StepState) {
  return a.seq !== b.seq || a.status !== b.status || !sameTime(a.decidedAt, b.decidedAt);
}

function taskChanged(a: TaskState, b: TaskState) {
  return a.status !== b.status || a.personId !== b.personId || a.decision !== b.decision || a.comment !== b.comment
    || !sameTime(a.dueAt, b.dueAt) || !sameTime(a.nextRemindAt, b.nextRemindAt) || !sameTime(a.decidedAt, b.decidedAt)
    || (a.remindCount ?? 0) !== (b.remindCount ?? 0) || !sameTime(a.snoozedUntil, b.snoozedUntil) || !sameTime(a.escalatedAt, b.escalatedAt);
}

export class RequestRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async load(id: number, tx: Tx | PrismaClient = this.prisma): Promise<RequestState | null> {
    const row = await tx.request.findUnique({ where: { id }, include });
    return row ? toState(row as NonNullable<Row>) : null;
  }

  /** The stored result of an action already handled under this key, if any. */
  async seen(key: string): Promise<{ result: unknown } | null> {
    const row = await this.prisma.processedKey.findUnique({ where: { key } });
    return row ? { result: row.result } : null;
  }

  /**
   * Writes a transition. `previous` is the state it was computed from (null for a new request).
   * Throws VersionConflict when someone else wrote first, DuplicateKey when the key was used.
   */
  async commit(previous: RequestState | null, tr: Transition, opts: { idempotencyKey?: string; result?: (id: number) => unknown } = {}): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const next = tr.next;
      let id = next.id;
      if (opts.idempotencyKey) {
        const existing = await tx.processedKey.findUnique({ where: { key: opts.idempotencyKey } });
        if (existing) throw new DuplicateKey(existing.result);
      }
      if (!previous) {
        const created = await tx.request.create({ data: { ...requestData(next), createdAt: next.createdAt } });
        id = created.id;
        next.id = id;
      } else {
        const { count } = await tx.request.updateMany({ where: { id, version: previous.version }, data: requestData(next) });
        if (count !== 1) throw new VersionConflict();
      }
      const prevSteps = new Map((previous?.steps ?? []).map((s) => [s.id, s]));
      const newSteps = next.steps.filter((s) => !prevSteps.has(s.id));
      if (newSteps.length > 0) await tx.approvalStep.createMany({ data: newSteps.map((s) => stepData(id, s)) });
      for (const s of next.steps) {
        const before = prevSteps.get(s.id);
        if (before && stepChanged(before, s)) await tx.approvalStep.update({ where: { id: s.id }, data: { seq: s.seq, status: s.status, decidedAt: s.decidedAt ?? null } });
      }
      const prevTasks = new Map((previous?.tasks ?? []).map((t) => [t.id, t]));
      const newTasks = next.tasks.filter((t) => !prevTasks.has(t.id));
      if (newTasks.length > 0) await tx.task.createMany({ data: newTasks.map((t) => taskData(id, t)) });
      for (const t of next.tasks) {
        const before = prevTasks.get(t.id);
        if (before && taskChanged(before, t)) {
          const { id: taskId, requestId: _r, createdAt: _c, ...data } = taskData(id, t);
          await tx.task.update({ where: { id: taskId }, data });
        }
      }
      if (tr.audit.length > 0) {
        await tx.auditEntry.createMany({
          data: tr.audit.map((a, i) => ({
            requestId: id, seq: next.version * 100 + i, actorId: a.actorId, onBehalfOfId: a.onBehalfOfId ?? null,
            action: a.action, fromStatus: a.fromStatus ?? null, toStatus: a.toStatus ?? null, detail: a.detail as object, createdAt: next.updatedAt,
          })),
        });
      }
      if (tr.notify.length > 0) {
        await tx.outboxMessage.createMany({
          data: tr.notify.map((n) => ({ personId: n.personId, kind: n.kind, requestId: id, payload: n as object, nextAttemptAt: next.updatedAt, createdAt: next.updatedAt })),
        });
      }
      if (tr.comments.length > 0) {
        await tx.comment.createMany({ data: tr.comments.map((c) => ({ id: c.id, requestId: id, authorId: c.authorId, body: c.body, createdAt: next.updatedAt })) });
      }
      if (tr.attachments.length > 0) {
        await tx.attachment.createMany({ data: tr.attachments.map((a) => ({ ...a, name: a.name ?? null, requestId: id, createdAt: next.updatedAt })) });
      }
      if (tr.assignment) {
        await tx.assignment.updateMany({ where: { requestId: id, status: 'active' }, data: { status: 'replaced' } });
        await tx.assignment.create({ data: { ...tr.assignment, note: tr.assignment.note ?? null, requestId: id, status: 'active', createdAt: next.updatedAt } });
      }
      if (opts.idempotencyKey) {
        await tx.processedKey.create({ data: { key: opts.idempotencyKey, result: (opts.result?.(id) ?? { requestId: id }) as object } });
      }
      return id;
    });
  }

  async audit(requestId: number) {
    return this.prisma.auditEntry.findMany({ where: { requestId }, orderBy: [{ seq: 'asc' }] });
  }

  async comments(requestId: number) {
    return this.prisma.comment.findMany({ where: { requestId }, orderBy: { createdAt: 'asc' } });
  }

  async attachments(requestId: number) {
    return this.prisma.attachment.findMany({ where: { requestId }, orderBy: { createdAt: 'asc' } });
  }
}
