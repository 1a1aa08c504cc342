import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { Services } from '../../app/services.js';
import type { Locale } from '../../core/catalog/types.js';
import { t, type MessageKey } from '../../core/i18n/messages.js';
import { ChannelError, type Channel, type OutboundMessage } from '../../core/ports.js';
import type { MessageView } from '../../core/views/model.js';
import { fm } from './messages.js';
import { renderCard } from './render/request-card.js';
import { renderMessageView, textContent } from './render/views.js';

export const PLATFORM = 'feishu';

// OpenAPI codes (https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code
// and the im.v1 message error tables) grouped by what the outbox should do with them.
const RATE_LIMITED = new Set([99991400, 11232, 230020]);
/** The tenant token expired or was revoked: fetch a new one and try again. */
const TOKEN = new Set([99991661, 99991663, 99991664, 99991665, 99991668, 99991677]);
const TRANSIENT = new Set([1000004, 1000005, 99991401, 230019, 231003]);
const PERMISSION = new Set([99991672, 99991679, 230006, 230027, 232006]);
/** The message or the user is gone: post a fresh card, or give up on this person. */
const MESSAGE_GONE = new Set([230011, 231001, 230001, 230031]);
const TARGET_GONE = new Set([230002, 230013, 230017, 230035, 99992361, 99992364]);

/** An OpenAPI answer with a non-zero code (the SDK returns those instead of throwing). */
export class FeishuApiError extends Error {
  constructor(readonly code: number, message: string, readonly status?: number, readonly retryAfterMs?: number) {
    super(`feishu ${code}: ${message}`);
    this.name = 'FeishuApiError';
  }
}

interface AxiosLike {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status?: number; data?: { code?: number; msg?: string }; headers?: Record<string, string | undefined> };
}

/** Any SDK failure as a FeishuApiError (or a network error, left as is). */
export function toApiError(e: unknown): unknown {
  const ax = e as AxiosLike;
  if (ax?.response) {
    const h = ax.response.headers ?? {};
    const reset = Number(h['x-ogw-ratelimit-reset'] ?? h['retry-after']);
    return new FeishuApiError(ax.response.data?.code ?? -1, ax.response.data?.msg ?? ax.message ?? 'http error', ax.response.status, Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined);
  }
  return e;
}

/** A Feishu failure as the outbox understands it: rate limits, 5xx, token expiry and network retry; the rest does not. */
export function classifyFeishuError(e: unknown): ChannelError {
  if (e instanceof ChannelError) return e;
  const err = toApiError(e);
  if (err instanceof FeishuApiError) {
    const msg = err.message;
    if (err.status === 429 || RATE_LIMITED.has(err.code)) return new ChannelError(msg, true, err.retryAfterMs, 'rate_limited');
    if (TOKEN.has(err.code)) return new ChannelError(msg, true, undefined, 'server_error');
    if ((err.status ?? 0) >= 500 || TRANSIENT.has(err.code)) return new ChannelError(msg, true, undefined, 'server_error');
    if (PERMISSION.has(err.code) || err.status === 403) return new ChannelError(msg, false, undefined, 'permission');
    if (TARGET_GONE.has(err.code) || MESSAGE_GONE.has(err.code)) return new ChannelError(msg, false, undefined, 'not_found');
    return new ChannelError(msg, false, undefined, 'invalid');
  }
  // Connection refused, reset, timeout: try again later.
  return new ChannelError(`feishu: ${(err as Error)?.message ?? String(err)}`, true, undefined, 'network');
}

export const isTokenError = (e: unknown) => e instanceof FeishuApiError && TOKEN.has(e.code);
const isMessageGone = (e: unknown) => e instanceof FeishuApiError && MESSAGE_GONE.has(e.code);

/** The im.v1 calls the adapter makes, checked: a non-zero code becomes a FeishuApiError. */
export class FeishuMessages {
  constructor(private readonly client: lark.Client, private readonly onTokenError: () => void) {}

  private async call<T extends { code?: number; msg?: string; data?: unknown }>(fn: () => Promise<T>): Promise<NonNullable<T['data']>> {
    let res: T;
    try {
      res = await fn();
    } catch (e) {
      const err = toApiError(e);
      if (isTokenError(err)) this.onTokenError();
      throw err;
    }
    if (res.code !== undefined && res.code !== 0) {
      const err = new FeishuApiError(res.code, res.msg ?? '');
      if (isTokenError(err)) this.onTokenError();
      throw err;
    }
    return (res.data ?? {}) as NonNullable<T['data']>;
  }

