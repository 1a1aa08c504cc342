import { beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/core/errors.js';
import { applyAction, availableActions, createRequest, participants, type Action } from '../../../src/core/domain/lifecycle.js';
import type { FieldValues, RequestState, Transition } from '../../../src/core/domain/types.js';
import type { DomainContext } from '../../../src/core/domain/chain.js';
import { ctx, later, org, resetIds } from '../../fixtures/org.js';

beforeEach(() => resetIds());

let clock = 0;
/** Each action a minute after the previous one, so audit times are ordered. */
const tick = (): DomainContext => later(++clock);

function submit(typeId: string, fields: FieldValues = {}, requesterId = 'rep.a', unitId = 'east', watchers: string[] = []): Transition {
  const type = org.type(typeId);
  if (!type) throw new Error(`no type ${typeId}`);
  return createRequest({ type, unitId, customer: 'Big Bank', title: `${typeId} for Big Bank`, fields, requesterId, watchers }, tick());
}
const act = (s: RequestState, actorId: string, action: Action, c: DomainContext = tick()): Transition => applyAction(s, actorId, action, c);
const approve = (s: RequestState, actorId: string) => act(s, actorId, { type: 'decide', decision: 'approve' }).next;
const reject = (s: RequestState, actorId: string, comment = 'not this time') => act(s, actorId, { type: 'decide', decision: 'reject', comment }).next;

function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

/** The planned chain: step id -> approvers, in order. */
const chain = (s: RequestState) =>
  [...s.steps].filter((st) => st.status !== 'skipped').sort((a, b) => a.seq - b.seq)
    .map((st) => [st.defId, s.tasks.filter((t) => t.stepId === st.id && t.kind === 'approve' && t.status !== 'cancelled' && t.status !== 'skipped').map((t) => t.personId)]);
const openTasks = (s: RequestState, kind?: string) => s.tasks.filter((t) => t.status === 'open' && (!kind || t.kind === kind)).map((t) => t.personId).sort();
const cards = (tr: Transition) => tr.notify.filter((n) => n.kind === 'card').map((n) => n.personId);

const price = (discountPct: number, requester = 'rep.a', unit = 'east') => submit('price-request', { discountPct }, requester, unit);
const gift = (giftValue: number) => submit('corporate-gift', { giftValue });
const event = (budgetTotal: number) => submit('market-event', { budgetTotal });
const contract = (requester = 'rep.a') => submit('contract-review', {}, requester);

/** A price request at 10 % walked to the given status. */
function priceAt(status: 'pending_assignment' | 'assigned' | 'accepted' | 'in_progress' | 'delivered' | 'closed'): RequestState {
  let s = approve(price(10).next, 'mm');
  if (status === 'pending_assignment') return s;
  s = act(s, 'bm.east', { type: 'assign', supporterId: 'ba.east' }).next;
  if (status === 'assigned') return s;
  s = act(s, 'ba.east', { type: 'accept' }).next;
  if (status === 'accepted') return s;
  s = act(s, 'ba.east', { type: 'start' }).next;
  if (status === 'in_progress') return s;
  s = act(s, 'ba.east', { type: 'deliver', link: 'https://files.example/price.pdf' }).next;
  if (status === 'delivered') return s;
  return act(s, 'rep.a', { type: 'confirm', rating: 5 }).next;
}

describe('submitting a request routes it by type and values', () => {
  it('a technical request goes straight to the coordinator with no approvals', () => {
    const tr = submit('solution-proposal');
    expect(tr.next.status).toBe('pending_assignment');
    expect(tr.next.steps).toEqual([]);
    expect(openTasks(tr.next, 'assign')).toEqual(['pm.east']);
    expect(cards(tr)).toEqual(expect.arrayContaining(['rep.a', 'pm.east']));
  });

  it('a system test goes to the test manager, not the presales manager', () => {
    expect(openTasks(submit('system-test').next)).toEqual(['tm.east']);
  });

  it('the submit audit of a technical request records where it actually went (pending assignment)', () => {
    // BUG: createRequest logs "submit" with toStatus pending_approval before advance() moves the
    // request on; with no approval steps nothing else is logged, so the audit never shows pending_assignment.
    const tr = submit('solution-proposal');
    expect(tr.audit.at(-1)?.toStatus).toBe(tr.next.status);
  });

  it.each([
    [0, [['market-manager', ['mm']]]],
    [14.99, [['market-manager', ['mm']]]],
    [15, [['market-manager', ['mm']]]],
    [15.01, [['market-manager', ['mm']], ['bu-leader', ['bl.east', 'bl.east2']]]],
    [16, [['market-manager', ['mm']], ['bu-leader', ['bl.east', 'bl.east2']]]],
    [29.99, [['market-manager', ['mm']], ['bu-leader', ['bl.east', 'bl.east2']]]],
    [30, [['market-manager', ['mm']], ['bu-leader', ['bl.east', 'bl.east2']]]],
    [30.01, [['market-manager', ['mm']], ['bu-leader', ['bl.east', 'bl.east2']], ['company-leader', ['boss']]]],
    [31, [['market-manager', ['mm']], ['bu-leader', ['bl.east', 'bl.east2']], ['company-leader', ['boss']]]],
  ])('a price request at %s %% discount goes to the right approvers', (pct, expected) => {
    const s = price(pct).next;
    expect(chain(s)).toEqual(expected);
    expect(s.status).toBe('pending_approval');
    expect(openTasks(s)).toEqual(['mm']);
  });

  it('a discount typed as text is compared as a number', () => {
    expect(chain(submit('price-request', { discountPct: '31' }).next).map(([id]) => id)).toEqual(['market-manager', 'bu-leader', 'company-leader']);
  });

  it.each([
    [0, []],
    [2000, []],
    [2000.01, ['bu-leader']],
    [10000, ['bu-leader']],
    [10001, ['bu-leader', 'company-leader']],
  ])('a corporate gift worth %s needs %j', (value, steps) => {
    const s = gift(value).next;
    expect(chain(s).map(([id]) => id)).toEqual(steps);
    expect(s.status).toBe(steps.length === 0 ? 'pending_assignment' : 'pending_approval');
  });

  it.each([
    [10000, ['market-manager']],
    [50000, ['market-manager']],
    [50001, ['market-manager', 'bu-leader']],
    [200000, ['market-manager', 'bu-leader']],
    [200001, ['market-manager', 'bu-leader', 'company-leader']],
  ])('a market event with a budget of %s needs %j', (budget, steps) => {
    expect(chain(event(budget).next).map(([id]) => id)).toEqual(steps);
  });

  it('an executive visit asks the BU leaders to commit their time', () => {
    expect(chain(submit('executive-visit').next)).toEqual([['bu-leader', ['bl.east', 'bl.east2']]]);
  });

  it('a contract review asks legal, presales and the market manager in parallel', () => {
    const s = contract().next;
    expect(chain(s)).toEqual([['review', ['lawyer', 'pm.east', 'mm']]]);
    expect(openTasks(s)).toEqual(['lawyer', 'mm', 'pm.east']);
  });

  it('a request in a unit with no coordinator cannot be submitted', () => {
    const e = domainError(() => submit('system-test', {}, 'rep.b', 'south'));
    expect(e.code).toBe('no_route');
  });

  it('a request for an unknown unit is refused', () => {
    expect(domainError(() => submit('solution-proposal', {}, 'rep.a', 'north')).code).toBe('validation');
  });

  it('watchers named at submit get a card and a notice, the requester is never a watcher', () => {
    const tr = submit('solution-proposal', {}, 'rep.a', 'east', ['mon', 'rep.a', 'mon']);
    expect(tr.next.watchers).toEqual(['mon']);
    expect(cards(tr)).toContain('mon');
    expect(tr.notify).toContainEqual(expect.objectContaining({ kind: 'notice', personId: 'mon', message: 'notice.watching' }));
  });
});

describe('approving and rejecting', () => {
  it('approving every step hands the request to the coordinator', () => {
    let s = price(31).next;
    s = approve(s, 'mm');
    expect(openTasks(s)).toEqual(['bl.east', 'bl.east2']);
    s = approve(s, 'bl.east');
    expect(openTasks(s)).toEqual(['boss']);
    const tr = act(s, 'boss', { type: 'decide', decision: 'approve' });
    expect(tr.next.status).toBe('pending_assignment');
    expect(openTasks(tr.next)).toEqual(['bm.east']);
    expect(tr.next.steps.every((st) => st.status === 'approved')).toBe(true);
    expect(tr.audit.map((a) => a.action)).toEqual(['approve', 'approval_complete']);
  });

  it('rejecting needs a reason', () => {
    const s = price(10).next;
    for (const comment of [undefined, '', '   ']) {
      const e = domainError(() => act(s, 'mm', { type: 'decide', decision: 'reject', comment }));
      expect(e.code).toBe('validation');
      expect(e.fieldErrors[0]?.field).toBe('comment');
    }
  });

  it('a rejection ends the request and cancels every waiting task', () => {
    const tr = act(price(31).next, 'mm', { type: 'decide', decision: 'reject', comment: 'too deep' });
    expect(tr.next.status).toBe('rejected');
    expect(tr.next.closedAt).toEqual(later(clock).now);
    expect(openTasks(tr.next)).toEqual([]);
    expect(tr.next.tasks.some((t) => t.status === 'pending')).toBe(false);
    expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'rep.a', message: 'notice.rejected', params: expect.objectContaining({ reason: 'too deep' }) }));
  });

  it('in an any-mode step the first decision settles it and the other approver is skipped', () => {
    let s = approve(price(20).next, 'mm');
    s = approve(s, 'bl.east2');
    expect(s.status).toBe('pending_assignment');
    expect(s.tasks.find((t) => t.personId === 'bl.east')?.status).toBe('skipped');
  });

  it('in an any-mode step a first rejection settles it even though the other approver would approve', () => {
    let s = approve(price(20).next, 'mm');
    s = reject(s, 'bl.east');
    expect(s.status).toBe('rejected');
    expect(domainError(() => approve(s, 'bl.east2')).code).toBe('already_decided');
  });

  it('only the current approver decides: a later step\'s approver and a bystander are refused', () => {
    const s = price(31).next;
    expect(domainError(() => approve(s, 'bl.east')).code).toBe('not_allowed');
    expect(domainError(() => approve(s, 'pe.east1')).code).toBe('not_allowed');
    expect(domainError(() => approve(s, 'vp')).code).toBe('not_allowed');
  });

  it('a delegate decides for an approver who is away, and the audit says "vp for boss"', () => {
    let s = approve(approve(price(31).next, 'mm'), 'bl.east');
    const tr = act(s, 'vp', { type: 'decide', decision: 'approve', comment: 'ok for boss' });
    s = tr.next;
    expect(s.status).toBe('pending_assignment');
    const task = s.tasks.find((t) => t.kind === 'approve' && t.personId === 'boss')!;
    expect(task).toMatchObject({ status: 'done', decidedById: 'vp', onBehalfOfId: 'boss' });
    expect(tr.audit[0]).toMatchObject({ actorId: 'vp', onBehalfOfId: 'boss', action: 'approve' });
  });

  it('the away approver can still decide for themselves', () => {
    const s = approve(approve(approve(price(31).next, 'mm'), 'bl.east'), 'boss');
    expect(s.tasks.find((t) => t.personId === 'boss')).toMatchObject({ decidedById: 'boss', onBehalfOfId: null });
  });

  it('a delegate is not a delegate once the absence is over', () => {
    const s = approve(approve(price(31).next, 'mm'), 'bl.east');
    const april = ctx(new Date('2026-04-01T02:00:00Z'));
    expect(domainError(() => applyAction(s, 'vp', { type: 'decide', decision: 'approve' }, april)).code).toBe('not_allowed');
  });
});

