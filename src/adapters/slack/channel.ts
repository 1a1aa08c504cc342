import type { App } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Services } from '../../app/services.js';
import type { Locale } from '../../core/catalog/types.js';
import { t, type MessageKey } from '../../core/i18n/messages.js';
import { ChannelError, type Channel, type OutboundMessage } from '../../core/ports.js';
import type { MessageView } from '../../core/views/model.js';
import { renderCard, renderComment, renderMessageView, renderNotice } from './render/card.js';

type WebClient = App['client'];

const PLATFORM = 'slack';

// Platform errors that mean "this message or conversation is gone": post a fresh card instead.
const GONE = new Set(['message_not_found', 'cant_update_message', 'channel_not_found', 'is_archived']);
const TARGET_GONE = new Set(['channel_not_found', 'user_not_found', 'account_inactive', 'user_disabled', 'is_archived', 'not_in_channel', 'cannot_dm_bot']);
const PERMISSION = new Set(['missing_scope', 'not_authed', 'invalid_auth', 'token_revoked', 'token_expired', 'account_inactive', 'access_denied', 'restricted_action', 'ekm_access_denied']);
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

interface WebApiError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: string };
  message?: string;
}

const platformError = (e: unknown): string | undefined => ((e as WebApiError)?.code === 'slack_webapi_platform_error' ? (e as WebApiError).data?.error : undefined);

/**
 * A Web API failure as the outbox understands it: rate limited with its Retry-After, server and
 * network trouble retryable, a gone target or missing permission not.
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#handle-errors
 */
export function classifySlackError(e: unknown): ChannelError {
  if (e instanceof ChannelError) return e;
  const err = (e ?? {}) as WebApiError;
  const msg = `slack: ${err.message ?? String(e)}`;
  switch (err.code) {
    case 'slack_webapi_rate_limited_error':
      return new ChannelError(msg, true, Math.max(1, err.retryAfter ?? 1) * 1000, 'rate_limited');
    case 'slack_webapi_http_error': {
      const status = err.statusCode ?? 0;
      return status >= 500 || status === 408 ? new ChannelError(msg, true, undefined, 'server_error') : new ChannelError(msg, false, undefined, 'invalid');
    }
    case 'slack_webapi_platform_error': {
      const code = err.data?.error ?? '';
      if (code === 'ratelimited') return new ChannelError(msg, true, undefined, 'rate_limited');
      if (TRANSIENT.has(code)) return new ChannelError(msg, true, undefined, 'server_error');
      if (PERMISSION.has(code)) return new ChannelError(msg, false, undefined, 'permission');
      if (TARGET_GONE.has(code)) return new ChannelError(msg, false, undefined, 'not_found');
      return new ChannelError(msg, false, undefined, 'invalid');
    }
    default:
      // Request errors (connection refused, reset, timeout) and anything unexpected: try again later.
      return new ChannelError(msg, true, undefined, 'network');
  }
}

/** Slack as an outbox channel: cards are DM'd once and then edited in place; comments go into the card's thread. */
export class SlackChannel implements Channel {
  readonly platform = 'slack' as const;

  constructor(
    private readonly client: WebClient,
    private readonly services: Services,
    private readonly localeOf: (personId: string) => Locale,
    private readonly log: Logger,
  ) {}

  reaches(personId: string): boolean {
    return Boolean(this.services.org.person(personId)?.slack);
  }

  async deliver(m: OutboundMessage): Promise<void> {
    const user = this.services.org.person(m.personId)?.slack;
    if (!user) throw new ChannelError(`slack: ${m.personId} has no slack id`, false, undefined, 'not_found');
    const locale = this.localeOf(m.personId);
    try {
      switch (m.kind) {
        case 'card':
          if (m.requestId !== null) await this.card(m.requestId, m.personId, user, locale);
          return;
        case 'notice': {
          const p = m.payload as { message?: string; params?: Record<string, string | number> };
          // The submit notice is drafted before the store assigns the id: the row knows it.
          const text = t(locale, (p.message ?? 'app.name') as MessageKey, { ...p.params, ...(m.requestId ? { id: m.requestId } : {}) });
          await this.client.chat.postMessage({ channel: user, ...renderNotice(text) });
          return;
        }
        case 'comment': {
          const p = m.payload as { authorId?: string; body?: string };
          const ref = m.requestId !== null ? await this.services.messageRef(m.requestId, m.personId, PLATFORM) : null;
          const msg = renderComment(locale, this.services.org.displayName(p.authorId ?? ''), p.body ?? '');
          await this.client.chat.postMessage({ channel: ref?.channel ?? user, ...(ref ? { thread_ts: ref.messageId } : {}), ...msg });
          return;
        }
        case 'reminder':
        case 'digest': {
          const view = (m.payload as { view?: MessageView }).view;
          if (!view) throw new ChannelError(`slack: ${m.kind} without a view`, false);
          await this.client.chat.postMessage({ channel: user, ...renderMessageView(view) });
          return;
        }
      }
    } catch (e) {
      throw classifySlackError(e);
    }
  }

  /** Posts the card the first time, edits it in place afterwards (the MessageRef remembers where). */
  async card(requestId: number, personId: string, user: string, locale: Locale): Promise<void> {
    const card = await this.services.card(requestId, personId, locale);
    if (!card) return;
    const msg = renderCard(card);
    const ref = await this.services.messageRef(requestId, personId, PLATFORM);
    if (ref) {
      try {
        await this.client.chat.update({ channel: ref.channel, ts: ref.messageId, ...msg });
        return;
      } catch (e) {
        if (!GONE.has(platformError(e) ?? '')) throw e;
        this.log.info({ requestId, personId, error: platformError(e) }, 'slack card message gone, posting a new one');
      }
    }
    const res = await this.client.chat.postMessage({ channel: user, ...msg });
    if (res.channel && res.ts) await this.services.saveMessageRef(requestId, personId, PLATFORM, res.channel, res.ts);
  }
}