  /** Sends to a person by open_id; `uuid` makes a resend of the same outbox row a no-op on Feishu's side (1 h window). */
  async create(openId: string, msgType: 'interactive' | 'text', content: string, uuid?: string): Promise<{ messageId: string; chatId: string }> {
    const data = await this.call(() => this.client.im.v1.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: openId, msg_type: msgType, content, ...(uuid ? { uuid: uuid.slice(0, 50) } : {}) },
    }));
    return { messageId: data.message_id ?? '', chatId: data.chat_id ?? '' };
  }

  async patch(messageId: string, content: string): Promise<void> {
    await this.call(() => this.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }));
  }

  async reply(messageId: string, msgType: 'interactive' | 'text', content: string, uuid?: string): Promise<{ messageId: string }> {
    const data = await this.call(() => this.client.im.v1.message.reply({
      path: { message_id: messageId },
      data: { msg_type: msgType, content, reply_in_thread: true, ...(uuid ? { uuid: uuid.slice(0, 50) } : {}) },
    }));
    return { messageId: data.message_id ?? '' };
  }
}

/** Feishu as an outbox channel: cards are sent once and then patched in place; comments reply in the card's thread. */
export class FeishuChannel implements Channel {
  readonly platform = 'feishu' as const;

  constructor(
    private readonly api: FeishuMessages,
    private readonly services: Services,
    private readonly localeOf: (personId: string) => Locale,
    private readonly log: Logger,
  ) {}

  reaches(personId: string): boolean {
    return Boolean(this.services.org.person(personId)?.feishu);
  }

  async deliver(m: OutboundMessage): Promise<void> {
    const openId = this.services.org.person(m.personId)?.feishu;
    if (!openId) throw new ChannelError(`feishu: ${m.personId} has no open_id`, false, undefined, 'not_found');
    const locale = this.localeOf(m.personId);
    const uuid = `backline-${m.id}`;
    try {
      switch (m.kind) {
        case 'card':
          if (m.requestId !== null) await this.card(m.requestId, m.personId, openId, locale, uuid);
          return;
        case 'notice': {
          const p = m.payload as { message?: string; params?: Record<string, string | number> };
          const text = t(locale, (p.message ?? 'app.name') as MessageKey, { ...p.params, ...(m.requestId ? { id: m.requestId } : {}) });
          await this.api.create(openId, 'text', textContent(text), uuid);
          return;
        }
        case 'comment': {
          const p = m.payload as { authorId?: string; body?: string };
          const text = fm(locale, 'comment.line', { author: this.services.org.displayName(p.authorId ?? ''), body: p.body ?? '', id: m.requestId ?? '' });
          const ref = m.requestId !== null ? await this.services.messageRef(m.requestId, m.personId, PLATFORM) : null;
          if (ref) {
            try {
              await this.api.reply(ref.messageId, 'text', textContent(text), uuid);
              return;
            } catch (e) {
              if (!isMessageGone(e)) throw e;
            }
          }
          await this.api.create(openId, 'text', textContent(text), uuid);
          return;
        }
        case 'reminder':
        case 'digest': {
          const view = (m.payload as { view?: MessageView }).view;
          if (!view) throw new ChannelError(`feishu: ${m.kind} without a view`, false);
          await this.api.create(openId, 'interactive', JSON.stringify(renderMessageView(view)), uuid);
          return;
        }
      }
    } catch (e) {
      throw classifyFeishuError(e);
    }
  }

  /** Sends the card the first time, patches it afterwards (the MessageRef remembers which message). */
  private async card(requestId: number, personId: string, openId: string, locale: Locale, uuid: string): Promise<void> {
    const card = await this.services.card(requestId, personId, locale);
    if (!card) return;
    const content = JSON.stringify(renderCard(card));
    const ref = await this.services.messageRef(requestId, personId, PLATFORM);
    if (ref) {
      try {
        await this.api.patch(ref.messageId, content);
        return;
      } catch (e) {
        if (!isMessageGone(e)) throw e;
        this.log.info({ requestId, personId, code: (e as FeishuApiError).code }, 'feishu card message gone, sending a new one');
      }
    }
    const sent = await this.api.create(openId, 'interactive', content, uuid);
    await this.services.saveMessageRef(requestId, personId, PLATFORM, sent.chatId, sent.messageId);
  }
}
