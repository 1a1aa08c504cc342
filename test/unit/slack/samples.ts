import type { FieldDef, RequestTypeDef } from '../../../src/core/catalog/types.js';

// Valid form values for any catalog type, as a Slack modal would send them (numbers as strings,
// datetimes as epoch seconds). `long` fills every text to its maximum, to test Block Kit limits.

/** 1 December 2026, 10:00 in Shanghai, as Slack's datetimepicker sends it. */
export const SAMPLE_DATETIME = Math.floor(Date.parse('2026-12-01T02:00:00Z') / 1000);

export function sampleValue(f: FieldDef, opts: { long?: boolean; person?: string } = {}): unknown {
  const fill = (n: number, base: string) => (opts.long ? (base + ' ').repeat(Math.ceil(n / (base.length + 1))).slice(0, n) : base);
  switch (f.kind) {
    case 'customer':
      return fill(f.maxLength ?? 200, '招商银行 ACME & <Partners>');
    case 'text':
      return fill(f.maxLength ?? 200, `${f.id} text`);
    case 'longtext':
      return fill(f.maxLength ?? 2000, `${f.id}: details, line one`);
    case 'date':
      return '2026-12-01';
    case 'datetime':
      return SAMPLE_DATETIME;
    case 'number':
    case 'money':
      return String(Math.min(f.max ?? 1000, Math.max(f.min ?? 0, 10)));
    case 'select':
      return f.options?.[0]?.value;
    case 'multiselect':
      return f.options?.slice(0, opts.long ? f.options.length : 1).map((o) => o.value);
    case 'person':
      return opts.person;
    case 'link':
      return 'https://docs.example.com/d/1';
  }
}

/** Every field of the type with a valid value; `overrides` wins (e.g. a discount over a threshold). */
export function sampleValues(type: RequestTypeDef, opts: { long?: boolean; person?: string; overrides?: Record<string, unknown> } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of type.fields) {
    const v = sampleValue(f, opts);
    if (v !== undefined) out[f.id] = v;
  }
  return { ...out, ...opts.overrides };
}