describe('nobody approves their own request', () => {
  it('the requester is refused with self_approval', () => {
    const e = domainError(() => approve(price(10).next, 'rep.a'));
    expect(e.code).toBe('self_approval');
  });

  it('a market manager filing a price request is removed from the chain and their manager stands in', () => {
    const tr = price(10, 'mm');
    expect(chain(tr.next)).toEqual([['market-manager', ['boss']]]);
    expect(JSON.stringify(tr.audit[0]?.detail)).toContain('requester mm removed from market-manager');
    expect(domainError(() => approve(tr.next, 'mm')).code).toBe('self_approval');
    // boss decides once even though he is also the company leader
    expect(chain(price(31, 'mm').next)).toEqual([['market-manager', ['boss']], ['bu-leader', ['bl.east', 'bl.east2']]]);
  });

  it('a presales manager filing a contract review is left out and the other reviewers decide', () => {
    const s = contract('pm.east').next;
    expect(chain(s)).toEqual([['review', ['lawyer', 'mm']]]);
    expect(approve(approve(s, 'lawyer'), 'mm').status).toBe('pending_assignment');
  });

  it('an approver cannot transfer or add the requester as an approver', () => {
    const s = price(10).next;
    expect(domainError(() => act(s, 'mm', { type: 'transfer', toPersonId: 'rep.a' })).code).toBe('self_approval');
    expect(domainError(() => act(s, 'mm', { type: 'add_approver', personId: 'rep.a', position: 'after' })).code).toBe('self_approval');
  });
});

