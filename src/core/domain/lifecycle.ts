import type { RequestTypeDef } from '../catalog/types.js';
import { DomainError } from '../errors.js';
import { addBusinessHours } from './business-time.js';
import { planChain, stepOutcome, taskFor, type DomainContext } from './chain.js';
import {
  isOpen, type AuditDraft, type FieldValues, type NoticeKey, type RequestState, type RequestStatus,
  type StepState, type TaskKind, type TaskState, type Transition,
} from './types.js';

// The request lifecycle as pure functions: (state, actor, action) -> next state + audit + what
// to tell whom. No I/O; the use cases persist a Transition in one transaction.

export type Action =
  | { type: 'decide'; decision: 'approve' | 'reject'; comment?: string; taskId?: string }
  | { type: 'return'; question: string }
  | { type: 'resubmit'; answer: string; fields?: FieldValues }
  | { type: 'assign'; supporterId: string; note?: string }
  | { type: 'decline'; reason: string }
  | { type: 'accept' }
  | { type: 'start' }
  | { type: 'deliver'; link?: string; note?: string }
  | { type: 'confirm'; rating: number; note?: string }
  | { type: 'reopen'; reason: string }
  | { type: 'cancel'; reason?: string }
  | { type: 'withdraw' }
  | { type: 'comment'; body: string }
  | { type: 'transfer'; toPersonId: string; comment?: string; taskId?: string }
  | { type: 'add_approver'; personId: string; position: 'before' | 'after'; comment?: string }
  | { type: 'nudge' }
  | { type: 'watch'; personId: string }
  | { type: 'summary'; link?: string; note?: string };

export type ActionType = Action['type'];

export interface NewRequest {
  type: RequestTypeDef;
  unitId: string;
  customer: string;
  title: string;
  fields: FieldValues;
  requesterId: string;
  watchers?: string[];
  scheduledAt?: Date | null;
}

class Draft {
  readonly audit: AuditDraft[] = [];
  readonly notices: Transition['notify'] = [];
  readonly attachments: Transition['attachments'] = [];
  readonly comments: Transition['comments'] = [];
  assignment?: Transition['assignment'];

  constructor(readonly state: RequestState, readonly ctx: DomainContext, readonly type: RequestTypeDef) {}

  log(actorId: string, action: string, from: RequestStatus | null, detail: Record<string, unknown> = {}, onBehalfOfId?: string | null) {
    this.audit.push({ actorId, onBehalfOfId: onBehalfOfId ?? null, action, fromStatus: from, toStatus: this.state.status, detail });
  }

  notice(personId: string, message: NoticeKey, params: Record<string, string | number> = {}) {
    this.notices.push({ kind: 'notice', personId, message, params: { id: this.state.id, ...params } });
  }

  /** Open a task now, with its SLA due time and first reminder in the person's business calendar. */
  open(task: TaskState) {
    const { org, now } = this.ctx;
    const cal = org.calendar(task.personId);
    const sla = org.data.sla[task.kind];
    task.status = 'open';
    task.createdAt = now;
    task.dueAt = addBusinessHours(now, sla, cal);
    task.nextRemindAt = addBusinessHours(now, sla * org.data.reminders.firstAt, cal);
    task.remindCount = 0;
    this.state.tasks.push(task);
    return task;
  }

  newTask(kind: TaskKind, personId: string, stepId: string | null = null) {
    return this.open(taskFor(stepId, kind, personId, 'open', this.ctx));
  }

  closeTasks(pred: (t: TaskState) => boolean, status: 'cancelled' | 'skipped') {
    for (const t of this.state.tasks) {
      if ((t.status === 'open' || t.status === 'pending') && pred(t)) {
        t.status = status;
        t.decidedAt = this.ctx.now;
      }
    }
  }

  finish(original?: RequestState): Transition {
    const s = this.state;
    // Nothing happened (e.g. copying someone already copied): no new version, nothing to send.
    if (original && this.audit.length === 0) return { next: original, audit: [], notify: [], attachments: [], comments: [] };
    s.version += 1;
    s.updatedAt = this.ctx.now;
    const cards = participants(s, this.ctx).map((personId) => ({ kind: 'card' as const, personId }));
    return { next: s, audit: this.audit, notify: [...cards, ...this.notices], attachments: this.attachments, comments: this.comments, assignment: this.assignment };
  }
}

