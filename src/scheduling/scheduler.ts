import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { nextBusinessStart } from '../core/domain/business-time.js';
import { participants } from '../core/domain/lifecycle.js';
import type { Org } from '../core/org.js';
import type { Clock } from '../core/ports.js';
import { appointmentStillDue, appointmentTimers, type AppointmentPayload } from '../core/scheduling/appointments.js';
import {
  digestUnits, dueDailySlot, dueWeeklySlot, isEmptyDaily, localDayRange, partitionByUnit, rowsOfUnits, selectDaily, selectWeekly,
  type DigestConfig, type DigestSlot,
} from '../core/scheduling/digests.js';
import { clampSnoozeHours, escalationTarget, localDay, planPersonReminders, snoozedNext, type TaskPlan } from '../core/scheduling/reminders.js';
import { buildDailyDigestView, buildWeeklyDigestView } from '../core/views/digest.js';
import type { MessageView } from '../core/views/model.js';
import { buildAppointmentView, buildEscalationView, buildReminderView, type ReminderItem } from '../core/views/reminder.js';
import type { RequestRepository } from '../persistence/request-repository.js';
import type { Sql, SqlClient } from '../persistence/sql-client.js';
import { SchedulerStore, type DueTaskRow, type OutboxDraft } from './scheduler-store.js';

// The scheduler: a node-cron tick every minute; each tick claims due work in the database and
// writes outbox rows in the same transaction, so several replicas never send the same reminder or
// digest twice and a restart catches up (see scheduler-store.ts for the claims). Every replica
// ticks: the claims make a run coordinator unnecessary, and no replica's crash can lose a slot.

export interface SchedulerDeps {
  sql: SqlClient;
  /** Loads a request inside the escalation transaction (for the card refresh of its participants). */
  repo: RequestRepository;
  org: () => Org;
  clock: Clock;
  log: Logger;
  /** Unique per process: written into claims. */
  workerId: string;
  baseUrl?: string;
  /** Called after a tick enqueued messages (the outbox dispatcher's kick). */
  onEnqueued?: () => void;
  /** Cron expression of the tick; default every minute. */
  cron?: string;
  /** Due rows read per query. */
  batchSize?: number;
}

export interface TickReport {
  reminders: number;
  escalations: number;
  appointments: number;
  dropped: number;
  digests: number;
  skippedDigests: number;
}

export interface SnoozeResult {
  personId: string;
  snoozedUntil: Date;
  tasks: number;
}

const MINUTE = 60_000;
const APPOINTMENT_ENSURE_EVERY_MS = 5 * MINUTE;
const APPOINTMENT_LOOKBACK_MS = 30 * 86_400_000;
const APPOINTMENT_HORIZON_MS = 8 * 86_400_000;
const PRUNE_EVERY_MS = 60 * MINUTE;
/** A digest claim older than this was left by a replica that died mid-build: take it over. */
const STALE_CLAIM_MS = 10 * MINUTE;
const MAX_SWEEP_ROUNDS = 50;
/** People whose reminders one transaction records (see sweepReminders). */
const PEOPLE_PER_COMMIT = 50;
const SYSTEM_ACTOR = 'backline';

export class Scheduler {
  readonly store: SchedulerStore;
  private task: ScheduledTask | undefined;
  private running: Promise<TickReport> | undefined;
  private lastEnsure = -Infinity;
  private lastPrune = -Infinity;

  constructor(private readonly deps: SchedulerDeps) {
    this.store = new SchedulerStore(deps.sql);
  }

  private get org(): Org {
    return this.deps.org();
  }

  /** Starts the cron tick and runs one tick at once (catch-up after downtime). */
  start(): void {
    if (this.task) return;
    this.task = createTask(this.deps.cron ?? '* * * * *', () => this.runTick(), { name: `backline-scheduler-${this.deps.workerId}`, noOverlap: true });
    void this.task.start();
    void this.runTick();
  }