describe('a person who holds two roles in one chain decides once', () => {
  it('the south market manager is also its BU leader: one step for him, then the company leader', () => {
    let s = price(31, 'rep.b', 'south').next;
    expect(chain(s)).toEqual([['market-manager', ['mm']], ['company-leader', ['boss']]]);
    s = approve(s, 'mm');
    expect(openTasks(s)).toEqual(['boss']);
    expect(s.tasks.filter((t) => t.personId === 'mm' && t.kind === 'approve')).toHaveLength(1);
  });
});

describe('contract review: every reviewer must agree', () => {
  it('all approve: the contract goes to the coordinator', () => {
    let s = contract().next;
    s = approve(s, 'lawyer');
    s = approve(s, 'pm.east');
    expect(s.status).toBe('pending_approval');
    expect(openTasks(s)).toEqual(['mm']);
    s = approve(s, 'mm');
    expect(s.status).toBe('pending_assignment');
  });

  it('all reject: the contract is rejected', () => {
    let s = contract().next;
    s = reject(s, 'lawyer');
    expect(s.status).toBe('pending_approval');
    s = reject(s, 'pm.east');
    s = reject(s, 'mm');
    expect(s.status).toBe('rejected');
  });

  it('reviewers disagree: a review meeting decided by the market manager approves it', () => {
    let s = contract().next;
    s = approve(s, 'lawyer');
    s = reject(s, 'pm.east', 'the SLA clause is unworkable');
    const tr = act(s, 'mm', { type: 'decide', decision: 'approve' });
    s = tr.next;
    expect(s.status).toBe('pending_approval');
    expect(s.steps.find((st) => st.defId === 'review')?.status).toBe('disagreed');
    expect(chain(s).at(-1)).toEqual(['review-meeting', ['mm']]);
    expect(openTasks(s)).toEqual(['mm']);
    expect(tr.audit.map((a) => a.action)).toEqual(['approve', 'escalated_to_meeting']);
    expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'rep.a', message: 'notice.escalated_meeting' }));
    s = approve(s, 'mm');
    expect(s.status).toBe('pending_assignment');
  });

  it('reviewers disagree: the review meeting rejects it', () => {
    let s = contract().next;
    s = reject(s, 'lawyer');
    s = approve(s, 'pm.east');
    s = approve(s, 'mm');
    expect(openTasks(s)).toEqual(['mm']);
    s = reject(s, 'mm', 'meeting says no');
    expect(s.status).toBe('rejected');
  });

  it('a reviewer who already voted cannot vote again', () => {
    const s = approve(contract().next, 'lawyer');
    expect(domainError(() => reject(s, 'lawyer')).code).toBe('already_decided');
  });
});

