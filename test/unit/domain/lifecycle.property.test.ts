import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/core/errors.js';
import { applyAction, availableActions, createRequest, type Action, type ActionType } from '../../../src/core/domain/lifecycle.js';
import { REQUEST_STATUSES, TERMINAL_STATUSES, type AuditDraft, type RequestState, type RequestStatus, type Transition } from '../../../src/core/domain/types.js';
import { ctx, MONDAY_10AM, org } from '../../fixtures/org.js';

// Random walks through the lifecycle: random actions by random (mostly relevant) people on
// random request types and values. Every refused action must leave the state untouched; every
// accepted one must keep the invariants below.

/** Allowed status changes, from the design (same status = comment, nudge, watch, a vote that leaves the step open, ...). */
const ALLOWED: Record<RequestStatus, RequestStatus[]> = {
  pending_approval: ['pending_approval', 'pending_assignment', 'info_requested', 'rejected', 'cancelled', 'withdrawn'],
  pending_assignment: ['pending_assignment', 'assigned', 'info_requested', 'declined', 'cancelled', 'withdrawn'],
  info_requested: ['info_requested', 'pending_approval', 'pending_assignment', 'cancelled'],
  assigned: ['assigned', 'accepted', 'in_progress', 'cancelled'],
  accepted: ['accepted', 'in_progress', 'delivered', 'assigned', 'cancelled'],
  in_progress: ['in_progress', 'delivered', 'assigned', 'cancelled'],
  delivered: ['delivered', 'closed', 'in_progress', 'cancelled'],
  closed: ['closed'],
  rejected: ['rejected'],
  declined: ['declined'],
  cancelled: ['cancelled'],
  withdrawn: ['withdrawn'],
};

const TYPES = org.catalog.map((t) => t.id);
const PEOPLE = [...org.allPeople().map((p) => p.id), 'ghost'];
const REQUESTERS = ['rep.a', 'rep.b', 'mm', 'pm.east', 'bm.east', 'bl.east', 'lawyer'];
const AMOUNTS = [0, 10, 15, 15.01, 20, 30, 31, 1999, 2000, 2001, 10000, 10001, 50000, 50001, 200000, 200001];
const ACTIONS: ActionType[] = [
  'decide', 'decide', 'decide', 'return', 'resubmit', 'assign', 'assign', 'decline', 'accept', 'start', 'deliver',
  'confirm', 'reopen', 'cancel', 'withdraw', 'comment', 'transfer', 'add_approver', 'nudge', 'watch', 'summary',
];

interface StepInput {
  kind: ActionType;
  /** Pick the action from the person's card buttons (availableActions) instead of `kind`. */
  guided: boolean;
  relevant: boolean;
  who: number;
  target: number;
  flag: boolean;
  amount: number;
  rating: number;
  minutes: number;
}

const stepArb: fc.Arbitrary<StepInput> = fc.record({
  kind: fc.constantFrom(...ACTIONS),
  guided: fc.integer({ min: 0, max: 99 }).map((n) => n < 80),
  relevant: fc.integer({ min: 0, max: 99 }).map((n) => n < 85),
  who: fc.nat(1000),
  target: fc.nat(1000),
  flag: fc.boolean(),
  amount: fc.constantFrom(...AMOUNTS),
  rating: fc.integer({ min: 0, max: 6 }),
  minutes: fc.integer({ min: 0, max: 180 }),
});

const runArb = fc.record({
  typeId: fc.constantFrom(...TYPES),
  unitId: fc.constantFrom('east', 'east', 'south'),
  requesterId: fc.constantFrom(...REQUESTERS),
  amount: fc.constantFrom(...AMOUNTS),
  steps: fc.array(stepArb, { minLength: 20, maxLength: 30 }),
});