/** Everyone who holds a card for this request: they see every change. */
export function participants(s: RequestState, ctx: DomainContext): string[] {
  const type = ctx.org.type(s.typeId);
  const set = new Set<string>([s.requesterId, ...s.watchers]);
  for (const t of s.tasks) if (t.status !== 'pending') set.add(t.personId);
  if (s.coordinatorId) set.add(s.coordinatorId);
  if (s.assigneeId) set.add(s.assigneeId);
  if (type && s.status === 'pending_assignment') for (const p of ctx.org.holders(type.coordinatorRole, s.unitId)) set.add(p);
  return [...set];
}

const typeOf = (s: { typeId: string }, ctx: DomainContext) => {
  const type = ctx.org.type(s.typeId);
  if (!type) throw new DomainError('not_found', 'error.unknown_type', { type: s.typeId });
  return type;
};

export function createRequest(input: NewRequest, ctx: DomainContext): Transition {
  const { type, unitId, requesterId } = input;
  if (!ctx.org.unit(unitId)) throw new DomainError('validation', 'error.unknown_unit', { unit: unitId }, [{ field: 'unit', message: 'error.unknown_unit' }]);
  if (ctx.org.holders(type.coordinatorRole, unitId).length === 0) {
    throw new DomainError('no_route', 'error.no_coordinator', { type: type.id, unit: unitId });
  }
  const state: RequestState = {
    id: 0, typeId: type.id, unitId, customer: input.customer, title: input.title, requesterId,
    status: 'pending_approval', resumeStage: null, fields: input.fields, version: 0,
    watchers: [...new Set(input.watchers ?? [])].filter((w) => w !== requesterId),
    scheduledAt: input.scheduledAt ?? null, createdAt: ctx.now, updatedAt: ctx.now, steps: [], tasks: [],
  };
  const d = new Draft(state, ctx, type);
  const chain = planChain(type, input.fields, unitId, requesterId, ctx);
  chain.forEach((p, i) => {
    p.step.seq = i + 1;
    state.steps.push(p.step);
    for (const person of p.approvers) state.tasks.push(taskFor(p.step.id, 'approve', person, 'pending', ctx));
  });
  advance(d, requesterId);
  d.log(requesterId, 'submit', null, { steps: chain.map((p) => ({ step: p.step.defId, approvers: p.approvers, notes: p.notes })) });
  d.notice(requesterId, 'notice.submitted');
  for (const w of state.watchers) d.notice(w, 'notice.watching', { by: requesterId });
  return d.finish();
}

/** Activate the next waiting step, or hand the request to the coordinator when the chain is done. */
function advance(d: Draft, actorId: string, quiet = false) {
  const s = d.state;
  for (;;) {
    const next = [...s.steps].sort((a, b) => a.seq - b.seq).find((st) => st.status === 'waiting' || st.status === 'active');
    if (!next) break;
    next.status = 'active';
    s.status = 'pending_approval';
    const tasks = s.tasks.filter((t) => t.stepId === next.id && t.status === 'pending');
    s.tasks = s.tasks.filter((t) => !tasks.includes(t));
    for (const t of tasks) d.open(t);
    if (tasks.length > 0 || s.tasks.some((t) => t.stepId === next.id && t.status === 'open')) return;
    // Every vote was carried over from before a return: the step is already settled.
    next.status = stepOutcome(next, s.tasks) === 'approved' ? 'approved' : 'skipped';
    next.decidedAt = d.ctx.now;
  }
  const from = s.status;
  s.status = 'pending_assignment';
  for (const person of d.ctx.org.holders(d.type.coordinatorRole, s.unitId)) d.newTask('assign', person);
  if (!quiet && from !== 'pending_assignment' && s.steps.length > 0) d.log(actorId, 'approval_complete', from);
}

/** Resolve who acts: the person themselves, or the delegate acting for them ("B for A"). */
function actingAs(d: Draft, actorId: string, candidates: string[]): { personId: string; onBehalfOf: string | null } | undefined {
  if (candidates.includes(actorId)) return { personId: actorId, onBehalfOf: null };
  for (const c of candidates) if (d.ctx.org.delegateOf(c, d.ctx.now) === actorId) return { personId: c, onBehalfOf: c };
  return undefined;
}

/** Someone acted on something that is no longer waiting: say who settled it and when. */
function alreadyDecided(s: RequestState, ctx: DomainContext, kinds: TaskKind[]): DomainError {
  const last = s.tasks
    .filter((t) => t.status === 'done' && kinds.includes(t.kind) && t.decidedAt)
    .sort((a, b) => (b.decidedAt!.getTime() - a.decidedAt!.getTime()))[0];
  if (last) {
    return new DomainError('already_decided', 'error.already_decided', {
      by: ctx.org.displayName(last.decidedById ?? last.personId), at: last.decidedAt!.toISOString(), status: s.status,
    });
  }
  return new DomainError('invalid_state', 'error.invalid_state', { status: s.status });
}

