import type { RequestState, Transition } from './domain/types.js';
import type { Org } from './org.js';

/** What the use cases need from storage; persistence/request-repository.ts implements it. */
export interface RequestStore {
  load(id: number): Promise<RequestState | null>;
  /**
   * The state this process last committed for `id`, if it still remembers it: possibly stale
   * (another process may have written since), so only good for a version-checked commit.
   */
  recent?(id: number): RequestState | undefined;
  seen(key: string): Promise<{ result: unknown } | null>;
  commit(previous: RequestState | null, tr: Transition, opts?: { idempotencyKey?: string; result?: (id: number) => unknown }): Promise<number>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The narrow set of things every use case receives. */
export interface CoreDeps {
  store: RequestStore;
  org: () => Org;
  clock: Clock;
  newId: () => string;
}

export type Platform = 'slack' | 'feishu';

/** One outbox row as a channel sees it. `payload` is the NotificationDraft (or reminder/digest data). */
export interface OutboundMessage {
  id: number;
  kind: 'card' | 'notice' | 'comment' | 'reminder' | 'digest';
  personId: string;
  requestId: number | null;
  payload: Record<string, unknown>;
  attempts: number;
}

/** A chat platform as the outbox dispatcher sees it; adapters implement it. */
export interface Channel {
  readonly platform: Platform;
  /** Whether this person has an identity on this platform. */
  reaches(personId: string): boolean;
  /** Renders and sends; throws ChannelError so the dispatcher knows whether to retry. */
  deliver(message: OutboundMessage): Promise<void>;
}

/** Classified where it leaves a platform: rate limited, server error, target gone, permission. */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly code: 'rate_limited' | 'server_error' | 'network' | 'not_found' | 'permission' | 'invalid' = retryable ? 'server_error' : 'invalid',
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}
