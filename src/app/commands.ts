import type { Locale } from '../core/catalog/types.js';
import { formatDateTime } from '../core/i18n/i18n.js';
import { SNOOZE_MAX_HOURS, SNOOZE_MIN_HOURS } from '../core/scheduling/reminders.js';
import { st } from '../core/scheduling/messages.js';
import type { SnoozeResult } from '../scheduling/scheduler.js';

// The words after `/support` (Slack) or typed to the bot (Feishu), parsed once for both.

export type SupportCommand =
  | { kind: 'picker' }
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'digest' }
  | { kind: 'snooze'; hours: number }
  /** Hours missing or out of range: answer with the usage line. */
  | { kind: 'snooze-usage' }
  /** Anything else names a request type (slug, zh or en name, or a prefix). */
  | { kind: 'type'; text: string };

const WORDS: Record<string, SupportCommand['kind']> = {
  help: 'help', '帮助': 'help',
  list: 'list', '列表': 'list', '我的申请': 'list',
  digest: 'digest', '摘要': 'digest',
};

export function parseSupportCommand(raw: string): SupportCommand {
  const text = raw.trim();
  if (!text) return { kind: 'picker' };
  const [first = '', ...rest] = text.split(/\s+/);
  const word = first.toLowerCase();
  if (word === 'snooze' || word === '暂停提醒') {
    const hours = rest.length === 0 ? NaN : Number(rest[0]!.replace(/h$|小时$/i, ''));
    return Number.isFinite(hours) && hours >= SNOOZE_MIN_HOURS && hours <= SNOOZE_MAX_HOURS ? { kind: 'snooze', hours } : { kind: 'snooze-usage' };
  }
  const kind = rest.length === 0 ? WORDS[word] : undefined;
  return kind ? ({ kind } as SupportCommand) : { kind: 'type', text };
}

/** "Reminders paused until 11月23日 18:00 (2 waiting step(s))" in the reader's language and zone. */
export function snoozeReply(result: SnoozeResult, locale: Locale, timezone: string): string {
  return st(locale, 'snooze.done', { until: formatDateTime(result.snoozedUntil, locale, timezone), n: result.tasks });
}

export const noDigestReply = (locale: Locale) => st(locale, 'digest.none');
export const snoozeUsage = (locale: Locale) => st(locale, 'snooze.usage');
