import { randomUUID } from 'node:crypto';
import type { DigestRequestRow, DigestRows, DigestTaskRow, WeeklyRows } from '../core/scheduling/digests.js';
import type { DueTask } from '../core/scheduling/reminders.js';
import type { TaskKind } from '../core/domain/types.js';
import { insertMany, toDate, toJson, type Row, type Sql, type SqlClient } from '../persistence/sql-client.js';

// The scheduler's SQL. Every piece of work is claimed with a conditional write, so two replicas
// (or a replica and itself after a restart) never send the same thing twice:
//  - a task reminder: UPDATE "Task" SET "nextRemindAt" = new WHERE id AND "nextRemindAt" = old
//  - a timer (appointment): UPDATE "Timer" SET status = 'done' WHERE id AND status = 'pending'
//  - a digest: INSERT a Timer row with the unique key digest:<kind>:<person>:<day|week>
// and the outbox rows it produces are written in the same transaction as the claim.

export interface DueTaskRow extends DueTask {
  request: { id: number; typeId: string; unitId: string; title: string; customer: string; status: string; coordinatorId: string | null };
}

export interface TimerRow {
  id: string;
  key: string;
  kind: string;
  requestId: number | null;
  personId: string | null;
  fireAt: Date;
  payload: Record<string, unknown>;
}

export interface OutboxDraft {
  personId: string;
  kind: 'card' | 'reminder' | 'digest';
  requestId: number | null;
  payload: unknown;
  /** Deliver no earlier than this (e.g. the recipient's next business start). */
  notBefore?: Date;
}

const TERMINAL = ['closed', 'rejected', 'declined', 'cancelled', 'withdrawn'];
const REQUEST_COLS = ['id', 'typeId', 'unitId', 'title', 'customer', 'requesterId', 'status', 'assigneeId', 'rating', 'createdAt', 'updatedAt', 'closedAt', 'scheduledAt'];
const rcols = (alias: string) => REQUEST_COLS.map((c) => `${alias}."${c}" AS "r_${c}"`).join(', ');
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function requestRow(row: Row): DigestRequestRow {
  return {
    id: Number(row.r_id), typeId: String(row.r_typeId), unitId: String(row.r_unitId), title: String(row.r_title), customer: String(row.r_customer ?? ''),
    requesterId: String(row.r_requesterId), status: String(row.r_status), assigneeId: (row.r_assigneeId as string | null) ?? null,
    rating: row.r_rating === null || row.r_rating === undefined ? null : Number(row.r_rating),
    createdAt: toDate(row.r_createdAt)!, updatedAt: toDate(row.r_updatedAt)!, closedAt: toDate(row.r_closedAt), scheduledAt: toDate(row.r_scheduledAt),
  };
}

function taskRow(row: Row): DigestTaskRow {
  return {
    requestId: Number(row.requestId), kind: String(row.kind), personId: String(row.personId), status: String(row.status),
    createdAt: toDate(row.createdAt)!, dueAt: toDate(row.dueAt), decidedAt: toDate(row.decidedAt),
  };
}

/** A [from, to) range over the unique Timer key index: every key that starts with `prefix`. */
const prefixRange = (prefix: string): [string, string] => [prefix, prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)];

