import { DateTime } from 'luxon';
import { z } from 'zod';
import type { FieldError } from '../errors.js';
import { t } from '../i18n/messages.js';
import type { Org } from '../org.js';
import type { FieldDef, Locale, RequestTypeDef } from './types.js';

// One zod schema per request type, derived from the catalog. Inputs arrive as platforms send
// them (strings from text boxes, arrays from multi-selects, epoch seconds from Slack's datetime
// picker); values are stored normalised: numbers, ISO dates, ISO instants, arrays of ids.

export type FieldValue = string | number | string[];

const empty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function fieldSchema(field: FieldDef, locale: Locale, timezone: string, org: Org): z.ZodType<FieldValue | undefined> {
  const msg = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t(locale, key, params);
  const text = (max: number) => z.string().trim().max(max, msg('field.too_long', { max }));
  let schema: z.ZodType<FieldValue>;
  switch (field.kind) {
    case 'text':
    case 'customer':
      schema = text(field.maxLength ?? 200);
      break;
    case 'longtext':
      schema = text(field.maxLength ?? 2000);
      break;
    case 'number':
    case 'money': {
      let n = z.coerce.number({ message: msg('field.number') }).refine(Number.isFinite, msg('field.number'));
      if (field.min !== undefined) n = n.refine((v) => v >= field.min!, msg('field.min', { min: field.min }));
      else if (field.kind === 'money') n = n.refine((v) => v >= 0, msg('field.min', { min: 0 }));
      if (field.max !== undefined) n = n.refine((v) => v <= field.max!, msg('field.max', { max: field.max }));
      schema = z.preprocess((v) => (typeof v === 'string' ? v.replace(/[,,\s¥$]/g, '') : v), n) as z.ZodType<number>;
      break;
    }
    case 'date':
      schema = z.string().trim().refine((v) => DateTime.fromISO(v).isValid && /^\d{4}-\d{2}-\d{2}$/.test(v), msg('field.date'));
      break;
    case 'datetime':
      // Accepts ISO, "2026-11-23 14:00" in the requester's zone, or epoch seconds (Slack's picker).
      schema = z.union([z.number(), z.string()]).transform((v, ctx) => {
        const dt = typeof v === 'number' || /^\d{9,11}$/.test(String(v))
          ? DateTime.fromSeconds(Number(v))
          : DateTime.fromISO(String(v).trim().replace(' ', 'T'), { zone: timezone });
        if (!dt.isValid) {
          ctx.addIssue({ code: 'custom', message: msg('field.datetime') });
          return z.NEVER;
        }
        return dt.toUTC().toISO()!;
      });
      break;
    case 'select': {
      const values = (field.options ?? []).map((o) => o.value);
      schema = z.string().refine((v) => values.includes(v), msg('field.option'));
      break;
    }
    case 'multiselect': {
      const values = (field.options ?? []).map((o) => o.value);
      schema = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string()).refine((vs) => vs.every((v) => values.includes(v)), msg('field.option'))) as z.ZodType<string[]>;
      break;
    }
    case 'person':
      schema = z.string().refine((v) => Boolean(org.person(v)), msg('field.person'));
      break;
    case 'link':
      schema = z.string().trim().refine((v) => {
        try {
          const u = new URL(v);
          return u.protocol === 'https:' || u.protocol === 'http:';
        } catch {
          return false;
        }
      }, msg('field.url'));
      break;
  }
  return z.preprocess((v) => (empty(v) ? undefined : v), field.required ? schema : schema.optional()) as z.ZodType<FieldValue | undefined>;
}

// Building zod schemas costs far more than running them: keep them per org, type, language, zone.
const compiled = new WeakMap<Org, Map<string, Map<string, z.ZodType<FieldValue | undefined>>>>();

function schemasFor(type: RequestTypeDef, locale: Locale, timezone: string, org: Org) {
  let byKey = compiled.get(org);
  if (!byKey) compiled.set(org, (byKey = new Map()));
  const key = `${type.id}|${locale}|${timezone}`;
  let schemas = byKey.get(key);
  if (!schemas) {
    schemas = new Map(type.fields.map((f) => [f.id, fieldSchema(f, locale, timezone, org)]));
    byKey.set(key, schemas);
  }
  return schemas;
}

export interface Submission {
  values: Record<string, FieldValue>;
}

export type ValidationResult =
  | { ok: true; values: Record<string, FieldValue> }
  | { ok: false; errors: FieldError[] };

/**
 * Validates a form for a type: every field by its kind and bounds, unknown fields refused, the
 * precondition confirmed. Messages are in `locale`, keyed by field id so adapters show them in place.
 */
export function validateFields(
  type: RequestTypeDef,
  raw: Record<string, unknown>,
  opts: { locale: Locale; timezone: string; org: Org; requirePrecondition?: boolean },
): ValidationResult {
  const errors: FieldError[] = [];
  const values: Record<string, FieldValue> = {};
  const known = new Set(type.fields.map((f) => f.id));
  for (const key of Object.keys(raw)) {
    if (!known.has(key) && key !== 'precondition') errors.push({ field: key, message: t(opts.locale, 'field.unknown', { field: key }) });
  }
  const schemas = schemasFor(type, opts.locale, opts.timezone, opts.org);
  for (const field of type.fields) {
    const value = raw[field.id];
    if (field.required && empty(value)) {
      errors.push({ field: field.id, message: t(opts.locale, 'field.required') });
      continue;
    }
    const result = schemas.get(field.id)!.safeParse(value);
    if (!result.success) errors.push({ field: field.id, message: result.error.issues[0]?.message ?? t(opts.locale, 'field.required') });
    else if (result.data !== undefined) values[field.id] = result.data;
  }
  if (opts.requirePrecondition !== false) {
    const p = raw.precondition;
    const confirmed = p === true || p === 'true' || p === 'confirmed' || (Array.isArray(p) && p.length > 0);
    if (!confirmed) errors.push({ field: 'precondition', message: t(opts.locale, 'field.precondition') });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, values };
}

/** The headline of a request: its title field, else the first text field, else the type label. */
export function titleOf(type: RequestTypeDef, values: Record<string, unknown>, locale: Locale = 'en'): string {
  const id = type.titleField ?? type.fields.find((f) => f.kind === 'text')?.id;
  const v = id ? values[id] : undefined;
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : type.label[locale];
}

/** The earliest appointment among a request's scheduled fields. */
export function firstScheduled(type: RequestTypeDef, values: Record<string, unknown>): Date | null {
  const times = type.fields
    .filter((f) => f.scheduled && typeof values[f.id] === 'string')
    .map((f) => new Date(String(values[f.id])))
    .filter((d) => !Number.isNaN(d.getTime()));
  times.sort((a, b) => a.getTime() - b.getTime());
  return times[0] ?? null;
}
