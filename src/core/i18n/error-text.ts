import type { Locale } from '../catalog/types.js';
import type { DomainError } from '../errors.js';
import { formatDateTime, type Params } from './i18n.js';
import { t, type MessageKey } from './messages.js';

/** A DomainError in the reader's language: an "at" instant in their zone, a status by its name. */
export function errorText(e: DomainError, locale: Locale, timeZone: string): string {
  const params = { ...e.params };
  if (typeof params.at === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(params.at)) params.at = formatDateTime(new Date(params.at), locale, timeZone);
  if (typeof params.status === 'string') params.status = t(locale, `status.${params.status}` as MessageKey);
  return t(locale, e.messageKey as MessageKey, params);
}

/** A field error's message: the domain gives a message key (error.…, field.…) or finished text. */
export function fieldErrorText(message: string, locale: Locale, params: Params = {}): string {
  return /^(error|field)\.[a-z_]+$/.test(message) ? t(locale, message as MessageKey, params) : message;
}