  async stop(): Promise<void> {
    const task = this.task;
    this.task = undefined;
    if (task) await task.destroy();
    while (this.running) await this.running.catch(() => undefined);
  }

  private runTick(): Promise<TickReport | undefined> {
    if (this.running) return this.running;
    return this.tick(this.deps.clock.now()).catch((e: unknown) => {
      this.deps.log.error({ err: e }, 'scheduler tick failed');
      return undefined;
    });
  }

  /** One pass over everything due at `now`. Safe to call concurrently from several replicas. */
  tick(now: Date): Promise<TickReport> {
    if (this.running) return this.running.then(() => this.tick(now));
    const run = this.runPhases(now).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async runPhases(now: Date): Promise<TickReport> {
    const report: TickReport = { reminders: 0, escalations: 0, appointments: 0, dropped: 0, digests: 0, skippedDigests: 0 };
    const phase = async (name: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (e) {
        this.deps.log.error({ err: e, phase: name }, 'scheduler phase failed');
      }
    };
    if (now.getTime() - this.lastEnsure >= APPOINTMENT_ENSURE_EVERY_MS || now.getTime() < this.lastEnsure) {
      await phase('appointments.ensure', async () => {
        await this.ensureAppointmentTimers(now);
        this.lastEnsure = now.getTime();
      });
    }
    await phase('appointments.fire', () => this.fireTimers(now, report));
    await phase('reminders', async () => {
      await this.sweepReminders(now, report);
    });
    await phase('digests', () => this.sendDigests(now, report));
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      await phase('prune', async () => {
        await this.store.prune(now);
        this.lastPrune = now.getTime();
      });
    }
    if (report.reminders + report.escalations + report.appointments + report.digests > 0) this.deps.onEnqueued?.();
    if (report.reminders + report.escalations + report.appointments + report.digests + report.dropped > 0) {
      this.deps.log.info({ ...report, at: now.toISOString() }, 'scheduler tick');
    }
    return report;
  }

  // ── Waiting work ───────────────────────────────────────────────────────────────────────────

  /** The reminder phase of a tick on its own (the bench times it). */
  async sweepReminders(now: Date, report: TickReport = { reminders: 0, escalations: 0, appointments: 0, dropped: 0, digests: 0, skippedDigests: 0 }): Promise<TickReport> {
    // A page large enough that a person's due tasks are rarely cut in two (each cut person costs
    // one more query, over all their open tasks): 5 000 rows is a few MB.
    const batch = this.deps.batchSize ?? 5000;
    const seen = new Set<string>();
    for (let round = 0; round < MAX_SWEEP_ROUNDS; round++) {
      const read = await this.store.dueTasks(now, batch);
      const rows = read.filter((r) => !seen.has(r.id));
      if (rows.length === 0) return report;
      const byPerson = new Map<string, DueTaskRow[]>();
      for (const r of rows) {
        seen.add(r.id);
        const list = byPerson.get(r.personId) ?? [];
        list.push(r);
        byPerson.set(r.personId, list);
      }
      // People are taken in transactions of up to PEOPLE_PER_COMMIT, each person inside a
      // savepoint: one commit (one WAL write, one fsync) per group rather than per person, while
      // a person whose claim fails (another replica was first) rolls back alone. On PostgreSQL
      // several groups run at once (the pool has 10 connections); SQLite has one writer.
      const people = [...byPerson];
      const lanes = this.deps.sql.provider === 'postgresql' ? 8 : 1;
      await Promise.all(Array.from({ length: lanes }, async () => {
        while (people.length > 0) {
          const counts = { reminders: 0, escalations: 0 };
          try {
            await this.store.transaction(async (tx) => {
              const group = people.splice(0, PEOPLE_PER_COMMIT);
              const sentToday = await this.store.remindersSentMany(group.map(([personId]) => ({ personId, day: localDay(now, this.org.timezone(personId)) })), tx);
              for (const [personId, tasks] of group) {
                await tx.execute('SAVEPOINT person');
                try {
                  // A full page may have cut someone's due tasks in two: take all of theirs, so they get one message.
                  const all = read.length === batch ? (await this.store.dueTasks(now, 1000, personId, tx)).filter((r) => !seen.has(r.id) || tasks.some((x) => x.id === r.id)) : tasks;
                  for (const r of all) seen.add(r.id);
                  const c = await this.remindPerson(tx, personId, all, now, sentToday.get(personId) ?? 0);
                  await tx.execute('RELEASE SAVEPOINT person');
                  counts.reminders += c.reminders;
                  counts.escalations += c.escalations;
                } catch (e) {
                  await tx.execute('ROLLBACK TO SAVEPOINT person');
                  await tx.execute('RELEASE SAVEPOINT person');
                  // Most often another replica recorded this person's reminder first: retried next tick.
                  this.deps.log.warn({ err: e, personId }, 'reminder batch not sent');
                }
              }
            });
            report.reminders += counts.reminders;
            report.escalations += counts.escalations;
          } catch (e) {
            this.deps.log.warn({ err: e }, 'reminder group not committed; retried next tick');
          }
        }
      }));
    }
    return report;
  }