describe('returning for more information', () => {
  it('an approver asks a question, the requester answers and the step starts over', () => {
    let tr = act(price(10).next, 'mm', { type: 'return', question: 'Which competitor?' });
    let s = tr.next;
    expect(s.status).toBe('info_requested');
    expect(s.resumeStage).toBe('approval');
    expect(openTasks(s)).toEqual(['rep.a']);
    expect(tr.comments[0]).toMatchObject({ authorId: 'mm', body: 'Which competitor?' });
    expect(domainError(() => act(s, 'rep.b', { type: 'resubmit', answer: 'x' })).code).toBe('not_allowed');
    expect(domainError(() => act(s, 'rep.a', { type: 'resubmit', answer: ' ' })).code).toBe('validation');
    tr = act(s, 'rep.a', { type: 'resubmit', answer: 'Huawei' });
    s = tr.next;
    expect(s.status).toBe('pending_approval');
    expect(openTasks(s)).toEqual(['mm']);
    expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'mm', message: 'notice.resubmitted' }));
    expect(approve(s, 'mm').status).toBe('pending_assignment');
  });

  it('a question must not be empty', () => {
    expect(domainError(() => act(price(10).next, 'mm', { type: 'return', question: '  ' })).code).toBe('validation');
  });

  it('only the current approver (or coordinator in triage) can return a request', () => {
    expect(domainError(() => act(price(10).next, 'bl.east', { type: 'return', question: '?' })).code).toBe('not_allowed');
    expect(domainError(() => act(priceAt('pending_assignment'), 'pe.east1', { type: 'return', question: '?' })).code).toBe('not_allowed');
  });

  it('resubmitting with a bigger discount adds the BU leader and company leader steps', () => {
    let s = act(price(10).next, 'mm', { type: 'return', question: 'Is 10 % enough to win?' }).next;
    s = act(s, 'rep.a', { type: 'resubmit', answer: 'No, we need 35 %', fields: { discountPct: 35 } }).next;
    expect(s.fields.discountPct).toBe(35);
    expect(chain(s).map(([id]) => id)).toEqual(['market-manager', 'bu-leader', 'company-leader']);
    expect(openTasks(s)).toEqual(['mm']);
  });

  it('an approved step stays approved when a later step returns the request with a bigger discount', () => {
    let s = approve(price(20).next, 'mm');
    s = act(s, 'bl.east', { type: 'return', question: 'Why so deep?' }).next;
    s = act(s, 'rep.a', { type: 'resubmit', answer: 'Competitor at 35', fields: { discountPct: 35 } }).next;
    expect(s.steps.find((st) => st.defId === 'market-manager')?.status).toBe('approved');
    expect(chain(s).map(([id]) => id)).toEqual(['market-manager', 'bu-leader', 'company-leader']);
    expect(openTasks(s)).toEqual(['bl.east', 'bl.east2']);
  });

  it('a reviewer who approved before the return keeps the vote', () => {
    let s = approve(contract().next, 'lawyer');
    s = act(s, 'mm', { type: 'return', question: 'Send the annex' }).next;
    s = act(s, 'rep.a', { type: 'resubmit', answer: 'Annex attached' }).next;
    expect(openTasks(s)).toEqual(['mm', 'pm.east']);
    const active = s.steps.find((st) => st.status === 'active')!;
    expect(s.tasks.find((t) => t.stepId === active.id && t.personId === 'lawyer')).toMatchObject({ status: 'done', decision: 'approve', decidedById: 'lawyer' });
    s = approve(approve(s, 'mm'), 'pm.east');
    expect(s.status).toBe('pending_assignment');
  });

  it('the coordinator returns a request during triage and it comes back to triage', () => {
    let s = priceAt('pending_assignment');
    const tr = act(s, 'bm.east', { type: 'return', question: 'Which products exactly?' });
    s = tr.next;
    expect(s).toMatchObject({ status: 'info_requested', resumeStage: 'triage' });
    expect(openTasks(s)).toEqual(['rep.a']);
    s = act(s, 'rep.a', { type: 'resubmit', answer: 'Switches only' }).next;
    expect(s.status).toBe('pending_assignment');
    expect(openTasks(s)).toEqual(['bm.east']);
  });

  it('raising the discount when answering the coordinator still needs the leaders\' approval', () => {
    // BUG: resubmit only re-plans the chain when resumeStage is 'approval'; in triage the new values
    // are never checked, so 10 % approved by the market manager becomes 35 % with no further approval.
    let s = priceAt('pending_assignment');
    s = act(s, 'bm.east', { type: 'return', question: 'Final discount?' }).next;
    s = act(s, 'rep.a', { type: 'resubmit', answer: '35 %', fields: { discountPct: 35 } }).next;
    expect(s.status).toBe('pending_approval');
    expect(chain(s).map(([id]) => id)).toEqual(['market-manager', 'bu-leader', 'company-leader']);
  });

  it('a resubmit that needs no more approval is one audit entry from info_requested to the coordinator', () => {
    let s = approve(gift(10001).next, 'bl.east');
    expect(openTasks(s)).toEqual(['boss']);
    s = act(s, 'vp', { type: 'return', question: 'Why so expensive?' }).next;
    const tr = act(s, 'rep.a', { type: 'resubmit', answer: 'Cheaper gifts', fields: { giftValue: 5000 } });
    expect(tr.next.status).toBe('pending_assignment');
    expect(tr.audit.map((a) => [a.action, a.fromStatus, a.toStatus])).toEqual([['resubmit', 'info_requested', 'pending_assignment']]);
  });

  it('the resubmit audit records the status the request moves to', () => {
    // BUG: resubmit logs its audit entry before advance(), so its toStatus is info_requested while
    // the request is pending_approval again; no other entry records that change.
    const s = act(price(10).next, 'mm', { type: 'return', question: 'Which competitor?' }).next;
    const tr = act(s, 'rep.a', { type: 'resubmit', answer: 'Huawei' });
    expect(tr.next.status).toBe('pending_approval');
    expect(tr.audit.at(-1)?.toStatus).toBe('pending_approval');
  });
});

