import type { RequestState, StepState, TaskState, Transition } from '../core/domain/types.js';
import { copyState } from '../core/domain/lifecycle.js';
import type { PrismaClient } from './prisma.js';
import { FromLeadId, insertMany, isUniqueViolation, LEAD_ID, toDate, toJson, type Row, type Sql, type SqlClient, type Statement } from './sql-client.js';

// Persists what the pure domain decided. A Transition is written in one transaction: the
// request row only if its version is still the one we read (optimistic concurrency), then its
// steps, tasks, audit entries, outbox rows and the action's idempotency key.

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

const sameTime = (a: Date | null | undefined, b: Date | null | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

function stepChanged(a: StepState, b: StepState) {
  return a.seq !== b.seq || a.status !== b.status || !sameTime(a.decidedAt, b.decidedAt);
}

const sameValue = (a: unknown, b: unknown) => (a instanceof Date || b instanceof Date ? sameTime(a as Date | null, b as Date | null) : a === b);

/**
 * Only the columns the transition changed: the scheduler keeps its own columns of a task
 * (nextRemindAt, remindCount, escalatedAt, snoozedUntil) without a version bump, and a state
 * read before its last write must not put the old values back.
 */
function taskUpdate(before: TaskState, after: TaskState): Statement | null {
  const a = taskMutable(before);
  const b = taskMutable(after);
  const changed = TASK_MUTABLE.flatMap((c, i) => (sameValue(a[i], b[i]) ? [] : [i]));
  if (changed.length === 0) return null;
  return { sql: `UPDATE "Task" SET ${changed.map((i) => `"${TASK_MUTABLE[i]}" = ?`).join(', ')} WHERE "id" = ?`, args: [...changed.map((i) => b[i]), after.id] };
}

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));

const REQUEST_COLUMNS = ['typeId', 'unitId', 'customer', 'title', 'requesterId', 'status', 'resumeStage', 'fields', 'version', 'coordinatorId',
  'assigneeId', 'rating', 'ratingNote', 'watchers', 'lastNudgeAt', 'scheduledAt', 'updatedAt', 'closedAt'];
const requestValues = (s: RequestState, fieldsUnchanged = false) => [
  s.typeId, s.unitId, s.customer, s.title, s.requesterId, s.status, s.resumeStage ?? null, fieldsUnchanged ? null : json(s.fields), s.version, s.coordinatorId ?? null,
  s.assigneeId ?? null, s.rating ?? null, s.ratingNote ?? null, json(s.watchers), s.lastNudgeAt ?? null, s.scheduledAt ?? null, s.updatedAt, s.closedAt ?? null,
];

const STEP_COLUMNS = ['id', 'requestId', 'seq', 'defId', 'label', 'mode', 'status', 'onDisagree', 'createdAt', 'decidedAt'];
const TASK_MUTABLE = ['stepId', 'kind', 'personId', 'status', 'decision', 'comment', 'decidedById', 'onBehalfOfId', 'dueAt', 'decidedAt',
  'nextRemindAt', 'remindCount', 'escalatedAt', 'snoozedUntil'];
const taskMutable = (t: TaskState) => [
  t.stepId ?? null, t.kind, t.personId, t.status, t.decision ?? null, t.comment ?? null, t.decidedById ?? null, t.onBehalfOfId ?? null,
  t.dueAt ?? null, t.decidedAt ?? null, t.nextRemindAt ?? null, t.remindCount ?? 0, t.escalatedAt ?? null, t.snoozedUntil ?? null,
];

const OUTBOX_COLUMNS = ['personId', 'kind', 'requestId', 'payload', 'status', 'attempts', 'nextAttemptAt', 'createdAt'];
const CARD_TOUCH = `UPDATE "OutboxMessage" SET "attempts" = "attempts" WHERE "requestId" = ? AND "personId" = ? AND "kind" = 'card' AND "status" = 'pending'`;
const CARD_INSERT = `INSERT INTO "OutboxMessage" (${OUTBOX_COLUMNS.map((c) => `"${c}"`).join(', ')})`;