  private async remindPerson(tx: Sql, personId: string, tasks: DueTaskRow[], now: Date, sent: number): Promise<{ reminders: number; escalations: number }> {
    const org = this.org;
    const day = localDay(now, org.timezone(personId));
    const plan = planPersonReminders(personId, tasks, org, now, sent);
    const rowOf = new Map(tasks.map((t) => [t.id, t]));
    {
      const claimed: TaskPlan[] = [];
      for (const p of plan.tasks) if (await this.store.claimTask(tx, p.task, p.next, p.remind, p.escalate ? now : null)) claimed.push(p);
      const outbox: OutboxDraft[] = [];
      const item = (p: TaskPlan): ReminderItem => ({ task: p.task, request: rowOf.get(p.task.id)!.request });
      const remind = claimed.filter((p) => p.remind);
      if (remind.length > 0) {
        await this.store.recordReminderSent(tx, personId, day, sent + 1, now);
        const requestIds = [...new Set(remind.map((p) => p.task.requestId))];
        outbox.push({
          personId, kind: 'reminder', requestId: requestIds.length === 1 ? requestIds[0]! : null,
          payload: { view: buildReminderView(personId, remind.map(item), org, now), taskIds: remind.map((p) => p.task.id) },
        });
      }
      // Escalations: an audit entry and a card refresh per request, one message per target.
      const escalating = claimed.filter((p) => p.escalate);
      const byTarget = new Map<string, ReminderItem[]>();
      const byRequest = new Map<number, TaskPlan[]>();
      for (const p of escalating) byRequest.set(p.task.requestId, [...(byRequest.get(p.task.requestId) ?? []), p]);
      for (const [requestId, plans] of byRequest) {
        const request = rowOf.get(plans[0]!.task.id)!.request;
        const type = org.type(request.typeId);
        const coordinators = request.coordinatorId ? [request.coordinatorId] : type ? org.holders(type.coordinatorRole, request.unitId) : [];
        const target = escalationTarget(personId, org, coordinators);
        if (!target) continue;
        byTarget.set(target, [...(byTarget.get(target) ?? []), ...plans.map(item)]);
        const version = await this.store.bumpVersion(tx, requestId, now);
        for (const [i, p] of plans.entries()) {
          await this.store.insertAudit(tx, requestId, version * 100 + i, SYSTEM_ACTOR, 'escalate', request.status, { person: target, waiting: personId, task: p.task.id, kind: p.task.kind }, now);
        }
        const state = await this.deps.repo.load(requestId, tx);
        if (state) {
          for (const p of participants(state, { org, now, newId: () => '' })) outbox.push({ personId: p, kind: 'card', requestId, payload: { kind: 'card', personId: p } });
        }
      }
      for (const [target, items] of byTarget) {
        outbox.push({
          personId: target, kind: 'reminder', requestId: items.length === 1 ? items[0]!.request.id : null,
          payload: { view: buildEscalationView(target, personId, items, org, now), escalation: true },
          // Delivered in the manager's business hours.
          notBefore: nextBusinessStart(now, org.calendar(target)),
        });
      }
      await this.store.insertOutbox(tx, outbox, now);
      return { reminders: remind.length > 0 ? 1 : 0, escalations: byTarget.size };
    }
  }

