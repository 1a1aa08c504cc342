import type { Locale, RequestTypeDef, SystemId } from '../catalog/types.js';
import { SYSTEMS } from '../catalog/types.js';
import type { FieldError } from '../errors.js';
import { pick } from '../i18n/i18n.js';
import { t, type MessageKey } from '../i18n/messages.js';
import type { Org } from '../org.js';
import type { RequestForm, TypePicker } from './model.js';

/** The form for a type, built only from the catalog; values and errors kept for a re-render. */
export function buildRequestForm(type: RequestTypeDef, org: Org, personId: string, opts: { locale?: Locale; values?: Record<string, unknown>; errors?: FieldError[]; unitId?: string } = {}): RequestForm {
  const locale = opts.locale ?? org.locale(personId);
  const errorOf = (id: string) => opts.errors?.find((e) => e.field === id)?.message;
  const values = opts.values ?? {};
  const person = org.person(personId);
  const unitValue = opts.unitId ?? (typeof values.unit === 'string' ? values.unit : undefined) ?? person?.unit ?? org.unitsOf(personId)[0];
  const p = values.precondition;
  return {
    typeId: type.id,
    locale,
    title: pick(type.label, locale),
    purpose: pick(type.purpose, locale),
    precondition: {
      text: pick(type.precondition, locale),
      confirmLabel: t(locale, 'field.precondition_confirm'),
      confirmed: p === true || p === 'true' || (Array.isArray(p) && p.length > 0),
      ...(errorOf('precondition') ? { error: errorOf('precondition') } : {}),
    },
    unit: {
      label: t(locale, 'field.unit'),
      options: org.allUnits().map((u) => ({ value: u.id, label: pick(u.name, locale) })),
      ...(unitValue ? { value: unitValue } : {}),
      ...(errorOf('unit') ? { error: errorOf('unit') } : {}),
    },
    fields: type.fields.map((f) => ({
      id: f.id, kind: f.kind, label: pick(f.label, locale), required: f.required,
      ...(f.help ? { help: pick(f.help, locale) } : {}),
      ...(f.options ? { options: f.options.map((o) => ({ value: o.value, label: pick(o.label, locale) })) } : {}),
      ...(values[f.id] !== undefined ? { value: values[f.id] } : {}),
      ...(errorOf(f.id) ? { error: errorOf(f.id) } : {}),
      ...(f.maxLength ? { maxLength: f.maxLength } : {}),
      ...(f.min !== undefined ? { min: f.min } : {}),
      ...(f.max !== undefined ? { max: f.max } : {}),
    })),
    submitLabel: t(locale, 'form.submit'),
    cancelLabel: t(locale, 'form.cancel'),
    ...(opts.errors?.length ? { error: t(locale, 'error.validation') } : {}),
  };
}

/** `/support` with no argument: the types grouped by system, each with purpose and precondition. */
export function buildTypePicker(org: Org, locale: Locale): TypePicker {
  const groups = SYSTEMS.map((system: SystemId) => ({
    system,
    label: t(locale, `system.${system}` as MessageKey),
    types: org.catalog.filter((ty) => ty.system === system).map((ty) => ({ id: ty.id, label: pick(ty.label, locale), purpose: pick(ty.purpose, locale), precondition: pick(ty.precondition, locale) })),
  })).filter((g) => g.types.length > 0);
  return { locale, title: t(locale, 'picker.title'), intro: t(locale, 'picker.intro'), groups };
}
