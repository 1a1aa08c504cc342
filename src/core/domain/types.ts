import type { Localized, RoleId } from '../catalog/types.js';

export const REQUEST_STATUSES = [
  'pending_approval', 'pending_assignment', 'info_requested', 'assigned', 'accepted',
  'in_progress', 'delivered', 'closed', 'rejected', 'declined', 'cancelled', 'withdrawn',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<RequestStatus> = new Set(['closed', 'rejected', 'declined', 'cancelled', 'withdrawn']);
export const isOpen = (s: RequestStatus): boolean => !TERMINAL_STATUSES.has(s);

export const TASK_KINDS = ['approve', 'assign', 'accept', 'deliver', 'answer', 'confirm', 'summary'] as const;
/** What a task waits for; also the key of its SLA in the org config. */
export type TaskKind = (typeof TASK_KINDS)[number];
/** pending: in a step not reached yet; open: waiting on the person now. */
export type TaskStatus = 'pending' | 'open' | 'done' | 'cancelled' | 'skipped';
export type StepStatus = 'waiting' | 'active' | 'approved' | 'rejected' | 'disagreed' | 'skipped';

export interface StepState {
  id: string;
  seq: number;
  defId: string;
  label: Localized;
  mode: 'all' | 'any';
  status: StepStatus;
  onDisagree?: { role: RoleId; label: Localized } | null;
  decidedAt?: Date | null;
}

export interface TaskState {
  id: string;
  stepId?: string | null;
  kind: TaskKind;
  personId: string;
  status: TaskStatus;
  decision?: string | null;
  comment?: string | null;
  decidedById?: string | null;
  onBehalfOfId?: string | null;
  createdAt: Date;
  dueAt?: Date | null;
  decidedAt?: Date | null;
  nextRemindAt?: Date | null;
  remindCount?: number;
  escalatedAt?: Date | null;
  snoozedUntil?: Date | null;
}

export type FieldValues = Record<string, unknown>;

export interface RequestState {
  /** 0 until the store inserts it. */
  id: number;
  typeId: string;
  unitId: string;
  customer: string;
  title: string;
  requesterId: string;
  status: RequestStatus;
  resumeStage?: 'approval' | 'triage' | null;
  fields: FieldValues;
  version: number;
  coordinatorId?: string | null;
  assigneeId?: string | null;
  rating?: number | null;
  ratingNote?: string | null;
  watchers: string[];
  lastNudgeAt?: Date | null;
  scheduledAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt?: Date | null;
  steps: StepState[];
  tasks: TaskState[];
}

export interface AuditDraft {
  actorId: string;
  onBehalfOfId?: string | null;
  action: string;
  fromStatus?: RequestStatus | null;
  toStatus?: RequestStatus | null;
  detail: Record<string, unknown>;
}

export interface AttachmentDraft {
  id: string;
  kind: 'link' | 'note' | 'slack_file' | 'feishu_file';
  purpose: 'deliverable' | 'summary' | 'info' | 'request';
  value: string;
  name?: string;
  addedById: string;
}

/** What to tell whom; rendered in the recipient's language on their platform when sent. */
export type NotificationDraft =
  | { kind: 'card'; personId: string }
  | { kind: 'notice'; personId: string; message: NoticeKey; params: Record<string, string | number> }
  | { kind: 'comment'; personId: string; authorId: string; body: string };

export type NoticeKey =
  | 'notice.submitted' | 'notice.approved_step' | 'notice.rejected' | 'notice.returned'
  | 'notice.resubmitted' | 'notice.assigned' | 'notice.declined' | 'notice.accepted'
  | 'notice.started' | 'notice.delivered' | 'notice.closed' | 'notice.cancelled'
  | 'notice.withdrawn' | 'notice.nudged' | 'notice.transferred' | 'notice.added_approver'
  | 'notice.escalated_meeting' | 'notice.reopened' | 'notice.summary_due' | 'notice.summary_added'
  | 'notice.watching';

export interface Transition {
  next: RequestState;
  audit: AuditDraft[];
  notify: NotificationDraft[];
  attachments: AttachmentDraft[];
  comments: Array<{ id: string; authorId: string; body: string }>;
  assignment?: { id: string; supporterId: string; assignedById: string; note?: string };
}
