import * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from 'pino';
import type { AdapterContext, PlatformAdapter } from '../../app/adapter.js';
import { noDigestReply, parseSupportCommand, snoozeReply, snoozeUsage } from '../../app/commands.js';
import type { Locale } from '../../core/catalog/types.js';
import { isDomainError, type DomainError } from '../../core/errors.js';
import { errorText as describeError, fieldErrorText } from '../../core/i18n/error-text.js';
import { t } from '../../core/i18n/messages.js';
import { FeishuChannel, FeishuMessages } from './channel.js';
import { callbackValue, MENU, NAME, type CallbackValue } from './ids.js';
import { fm } from './messages.js';
import { immediateAction } from '../../core/views/request-card.js';
import { actionInputFor, cardActionEvent, menuEvent, messageEvent, messageText, readAction, readForm, type CardActionEvent } from './parse.js';
import type { Card } from './render/kit.js';
import { renderCard, type ActionFormState } from './render/request-card.js';
import { renderForm, renderList, renderMessageView, renderPicker, renderSubmitted, textContent, type People } from './render/views.js';
import { EVENTS_PATH, mountWebhook } from './webhook.js';

// Feishu / Lark: one lark.Client for the OpenAPI, one EventDispatcher for events and card
// callbacks. Long connection (WSClient) by default, so no public URL is needed; FEISHU_MODE=webhook
// serves POST /feishu/events on the app's one server. Handlers parse with zod, deduplicate by
// event_id (persisted), call one Services method, and render card JSON 2.0.

export { EVENTS_PATH };

export interface FeishuAdapter extends PlatformAdapter {
  dispatcher: lark.EventDispatcher;
  client: lark.Client;
  /** Resolves when all event work started so far has finished (tests, stop). */
  idle(): Promise<void>;
}

/** A card callback's answer: Feishu applies it to the clicked card at once (within 3 s). */
export interface CallbackAnswer {
  toast?: { type: 'success' | 'error' | 'info' | 'warning'; content: string };
  card?: { type: 'raw'; data: Card };
}

/** Token cache per adapter instance: the SDK's default is process-global per appId. */
export class TokenCache implements lark.Cache {
  private readonly values = new Map<string, { value: unknown; expire?: number }>();
  // eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- the SDK's Cache type says Symbol
  private key(key: string | Symbol, ns?: string) {
    return `${ns ?? ''}:${String(key)}`;
  }
  async set(key: string | Symbol, value: unknown, expire?: number, options?: { namespace?: string }) {
    this.values.set(this.key(key, options?.namespace), { value, ...(expire ? { expire } : {}) });
    return true;
  }
  async get(key: string | Symbol, options?: { namespace?: string }) {
    const hit = this.values.get(this.key(key, options?.namespace));
    if (!hit) return undefined;
    if (hit.expire !== undefined && hit.expire < Date.now()) return undefined;
    return hit.value;
  }
  clear() {
    this.values.clear();
  }
}

/** FEISHU_DOMAIN: "feishu" (default), "lark" (international) or a base URL (tests, private deployments). */
export function resolveDomain(raw: string | undefined): lark.Domain | string {
  const v = (raw ?? '').trim();
  if (!v || v.toLowerCase() === 'feishu') return lark.Domain.Feishu;
  if (v.toLowerCase() === 'lark') return lark.Domain.Lark;
  return v.replace(/\/+$/, '');
}

function larkLogger(log: Logger) {
  const at = (lvl: 'debug' | 'info' | 'warn' | 'error') => (...m: unknown[]) => {
    if (log.isLevelEnabled(lvl)) log[lvl](m.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(' '));
  };
  return { error: at('error'), warn: at('warn'), info: at('debug'), debug: at('debug'), trace: at('debug') };
}

/** The WSClient silently does nothing with an app id of any other shape. */
export const validAppId = (appId: string) => /^cli_[0-9a-f]{16}$/.test(appId);