/**
 * A card refresh for a person, unless one is already waiting: then that row is touched instead
 * (an update of an unindexed column). The touch is what makes skipping the insert safe: it locks
 * the waiting row, so a dispatcher claiming it at the same moment either claimed it first (the
 * touch finds no pending row and the insert runs) or waits for this commit and renders the card
 * from the state it wrote. Saves most of the outbox rows of a busy request. SQLite only (see commit).
 */
function pendingCardOrInsert(requestId: number, personId: string, payload: unknown, at: Date): Statement[] {
  return [
    { sql: CARD_TOUCH, args: [requestId, personId] },
    // The statements run one after another: changes() is what the touch did.
    { sql: `${CARD_INSERT} SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE changes() = 0`, args: [personId, 'card', requestId, payload, 'pending', 0, at, at] },
  ];
}

/**
 * The version-checked update of a request row, setting only the columns that changed: each
 * index on a column in the SET list is rewritten (SQLite decides by the list, not the values),
 * and most actions change only status, version and updatedAt.
 */
function requestUpdate(previous: RequestState, next: RequestState): Statement {
  // Field values are replaced, never edited in place: the same object is the same value.
  const a = requestValues(previous, previous.fields === next.fields);
  const b = requestValues(next, previous.fields === next.fields);
  const changed = REQUEST_COLUMNS.flatMap((c, i) => (c === 'version' || c === 'updatedAt' || !sameValue(a[i], b[i]) ? [i] : []));
  return {
    sql: `UPDATE "Request" SET ${changed.map((i) => `"${REQUEST_COLUMNS[i]}" = ?`).join(', ')} WHERE "id" = ? AND "version" = ?`,
    args: [...changed.map((i) => b[i]), next.id, previous.version],
  };
}
const DATE_FIELDS = ['createdAt', 'updatedAt', 'closedAt', 'lastNudgeAt', 'scheduledAt', 'decidedAt', 'dueAt', 'nextRemindAt', 'escalatedAt', 'snoozedUntil'];

function decode<T>(row: Row): T {
  const out: Row = { ...row };
  for (const k of DATE_FIELDS) if (k in out) out[k] = toDate(out[k]);
  return out as T;
}

/** How many requests' last committed states a process keeps (see `recent`). */
const RECENT_LIMIT = 2000;

export class RequestRepository {
  private readonly recentStates = new Map<number, RequestState>();

  constructor(private readonly prisma: PrismaClient, private readonly sql: SqlClient) {}

  /** The state last committed here for `id` (a copy), if still kept; see RequestStore.recent. */
  recent(id: number): RequestState | undefined {
    const s = this.recentStates.get(id);
    return s && copyState(s);
  }

  private remember(s: RequestState): void {
    this.recentStates.delete(s.id);
    if (this.recentStates.size >= RECENT_LIMIT) this.recentStates.delete(this.recentStates.keys().next().value!);
    this.recentStates.set(s.id, copyState(s));
  }

  /** Records `key` (a platform event or action id); true only the first time, across restarts. */
  async markFirstSeen(key: string, at: Date): Promise<boolean> {
    const n = await this.sql.execute('INSERT INTO "ProcessedKey" ("key", "createdAt") VALUES (?, ?) ON CONFLICT ("key") DO NOTHING', [key, at]);
    return n === 1;
  }

