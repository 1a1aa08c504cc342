// The request catalog as data: every form, validation schema, routing decision and digest
// line is derived from these definitions, so a company can change them in its org config.

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Localized = Record<Locale, string>;

export const SYSTEMS = ['technical', 'market', 'business'] as const;
export type SystemId = (typeof SYSTEMS)[number];

export const FIELD_KINDS = [
  'text', 'longtext', 'date', 'datetime', 'number', 'money',
  'select', 'multiselect', 'person', 'customer', 'link',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

/** Roles an org config assigns per business unit (or company-wide as a fallback). */
export const ROLES = [
  'presalesManager', 'presalesEngineer', 'testManager', 'testEngineer',
  'buMarketer', 'productManager', 'administration', 'buLeader', 'companyLeader',
  'legal', 'marketManager', 'businessAssistant', 'monitor',
] as const;
export type RoleId = (typeof ROLES)[number];

export interface FieldOption {
  value: string;
  label: Localized;
}

export interface FieldDef {
  /** camelCase, unique within the type; also the key in the stored field values. */
  id: string;
  kind: FieldKind;
  label: Localized;
  /** One short hint shown under the input. */
  help?: Localized;
  required: boolean;
  options?: FieldOption[];
  /** number / money bounds; text length bound. */
  min?: number;
  max?: number;
  maxLength?: number;
  /** date / datetime fields that are appointments: the scheduler reminds requester and supporter. */
  scheduled?: boolean;
}

/** A numeric comparison on a field value against a threshold from the org config. */
export interface Condition {
  field: string;
  op: 'gt' | 'gte' | 'lt' | 'lte';
  /** A key of `thresholds` in the org config (e.g. "price.buLeaderDiscountPct"), or a literal number. */
  threshold: string | number;
}

export interface ApprovalStepDef {
  id: string;
  label: Localized;
  /** all: every approver must approve (parallel all-of); any: the first decision settles the step. */
  mode: 'all' | 'any';
  approvers: RoleId[];
  /** The step exists only when every condition holds (evaluated at submit and resubmit). */
  when?: Condition[];
  /** For parallel reviews: when reviewers disagree, add a meeting step decided by this role. */
  onDisagree?: { role: RoleId; label: Localized };
}

export interface RequestTypeDef {
  /** kebab-case slug used in commands: `/support price-request`. */
  id: string;
  system: SystemId;
  label: Localized;
  /** One line: what you get. */
  purpose: Localized;
  /** The policy's 支持条件; the requester must confirm it. */
  precondition: Localized;
  fields: FieldDef[];
  coordinatorRole: RoleId;
  supporterRole: RoleId;
  approvals: ApprovalStepDef[];
  deliverable: Localized;
  monitors: RoleId[];
  /** Follow-up after delivery, e.g. the market event summary (policy attachment). */
  followUp?: 'event-summary';
  /** Field whose value is the headline in lists and cards (defaults to the first text field). */
  titleField?: string;
}

export type Catalog = ReadonlyArray<RequestTypeDef>;