/** People who can plausibly act now: task holders, their delegates, requester, coordinators, supporters. */
function relevantPeople(s: RequestState, now: Date): string[] {
  const type = org.type(s.typeId)!;
  const out = new Set<string>([s.requesterId]);
  for (const t of s.tasks) {
    if (t.status !== 'open') continue;
    out.add(t.personId);
    const d = org.delegateOf(t.personId, now);
    if (d) out.add(d);
  }
  for (const p of org.holders(type.coordinatorRole, s.unitId)) out.add(p);
  for (const p of org.holders(type.supporterRole, s.unitId)) out.add(p);
  if (s.assigneeId) out.add(s.assigneeId);
  return [...out];
}

function buildAction(step: StepInput, s: RequestState): Action {
  const type = org.type(s.typeId)!;
  const pool = org.holders(type.supporterRole, s.unitId);
  const anyone = PEOPLE[step.target % PEOPLE.length]!;
  const text = step.flag ? 'because' : '';
  const amountField = type.approvals.flatMap((a) => a.when ?? []).map((c) => c.field)[0];
  switch (step.kind) {
    case 'decide': return step.flag || step.amount > 100 ? { type: 'decide', decision: 'approve' } : { type: 'decide', decision: 'reject', comment: step.rating > 1 ? 'no' : '' };
    case 'return': return { type: 'return', question: step.rating > 0 ? 'why?' : ' ' };
    case 'resubmit': return { type: 'resubmit', answer: step.rating > 0 ? 'answer' : '', fields: step.flag && amountField ? { [amountField]: step.amount } : undefined };
    case 'assign': return { type: 'assign', supporterId: step.flag && pool.length > 0 ? pool[step.target % pool.length]! : anyone };
    case 'decline': return { type: 'decline', reason: text };
    case 'accept': return { type: 'accept' };
    case 'start': return { type: 'start' };
    case 'deliver': return step.flag ? { type: 'deliver', link: 'https://files.example/x' } : { type: 'deliver', note: step.rating > 2 ? 'done' : '' };
    case 'confirm': return { type: 'confirm', rating: step.rating };
    case 'reopen': return { type: 'reopen', reason: text };
    case 'cancel': return { type: 'cancel', reason: text || undefined };
    case 'withdraw': return { type: 'withdraw' };
    case 'comment': return { type: 'comment', body: step.rating > 0 ? 'a comment' : ' ' };
    case 'transfer': return { type: 'transfer', toPersonId: anyone };
    case 'add_approver': return { type: 'add_approver', personId: anyone, position: step.flag ? 'before' : 'after' };
    case 'nudge': return { type: 'nudge' };
    case 'watch': return { type: 'watch', personId: anyone };
    case 'summary': return { type: 'summary', link: step.flag ? 'https://wiki/summary' : undefined, note: step.rating > 3 ? 'summary' : undefined };
  }
}

function checkState(s: RequestState, prevRequester: string) {
  expect(REQUEST_STATUSES).toContain(s.status);
  expect(s.requesterId).toBe(prevRequester);
  // nobody approves their own request
  for (const t of s.tasks) {
    if (t.kind !== 'approve') continue;
    expect(t.personId === s.requesterId && t.status !== 'cancelled' && t.status !== 'skipped', 'requester holds an approve task').toBe(false);
    if (t.status === 'done') expect(t.decidedById).not.toBe(s.requesterId);
  }
  // at most one active step; pending approval has exactly one, with someone to decide it
  const active = s.steps.filter((st) => st.status === 'active');
  expect(active.length).toBeLessThanOrEqual(1);
  if (s.status === 'pending_approval') {
    expect(active).toHaveLength(1);
    expect(s.tasks.some((t) => t.stepId === active[0]!.id && t.status === 'open')).toBe(true);
  }
  // no open task in a terminal status, except the summary after a market event
  if (TERMINAL_STATUSES.has(s.status)) {
    const open = s.tasks.filter((t) => t.status === 'open');
    for (const t of open) {
      expect(s.status === 'closed' && t.kind === 'summary' && org.type(s.typeId)?.followUp === 'event-summary', `open ${t.kind} task in ${s.status}`).toBe(true);
    }
  }
  // tasks are opened only for known people
  for (const t of s.tasks) if (t.status === 'open' || t.status === 'pending') expect(org.person(t.personId), `task for ${t.personId}`).toBeDefined();
  // each kind of waiting task has a reason to exist in this status
  const openKinds = new Set(s.tasks.filter((t) => t.status === 'open').map((t) => t.kind));
  if (openKinds.has('approve')) expect(s.status).toBe('pending_approval');
  if (openKinds.has('assign')) expect(s.status).toBe('pending_assignment');
  if (openKinds.has('answer')) expect(s.status).toBe('info_requested');
  if (openKinds.has('confirm')) expect(s.status).toBe('delivered');
}