function requireStatus(s: RequestState, ctx: DomainContext, allowed: RequestStatus[], kinds: TaskKind[]) {
  if (!allowed.includes(s.status)) throw alreadyDecided(s, ctx, kinds);
}

function requireRequester(s: RequestState, actorId: string) {
  if (s.requesterId !== actorId) throw new DomainError('not_allowed', 'error.only_requester');
}

function coordinatorAs(d: Draft, actorId: string) {
  const holders = d.ctx.org.holders(d.type.coordinatorRole, d.state.unitId);
  const who = actingAs(d, actorId, [...new Set([...(d.state.coordinatorId ? [d.state.coordinatorId] : []), ...holders])]);
  if (!who) throw new DomainError('not_allowed', 'error.only_coordinator');
  return who;
}

function activeStep(s: RequestState): StepState | undefined {
  return s.steps.find((st) => st.status === 'active');
}

/**
 * The draft's own copy of the state (the caller's stays as it was, for the store's diff): rows
 * and lists are copied; values inside them (dates, field values, labels) are only ever replaced,
 * never changed in place, so they are shared. structuredClone did the same at 5x the cost.
 */
export function copyState(s: RequestState): RequestState {
  return { ...s, watchers: [...s.watchers], steps: s.steps.map((st) => ({ ...st })), tasks: s.tasks.map((t) => ({ ...t })) };
}