describe('assignment and delivery', () => {
  it('the coordinator assigns a supporter from the pool', () => {
    const tr = act(priceAt('pending_assignment'), 'bm.east', { type: 'assign', supporterId: 'ba.east', note: 'urgent' });
    expect(tr.next).toMatchObject({ status: 'assigned', assigneeId: 'ba.east', coordinatorId: 'bm.east' });
    expect(openTasks(tr.next)).toEqual(['ba.east']);
    expect(tr.assignment).toMatchObject({ supporterId: 'ba.east', assignedById: 'bm.east', note: 'urgent' });
    expect(tr.audit[0]).toMatchObject({ action: 'assign', fromStatus: 'pending_assignment', toStatus: 'assigned' });
  });

  it('only the coordinator assigns', () => {
    for (const who of ['rep.a', 'mm', 'ba.east', 'bm.south']) {
      expect(domainError(() => act(priceAt('pending_assignment'), who, { type: 'assign', supporterId: 'ba.east' })).code).toBe('not_allowed');
    }
  });

  it('a supporter must come from the type\'s pool in the request\'s unit', () => {
    for (const who of ['pe.east1', 'ba.south', 'nobody']) {
      const e = domainError(() => act(priceAt('pending_assignment'), 'bm.east', { type: 'assign', supporterId: who }));
      expect(e.code).toBe('validation');
      expect(e.fieldErrors[0]?.field).toBe('supporter');
    }
  });

  it('the coordinator reassigns to someone else, and the new assignee starts over', () => {
    for (const at of ['assigned', 'accepted', 'in_progress'] as const) {
      const tr = act(priceAt(at), 'bm.east', { type: 'assign', supporterId: 'ba.east2' });
      expect(tr.next).toMatchObject({ status: 'assigned', assigneeId: 'ba.east2' });
      expect(openTasks(tr.next)).toEqual(['ba.east2']);
      expect(tr.audit[0]).toMatchObject({ action: 'reassign', detail: expect.objectContaining({ previous: 'ba.east' }) });
    }
    expect(domainError(() => act(priceAt('assigned'), 'bm.east', { type: 'assign', supporterId: 'ba.east' })).code).toBe('invalid_state');
  });

  it('the coordinator declines with a reason', () => {
    const s = priceAt('pending_assignment');
    expect(domainError(() => act(s, 'bm.east', { type: 'decline', reason: ' ' })).code).toBe('validation');
    expect(domainError(() => act(s, 'rep.a', { type: 'decline', reason: 'no' })).code).toBe('not_allowed');
    const tr = act(s, 'bm.east', { type: 'decline', reason: 'Out of policy' });
    expect(tr.next.status).toBe('declined');
    expect(openTasks(tr.next)).toEqual([]);
  });

  it('only the assignee accepts, starts and delivers', () => {
    const assigned = priceAt('assigned');
    for (const who of ['ba.east2', 'bm.east', 'rep.a']) {
      expect(domainError(() => act(assigned, who, { type: 'accept' })).code).toBe('not_allowed');
      expect(domainError(() => act(assigned, who, { type: 'start' })).code).toBe('not_allowed');
      expect(domainError(() => act(priceAt('accepted'), who, { type: 'deliver', link: 'https://x' })).code).toBe('not_allowed');
    }
    const accepted = act(assigned, 'ba.east', { type: 'accept' }).next;
    expect(accepted.status).toBe('accepted');
    expect(openTasks(accepted)).toEqual(['ba.east']);
    expect(accepted.tasks.find((t) => t.kind === 'deliver')?.status).toBe('open');
    const started = act(accepted, 'ba.east', { type: 'start' }).next;
    expect(started.status).toBe('in_progress');
    expect(started.tasks.filter((t) => t.kind === 'deliver' && t.status === 'open')).toHaveLength(1);
  });

  it('an assignee can start straight away without accepting first', () => {
    const s = act(priceAt('assigned'), 'ba.east', { type: 'start' }).next;
    expect(s.status).toBe('in_progress');
    expect(openTasks(s)).toEqual(['ba.east']);
  });

  it('a delivery needs a link or a note', () => {
    const s = priceAt('in_progress');
    expect(domainError(() => act(s, 'ba.east', { type: 'deliver' })).code).toBe('validation');
    expect(domainError(() => act(s, 'ba.east', { type: 'deliver', link: ' ', note: '' })).code).toBe('validation');
    const tr = act(s, 'ba.east', { type: 'deliver', note: 'Approved at 10 %' });
    expect(tr.next.status).toBe('delivered');
    expect(tr.attachments).toEqual([expect.objectContaining({ kind: 'note', purpose: 'deliverable', value: 'Approved at 10 %' })]);
    expect(openTasks(tr.next)).toEqual(['rep.a']);
  });

  it('the requester confirms with a rating from 1 to 5', () => {
    const s = priceAt('delivered');
    for (const rating of [0, 6, 2.5, Number.NaN]) expect(domainError(() => act(s, 'rep.a', { type: 'confirm', rating })).code).toBe('validation');
    expect(domainError(() => act(s, 'ba.east', { type: 'confirm', rating: 5 })).code).toBe('not_allowed');
    for (const rating of [1, 5]) {
      const tr = act(s, 'rep.a', { type: 'confirm', rating, note: 'thanks' });
      expect(tr.next).toMatchObject({ status: 'closed', rating, ratingNote: 'thanks' });
      expect(openTasks(tr.next)).toEqual([]);
      expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'ba.east', message: 'notice.closed' }));
    }
  });

  it('the requester reopens a delivery with a reason and the assignee delivers again', () => {
    const s = priceAt('delivered');
    expect(domainError(() => act(s, 'rep.a', { type: 'reopen', reason: '' })).code).toBe('validation');
    expect(domainError(() => act(s, 'ba.east', { type: 'reopen', reason: 'x' })).code).toBe('not_allowed');
    const tr = act(s, 'rep.a', { type: 'reopen', reason: 'Wrong product' });
    expect(tr.next.status).toBe('in_progress');
    expect(openTasks(tr.next)).toEqual(['ba.east']);
    expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'ba.east', message: 'notice.reopened' }));
    expect(act(tr.next, 'ba.east', { type: 'deliver', link: 'https://v2' }).next.status).toBe('delivered');
  });

  it('a closed request cannot be reopened', () => {
    expect(domainError(() => act(priceAt('closed'), 'rep.a', { type: 'reopen', reason: 'x' })).code).toBe('already_decided');
  });
});

