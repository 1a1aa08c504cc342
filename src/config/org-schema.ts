import { z } from 'zod';
import { LOCALES, ROLES, SYSTEMS, FIELD_KINDS } from '../core/catalog/types.js';

// The org config: one YAML file an admin edits. Every message here tells the admin what to write.

const localized = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) });
const personId = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a person id like li.wei (lower case, digits, . _ -)');
const ianaZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'expected an IANA time zone like Asia/Shanghai or America/New_York');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time like 09:00');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date like 2026-10-01');

export const personSchema = z.object({
  id: personId,
  name: z.string().min(1, 'expected the person\'s display name'),
  email: z.email('expected an e-mail address like li.wei@example.com').optional(),
  slack: z.string().regex(/^[UW][A-Z0-9]{6,}$/, 'expected a Slack user id like U012AB3CD').optional(),
  feishu: z.string().regex(/^ou_[0-9a-zA-Z]{6,}$/, 'expected a Feishu open_id like ou_7d8a6e6df7621556ce0d21922b676706').optional(),
  locale: z.enum(LOCALES, { message: 'expected zh-CN or en' }).optional(),
  timezone: ianaZone.optional(),
  manager: personId.optional(),
  /** Delegation while away: decisions by `to` are recorded as "to for this person". */
  away: z.object({ from: isoDate, until: isoDate, delegate: personId }).optional(),
  /** Home business unit (reps usually hold no role); the form preselects it. */
  unit: z.string().optional(),
  /** Which platform gets this person's cards when both ids are set. */
  prefer: z.enum(['slack', 'feishu']).optional(),
  /** Optional per-person business hours, holidays (e.g. a colleague abroad). */
  businessHours: z.lazy(() => businessHoursSchema).optional(),
  holidays: z.array(isoDate).optional(),
});

const roleMap = z.partialRecord(z.enum(ROLES), z.array(personId).min(1, 'list at least one person id, or leave the role out'));

export const businessHoursSchema = z.object({
  start: hhmm,
  end: hhmm,
  /** ISO weekdays, 1 = Monday. */
  days: z.array(z.number().int().min(1).max(7)).min(1),
});

export const unitSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a unit id like east or north-china'),
  name: localized,
  roles: roleMap.default({}),
});

const durationHours = z.number().positive('expected a number of business hours greater than 0');

export const slaSchema = z.object({
  approve: durationHours.default(8),
  assign: durationHours.default(4),
  accept: durationHours.default(4),
  deliver: durationHours.default(40),
  answer: durationHours.default(16),
  confirm: durationHours.default(24),
  summary: durationHours.default(40),
});

export const remindersSchema = z.object({
  /** First nudge at this share of the step's SLA. */
  firstAt: z.number().min(0).max(1).default(0.5),
  /** Then every N business hours. */
  repeatEveryHours: z.number().positive().default(4),
  /** Escalate to the manager (or coordinator) at this share of the SLA (1.5 = 50 % overrun). */
  escalateAt: z.number().min(1).default(1.5),
  maxPerPersonPerDay: z.number().int().min(1).default(6),
  /** The requester may nudge (催办) a waiting step at most once per this many minutes. */
  nudgeMinIntervalMinutes: z.number().int().min(1).default(60),
});

export const digestSchema = z.object({
  to: personId,
  /** Units this person watches; empty = every unit they hold a role in. */
  units: z.array(z.string()).default([]),
  daily: hhmm.default('09:00'),
  /** ISO weekday (1 = Monday) and time of the weekly summary. */
  weekly: z.object({ day: z.number().int().min(1).max(7), at: hhmm }).default({ day: 1, at: '09:30' }),
  skipEmpty: z.boolean().default(true),
});

const fieldSchema = z.object({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'expected a camelCase field id like budgetTotal'),
  kind: z.enum(FIELD_KINDS),
  label: localized,
  help: localized.optional(),
  required: z.boolean().default(false),
  options: z.array(z.object({ value: z.string().min(1), label: localized })).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  maxLength: z.number().int().positive().optional(),
  scheduled: z.boolean().optional(),
});

const conditionSchema = z.object({
  field: z.string(),
  op: z.enum(['gt', 'gte', 'lt', 'lte']),
  threshold: z.union([z.string(), z.number()]),
});

const approvalStepSchema = z.object({
  id: z.string().min(1),
  label: localized,
  mode: z.enum(['all', 'any']),
  approvers: z.array(z.enum(ROLES)).min(1),
  when: z.array(conditionSchema).optional(),
  onDisagree: z.object({ role: z.enum(ROLES), label: localized }).optional(),
});

export const requestTypeSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a kebab-case type id like price-request'),
  system: z.enum(SYSTEMS),
  label: localized,
  purpose: localized,
  precondition: localized,
  fields: z.array(fieldSchema).min(1),
  coordinatorRole: z.enum(ROLES),
  supporterRole: z.enum(ROLES),
  approvals: z.array(approvalStepSchema).default([]),
  deliverable: localized,
  monitors: z.array(z.enum(ROLES)).default([]),
  followUp: z.literal('event-summary').optional(),
  titleField: z.string().optional(),
});

/** Partial override of a shipped type: any top-level key; `fields` merge by id (new ids are appended). */
export const typeOverrideSchema = requestTypeSchema.partial().extend({
  fields: z.array(fieldSchema.partial().extend({ id: z.string() })).optional(),
  /** Field ids to drop from the shipped type. */
  removeFields: z.array(z.string()).optional(),
});

export const orgConfigSchema = z.object({
  organization: z.object({
    name: z.string().min(1),
    timezone: ianaZone.default('Asia/Shanghai'),
    locale: z.enum(LOCALES, { message: 'expected zh-CN or en' }).default('zh-CN'),
    businessHours: businessHoursSchema.default({ start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] }),
    holidays: z.array(isoDate).default([]),
    /** Base URL of this server, used for links in cards and digests. */
    publicUrl: z.url().optional(),
  }),
  people: z.array(personSchema).min(1, 'list at least one person'),
  /** Company-wide roles; a unit's own assignment wins. */
  company: z.object({ roles: roleMap.default({}) }).default({ roles: {} }),
  units: z.array(unitSchema).min(1, 'list at least one business unit'),
  /** Numbers the catalog's approval conditions compare against, by dotted key. */
  thresholds: z.record(z.string(), z.record(z.string(), z.number())).default({
    price: { buLeaderDiscountPct: 15, companyLeaderDiscountPct: 30 },
    gift: { buLeaderValue: 2000, companyLeaderValue: 10000 },
    event: { buLeaderBudget: 50000, companyLeaderBudget: 200000 },
  }),
  sla: slaSchema.default(slaSchema.parse({})),
  reminders: remindersSchema.default(remindersSchema.parse({})),
  digests: z.array(digestSchema).default([]),
  catalog: z.object({
    overrides: z.record(z.string(), typeOverrideSchema).default({}),
    add: z.array(requestTypeSchema).default([]),
    disable: z.array(z.string()).default([]),
  }).default({ overrides: {}, add: [], disable: [] }),
});

export type OrgConfigInput = z.input<typeof orgConfigSchema>;
export type OrgConfigData = z.output<typeof orgConfigSchema>;
export type PersonConfig = z.output<typeof personSchema>;
export type UnitConfig = z.output<typeof unitSchema>;