export function applyAction(state: RequestState, actorId: string, action: Action, ctx: DomainContext): Transition {
  const type = typeOf(state, ctx);
  const d = new Draft(copyState(state), ctx, type);
  const s = d.state;
  const from = s.status;
  const name = (id: string) => ctx.org.displayName(id);

  switch (action.type) {
    case 'decide': {
      if (actorId === s.requesterId) throw new DomainError('self_approval', 'error.self_approval');
      requireStatus(s, ctx, ['pending_approval'], ['approve']);
      const step = activeStep(s);
      const open = s.tasks.filter((t) => t.stepId === step?.id && t.status === 'open' && (!action.taskId || t.id === action.taskId));
      const who = actingAs(d, actorId, open.map((t) => t.personId));
      if (!who) {
        // Anyone who was ever asked in this chain (their step settled by someone else) hears who decided.
        const wasAsked = s.tasks.some((t) => t.kind === 'approve' && (t.status === 'done' || t.status === 'skipped') && (t.personId === actorId || t.decidedById === actorId || ctx.org.delegateOf(t.personId, ctx.now) === actorId));
        if (wasAsked || s.tasks.some((t) => t.stepId === step?.id && t.status === 'done')) throw alreadyDecided(s, ctx, ['approve']);
        throw new DomainError('not_allowed', 'error.not_your_step');
      }
      if (action.decision === 'reject' && !action.comment?.trim()) {
        throw new DomainError('validation', 'error.reason_required', {}, [{ field: 'comment', message: 'error.reason_required' }]);
      }
      const task = open.find((t) => t.personId === who.personId)!;
      Object.assign(task, { status: 'done', decision: action.decision, comment: action.comment ?? null, decidedById: actorId, onBehalfOfId: who.onBehalfOf, decidedAt: ctx.now });
      const outcome = stepOutcome(step!, s.tasks);
      d.log(actorId, action.decision, from, { step: step!.defId, comment: action.comment ?? null, outcome }, who.onBehalfOf);
      if (outcome === 'open') break;
      step!.decidedAt = ctx.now;
      d.closeTasks((t) => t.stepId === step!.id, 'skipped');
      if (outcome === 'approved') {
        step!.status = 'approved';
        d.notice(s.requesterId, 'notice.approved_step', { step: step!.label[ctx.org.locale(s.requesterId)], by: name(actorId) });
        advance(d, actorId);
      } else if (outcome === 'rejected') {
        step!.status = 'rejected';
        s.status = 'rejected';
        s.closedAt = ctx.now;
        d.closeTasks(() => true, 'cancelled');
        d.log(actorId, 'request_rejected', from, { step: step!.defId });
        d.notice(s.requesterId, 'notice.rejected', { by: name(actorId), reason: action.comment ?? '' });
      } else {
        // Reviewers disagree: the policy sends the contract to a review meeting.
        step!.status = 'disagreed';
        const rule = step!.onDisagree!;
        const chairs = ctx.org.holders(rule.role, s.unitId).filter((p) => p !== s.requesterId);
        const meeting: StepState = { id: ctx.newId(), seq: step!.seq + 1, defId: `${step!.defId}-meeting`, label: rule.label, mode: 'any', status: 'waiting', onDisagree: null };
        for (const st of s.steps) if (st.seq > step!.seq) st.seq += 1;
        s.steps.push(meeting);
        for (const p of chairs.length > 0 ? chairs : [ctx.org.manager(s.requesterId) ?? actorId]) s.tasks.push(taskFor(meeting.id, 'approve', p, 'pending', ctx));
        d.log(actorId, 'escalated_to_meeting', from, { step: step!.defId, meeting: meeting.defId });
        d.notice(s.requesterId, 'notice.escalated_meeting', { step: rule.label[ctx.org.locale(s.requesterId)] });
        advance(d, actorId);
      }
      break;
    }

    case 'return': {
      requireStatus(s, ctx, ['pending_approval', 'pending_assignment'], ['approve', 'assign']);
      if (!action.question.trim()) throw new DomainError('validation', 'error.question_required', {}, [{ field: 'question', message: 'error.question_required' }]);
      let who;
      if (s.status === 'pending_approval') {
        const step = activeStep(s);
        who = actingAs(d, actorId, s.tasks.filter((t) => t.stepId === step?.id && t.status === 'open').map((t) => t.personId));
        if (!who) throw new DomainError('not_allowed', 'error.not_your_step');
        // The step starts over after the answer: its tasks wait again.
        d.closeTasks((t) => t.stepId === step!.id, 'cancelled');
        step!.status = 'waiting';
        for (const t of s.tasks.filter((x) => x.stepId === step!.id && x.status === 'cancelled' && x.decidedAt === ctx.now)) {
          s.tasks.push(taskFor(step!.id, 'approve', t.personId, 'pending', ctx));
        }
        s.resumeStage = 'approval';
      } else {
        who = coordinatorAs(d, actorId);
        d.closeTasks((t) => t.kind === 'assign', 'cancelled');
        s.resumeStage = 'triage';
      }
      s.status = 'info_requested';
      d.newTask('answer', s.requesterId);
      d.comments.push({ id: ctx.newId(), authorId: actorId, body: action.question });
      d.log(actorId, 'return', from, { question: action.question }, who.onBehalfOf);
      d.notice(s.requesterId, 'notice.returned', { by: name(actorId), question: action.question });
      break;
    }

    case 'resubmit': {
      requireRequester(s, actorId);
      requireStatus(s, ctx, ['info_requested'], ['answer']);
      if (!action.answer.trim()) throw new DomainError('validation', 'error.answer_required', {}, [{ field: 'answer', message: 'error.answer_required' }]);
      const answer = s.tasks.find((t) => t.kind === 'answer' && t.status === 'open');
      if (answer) Object.assign(answer, { status: 'done', decision: 'answered', comment: action.answer, decidedById: actorId, decidedAt: ctx.now });
      if (action.fields) s.fields = { ...s.fields, ...action.fields };
      d.comments.push({ id: ctx.newId(), authorId: actorId, body: action.answer });
      // Values may have changed (a bigger discount), whichever stage asked: re-plan the steps not yet approved.
      const approved = s.steps.filter((st) => st.status === 'approved' || st.status === 'disagreed');
      for (const st of s.steps) if (st.status === 'waiting' || st.status === 'active') st.status = 'skipped';
      d.closeTasks((t) => t.kind === 'approve', 'skipped');
      const approvedIds = new Set(approved.map((st) => st.id));
      const already = new Set(s.tasks.filter((t) => t.kind === 'approve' && t.status === 'done' && approvedIds.has(t.stepId ?? '')).map((t) => t.personId));
      const fresh = planChain(d.type, s.fields, s.unitId, s.requesterId, ctx, new Set(approved.map((st) => st.defId)), already);
      let seq = Math.max(0, ...s.steps.map((st) => st.seq));
      for (const p of fresh) {
        p.step.seq = ++seq;
        s.steps.push(p.step);
        for (const person of p.approvers) {
          // A reviewer who already approved this step before it was returned keeps their vote.
          const prior = s.tasks.find((t) => t.kind === 'approve' && t.status === 'done' && t.personId === person && t.decision === 'approve'
            && s.steps.some((st) => st.id === t.stepId && st.defId === p.step.defId && st.status === 'skipped'));
          const task = taskFor(p.step.id, 'approve', person, prior ? 'done' : 'pending', ctx);
          if (prior) Object.assign(task, { decision: prior.decision, comment: prior.comment, decidedById: prior.decidedById, onBehalfOfId: prior.onBehalfOfId, decidedAt: prior.decidedAt });
          s.tasks.push(task);
        }
      }
      s.resumeStage = null;
      // One entry, info_requested -> wherever the answer leads (approval or the coordinator).
      advance(d, actorId, true);
      d.log(actorId, 'resubmit', from, { answer: action.answer, changed: Object.keys(action.fields ?? {}) });
      for (const t of s.tasks.filter((x) => x.status === 'open' && x.createdAt === ctx.now)) d.notice(t.personId, 'notice.resubmitted', { by: name(actorId) });
      break;
    }

    case 'assign': {
      requireStatus(s, ctx, ['pending_assignment', 'assigned', 'accepted', 'in_progress'], ['assign']);
      const who = coordinatorAs(d, actorId);
      const pool = ctx.org.holders(d.type.supporterRole, s.unitId);
      if (!pool.includes(action.supporterId)) {
        throw new DomainError('validation', 'error.not_in_pool', { person: action.supporterId }, [{ field: 'supporter', message: 'error.not_in_pool' }]);
      }
      const reassign = s.status !== 'pending_assignment';
      if (reassign && s.assigneeId === action.supporterId) throw new DomainError('invalid_state', 'error.already_assigned', { person: name(action.supporterId) });
      const assignTask = s.tasks.find((t) => t.kind === 'assign' && t.status === 'open' && t.personId === who.personId);
      if (assignTask) Object.assign(assignTask, { status: 'done', decision: 'assign', decidedById: actorId, onBehalfOfId: who.onBehalfOf, decidedAt: ctx.now });
      d.closeTasks((t) => t.kind === 'assign' || t.kind === 'accept' || t.kind === 'deliver', 'skipped');
      const previous = s.assigneeId;
      s.coordinatorId = who.personId;
      s.assigneeId = action.supporterId;
      s.status = 'assigned';
      d.newTask('accept', action.supporterId);
      d.assignment = { id: ctx.newId(), supporterId: action.supporterId, assignedById: actorId, note: action.note };
      d.log(actorId, reassign ? 'reassign' : 'assign', from, { supporter: action.supporterId, previous: previous ?? null, note: action.note ?? null }, who.onBehalfOf);
      d.notice(s.requesterId, 'notice.assigned', { supporter: name(action.supporterId) });
      break;
    }

    case 'decline': {
      requireStatus(s, ctx, ['pending_assignment'], ['assign']);
      const who = coordinatorAs(d, actorId);
      if (!action.reason.trim()) throw new DomainError('validation', 'error.reason_required', {}, [{ field: 'reason', message: 'error.reason_required' }]);
      s.status = 'declined';
      s.closedAt = ctx.now;
      s.coordinatorId = who.personId;
      d.closeTasks(() => true, 'cancelled');
      d.log(actorId, 'decline', from, { reason: action.reason }, who.onBehalfOf);
      d.notice(s.requesterId, 'notice.declined', { by: name(actorId), reason: action.reason });
      break;
    }

    case 'accept':
    case 'start': {
      const allowed: RequestStatus[] = action.type === 'accept' ? ['assigned'] : ['assigned', 'accepted'];
      requireStatus(s, ctx, allowed, ['accept']);
      if (s.assigneeId !== actorId) throw new DomainError('not_allowed', 'error.only_assignee');
      const accept = s.tasks.find((t) => t.kind === 'accept' && t.status === 'open');
      if (accept) Object.assign(accept, { status: 'done', decision: 'accept', decidedById: actorId, decidedAt: ctx.now });
      if (!s.tasks.some((t) => t.kind === 'deliver' && t.status === 'open')) d.newTask('deliver', actorId);
      s.status = action.type === 'accept' ? 'accepted' : 'in_progress';
      d.log(actorId, action.type, from);
      d.notice(s.requesterId, action.type === 'accept' ? 'notice.accepted' : 'notice.started', { supporter: name(actorId) });
      break;
    }

    case 'deliver': {
      requireStatus(s, ctx, ['accepted', 'in_progress'], ['deliver']);
      if (s.assigneeId !== actorId) throw new DomainError('not_allowed', 'error.only_assignee');
      if (!action.link?.trim() && !action.note?.trim()) {
        throw new DomainError('validation', 'error.deliverable_required', {}, [{ field: 'link', message: 'error.deliverable_required' }]);
      }
      const task = s.tasks.find((t) => t.kind === 'deliver' && t.status === 'open');
      if (task) Object.assign(task, { status: 'done', decision: 'deliver', decidedById: actorId, decidedAt: ctx.now });
      if (action.link?.trim()) d.attachments.push({ id: ctx.newId(), kind: 'link', purpose: 'deliverable', value: action.link.trim(), addedById: actorId });
      if (action.note?.trim()) d.attachments.push({ id: ctx.newId(), kind: 'note', purpose: 'deliverable', value: action.note.trim(), addedById: actorId });
      s.status = 'delivered';
      d.newTask('confirm', s.requesterId);
      d.log(actorId, 'deliver', from, { link: action.link ?? null, note: action.note ?? null });
      d.notice(s.requesterId, 'notice.delivered', { supporter: name(actorId) });
      break;
    }

    case 'confirm': {
      requireRequester(s, actorId);
      requireStatus(s, ctx, ['delivered'], ['confirm']);
      if (!Number.isInteger(action.rating) || action.rating < 1 || action.rating > 5) {
        throw new DomainError('validation', 'error.rating_range', {}, [{ field: 'rating', message: 'error.rating_range' }]);
      }
      const task = s.tasks.find((t) => t.kind === 'confirm' && t.status === 'open');
      if (task) Object.assign(task, { status: 'done', decision: 'confirm', decidedById: actorId, decidedAt: ctx.now });
      s.status = 'closed';
      s.closedAt = ctx.now;
      s.rating = action.rating;
      s.ratingNote = action.note ?? null;
      d.log(actorId, 'confirm', from, { rating: action.rating, note: action.note ?? null });
      if (s.assigneeId) d.notice(s.assigneeId, 'notice.closed', { rating: action.rating });
      if (d.type.followUp === 'event-summary') {
        d.newTask('summary', s.requesterId);
        d.notice(s.requesterId, 'notice.summary_due');
      }
      break;
    }

    case 'reopen': {
      requireRequester(s, actorId);
      requireStatus(s, ctx, ['delivered'], ['confirm']);
      if (!action.reason.trim()) throw new DomainError('validation', 'error.reason_required', {}, [{ field: 'reason', message: 'error.reason_required' }]);
      d.closeTasks((t) => t.kind === 'confirm', 'cancelled');
      s.status = 'in_progress';
      d.newTask('deliver', s.assigneeId!);
      d.comments.push({ id: ctx.newId(), authorId: actorId, body: action.reason });
      d.log(actorId, 'reopen', from, { reason: action.reason });
      d.notice(s.assigneeId!, 'notice.reopened', { by: name(actorId), reason: action.reason });
      break;
    }

    case 'cancel': {
      if (!isOpen(s.status)) throw alreadyDecided(s, ctx, ['approve', 'assign', 'confirm']);
      const isCoordinator = d.ctx.org.holders(d.type.coordinatorRole, s.unitId).includes(actorId) || s.coordinatorId === actorId;
      if (actorId !== s.requesterId && !isCoordinator) throw new DomainError('not_allowed', 'error.only_requester');
      s.status = 'cancelled';
      s.closedAt = ctx.now;
      d.closeTasks(() => true, 'cancelled');
      d.log(actorId, 'cancel', from, { reason: action.reason ?? null });
      for (const p of participants(s, ctx)) if (p !== actorId) d.notice(p, 'notice.cancelled', { by: name(actorId), reason: action.reason ?? '' });
      break;
    }

    case 'withdraw': {
      requireRequester(s, actorId);
      const decided = s.tasks.some((t) => t.status === 'done' && (t.kind === 'approve' || t.kind === 'assign'));
      if (!['pending_approval', 'pending_assignment'].includes(s.status) || decided) {
        throw new DomainError('invalid_state', 'error.withdraw_after_decision');
      }
      s.status = 'withdrawn';
      s.closedAt = ctx.now;
      d.closeTasks(() => true, 'cancelled');
      d.log(actorId, 'withdraw', from);
      for (const p of participants(s, ctx)) if (p !== actorId) d.notice(p, 'notice.withdrawn', { by: name(actorId) });
      break;
    }

    case 'comment': {
      const body = action.body.trim();
      if (!body) throw new DomainError('validation', 'error.comment_required', {}, [{ field: 'body', message: 'error.comment_required' }]);
      const everyone = participants(s, ctx);
      const inUnit = ctx.org.unitsOf(actorId).includes(s.unitId);
      if (!everyone.includes(actorId) && !inUnit) throw new DomainError('not_allowed', 'error.not_participant');
      d.comments.push({ id: ctx.newId(), authorId: actorId, body });
      d.log(actorId, 'comment', from, { body });
      // Comments go to card threads, not as a card refresh.
      d.state.version += 1;
      d.state.updatedAt = ctx.now;
      return {
        next: d.state, audit: d.audit, attachments: [], assignment: undefined, comments: d.comments,
        notify: everyone.filter((p) => p !== actorId).map((personId) => ({ kind: 'comment' as const, personId, authorId: actorId, body })),
      };
    }

    case 'transfer': {
      requireStatus(s, ctx, ['pending_approval'], ['approve']);
      const step = activeStep(s);
      const open = s.tasks.filter((t) => t.stepId === step?.id && t.status === 'open' && (!action.taskId || t.id === action.taskId));
      const who = actingAs(d, actorId, open.map((t) => t.personId));
      if (!who) throw new DomainError('not_allowed', 'error.not_your_step');
      const target = action.toPersonId;
      if (!ctx.org.person(target)) throw new DomainError('validation', 'error.unknown_person', { person: target }, [{ field: 'person', message: 'error.unknown_person' }]);
      if (target === s.requesterId) throw new DomainError('self_approval', 'error.self_approval_target');
      if (s.tasks.some((t) => t.stepId === step!.id && t.personId === target && (t.status === 'open' || t.status === 'pending'))) {
        throw new DomainError('validation', 'error.already_in_step', { person: name(target) }, [{ field: 'person', message: 'error.already_in_step' }]);
      }
      const task = open.find((t) => t.personId === who.personId)!;
      Object.assign(task, { status: 'cancelled', decision: 'transferred', comment: action.comment ?? null, decidedById: actorId, decidedAt: ctx.now });
      d.newTask('approve', target, step!.id);
      d.log(actorId, 'transfer', from, { step: step!.defId, to: target, comment: action.comment ?? null }, who.onBehalfOf);
      d.notice(target, 'notice.transferred', { by: name(actorId) });
      break;
    }

    case 'add_approver': {
      requireStatus(s, ctx, ['pending_approval'], ['approve']);
      const step = activeStep(s)!;
      const who = actingAs(d, actorId, s.tasks.filter((t) => t.stepId === step?.id && t.status === 'open').map((t) => t.personId));
      if (!who) throw new DomainError('not_allowed', 'error.not_your_step');
      const target = action.personId;
      if (!ctx.org.person(target)) throw new DomainError('validation', 'error.unknown_person', { person: target }, [{ field: 'person', message: 'error.unknown_person' }]);
      if (target === s.requesterId) throw new DomainError('self_approval', 'error.self_approval_target');
      const label = { 'zh-CN': `加签:${name(target)}`, en: `Added reviewer: ${name(target)}` };
      const added: StepState = { id: ctx.newId(), seq: 0, defId: 'added', label, mode: 'any', status: 'waiting', onDisagree: null };
      if (action.position === 'before') {
        // 前加签: the new reviewer decides first; this step waits and starts over after them.
        added.seq = step.seq;
        for (const st of s.steps) if (st.seq >= step.seq) st.seq += 1;
        for (const t of s.tasks) if (t.stepId === step.id && t.status === 'open') { t.status = 'pending'; t.dueAt = null; t.nextRemindAt = null; }
        step.status = 'waiting';
        s.steps.push(added);
        s.tasks.push(taskFor(added.id, 'approve', target, 'pending', ctx));
        advance(d, actorId);
      } else {
        added.seq = step.seq + 1;
        for (const st of s.steps) if (st.seq > step.seq) st.seq += 1;
        s.steps.push(added);
        s.tasks.push(taskFor(added.id, 'approve', target, 'pending', ctx));
      }
      d.log(actorId, 'add_approver', from, { person: target, position: action.position, comment: action.comment ?? null }, who.onBehalfOf);
      d.notice(s.requesterId, 'notice.added_approver', { person: name(target), by: name(actorId) });
      break;
    }

    case 'nudge': {
      requireRequester(s, actorId);
      const waiting = s.tasks.filter((t) => t.status === 'open' && t.personId !== actorId);
      if (!isOpen(s.status) || waiting.length === 0) throw new DomainError('invalid_state', 'error.nothing_to_nudge');
      const gapMs = ctx.org.data.reminders.nudgeMinIntervalMinutes * 60_000;
      if (s.lastNudgeAt && ctx.now.getTime() - s.lastNudgeAt.getTime() < gapMs) {
        const after = new Date(s.lastNudgeAt.getTime() + gapMs);
        throw new DomainError('rate_limited', 'error.nudge_too_soon', { after: after.toISOString() });
      }
      s.lastNudgeAt = ctx.now;
      d.log(actorId, 'nudge', from, { to: waiting.map((t) => t.personId) });
      for (const t of waiting) d.notice(t.personId, 'notice.nudged', { by: name(actorId) });
      break;
    }

    case 'watch': {
      if (!ctx.org.person(action.personId)) throw new DomainError('validation', 'error.unknown_person', { person: action.personId }, [{ field: 'person', message: 'error.unknown_person' }]);
      if (!participants(s, ctx).includes(actorId)) throw new DomainError('not_allowed', 'error.not_participant');
      if (s.watchers.includes(action.personId) || action.personId === s.requesterId) break;
      s.watchers.push(action.personId);
      d.log(actorId, 'watch', from, { person: action.personId });
      d.notice(action.personId, 'notice.watching', { by: name(actorId) });
      break;
    }

    case 'summary': {
      requireRequester(s, actorId);
      const task = s.tasks.find((t) => t.kind === 'summary' && t.status === 'open');
      if (!task) throw new DomainError('invalid_state', 'error.no_summary_due');
      if (!action.link?.trim() && !action.note?.trim()) {
        throw new DomainError('validation', 'error.deliverable_required', {}, [{ field: 'link', message: 'error.deliverable_required' }]);
      }
      Object.assign(task, { status: 'done', decision: 'summary', decidedById: actorId, decidedAt: ctx.now });
      if (action.link?.trim()) d.attachments.push({ id: ctx.newId(), kind: 'link', purpose: 'summary', value: action.link.trim(), addedById: actorId });
      if (action.note?.trim()) d.attachments.push({ id: ctx.newId(), kind: 'note', purpose: 'summary', value: action.note.trim(), addedById: actorId });
      d.log(actorId, 'summary', from, { link: action.link ?? null });
      for (const p of participants(s, ctx)) if (p !== actorId) d.notice(p, 'notice.summary_added', { by: name(actorId) });
      break;
    }

    default: {
      const never: never = action;
      throw new DomainError('validation', 'error.unknown_action', { action: String((never as { type: string }).type) });
    }
  }
  return d.finish(state);
}

