import type { Locale } from './catalog/types.js';

/** Stable codes: adapters map them to a toast, an ephemeral reply or a form error. */
export type ErrorCode =
  | 'validation'
  | 'not_found'
  | 'not_allowed'
  | 'invalid_state'
  | 'already_decided'
  | 'self_approval'
  | 'rate_limited'
  | 'conflict'
  | 'no_route';

export interface FieldError {
  /** Field id (or dotted path) the message belongs next to. */
  field: string;
  message: string;
}

/** An error the user caused and can fix; `messageKey` + `params` render in their language. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly messageKey: string,
    readonly params: Record<string, string | number> = {},
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(`${code}: ${messageKey} ${JSON.stringify(params)}`);
    this.name = 'DomainError';
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

export type { Locale };