  async load(id: number, q: Sql = this.sql): Promise<RequestState | null> {
    if (this.sql.provider === 'postgresql') {
      // One round trip: the request with its steps and tasks as JSON arrays.
      const rows = await q.query(`SELECT r.*,
        COALESCE((SELECT json_agg(s ORDER BY s."seq") FROM "ApprovalStep" s WHERE s."requestId" = r."id"), '[]') AS "_steps",
        COALESCE((SELECT json_agg(t) FROM "Task" t WHERE t."requestId" = r."id"), '[]') AS "_tasks"
        FROM "Request" r WHERE r."id" = ?`, [id]);
      const row = rows[0];
      if (!row) return null;
      const { _steps, _tasks, ...request } = row;
      return this.assemble(request, toJson(_steps) as Row[], toJson(_tasks) as Row[]);
    }
    const [rows, steps, tasks] = await Promise.all([
      q.query('SELECT * FROM "Request" WHERE "id" = ?', [id]),
      q.query('SELECT * FROM "ApprovalStep" WHERE "requestId" = ? ORDER BY "seq"', [id]),
      q.query('SELECT * FROM "Task" WHERE "requestId" = ?', [id]),
    ]);
    const row = rows[0];
    return row ? this.assemble(row, steps, tasks) : null;
  }

  private assemble(row: Row, steps: Row[], tasks: Row[]): RequestState {
    const r = decode<RequestState & { fields: unknown; watchers: unknown }>(row);
    return {
      ...r,
      id: Number(r.id),
      fields: (toJson(r.fields) ?? {}) as RequestState['fields'],
      watchers: (toJson(r.watchers) ?? []) as string[],
      steps: steps.map((s) => {
        const st = decode<StepState & { label: unknown; onDisagree: unknown }>(s);
        return { ...st, label: toJson(st.label) as StepState['label'], onDisagree: (toJson(st.onDisagree) ?? null) as StepState['onDisagree'] };
      }),
      tasks: tasks.map((t) => decode<TaskState>(t)),
    };
  }

  /** The stored result of an action already handled under this key, if any. */
  async seen(key: string): Promise<{ result: unknown } | null> {
    const rows = await this.sql.query('SELECT "result" FROM "ProcessedKey" WHERE "key" = ?', [key]);
    return rows[0] ? { result: toJson(rows[0].result) } : null;
  }