describe('cancelling and withdrawing', () => {
  it('the requester cancels an open request at any stage', () => {
    for (const at of ['pending_assignment', 'assigned', 'in_progress', 'delivered'] as const) {
      const tr = act(priceAt(at), 'rep.a', { type: 'cancel', reason: 'deal lost' });
      expect(tr.next.status).toBe('cancelled');
      expect(openTasks(tr.next)).toEqual([]);
      expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'bm.east', message: 'notice.cancelled' }));
    }
  });

  it('the coordinator may cancel, others may not', () => {
    expect(act(priceAt('assigned'), 'bm.east', { type: 'cancel' }).next.status).toBe('cancelled');
    expect(domainError(() => act(priceAt('assigned'), 'ba.east', { type: 'cancel' })).code).toBe('not_allowed');
  });

  it('a finished request cannot be cancelled', () => {
    expect(domainError(() => act(priceAt('closed'), 'rep.a', { type: 'cancel' })).code).toBe('already_decided');
  });

  it('the requester withdraws before anyone decided', () => {
    const tr = act(price(31).next, 'rep.a', { type: 'withdraw' });
    expect(tr.next.status).toBe('withdrawn');
    expect(openTasks(tr.next)).toEqual([]);
    expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'mm', message: 'notice.withdrawn' }));
    expect(act(submit('solution-proposal').next, 'rep.a', { type: 'withdraw' }).next.status).toBe('withdrawn');
  });

  it('withdrawing is refused once someone decided, and for anyone but the requester', () => {
    expect(domainError(() => act(approve(price(31).next, 'mm'), 'rep.a', { type: 'withdraw' })).code).toBe('invalid_state');
    expect(domainError(() => act(priceAt('pending_assignment'), 'rep.a', { type: 'withdraw' })).code).toBe('invalid_state');
    expect(domainError(() => act(priceAt('assigned'), 'rep.a', { type: 'withdraw' })).code).toBe('invalid_state');
    expect(domainError(() => act(price(10).next, 'mm', { type: 'withdraw' })).code).toBe('not_allowed');
  });
});

describe('comments', () => {
  it('a participant comments and everyone else on the card gets it in the thread', () => {
    const tr = act(price(10).next, 'mm', { type: 'comment', body: '  Which region?  ' });
    expect(tr.comments[0]).toMatchObject({ authorId: 'mm', body: 'Which region?' });
    expect(tr.notify).toEqual([{ kind: 'comment', personId: 'rep.a', authorId: 'mm', body: 'Which region?' }]);
    expect(tr.next.status).toBe('pending_approval');
    expect(tr.audit[0]).toMatchObject({ action: 'comment', fromStatus: 'pending_approval', toStatus: 'pending_approval' });
  });

  it('someone holding a role in the request\'s unit may comment', () => {
    expect(act(price(10).next, 'pe.east1', { type: 'comment', body: 'FYI' }).comments).toHaveLength(1);
  });

  it('an outsider may not comment', () => {
    expect(domainError(() => act(price(10).next, 'outsider', { type: 'comment', body: 'hi' })).code).toBe('not_allowed');
    expect(domainError(() => act(price(10).next, 'rep.b', { type: 'comment', body: 'hi' })).code).toBe('not_allowed');
  });

  it('an empty comment is refused', () => {
    expect(domainError(() => act(price(10).next, 'rep.a', { type: 'comment', body: '   ' })).code).toBe('validation');
  });
});

describe('transfer (转交) and add approver (加签)', () => {
  it('an approver transfers their task to a colleague who then decides', () => {
    const tr = act(price(10).next, 'mm', { type: 'transfer', toPersonId: 'lawyer', comment: 'legal question' });
    expect(openTasks(tr.next)).toEqual(['lawyer']);
    expect(tr.next.tasks.find((t) => t.personId === 'mm')).toMatchObject({ status: 'cancelled', decision: 'transferred' });
    expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'lawyer', message: 'notice.transferred' }));
    expect(domainError(() => approve(tr.next, 'mm')).code).toBe('not_allowed');
    expect(approve(tr.next, 'lawyer').status).toBe('pending_assignment');
  });

  it('a transfer to an unknown person or someone already in the step is refused', () => {
    const s = approve(price(20).next, 'mm');
    expect(domainError(() => act(s, 'bl.east', { type: 'transfer', toPersonId: 'ghost' })).code).toBe('validation');
    expect(domainError(() => act(s, 'bl.east', { type: 'transfer', toPersonId: 'bl.east2' })).code).toBe('validation');
    expect(domainError(() => act(s, 'lawyer', { type: 'transfer', toPersonId: 'vp' })).code).toBe('not_allowed');
  });

  it('adding an approver before: they decide first, then the step resumes', () => {
    const tr = act(price(10).next, 'mm', { type: 'add_approver', personId: 'lawyer', position: 'before' });
    let s = tr.next;
    expect(openTasks(s)).toEqual(['lawyer']);
    expect(chain(s)).toEqual([['added', ['lawyer']], ['market-manager', ['mm']]]);
    expect(domainError(() => approve(s, 'mm')).code).toBe('not_allowed');
    s = approve(s, 'lawyer');
    expect(openTasks(s)).toEqual(['mm']);
    s = approve(s, 'mm');
    expect(s.status).toBe('pending_assignment');
  });

  it('adding an approver after: they decide once the current step is approved', () => {
    let s = act(price(10).next, 'mm', { type: 'add_approver', personId: 'lawyer', position: 'after' }).next;
    expect(openTasks(s)).toEqual(['mm']);
    expect(chain(s)).toEqual([['market-manager', ['mm']], ['added', ['lawyer']]]);
    s = approve(s, 'mm');
    expect(openTasks(s)).toEqual(['lawyer']);
    expect(approve(s, 'lawyer').status).toBe('pending_assignment');
  });

  it('only an approver of the current step may add one', () => {
    expect(domainError(() => act(price(10).next, 'bl.east', { type: 'add_approver', personId: 'lawyer', position: 'after' })).code).toBe('not_allowed');
  });
});