  /**
   * `/support snooze [hours]` and the reminder's snooze button: no reminders to this person for
   * `hours` (clamped to 1..72) of wall-clock time; escalations still happen on time.
   */
  async snooze(personId: string, hours: number, now: Date = this.deps.clock.now()): Promise<SnoozeResult> {
    const until = new Date(now.getTime() + clampSnoozeHours(hours) * 3_600_000);
    const tasks = await this.store.snooze(personId, snoozedNext(null, until));
    return { personId, snoozedUntil: until, tasks };
  }

  // ── Scheduled items ────────────────────────────────────────────────────────────────────────

  /** Creates the missing appointment timers of open requests with an appointment near now. */
  async ensureAppointmentTimers(now: Date): Promise<number> {
    const org = this.org;
    const requests = await this.store.scheduledRequests(new Date(now.getTime() - APPOINTMENT_LOOKBACK_MS), new Date(now.getTime() + APPOINTMENT_HORIZON_MS));
    const timers = requests.flatMap((r) => appointmentTimers(r, org, now));
    return timers.length > 0 ? this.store.ensureTimers(timers) : 0;
  }

  private async fireTimers(now: Date, report: TickReport): Promise<void> {
    const org = this.org;
    for (let round = 0; round < MAX_SWEEP_ROUNDS; round++) {
      const due = await this.store.dueTimers(now, this.deps.batchSize ?? 500);
      if (due.length === 0) return;
      for (const timer of due) {
        if (timer.kind !== 'appointment' || timer.requestId === null || !timer.personId) {
          await this.store.transaction((tx) => this.store.settleTimer(tx, timer.id, 'dropped', this.deps.workerId, now));
          continue;
        }
        const p = timer.payload as unknown as AppointmentPayload;
        const personId = timer.personId;
        const request = await this.store.loadRequestForTimer(timer.requestId);
        const still = appointmentStillDue(p, personId, request, org, now);
        const won = await this.store.transaction(async (tx) => {
          if (!(await this.store.settleTimer(tx, timer.id, still ? 'done' : 'dropped', this.deps.workerId, now))) return false;
          if (still && request) {
            await this.store.insertOutbox(tx, [{ personId, kind: 'reminder', requestId: request.id, payload: { view: buildAppointmentView(personId, request, p, org), appointment: p } }], now);
          }
          return true;
        });
        if (won && still) report.appointments++;
        else if (won) report.dropped++;
      }
      if (due.length < (this.deps.batchSize ?? 500)) return;
    }
  }

  // ── Digests ────────────────────────────────────────────────────────────────────────────────

  private async sendDigests(now: Date, report: TickReport): Promise<void> {
    const org = this.org;
    const due: Array<{ cfg: DigestConfig; slot: DigestSlot }> = [];
    for (const cfg of org.data.digests) {
      if (!org.person(cfg.to)) continue;
      for (const slot of [dueDailySlot(cfg, org, now), dueWeeklySlot(cfg, org, now)]) if (slot) due.push({ cfg, slot });
    }
    if (due.length === 0) return;
    const states = await this.store.timerStates(due.map((d) => d.slot.key));
    const stale = new Date(now.getTime() - STALE_CLAIM_MS);
    const claimed: typeof due = [];
    for (const d of due) {
      const state = states.get(d.slot.key);
      if (state && !(state.status === 'claimed' && state.claimedAt && state.claimedAt < stale)) continue;
      if (await this.store.claimDigest({ ...d.slot, kind: `digest-${d.slot.kind}` }, this.deps.workerId, now, stale)) claimed.push(d);
    }
    if (claimed.length === 0) return;
    const views = await this.buildDigests(claimed, now);
    for (const { cfg, slot } of claimed) {
      const view = views.get(slot.key) ?? null;
      const send = view !== null && !(view.empty && cfg.skipEmpty);
      const message: OutboxDraft | null = send ? { personId: cfg.to, kind: 'digest', requestId: null, payload: { view: view.view, digest: slot.kind } } : null;
      if (await this.store.completeDigest(slot.key, this.deps.workerId, now, message)) {
        if (send) report.digests++;
        else report.skippedDigests++;
      }
    }
  }