  /**
   * Writes a transition. `previous` is the state it was computed from (null for a new request).
   * Throws VersionConflict when someone else wrote first, DuplicateKey when the key was used.
   */
  async commit(previous: RequestState | null, tr: Transition, opts: { idempotencyKey?: string; result?: (id: number) => unknown } = {}): Promise<number> {
    const next = tr.next;
    const at = next.updatedAt;
    // A new request's id: reserved up front where the database can (PostgreSQL: one sequence
    // round trip), else (SQLite) returned by its INSERT, the lead of the same atomic write, and
    // filled into later statements there (LEAD_ID, FromLeadId).
    const reserved = previous ? next.id : await this.sql.reserveId('Request');
    const ref: number | FromLeadId = reserved ?? LEAD_ID;
    const withId = (f: (id: number) => unknown): unknown => (reserved !== null ? f(reserved) : new FromLeadId(f));
    const writes: Array<Statement | null> = [];
    if (!previous) {
      const columns = [...(reserved !== null ? ['id'] : []), ...REQUEST_COLUMNS, 'createdAt'];
      writes.push({
        sql: `INSERT INTO "Request" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) RETURNING "id"`,
        args: [...(reserved !== null ? [reserved] : []), ...requestValues(next), next.createdAt],
      });
    } else {
      // The version check leads: if it matches no row nothing is written.
      writes.push(requestUpdate(previous, next));
    }
    // A retry of the same action fails here on the key's primary key.
    if (opts.idempotencyKey) {
      writes.push(insertMany('ProcessedKey', ['key', 'result', 'createdAt'], [[opts.idempotencyKey, withId((id) => json(opts.result?.(id) ?? { requestId: id })), at]]));
    }
    const prevSteps = new Map((previous?.steps ?? []).map((s) => [s.id, s]));
    writes.push(insertMany('ApprovalStep', STEP_COLUMNS, next.steps.filter((s) => !prevSteps.has(s.id)).map((s) => [
      s.id, ref, s.seq, s.defId, json(s.label), s.mode, s.status, json(s.onDisagree ?? null), at, s.decidedAt ?? null,
    ])));
    for (const s of next.steps) {
      const before = prevSteps.get(s.id);
      if (before && stepChanged(before, s)) writes.push({ sql: 'UPDATE "ApprovalStep" SET "seq" = ?, "status" = ?, "decidedAt" = ? WHERE "id" = ?', args: [s.seq, s.status, s.decidedAt ?? null, s.id] });
    }
    const prevTasks = new Map((previous?.tasks ?? []).map((t) => [t.id, t]));
    writes.push(insertMany('Task', ['id', 'requestId', 'createdAt', ...TASK_MUTABLE], next.tasks.filter((t) => !prevTasks.has(t.id)).map((t) => [t.id, ref, t.createdAt, ...taskMutable(t)])));
    for (const t of next.tasks) {
      const before = prevTasks.get(t.id);
      if (before) {
        const update = taskUpdate(before, t);
        if (update) writes.push(update);
      }
    }
    writes.push(insertMany('AuditEntry', ['requestId', 'seq', 'actorId', 'onBehalfOfId', 'action', 'fromStatus', 'toStatus', 'detail', 'createdAt'],
      tr.audit.map((a, i) => [ref, next.version * 100 + i, a.actorId, a.onBehalfOfId ?? null, a.action, a.fromStatus ?? null, a.toStatus ?? null, json(a.detail), at])));
    // Card refreshes of an existing request: one pending refresh per person is enough (the
    // card is rendered from the request as it is when sent), see pendingCardOrInsert.
    // On SQLite only: its one writer pays for every page it writes, and a touch of the waiting
    // row is cheaper than a new row and its index entries; on PostgreSQL (bench/core) the touch
    // cost more than the insert it saved (188 against 316 lifecycles/s).
    const isRefresh = (n: Transition['notify'][number]) => previous !== null && n.kind === 'card' && this.sql.provider === 'sqlite';
    writes.push(insertMany('OutboxMessage', OUTBOX_COLUMNS,
      // A new request's notices were drafted before it had an id.
      tr.notify.filter((n) => !isRefresh(n)).map((n) => [n.personId, n.kind, ref, withId((id) => json(n.kind === 'notice' ? { ...n, params: { ...n.params, id } } : n)), 'pending', 0, at, at])));
    for (const n of tr.notify.filter(isRefresh)) writes.push(...pendingCardOrInsert(next.id, n.personId, json(n), at));
    writes.push(insertMany('Comment', ['id', 'requestId', 'authorId', 'body', 'createdAt'], tr.comments.map((c) => [c.id, ref, c.authorId, c.body, at])));
    writes.push(insertMany('Attachment', ['id', 'requestId', 'kind', 'purpose', 'value', 'name', 'addedById', 'createdAt'],
      tr.attachments.map((a) => [a.id, ref, a.kind, a.purpose, a.value, a.name ?? null, a.addedById, at])));
    if (tr.assignment) {
      writes.push({ sql: 'UPDATE "Assignment" SET "status" = ? WHERE "requestId" = ? AND "status" = ?', args: ['replaced', ref, 'active'] });
      writes.push(insertMany('Assignment', ['id', 'requestId', 'supporterId', 'assignedById', 'status', 'note', 'createdAt'],
        [[tr.assignment.id, ref, tr.assignment.supporterId, tr.assignment.assignedById, 'active', tr.assignment.note ?? null, at]]));
    }
    try {
      const lead = await this.sql.writeAtomic(writes.filter((w): w is Statement => w !== null));
      if (lead === null) {
        this.recentStates.delete(next.id);
        throw new VersionConflict();
      }
      const id = previous ? next.id : lead;
      next.id = id;
      this.remember(next);
      return id;
    } catch (e) {
      if (previous) this.recentStates.delete(previous.id);
      if (opts.idempotencyKey && !(e instanceof VersionConflict)) {
        const seen = await this.seen(opts.idempotencyKey);
        if (seen) throw new DuplicateKey(seen.result);
      }
      // On PostgreSQL a concurrent writer can also show up as this version's audit entries
      // already existing.
      if (previous && isUniqueViolation(e)) throw new VersionConflict();
      throw e;
    }
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