describe('watching (抄送)', () => {
  it('a watcher added by a participant gets a card from then on', () => {
    const tr = act(price(10).next, 'rep.a', { type: 'watch', personId: 'mon' });
    expect(tr.next.watchers).toEqual(['mon']);
    expect(cards(tr)).toContain('mon');
    expect(participants(tr.next, ctx())).toContain('mon');
    expect(cards(approve(tr.next, 'mm') && act(tr.next, 'mm', { type: 'decide', decision: 'approve' }))).toContain('mon');
  });

  it('an outsider cannot add watchers, and the person must exist', () => {
    expect(domainError(() => act(price(10).next, 'outsider', { type: 'watch', personId: 'mon' })).code).toBe('not_allowed');
    expect(domainError(() => act(price(10).next, 'rep.a', { type: 'watch', personId: 'ghost' })).code).toBe('validation');
  });

  it('watching twice changes nothing (no new version without an audit entry)', () => {
    // BUG: a repeated watch (or watching the requester) hits `break`, so finish() still bumps the
    // version and re-sends every card while logging no audit entry.
    const s = act(price(10).next, 'rep.a', { type: 'watch', personId: 'mon' }).next;
    const tr = act(s, 'rep.a', { type: 'watch', personId: 'mon' });
    expect(tr.next.version === s.version || tr.audit.length > 0).toBe(true);
  });
});

describe('nudging (催办)', () => {
  it('the requester nudges whoever is waiting, at most once an hour', () => {
    const s = price(10).next;
    const t0 = ctx(new Date('2026-03-02T03:00:00Z'));
    const tr = applyAction(s, 'rep.a', { type: 'nudge' }, t0);
    expect(tr.notify).toContainEqual(expect.objectContaining({ personId: 'mm', message: 'notice.nudged' }));
    const soon = ctx(new Date('2026-03-02T03:59:00Z'));
    const e = domainError(() => applyAction(tr.next, 'rep.a', { type: 'nudge' }, soon));
    expect(e.code).toBe('rate_limited');
    expect(e.params.after).toBe('2026-03-02T04:00:00.000Z');
    const after = ctx(new Date('2026-03-02T04:00:00Z'));
    expect(applyAction(tr.next, 'rep.a', { type: 'nudge' }, after).audit[0]?.action).toBe('nudge');
  });

  it('only the requester nudges, and only when someone is waiting', () => {
    expect(domainError(() => act(price(10).next, 'mm', { type: 'nudge' })).code).toBe('not_allowed');
    expect(domainError(() => act(priceAt('delivered'), 'rep.a', { type: 'nudge' })).code).toBe('invalid_state');
    expect(domainError(() => act(priceAt('closed'), 'rep.a', { type: 'nudge' })).code).toBe('invalid_state');
  });
});

describe('"already decided by X at T"', () => {
  it('the second BU leader clicks after the first already approved the last step', () => {
    let s = approve(price(20).next, 'mm');
    const c = tick();
    s = applyAction(s, 'bl.east', { type: 'decide', decision: 'approve' }, c).next;
    const e = domainError(() => approve(s, 'bl.east2'));
    expect(e.code).toBe('already_decided');
    expect(e.params).toMatchObject({ by: 'BU Leader East', at: c.now.toISOString(), status: 'pending_assignment' });
  });

  it('an approver clicks again on a stale card after the chain moved on', () => {
    const c = tick();
    const s = applyAction(price(31).next, 'mm', { type: 'decide', decision: 'approve' }, c).next;
    const e = domainError(() => act(s, 'mm', { type: 'decide', decision: 'reject', comment: 'changed my mind' }));
    expect(e.code).toBe('already_decided');
    expect(e.params).toMatchObject({ by: 'Market Manager', at: c.now.toISOString() });
  });

  it('a stale approval card on a withdrawn request says it is no longer waiting', () => {
    const s = act(price(10).next, 'rep.a', { type: 'withdraw' }).next;
    expect(domainError(() => approve(s, 'mm')).code).toBe('invalid_state');
  });

  it('the second BU leader clicks after the first approved and the chain moved on to the company leader', () => {
    // BUG: decide() only reports already_decided when the actor has a *done* task or the *current*
    // step has a done task; bl.east2's task was skipped in a previous step, so he gets not_allowed.
    let s = approve(price(31).next, 'mm');
    const c = tick();
    s = applyAction(s, 'bl.east', { type: 'decide', decision: 'approve' }, c).next;
    const e = domainError(() => approve(s, 'bl.east2'));
    expect(e.code).toBe('already_decided');
    expect(e.params).toMatchObject({ by: 'BU Leader East', at: c.now.toISOString() });
  });
});

describe('market event follow-up', () => {
  it('confirming an event opens a summary task; the summary closes it', () => {
    let s = approve(event(10000).next, 'mm');
    s = act(s, 'bm.east', { type: 'assign', supporterId: 'bm.east' }).next;
    s = act(s, 'bm.east', { type: 'start' }).next;
    s = act(s, 'bm.east', { type: 'deliver', note: 'Event held, 120 guests' }).next;
    const confirmed = act(s, 'rep.a', { type: 'confirm', rating: 4 });
    s = confirmed.next;
    expect(s.status).toBe('closed');
    expect(openTasks(s, 'summary')).toEqual(['rep.a']);
    expect(confirmed.notify).toContainEqual(expect.objectContaining({ personId: 'rep.a', message: 'notice.summary_due' }));
    expect(availableActions(s, 'rep.a', ctx())).toEqual(['summary']);
    expect(domainError(() => act(s, 'rep.a', { type: 'summary' })).code).toBe('validation');
    expect(domainError(() => act(s, 'bm.east', { type: 'summary', link: 'https://x' })).code).toBe('not_allowed');
    const tr = act(s, 'rep.a', { type: 'summary', link: 'https://wiki/event-summary' });
    expect(openTasks(tr.next)).toEqual([]);
    expect(tr.next.status).toBe('closed');
    expect(tr.attachments).toEqual([expect.objectContaining({ purpose: 'summary', value: 'https://wiki/event-summary' })]);
    expect(domainError(() => act(tr.next, 'rep.a', { type: 'summary', note: 'again' })).code).toBe('invalid_state');
  });

  it('other types ask for no summary', () => {
    expect(openTasks(priceAt('closed'))).toEqual([]);
    expect(domainError(() => act(priceAt('closed'), 'rep.a', { type: 'summary', note: 'x' })).code).toBe('invalid_state');
  });
});

