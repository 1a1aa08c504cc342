import { firstScheduled, titleOf, validateFields } from '../catalog/validate.js';
import { createRequest } from '../domain/lifecycle.js';
import { DomainError } from '../errors.js';
import { t } from '../i18n/messages.js';
import type { Locale } from '../catalog/types.js';
import type { CoreDeps } from '../ports.js';

export interface SubmitInput {
  requesterId: string;
  /** Slug, zh or en name, or unique prefix. */
  type: string;
  /** Defaults to the requester's home unit, else the first unit they hold a role in. */
  unitId?: string;
  values: Record<string, unknown>;
  watchers?: string[];
  /** Language for validation messages; defaults to the requester's. */
  locale?: Locale;
  idempotencyKey?: string;
}

/** Validates a form against the catalog and files the request; writes nothing if anything is wrong. */
export async function submitRequest(deps: CoreDeps, input: SubmitInput): Promise<{ requestId: number; duplicate: boolean }> {
  const org = deps.org();
  const person = org.person(input.requesterId);
  if (!person) throw new DomainError('not_allowed', 'error.unknown_person', { person: input.requesterId });
  const locale = input.locale ?? org.locale(person.id);
  const type = org.findType(input.type);
  if (!type) throw new DomainError('not_found', 'error.unknown_type', { type: input.type }, [{ field: 'type', message: t(locale, 'error.unknown_type', { type: input.type }) }]);
  if (input.idempotencyKey) {
    const seen = await deps.store.seen(input.idempotencyKey);
    if (seen) return { requestId: (seen.result as { requestId: number }).requestId, duplicate: true };
  }
  const unitId = input.unitId ?? person.unit ?? org.unitsOf(person.id)[0];
  if (!unitId || !org.unit(unitId)) {
    throw new DomainError('validation', 'error.validation', {}, [{ field: 'unit', message: t(locale, 'error.unknown_unit', { unit: unitId ?? '' }) }]);
  }
  const checked = validateFields(type, input.values, { locale, timezone: org.timezone(person.id), org });
  if (!checked.ok) throw new DomainError('validation', 'error.validation', {}, checked.errors);
  const values = checked.values;
  const watchers = (input.watchers ?? []).filter((w) => org.person(w));
  const tr = createRequest({
    type, unitId, customer: String(values.customer ?? ''), title: titleOf(type, values, locale), fields: values,
    requesterId: person.id, watchers, scheduledAt: firstScheduled(type, values),
  }, { org, now: deps.clock.now(), newId: deps.newId });
  try {
    const requestId = await deps.store.commit(null, tr, { idempotencyKey: input.idempotencyKey, result: (id) => ({ requestId: id }) });
    return { requestId, duplicate: false };
  } catch (e) {
    if (e instanceof Error && e.name === 'DuplicateKey') {
      return { requestId: ((e as unknown as { result: { requestId: number } }).result).requestId, duplicate: true };
    }
    throw e;
  }
}
