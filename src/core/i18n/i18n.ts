import type { Locale, Localized } from '../catalog/types.js';

export type Params = Record<string, string | number | undefined | null>;

/**
 * A message table per feature: the type forces zh-CN to have exactly the keys of en, so a string
 * cannot exist in one language only. `{name}` placeholders are filled from params.
 */
export function defineMessages<const K extends string>(table: { en: Record<K, string>; 'zh-CN': Record<K, string> }) {
  return table;
}

export type MessageTable<K extends string> = { en: Record<K, string>; 'zh-CN': Record<K, string> };

export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => {
    const v = params[key];
    return v === undefined || v === null ? m : String(v);
  });
}

/** An adapter's own table over the shared one: its translator knows both sets of keys. */
export function extendMessages<A extends string, B extends string>(shared: MessageTable<A>, own: MessageTable<B>): MessageTable<A | B> {
  return { en: { ...shared.en, ...own.en }, 'zh-CN': { ...shared['zh-CN'], ...own['zh-CN'] } } as MessageTable<A | B>;
}

export function translator<K extends string>(table: MessageTable<K>) {
  return (locale: Locale, key: K, params?: Params): string => format(table[locale][key] ?? table.en[key] ?? key, params);
}

export const pick = (text: Localized, locale: Locale): string => text[locale] || text.en;

/** Slack and Feishu report locales like en-US, zh-CN, zh_CN, ja-JP: map to ours. */
export function normaliseLocale(raw: string | undefined | null): Locale | undefined {
  if (!raw) return undefined;
  const l = raw.replace('_', '-').toLowerCase();
  if (l.startsWith('zh')) return 'zh-CN';
  if (l.startsWith('en')) return 'en';
  return undefined;
}

/** Dates in the reader's zone and language: "11月23日 14:00" / "Nov 23, 14:00". */
// Building an Intl.DateTimeFormat costs ~0.3 ms; digests and reminders format thousands of times.
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(at: Date, locale: Locale, timeZone: string, withTime = true): string {
  const key = `${locale}|${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', {
      timeZone, month: 'short', day: 'numeric', ...(withTime ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}),
    });
    if (formatters.size >= 500) formatters.clear();
    formatters.set(key, f);
  }
  return f.format(at);
}

/** "3 h", "2 d" / "3小时", "2天": ages in lists and digests. */
export function formatAge(ms: number, locale: Locale): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const zh = locale === 'zh-CN';
  if (minutes < 60) return zh ? `${minutes}分钟` : `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return zh ? `${hours}小时` : `${hours} h`;
  const days = Math.round(hours / 24);
  return zh ? `${days}天` : `${days} d`;
}
