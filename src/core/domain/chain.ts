import type { Condition, RequestTypeDef } from '../catalog/types.js';
import type { Org } from '../org.js';
import type { FieldValues, StepState, TaskState } from './types.js';

export interface DomainContext {
  org: Org;
  now: Date;
  newId: () => string;
}

export function conditionHolds(c: Condition, fields: FieldValues, org: Org): boolean {
  const raw = fields[c.field];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  const limit = org.threshold(c.threshold);
  if (!Number.isFinite(value) || limit === undefined) return false;
  switch (c.op) {
    case 'gt': return value > limit;
    case 'gte': return value >= limit;
    case 'lt': return value < limit;
    case 'lte': return value <= limit;
  }
}

export interface PlannedStep {
  step: StepState;
  approvers: string[];
  /** Why people were left out or substituted, for the audit. */
  notes: string[];
}

/**
 * The approval chain for a request: conditional steps evaluated against its values, roles
 * resolved to people in its unit. A person decides once per chain (later appearances are dropped)
 * and never on their own request (their manager stands in when nobody else is left in a step).
 */
export function planChain(
  type: RequestTypeDef,
  fields: FieldValues,
  unitId: string,
  requesterId: string,
  ctx: DomainContext,
  skipDefIds: ReadonlySet<string> = new Set(),
  alreadyIn: ReadonlySet<string> = new Set(),
): PlannedStep[] {
  const seen = new Set<string>(alreadyIn);
  const planned: PlannedStep[] = [];
  for (const def of type.approvals) {
    if (skipDefIds.has(def.id)) continue;
    if (def.when && !def.when.every((c) => conditionHolds(c, fields, ctx.org))) continue;
    const notes: string[] = [];
    let people = [...new Set(def.approvers.flatMap((role) => ctx.org.holders(role, unitId)))];
    if (people.includes(requesterId)) {
      people = people.filter((p) => p !== requesterId);
      notes.push(`requester ${requesterId} removed from ${def.id}`);
      if (people.length === 0) {
        const manager = ctx.org.manager(requesterId);
        if (manager) {
          people = [manager];
          notes.push(`${manager} (manager) stands in`);
        }
      }
    }
    const dupes = people.filter((p) => seen.has(p));
    if (dupes.length > 0) notes.push(`already decides earlier: ${dupes.join(', ')}`);
    people = people.filter((p) => !seen.has(p));
    if (people.length === 0) continue;
    people.forEach((p) => seen.add(p));
    planned.push({
      step: { id: ctx.newId(), seq: 0, defId: def.id, label: def.label, mode: def.mode, status: 'waiting', onDisagree: def.onDisagree ?? null },
      approvers: people,
      notes,
    });
  }
  return planned;
}

export function taskFor(stepId: string | null, kind: TaskState['kind'], personId: string, status: TaskState['status'], ctx: DomainContext): TaskState {
  return { id: ctx.newId(), stepId, kind, personId, status, createdAt: ctx.now, remindCount: 0 };
}

export type StepOutcome = 'open' | 'approved' | 'rejected' | 'disagreed';

/** The result of a step given its tasks' decisions so far. */
export function stepOutcome(step: StepState, tasks: TaskState[]): StepOutcome {
  const mine = tasks.filter((t) => t.stepId === step.id && t.status !== 'cancelled' && t.status !== 'skipped');
  const decided = mine.filter((t) => t.status === 'done');
  const approvals = decided.filter((t) => t.decision === 'approve').length;
  const rejections = decided.filter((t) => t.decision === 'reject').length;
  if (step.mode === 'any') {
    // 或签: the first decision settles the step.
    const first = decided[0];
    if (!first) return 'open';
    return first.decision === 'approve' ? 'approved' : 'rejected';
  }
  // 会签: everyone must approve; with a disagreement rule, wait for every voice first.
  if (step.onDisagree) {
    if (decided.length < mine.length) return 'open';
    if (rejections === 0) return 'approved';
    return approvals === 0 ? 'rejected' : 'disagreed';
  }
  if (rejections > 0) return 'rejected';
  return approvals === mine.length ? 'approved' : 'open';
}