describe('the buttons on a card match what the person may do', () => {
  const probes: Record<string, Action> = {
    decide: { type: 'decide', decision: 'approve' },
    return: { type: 'return', question: 'why?' },
    resubmit: { type: 'resubmit', answer: 'because' },
    assign: { type: 'assign', supporterId: 'ba.east2' },
    decline: { type: 'decline', reason: 'no' },
    accept: { type: 'accept' },
    start: { type: 'start' },
    deliver: { type: 'deliver', link: 'https://x' },
    confirm: { type: 'confirm', rating: 5 },
    reopen: { type: 'reopen', reason: 'again' },
    cancel: { type: 'cancel' },
    withdraw: { type: 'withdraw' },
    comment: { type: 'comment', body: 'hello' },
    transfer: { type: 'transfer', toPersonId: 'admin' },
    add_approver: { type: 'add_approver', personId: 'admin', position: 'after' },
    nudge: { type: 'nudge' },
    summary: { type: 'summary', note: 'done' },
  };

  const states: Array<[string, () => RequestState]> = [
    ['pending approval (market manager)', () => price(10).next],
    ['pending approval (company leader away)', () => approve(approve(price(31).next, 'mm'), 'bl.east')],
    ['info requested', () => act(price(10).next, 'mm', { type: 'return', question: '?' }).next],
    ['pending assignment', () => priceAt('pending_assignment')],
    ['assigned', () => priceAt('assigned')],
    ['accepted', () => priceAt('accepted')],
    ['in progress', () => priceAt('in_progress')],
    ['delivered', () => priceAt('delivered')],
    ['closed', () => priceAt('closed')],
  ];
  const people = ['rep.a', 'mm', 'boss', 'vp', 'bm.east', 'ba.east', 'bl.east', 'outsider'];

  it.each(states)('in %s every offered action works for the main roles', (_label, make) => {
    const s = make();
    const c = ctx(new Date('2026-03-03T02:00:00Z'));
    for (const person of people) {
      for (const a of availableActions(s, person, c)) {
        if (a === 'comment' && person === 'outsider') continue; // known mismatch, see below
        if (a === 'comment' && person === 'vp') continue; // known mismatch, see below
        expect(() => applyAction(s, person, probes[a]!, c), `${person} offered ${a}`).not.toThrow();
      }
    }
  });

  it.each(states)('in %s the workflow actions that work are offered', (_label, make) => {
    const s = make();
    const c = ctx(new Date('2026-03-03T02:00:00Z'));
    // comment and watch are open to the whole unit; transfer/add_approver targets may be refused.
    const workflow = ['decide', 'return', 'resubmit', 'assign', 'decline', 'accept', 'start', 'deliver', 'confirm', 'reopen', 'cancel', 'withdraw', 'nudge', 'summary'];
    for (const person of people) {
      const offered = availableActions(s, person, c);
      for (const a of workflow) {
        let ok = true;
        try {
          applyAction(s, person, probes[a]!, c);
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          ok = false;
        }
        if (a === 'cancel' && person === 'bm.east') continue; // known mismatch, see below
        if (ok) expect(offered, `${person} may ${a}`).toContain(a);
      }
    }
  });

  it('the requester never sees approval buttons, the approver does, the delegate acts for the away approver', () => {
    const s = approve(approve(price(31).next, 'mm'), 'bl.east');
    const c = ctx();
    expect(availableActions(s, 'rep.a', c)).not.toContain('decide');
    expect(availableActions(s, 'boss', c)).toEqual(expect.arrayContaining(['decide', 'return', 'transfer', 'add_approver']));
    expect(availableActions(s, 'vp', c)).toEqual(expect.arrayContaining(['decide', 'return', 'transfer', 'add_approver']));
    expect(availableActions(s, 'outsider', c)).not.toContain('decide');
  });

  it('an outsider is not offered a comment button they cannot use', () => {
    // BUG: availableActions pushes 'comment' for anyone while the request is open, but
    // applyAction refuses a comment from someone who is neither a participant nor in the unit.
    const s = price(10).next;
    expect(domainError(() => act(s, 'outsider', { type: 'comment', body: 'hi' })).code).toBe('not_allowed');
    expect(availableActions(s, 'outsider', ctx())).not.toContain('comment');
  });

  it('the coordinator, who may cancel a request, is offered the cancel button', () => {
    // MISMATCH: applyAction lets the coordinator cancel, availableActions offers cancel to the requester only.
    const s = priceAt('assigned');
    expect(act(s, 'bm.east', { type: 'cancel' }).next.status).toBe('cancelled');
    expect(availableActions(s, 'bm.east', ctx())).toContain('cancel');
  });
});

describe('every change', () => {
  it('does not touch the state it was given and bumps the version by one', () => {
    const s = price(31).next;
    const before = structuredClone(s);
    const tr = approve(s, 'mm');
    expect(s).toEqual(before);
    expect(tr.version).toBe(s.version + 1);
  });

  it('a refused action leaves the state untouched', () => {
    const s = price(31).next;
    const before = structuredClone(s);
    domainError(() => reject(s, 'mm', ''));
    domainError(() => approve(s, 'rep.a'));
    expect(s).toEqual(before);
  });

  it('approval tasks get an SLA due time in business hours', () => {
    const type = org.type('price-request')!;
    const s = createRequest({ type, unitId: 'east', customer: 'c', title: 't', fields: { discountPct: 10 }, requesterId: 'rep.a' }, ctx()).next;
    const task = s.tasks.find((t) => t.kind === 'approve')!;
    // submitted Monday 10:00 Shanghai, 8 business hours -> Monday 18:00; first reminder at half the SLA
    expect(task.dueAt?.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    expect(task.nextRemindAt?.toISOString()).toBe('2026-03-02T06:00:00.000Z');
  });
});