export async function createFeishuAdapter(ctx: AdapterContext): Promise<FeishuAdapter> {
  const { env, services } = ctx;
  const log = ctx.log.child({ platform: 'feishu' });
  const appId = env.FEISHU_APP_ID!;
  const appSecret = env.FEISHU_APP_SECRET!;
  const webhook = env.FEISHU_MODE === 'webhook';
  if (webhook && !env.FEISHU_VERIFICATION_TOKEN && !env.FEISHU_ENCRYPT_KEY) {
    throw new Error('FEISHU_MODE=webhook needs FEISHU_VERIFICATION_TOKEN (and FEISHU_ENCRYPT_KEY to verify signatures): copy both from the app\'s "Events & Callbacks" page');
  }
  const domain = resolveDomain(env.FEISHU_DOMAIN);
  const cache = new TokenCache();
  const logger = larkLogger(log);
  const client = new lark.Client({ appId, appSecret, domain, cache, logger, loggerLevel: lark.LoggerLevel.debug });
  // A rejected token is dropped, so the outbox's retry fetches a fresh one.
  const api = new FeishuMessages(client, () => cache.clear());
  const org = () => services.org;
  // Feishu users read Chinese unless their org entry says otherwise.
  const localeOf = (personId: string): Locale => org().person(personId)?.locale ?? 'zh-CN';
  const channel = new FeishuChannel(api, services, localeOf, log);

  const people: People = {
    openIdOf: (personId) => org().person(personId)?.feishu,
    openIds: () => org().allPeople().map((p) => p.feishu).filter((x): x is string => Boolean(x)),
    zoneOf: (personId) => org().timezone(personId),
  };
  // An empty form depends only on the org config, the type, the language and who opens it: built
  // once per combination until the config reloads, it answers a card callback in less CPU.
  const emptyForms = new WeakMap<object, Map<string, Card | null>>();
  const emptyForm = (typeText: string, personId: string, l: Locale): Card | null => {
    let forms = emptyForms.get(org());
    if (!forms) emptyForms.set(org(), (forms = new Map()));
    const key = `${typeText}\u0000${personId}\u0000${l}`;
    let card = forms.get(key);
    if (card === undefined) {
      const form = services.form(typeText, personId, { locale: l });
      card = form ? renderForm(form, people, personId) : null;
      if (forms.size >= 5000) forms.clear();
      forms.set(key, card);
    }
    return card;
  };
  // Transfer and add-reviewer pick from the whole directory (people on either platform).
  const choosable = () => org().allPeople().slice(0, 100).map((p) => ({ value: p.id, label: p.name }));

  /** A DomainError in the reader's language; "at" instants in their zone. */
  const errorText = (e: DomainError, locale: Locale, personId?: string): string => describeError(e, locale, org().timezone(personId));
  const fieldMessage = (message: string, locale: Locale, e: DomainError) => fieldErrorText(message, locale, e.params);

  const answer = (card?: Card, toast?: CallbackAnswer['toast']): CallbackAnswer => ({ ...(toast ? { toast } : {}), ...(card ? { card: { type: 'raw', data: card } } : {}) });
  const fail = (content: string, card?: Card) => answer(card, { type: 'error', content });

  // Work after the answer (event handlers) is tracked so tests and stop() can wait for it.
  const inFlight = new Set<Promise<unknown>>();
  const later = (what: string, fn: () => Promise<unknown>) => {
    const p = fn().catch((e: unknown) => log.error({ err: e, what }, 'feishu event work failed'));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  /**
   * Feishu delivers events at least once: the first delivery of an event_id runs, later ones
   * (also after a restart: the key is persisted) answer empty and do nothing.
   */
  const once = <T>(kind: string, handler: (data: Record<string, unknown>) => Promise<T>) => async (data: Record<string, unknown>): Promise<T | Record<string, never>> => {
    const eventId = typeof data.event_id === 'string' ? data.event_id : typeof data.uuid === 'string' ? data.uuid : undefined;
    if (eventId && !(await services.firstSeen(`feishu:event:${eventId}`))) {
      log.info({ eventId, kind }, 'feishu event already handled');
      return {};
    }
    return handler(data);
  };

  // ── sending in reply to a message or menu click ───────────────────────────
  const sendCard = (openId: string, card: Card) => api.create(openId, 'interactive', JSON.stringify(card));
  const sendText = (openId: string, text: string) => api.create(openId, 'text', textContent(text));
  const helpText = (l: Locale) => `${t(l, 'help.title')}\n${t(l, 'help.body')}`;

  /** `/support …`, or the same words typed to the bot: what Slack's slash command does. */
  async function command(openId: string, personId: string, text: string): Promise<void> {
    const l = localeOf(personId);
    const words = text.replace(/^\/?(support|支持)\b/i, '').trim();
    const cmd = parseSupportCommand(words);
    switch (cmd.kind) {
      case 'help': return void (await sendText(openId, helpText(l)));
      case 'list': return void (await sendCard(openId, renderList(await services.lists(personId, l))));
      case 'picker': return void (await sendCard(openId, renderPicker(services.picker(personId, l))));
      case 'snooze-usage': return void (await sendText(openId, snoozeUsage(l)));
      case 'snooze': return void (await sendText(openId, snoozeReply(await ctx.scheduler.snooze(personId, cmd.hours), l, org().timezone(personId))));
      case 'digest': {
        const view = await ctx.scheduler.digestFor(personId);
        return void (await (view ? sendCard(openId, renderMessageView(view)) : sendText(openId, noDigestReply(l))));
      }
      case 'type': break;
    }
    const form = emptyForm(words, personId, l);
    if (form) return void (await sendCard(openId, form));
    const isCommand = /^\/?(support|支持)\b/i.test(text);
    await sendText(openId, isCommand ? t(l, 'error.unknown_type', { type: words }) : fm(l, 'unknown_command', { text: text.slice(0, 100) }));
  }

  async function onMessage(data: Record<string, unknown>) {
    const parsed = messageEvent.safeParse(data);
    if (!parsed.success) return void log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'feishu message event not understood');
    const { sender, message } = parsed.data;
    if (sender.sender_type && sender.sender_type !== 'user') return;
    if (message.chat_type !== 'p2p') return;
    const openId = sender.sender_id.open_id;
    const text = messageText(message);
    const person = org().personByFeishu(openId);
    if (!person) return void later('not linked', () => sendText(openId, fm('zh-CN', 'not_linked', { user: openId })));
    if (!text) return;
    const thread = message.root_id ?? message.parent_id;
    if (thread) {
      // A reply to a card is a comment on its request.
      const ref = await services.requestForMessage('feishu', thread);
      if (ref && ref.personId === person.id) {
        later('comment', async () => {
          try {
            await services.act(ref.requestId, person.id, { type: 'comment', body: text }, `feishu:msg:${message.message_id}`);
          } catch (e) {
            if (!isDomainError(e)) throw e;
            await api.reply(thread, 'text', textContent(errorText(e, localeOf(person.id), person.id)));
          }
        });
        return;
      }
    }
    later('command', () => command(openId, person.id, text));
  }

  async function onMenu(data: Record<string, unknown>) {
    const parsed = menuEvent.safeParse(data);
    if (!parsed.success) return void log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'feishu menu event not understood');
    const openId = parsed.data.operator.operator_id.open_id;
    const person = org().personByFeishu(openId);
    if (!person) return void later('not linked', () => sendText(openId, fm('zh-CN', 'not_linked', { user: openId })));
    const key = parsed.data.event_key;
    const words = key === MENU.newRequest ? '' : key === MENU.myRequests ? 'list' : key === MENU.digest ? 'digest' : key === MENU.help ? 'help' : key;
    later('menu', () => command(openId, person.id, `/support ${words}`.trim()));
  }

  // ── card callbacks: answer within 3 s with the updated card or a toast ────
  async function onCardAction(data: Record<string, unknown>): Promise<CallbackAnswer> {
    const parsed = cardActionEvent.safeParse(data);
    if (!parsed.success) {
      log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'feishu card callback not understood');
      return {};
    }
    const ev = parsed.data;
    const value = callbackValue.safeParse(ev.action.value);
    const person = org().personByFeishu(ev.operator.open_id);
    if (!person) return fail(fm('zh-CN', 'not_linked', { user: ev.operator.open_id }));
    const l = localeOf(person.id);
    if (!value.success) return fail(t(l, 'error.unknown_action'));
    try {
      return await callback(ev, value.data, person.id, l);
    } catch (e) {
      if (isDomainError(e)) return fail(errorText(e, l, person.id));
      log.error({ err: e, value: value.data }, 'feishu card callback failed');
      return fail(t(l, 'error.internal'));
    }
  }

  async function callback(ev: CardActionEvent, v: CallbackValue, personId: string, l: Locale): Promise<CallbackAnswer> {
    const formValue = ev.action.form_value ?? {};
    const fresh = async (requestId: number, form?: ActionFormState, notice?: string) => {
      const card = await services.card(requestId, personId, l);
      return card ? renderCard(card, { ...(form ? { form } : {}), ...(notice ? { notice } : {}) }) : undefined;
    };
    switch (v.k) {
      case 'new':
        return answer(renderPicker(services.picker(personId, l)));
      case 'snooze': {
        const result = await ctx.scheduler.snooze(personId, v.h);
        return answer(undefined, { type: 'success', content: snoozeReply(result, l, org().timezone(personId)) });
      }
      case 'pick': {
        const form = emptyForm(v.t, personId, l);
        return form ? answer(form) : fail(t(l, 'error.unknown_type', { type: v.t }));
      }
      case 'submit': {
        const type = org().type(v.t);
        if (!type) return fail(t(l, 'error.unknown_type', { type: v.t }));
        const { values, unitId } = readForm(formValue, type, org());
        // One form message files one request, however often its Submit is clicked.
        const key = `feishu:submit:${ev.context?.open_message_id ?? ev.event_id ?? ''}`;
        try {
          const res = await services.submit({ requesterId: personId, type: type.id, ...(unitId ? { unitId } : {}), values, locale: l, idempotencyKey: key });
          return answer(renderSubmitted(l, res.requestId, `#${res.requestId} ${type.label[l]}`), { type: 'success', content: fm(l, 'done.title') });
        } catch (e) {
          if (!isDomainError(e)) throw e;
          // Re-render the form with each error by its field and the values kept.
          const errors = e.fieldErrors.map((fe) => ({ field: fe.field, message: fieldMessage(fe.message, l, e) }));
          if (errors.length === 0) errors.push({ field: e.code === 'no_route' ? 'unit' : 'precondition', message: errorText(e, l, personId) });
          const form = services.form(type.id, personId, { locale: l, values: { ...values, ...(unitId ? { unit: unitId } : {}) }, errors });
          return answer(form ? renderForm(form, people, personId) : undefined, { type: 'error', content: t(l, 'error.validation') });
        }
      }
      case 'open':
      case 'back': {
        const card = await fresh(v.r);
        return card ? answer(card) : fail(t(l, 'error.not_found', { id: v.r }));
      }
      case 'act': {
        const card = await services.card(v.r, personId, l);
        if (!card) return fail(t(l, 'error.not_found', { id: v.r }));
        if (v.a === 'details') return answer(renderCard(card));
        const now = immediateAction(v.a);
        if (now) {
          try {
            await services.act(v.r, personId, now, `feishu:act:${ev.event_id ?? ''}`);
          } catch (e) {
            if (!isDomainError(e)) throw e;
            return fail(errorText(e, l, personId), await fresh(v.r));
          }
          return answer(await fresh(v.r), { type: 'success', content: fm(l, 'done.toast') });
        }
        const available = card.actions.find((x) => x.id === v.a);
        if (!available) return stale(card.history, card.status.label, renderCard(card), l);
        return answer(renderCard(card, { form: { action: available, people: choosable() } }));
      }
      case 'do': {
        const act = readAction(v.a, formValue);
        if (!act) return fail(t(l, 'error.unknown_action'));
        try {
          await services.act(v.r, personId, act, `feishu:do:${ev.event_id ?? ''}`);
        } catch (e) {
          if (!isDomainError(e)) throw e;
          const card = await services.card(v.r, personId, l);
          const available = card?.actions.find((x) => x.id === v.a);
          if (!card || !available) return fail(errorText(e, l, personId), card ? renderCard(card) : undefined);
          // Still possible: show the form again with the error under its input and the values kept.
          const errors: Record<string, string> = {};
          for (const fe of e.fieldErrors) errors[actionInputFor(fe.field)] ??= fieldMessage(fe.message, l, e);
          if (Object.keys(errors).length === 0) errors[NAME.text in formValue || !available.input ? '*' : firstInput(available.input)] = errorText(e, l, personId);
          return answer(renderCard(card, { form: { action: available, values: formValue, errors, people: choosable() } }), { type: 'error', content: errorText(e, l, personId) });
        }
        return answer(await fresh(v.r), { type: 'success', content: fm(l, 'done.toast') });
      }
    }
  }

  /** A click on a card that is behind: say who settled it and when, and bring the card up to date. */
  function stale(history: string[], status: string, card: Card, l: Locale): CallbackAnswer {
    const last = history[history.length - 1] ?? '';
    return answer(card, { type: 'warning', content: fm(l, 'stale', { last, status }) });
  }

  const dispatcher = new lark.EventDispatcher({
    ...(env.FEISHU_ENCRYPT_KEY ? { encryptKey: env.FEISHU_ENCRYPT_KEY } : {}),
    ...(env.FEISHU_VERIFICATION_TOKEN ? { verificationToken: env.FEISHU_VERIFICATION_TOKEN } : {}),
    logger, loggerLevel: lark.LoggerLevel.debug,
  }).register({
    'im.message.receive_v1': once('message', onMessage),
    'application.bot.menu_v6': once('menu', onMenu),
    'card.action.trigger': once('card', onCardAction),
    // Events the app subscribes to but does not act on: answered, not logged as unknown.
    'im.message.message_read_v1': async () => ({}),
    'im.chat.access_event.bot_p2p_chat_entered_v1': async () => ({}),
  } as never);

  if (webhook) mountWebhook(ctx.http, { dispatcher, log, ...(env.FEISHU_ENCRYPT_KEY ? { encryptKey: env.FEISHU_ENCRYPT_KEY } : {}), ...(env.FEISHU_VERIFICATION_TOKEN ? { verificationToken: env.FEISHU_VERIFICATION_TOKEN } : {}) });

  let ws: lark.WSClient | undefined;
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  return {
    channel, dispatcher, client, idle,
    async start() {
      if (webhook) {
        log.info({ mode: 'webhook', path: EVENTS_PATH }, 'feishu adapter started');
        return;
      }
      if (!validAppId(appId)) {
        log.error({ appId }, 'FEISHU_APP_ID must look like cli_ followed by 16 hex characters; the long connection cannot start');
        return;
      }
      ws = new lark.WSClient({ appId, appSecret, domain, logger, loggerLevel: lark.LoggerLevel.info });
      await ws.start({ eventDispatcher: dispatcher });
      log.info({ mode: 'ws' }, 'feishu adapter started');
    },
    async stop() {
      ws?.close({ force: true });
      await idle();
    },
  };
}

function firstInput(input: NonNullable<ActionFormState['action']['input']>): string {
  if (input === 'deliver' || input === 'summary') return NAME.link;
  if (input === 'rating') return NAME.rating;
  if (input === 'supporter' || input === 'person') return NAME.person;
  return NAME.text;
}