type Run = typeof runArb extends fc.Arbitrary<infer T> ? T : never;

function walk(run: Run): void {
  const type = org.type(run.typeId)!;
  let now = MONDAY_10AM.getTime();
  const fields = Object.fromEntries(type.fields.filter((f) => f.kind === 'number' || f.kind === 'money').map((f) => [f.id, run.amount]));
  let tr: Transition;
  try {
    tr = createRequest({ type, unitId: run.unitId, customer: 'c', title: 't', fields, requesterId: run.requesterId, watchers: [] }, ctx(new Date(now)));
  } catch (e) {
    if (e instanceof DomainError) return; // e.g. no test manager in south
    throw e;
  }
  const log: AuditDraft[] = [...tr.audit];
  let auditSum = tr.audit.length;
  let state = tr.next;
  checkState(state, run.requesterId);
  expect(tr.audit.at(-1)?.toStatus, 'submit audit').toBe(state.status);

  for (const step of run.steps) {
    now += step.minutes * 60_000;
    const c = ctx(new Date(now));
    const rel = relevantPeople(state, c.now);
    const actor = step.relevant ? rel[step.who % rel.length]! : PEOPLE[step.who % PEOPLE.length]!;
    const offered = availableActions(state, actor, c).filter((a) => !(a === 'cancel' || a === 'withdraw') || step.target % 10 === 0);
    const kind = step.guided && offered.length > 0 ? offered[step.target % offered.length]! : step.kind;
    const action = buildAction({ ...step, kind }, state);
    const before = structuredClone(state);
    let next: Transition;
    try {
      next = applyAction(state, actor, action, c);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      expect(state, `refused ${action.type} by ${actor} changed the input`).toEqual(before);
      continue;
    }
    expect(state, `${action.type} by ${actor} mutated its input`).toEqual(before);
    const s = next.next;
    const label = `${action.type} by ${actor}: ${before.status} -> ${s.status}`;
    if (next.audit.length === 0) {
      // Nothing happened (e.g. watching someone already watching): same state, same version, nothing sent.
      expect(s, `${label}: a change without an audit entry`).toEqual(before);
      expect(next.notify, label).toEqual([]);
      continue;
    }
    expect(ALLOWED[before.status], label).toContain(s.status);
    expect(s.version, label).toBe(before.version + 1);
    checkState(s, run.requesterId);
    expect(next.audit[0]!.fromStatus, label).toBe(before.status);
    expect(next.audit.at(-1)!.toStatus, label).toBe(s.status);
    log.push(...next.audit);
    auditSum += next.audit.length;
    state = s;
  }

  expect(log).toHaveLength(auditSum);
  expect(log[0]).toMatchObject({ action: 'submit', fromStatus: null });
  // replaying the statuses recorded in the audit chain reproduces the final status
  let cur: RequestStatus | null = null;
  for (let i = 0; i < log.length; i++) {
    const entry = log[i]!;
    expect(entry.fromStatus ?? null, `audit ${entry.action}`).toBe(cur);
    cur = entry.toStatus ?? null;
  }
  expect(cur).toBe(state.status);
}

describe('random walks through the request lifecycle', () => {
  it('keep every invariant and record every status change in the audit (fixed seed)', () => {
    fc.assert(fc.property(runArb, (run) => walk(run)), { numRuns: 200, seed: 20260302 });
  });

  it('keep every invariant and record every status change in the audit (fresh seed)', () => {
    fc.assert(fc.property(runArb, (run) => walk(run)), { numRuns: 200 });
  });
});
