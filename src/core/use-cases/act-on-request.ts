import { applyAction, type Action } from '../domain/lifecycle.js';
import type { RequestState } from '../domain/types.js';
import { DomainError } from '../errors.js';
import type { CoreDeps } from '../ports.js';

export interface ActInput {
  requestId: number;
  actorId: string;
  action: Action;
  /** A platform-supplied key (Slack action ts + user, Feishu event id): a retry never acts twice. */
  idempotencyKey?: string;
}

export interface ActResult {
  request: RequestState;
  /** True when this exact action was already handled (a platform retry). */
  duplicate: boolean;
}

const MAX_ATTEMPTS = 4;

/**
 * Every action after submit goes through here: load, decide purely, commit with a version check.
 * On a concurrent write we reload and decide again, so the loser of a race gets the domain's
 * answer for the new state ("already decided by X at T") instead of a generic conflict.
 *
 * The first attempt may start from the state this process committed last (store.recent): one
 * round trip instead of two for the common case of one person's actions following another's.
 * That state may be stale, so it is only ever used to commit (the version check catches a
 * newer one); a refusal or a no-op is always decided again on a fresh load.
 */
export async function actOnRequest(deps: CoreDeps, input: ActInput): Promise<ActResult> {
  for (let attempt = 1; ; attempt++) {
    const cached = attempt === 1 ? deps.store.recent?.(input.requestId) : undefined;
    const current = cached ?? (await deps.store.load(input.requestId));
    if (!current) throw new DomainError('not_found', 'error.not_found', { id: input.requestId });
    let tr;
    try {
      tr = applyAction(current, input.actorId, input.action, { org: deps.org(), now: deps.clock.now(), newId: deps.newId });
    } catch (e) {
      if (cached) continue;
      // A platform retry of an action that went through: the new state refuses it, the key knows it.
      if (e instanceof DomainError && input.idempotencyKey && (await deps.store.seen(input.idempotencyKey))) return { request: current, duplicate: true };
      throw e;
    }
    if (tr.audit.length === 0) {
      if (cached) continue;
      return { request: current, duplicate: false };
    }
    try {
      await deps.store.commit(current, tr, { idempotencyKey: input.idempotencyKey });
      return { request: tr.next, duplicate: false };
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      if (name === 'DuplicateKey') {
        const latest = await deps.store.load(input.requestId);
        return { request: latest ?? current, duplicate: true };
      }
      if (name !== 'VersionConflict' || attempt >= MAX_ATTEMPTS) {
        if (name === 'VersionConflict') throw new DomainError('conflict', 'error.conflict');
        throw e;
      }
    }
  }
}

type Without<A, K extends keyof A> = Omit<A, K>;
const act = <T extends Action['type']>(type: T) =>
  (deps: CoreDeps, requestId: number, actorId: string, args: Without<Extract<Action, { type: T }>, 'type'>, idempotencyKey?: string) =>
    actOnRequest(deps, { requestId, actorId, action: { type, ...args } as Action, idempotencyKey });

// One named use case per user action, for adapters and tests to call.
export const decideRequest = act('decide');
export const returnForInfo = act('return');
export const resubmitRequest = act('resubmit');
export const assignRequest = act('assign');
export const declineRequest = act('decline');
export const acceptAssignment = act('accept');
export const startWork = act('start');
export const deliverRequest = act('deliver');
export const confirmDelivery = act('confirm');
export const reopenRequest = act('reopen');
export const cancelRequest = act('cancel');
export const withdrawRequest = act('withdraw');
export const commentOnRequest = act('comment');
export const transferApproval = act('transfer');
export const addApprover = act('add_approver');
export const nudgeRequest = act('nudge');
export const watchRequest = act('watch');
export const attachSummary = act('summary');