  /**
   * Builds the digests of several readers with one set of queries: rows are loaded once for the
   * union of their units and filtered per reader. Used by the tick, `digestFor` and the bench.
   */
  async buildDigests(items: Array<{ cfg: Pick<DigestConfig, 'to' | 'units'>; slot: DigestSlot }>, now: Date): Promise<Map<string, { view: MessageView; empty: boolean }>> {
    const org = this.org;
    const out = new Map<string, { view: MessageView; empty: boolean }>();
    const daily = items.filter((i) => i.slot.kind === 'daily');
    const weekly = items.filter((i) => i.slot.kind === 'weekly');
    if (daily.length > 0) {
      const prepared = await Promise.all(daily.map(async (i) => {
        const since = (await this.store.previousDigestAt('daily', i.cfg.to, i.slot.key)) ?? new Date(i.slot.at.getTime() - 86_400_000);
        return { ...i, units: digestUnits(i.cfg, org), since, today: localDayRange(now, org.timezone(i.cfg.to)) };
      }));
      const units = [...new Set(prepared.flatMap((p) => p.units))];
      const since = new Date(Math.min(...prepared.map((p) => p.since.getTime())));
      const from = new Date(Math.min(...prepared.map((p) => p.today.start.getTime())));
      const to = new Date(Math.max(...prepared.map((p) => p.today.end.getTime())));
      const byUnit = partitionByUnit(await this.store.digestRows(units, since, from, to));
      for (const p of prepared) {
        const d = selectDaily(rowsOfUnits(byUnit, p.units), p.units, p.since, now, p.today);
        out.set(p.slot.key, { view: buildDailyDigestView(p.cfg.to, d, org, now, this.deps.baseUrl), empty: isEmptyDaily(d) });
      }
    }
    if (weekly.length > 0) {
      const prepared = weekly.map((i) => ({ ...i, units: digestUnits(i.cfg, org), from: new Date(i.slot.at.getTime() - 7 * 86_400_000) }));
      const units = [...new Set(prepared.flatMap((p) => p.units))];
      const rows = await this.store.weeklyRows(units, new Date(Math.min(...prepared.map((p) => p.from.getTime()))));
      for (const p of prepared) {
        const w = selectWeekly(rows, p.units, p.from, p.slot.at);
        out.set(p.slot.key, { view: buildWeeklyDigestView(p.cfg.to, w, org, this.deps.baseUrl), empty: w.volume.length === 0 && w.sla.total === 0 && w.load.length === 0 });
      }
    }
    return out;
  }

  /**
   * `/support digest`: the reader's daily digest as of `now` (new since their last digest, else
   * the last 24 hours). Null when the person watches no unit.
   */
  async digestFor(personId: string, now: Date = this.deps.clock.now()): Promise<MessageView | null> {
    const org = this.org;
    const cfg = org.data.digests.find((d) => d.to === personId) ?? { to: personId, units: [] };
    if (digestUnits(cfg, org).length === 0) return null;
    const slot: DigestSlot = { kind: 'daily', personId, at: now, key: `digest:daily:${personId}:~` };
    const built = await this.buildDigests([{ cfg, slot }], now);
    return built.get(slot.key)?.view ?? null;
  }
}