export class SchedulerStore {
  constructor(readonly sql: SqlClient) {}

  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.sql.transaction(fn);
  }

  // ── Task reminders ─────────────────────────────────────────────────────────────────────────

  /** Open tasks whose next reminder is due, oldest first: an index range on Task(status, nextRemindAt). */
  async dueTasks(now: Date, limit: number, personId?: string, q: Sql = this.sql): Promise<DueTaskRow[]> {
    const rows = await q.query(
      `SELECT t."id", t."requestId", t."kind", t."personId", t."createdAt", t."dueAt", t."nextRemindAt", t."remindCount", t."escalatedAt", t."snoozedUntil",
        r."typeId" AS "r_typeId", r."unitId" AS "r_unitId", r."title" AS "r_title", r."customer" AS "r_customer", r."status" AS "r_status", r."coordinatorId" AS "r_coordinatorId"
       FROM "Task" t JOIN "Request" r ON r."id" = t."requestId"
       WHERE t."status" = 'open' AND t."nextRemindAt" <= ?${personId ? ' AND t."personId" = ?' : ''} ORDER BY t."nextRemindAt" LIMIT ?`,
      personId ? [now, personId, limit] : [now, limit],
    );
    return rows.map((row) => ({
      id: String(row.id), requestId: Number(row.requestId), kind: row.kind as TaskKind, personId: String(row.personId),
      createdAt: toDate(row.createdAt)!, dueAt: toDate(row.dueAt), nextRemindAt: toDate(row.nextRemindAt)!, remindCount: Number(row.remindCount ?? 0),
      escalatedAt: toDate(row.escalatedAt), snoozedUntil: toDate(row.snoozedUntil),
      request: {
        id: Number(row.requestId), typeId: String(row.r_typeId), unitId: String(row.r_unitId), title: String(row.r_title),
        customer: String(row.r_customer ?? ''), status: String(row.r_status), coordinatorId: (row.r_coordinatorId as string | null) ?? null,
      },
    }));
  }

  /** Claims a task's reminder: moves nextRemindAt only if it is still the value we read. */
  async claimTask(q: Sql, t: { id: string; nextRemindAt: Date }, next: Date, reminded: boolean, escalatedAt: Date | null): Promise<boolean> {
    const n = await q.execute(
      `UPDATE "Task" SET "nextRemindAt" = ?, "remindCount" = "remindCount" + ?, "escalatedAt" = COALESCE("escalatedAt", ?)
       WHERE "id" = ? AND "status" = 'open' AND "nextRemindAt" = ?`,
      [next, reminded ? 1 : 0, escalatedAt, t.id, t.nextRemindAt],
    );
    return n === 1;
  }

  /** Reminder messages each person had on their local day (ledger rows `sent:reminder:<person>:<day>:<n>`), in one query. */
  async remindersSentMany(people: Array<{ personId: string; day: string }>, q: Sql = this.sql): Promise<Map<string, number>> {
    const counts = new Map(people.map((p) => [p.personId, 0]));
    if (people.length === 0) return counts;
    const ranges = people.map((p) => prefixRange(`sent:reminder:${p.personId}:${p.day}:`));
    const rows = await q.query(`SELECT "personId" FROM "Timer" WHERE ${ranges.map(() => '("key" >= ? AND "key" < ?)').join(' OR ')}`, ranges.flat());
    for (const r of rows) counts.set(String(r.personId), (counts.get(String(r.personId)) ?? 0) + 1);
    return counts;
  }

  /**
   * Records the person's n-th reminder message of the day. A second writer of the same n fails on
   * the unique key, which rolls its transaction (and its task claims) back: the daily limit holds
   * across replicas.
   */
  async recordReminderSent(q: Sql, personId: string, day: string, n: number, now: Date): Promise<void> {
    await q.execute(
      'INSERT INTO "Timer" ("id", "key", "kind", "personId", "fireAt", "payload", "status", "doneAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [randomUUID(), `sent:reminder:${personId}:${day}:${String(n).padStart(3, '0')}`, 'reminder-sent', personId, now, '{}', 'done', now],
    );
  }

  /** Bumps the request's version (so a concurrent action reloads) and returns the new one. */
  async bumpVersion(q: Sql, requestId: number, now: Date): Promise<number> {
    const rows = await q.query('UPDATE "Request" SET "version" = "version" + 1, "updatedAt" = ? WHERE "id" = ? RETURNING "version"', [now, requestId]);
    return Number(rows[0]?.version ?? 0);
  }

  async insertAudit(q: Sql, requestId: number, seq: number, actorId: string, action: string, status: string, detail: unknown, now: Date): Promise<void> {
    await q.execute(
      'INSERT INTO "AuditEntry" ("requestId", "seq", "actorId", "action", "fromStatus", "toStatus", "detail", "createdAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [requestId, seq, actorId, action, status, status, JSON.stringify(detail), now],
    );
  }

  async insertOutbox(q: Sql, drafts: OutboxDraft[], now: Date): Promise<void> {
    const st = insertMany('OutboxMessage', ['personId', 'kind', 'requestId', 'payload', 'status', 'attempts', 'nextAttemptAt', 'createdAt'],
      drafts.map((d) => [d.personId, d.kind, d.requestId, JSON.stringify(d.payload), 'pending', 0, d.notBefore && d.notBefore > now ? d.notBefore : now, now]));
    if (st) await q.execute(st.sql, st.args);
  }

  /** Snoozes every open task of a person: no reminder before `until` (escalation still runs). */
  async snooze(personId: string, until: Date): Promise<number> {
    return this.sql.execute(
      `UPDATE "Task" SET "snoozedUntil" = ?,
        "nextRemindAt" = CASE WHEN "nextRemindAt" IS NOT NULL AND "nextRemindAt" < ? THEN ? ELSE "nextRemindAt" END
       WHERE "personId" = ? AND "status" = 'open'`,
      [until, until, until, personId],
    );
  }

  // ── Timers (appointments) ──────────────────────────────────────────────────────────────────

  /** Open requests with an appointment near [from, to) (by their earliest scheduledAt). */
  async scheduledRequests(from: Date, to: Date) {
    const rows = await this.sql.query(
      `SELECT "id", "typeId", "status", "requesterId", "assigneeId", "fields" FROM "Request"
       WHERE "scheduledAt" >= ? AND "scheduledAt" < ? AND "status" NOT IN (${placeholders(TERMINAL.length)})`,
      [from, to, ...TERMINAL],
    );
    return rows.map((r) => ({
      id: Number(r.id), typeId: String(r.typeId), status: String(r.status), requesterId: String(r.requesterId),
      assigneeId: (r.assigneeId as string | null) ?? null, fields: (toJson(r.fields) ?? {}) as Record<string, unknown>,
    }));
  }

  async loadRequestForTimer(id: number, q: Sql = this.sql) {
    const rows = await q.query('SELECT "id", "typeId", "status", "requesterId", "assigneeId", "fields", "title", "customer" FROM "Request" WHERE "id" = ?', [id]);
    const r = rows[0];
    if (!r) return null;
    return {
      id: Number(r.id), typeId: String(r.typeId), status: String(r.status), requesterId: String(r.requesterId),
      assigneeId: (r.assigneeId as string | null) ?? null, fields: (toJson(r.fields) ?? {}) as Record<string, unknown>,
      title: String(r.title), customer: String(r.customer ?? ''),
    };
  }

  /** Inserts timers that do not exist yet (by key); returns how many were new. */
  async ensureTimers(timers: Array<{ key: string; kind: string; requestId: number | null; personId: string | null; fireAt: Date; payload: unknown }>): Promise<number> {
    let created = 0;
    for (let i = 0; i < timers.length; i += 200) {
      const chunk = timers.slice(i, i + 200);
      const st = insertMany('Timer', ['id', 'key', 'kind', 'requestId', 'personId', 'fireAt', 'payload', 'status'],
        chunk.map((t) => [randomUUID(), t.key, t.kind, t.requestId, t.personId, t.fireAt, JSON.stringify(t.payload), 'pending']));
      if (st) created += await this.sql.execute(`${st.sql} ON CONFLICT ("key") DO NOTHING`, st.args);
    }
    return created;
  }

  /** Pending timers that are due: an index range on Timer(status, fireAt). */
  async dueTimers(now: Date, limit: number): Promise<TimerRow[]> {
    const rows = await this.sql.query(
      'SELECT "id", "key", "kind", "requestId", "personId", "fireAt", "payload" FROM "Timer" WHERE "status" = \'pending\' AND "fireAt" <= ? ORDER BY "fireAt" LIMIT ?',
      [now, limit],
    );
    return rows.map((r) => ({
      id: String(r.id), key: String(r.key), kind: String(r.kind), requestId: r.requestId === null ? null : Number(r.requestId),
      personId: (r.personId as string | null) ?? null, fireAt: toDate(r.fireAt)!, payload: (toJson(r.payload) ?? {}) as Record<string, unknown>,
    }));
  }

  /** Settles a pending timer (done or dropped) if nobody else did; true if this call won. */
  async settleTimer(q: Sql, id: string, status: 'done' | 'dropped', workerId: string, now: Date): Promise<boolean> {
    const n = await q.execute(
      'UPDATE "Timer" SET "status" = ?, "claimedBy" = ?, "claimedAt" = ?, "doneAt" = ? WHERE "id" = ? AND "status" = \'pending\'',
      [status, workerId, now, now, id],
    );
    return n === 1;
  }

  // ── Digests ────────────────────────────────────────────────────────────────────────────────

  async timerStates(keys: string[]): Promise<Map<string, { status: string; claimedAt: Date | null }>> {
    const out = new Map<string, { status: string; claimedAt: Date | null }>();
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const rows = await this.sql.query(`SELECT "key", "status", "claimedAt" FROM "Timer" WHERE "key" IN (${placeholders(chunk.length)})`, chunk);
      for (const r of rows) out.set(String(r.key), { status: String(r.status), claimedAt: toDate(r.claimedAt) });
    }
    return out;
  }

  /**
   * Claims a digest slot: inserts its Timer row (unique key), or takes over a claim left by a
   * replica that died more than `staleBefore` ago. True if this worker now holds it.
   */
  async claimDigest(slot: { key: string; kind: string; personId: string; at: Date }, workerId: string, now: Date, staleBefore: Date): Promise<boolean> {
    const inserted = await this.sql.execute(
      `INSERT INTO "Timer" ("id", "key", "kind", "personId", "fireAt", "payload", "status", "claimedBy", "claimedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING`,
      [randomUUID(), slot.key, slot.kind, slot.personId, slot.at, '{}', 'claimed', workerId, now],
    );
    if (inserted === 1) return true;
    const taken = await this.sql.execute(
      'UPDATE "Timer" SET "claimedBy" = ?, "claimedAt" = ? WHERE "key" = ? AND "status" = \'claimed\' AND "claimedAt" < ?',
      [workerId, now, slot.key, staleBefore],
    );
    return taken === 1;
  }

  /** Completes a claimed digest: marks it done (or dropped when empty) and enqueues the message, atomically. */
  async completeDigest(key: string, workerId: string, now: Date, message: OutboxDraft | null): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      const n = await tx.execute(
        'UPDATE "Timer" SET "status" = ?, "doneAt" = ?, "payload" = ? WHERE "key" = ? AND "claimedBy" = ? AND "status" = \'claimed\'',
        [message ? 'done' : 'dropped', now, JSON.stringify(message ? {} : { empty: true }), key, workerId],
      );
      if (n !== 1) return false;
      if (message) await this.insertOutbox(tx, [message], now);
      return true;
    });
  }

  /** The instant of a person's previous digest of a kind (done or skipped as empty), if any. */
  async previousDigestAt(kind: 'daily' | 'weekly', personId: string, beforeKey: string): Promise<Date | null> {
    const [from] = prefixRange(`digest:${kind}:${personId}:`);
    const rows = await this.sql.query(
      'SELECT "fireAt" FROM "Timer" WHERE "key" >= ? AND "key" < ? AND "status" IN (\'done\', \'dropped\') ORDER BY "key" DESC LIMIT 1',
      [from, beforeKey],
    );
    return rows[0] ? toDate(rows[0].fireAt) : null;
  }

  /** Everything the daily digests of these units need, in three indexed queries. */
  async digestRows(units: string[], since: Date, scheduledFrom: Date, scheduledTo: Date): Promise<DigestRows> {
    if (units.length === 0) return { waiting: [], recent: [], scheduled: [] };
    const u = placeholders(units.length);
    const [waiting, recent, scheduled] = await Promise.all([
      this.sql.query(
        `SELECT t."requestId", t."kind", t."personId", t."status", t."createdAt", t."dueAt", t."decidedAt", ${rcols('r')}
         FROM "Task" t JOIN "Request" r ON r."id" = t."requestId" WHERE t."status" = 'open' AND r."unitId" IN (${u})`, units),
      this.sql.query(`SELECT ${rcols('r')} FROM "Request" r WHERE r."unitId" IN (${u}) AND r."updatedAt" >= ?`, [...units, since]),
      this.sql.query(`SELECT ${rcols('r')} FROM "Request" r WHERE r."scheduledAt" >= ? AND r."scheduledAt" < ? AND r."unitId" IN (${u})`, [scheduledFrom, scheduledTo, ...units]),
    ]);
    return {
      waiting: waiting.map((row) => ({ task: taskRow(row), request: requestRow(row) })),
      recent: recent.map(requestRow),
      scheduled: scheduled.map(requestRow),
    };
  }

  /** Everything the weekly summaries of these units need since `from`. */
  async weeklyRows(units: string[], from: Date): Promise<WeeklyRows> {
    if (units.length === 0) return { recent: [], finished: [], load: [] };
    const u = placeholders(units.length);
    const [recent, finished, load] = await Promise.all([
      this.sql.query(`SELECT ${rcols('r')} FROM "Request" r WHERE r."unitId" IN (${u}) AND r."updatedAt" >= ?`, [...units, from]),
      this.sql.query(
        `SELECT t."requestId", t."kind", t."personId", t."status", t."createdAt", t."dueAt", t."decidedAt"
         FROM "Task" t JOIN "Request" r ON r."id" = t."requestId"
         WHERE r."unitId" IN (${u}) AND r."updatedAt" >= ? AND t."status" = 'done' AND t."decidedAt" >= ?`, [...units, from, from]),
      this.sql.query(
        `SELECT "unitId", "assigneeId", CAST(count(*) AS INTEGER) AS "n" FROM "Request"
         WHERE "status" IN ('assigned', 'accepted', 'in_progress') AND "assigneeId" IS NOT NULL AND "unitId" IN (${u})
         GROUP BY "unitId", "assigneeId"`, units),
    ]);
    return {
      recent: recent.map(requestRow),
      finished: finished.map(taskRow),
      load: load.map((r) => ({ unitId: String(r.unitId), assigneeId: String(r.assigneeId), n: Number(r.n) })),
    };
  }

  /** Deletes old ledger rows (reminder counters after 3 days, settled timers after 90). */
  async prune(now: Date): Promise<number> {
    const day = 86_400_000;
    const a = await this.sql.execute('DELETE FROM "Timer" WHERE "status" = \'done\' AND "kind" = \'reminder-sent\' AND "fireAt" < ?', [new Date(now.getTime() - 3 * day)]);
    const b = await this.sql.execute('DELETE FROM "Timer" WHERE "status" IN (\'done\', \'dropped\') AND "fireAt" < ?', [new Date(now.getTime() - 90 * day)]);
    return a + b;
  }
}