/** Actions a person can take on a request right now: drives the buttons on their card. */
export function availableActions(s: RequestState, personId: string, ctx: DomainContext): ActionType[] {
  const type = ctx.org.type(s.typeId);
  if (!type) return [];
  const out: ActionType[] = [];
  const actsFor = (p: string) => p === personId || ctx.org.delegateOf(p, ctx.now) === personId;
  const openTasks = s.tasks.filter((t) => t.status === 'open' && actsFor(t.personId));
  const isRequester = s.requesterId === personId;
  const coordinators = [...ctx.org.holders(type.coordinatorRole, s.unitId), ...(s.coordinatorId ? [s.coordinatorId] : [])];
  const isCoordinator = coordinators.some(actsFor);
  if (s.status === 'pending_approval' && !isRequester && openTasks.some((t) => t.kind === 'approve')) out.push('decide', 'return', 'transfer', 'add_approver');
  if (s.status === 'pending_assignment' && isCoordinator) out.push('assign', 'return', 'decline');
  if (['assigned', 'accepted', 'in_progress'].includes(s.status) && isCoordinator) out.push('assign');
  if (s.assigneeId === personId) {
    if (s.status === 'assigned') out.push('accept', 'start');
    if (s.status === 'accepted') out.push('start', 'deliver');
    if (s.status === 'in_progress') out.push('deliver');
  }
  if (isRequester) {
    if (s.status === 'info_requested') out.push('resubmit');
    if (s.status === 'delivered') out.push('confirm', 'reopen');
    const decided = s.tasks.some((t) => t.status === 'done' && (t.kind === 'approve' || t.kind === 'assign'));
    if (['pending_approval', 'pending_assignment'].includes(s.status) && !decided) out.push('withdraw');
    if (isOpen(s.status)) out.push('cancel');
    if (isOpen(s.status) && s.tasks.some((t) => t.status === 'open' && t.personId !== personId)) out.push('nudge');
    if (s.tasks.some((t) => t.kind === 'summary' && t.status === 'open')) out.push('summary');
  }
  if (!isRequester && isCoordinator && isOpen(s.status)) out.push('cancel');
  const involved = isRequester || participants(s, ctx).includes(personId) || ctx.org.unitsOf(personId).includes(s.unitId);
  if (isOpen(s.status) && involved) out.push('comment');
  return out;
}
