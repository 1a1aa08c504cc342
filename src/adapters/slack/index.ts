import {
  App, ExpressReceiver, LogLevel, type AllMiddlewareArgs, type AnyMiddlewareArgs, type Logger as BoltLogger, type SlackAction, type SlackActionMiddlewareArgs, type SlackCommandMiddlewareArgs,
  type SlackEventMiddlewareArgs, type SlackOptionsMiddlewareArgs, type SlackShortcutMiddlewareArgs, type SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from 'pino';
import type { AdapterContext, PlatformAdapter } from '../../app/adapter.js';
import { noDigestReply, parseSupportCommand, snoozeReply, snoozeUsage } from '../../app/commands.js';
import type { Locale } from '../../core/catalog/types.js';
import { isDomainError, type DomainError } from '../../core/errors.js';
import { errorText as describeError, fieldErrorText } from '../../core/i18n/error-text.js';
import { normaliseLocale } from '../../core/i18n/i18n.js';
import { t } from '../../core/i18n/messages.js';
import type { CardAction } from '../../core/views/model.js';
import { SlackChannel } from './channel.js';
import { ThreadedWebClient } from './web-api-thread.js';
import { ACTION, BLOCK, blockForField, CALLBACK, COMMAND, parseCardRef } from './ids.js';
import { st } from './messages.js';
import { immediateAction } from '../../core/views/request-card.js';
import { actionBlockFor, readAction, readForm, type ViewState } from './parse.js';
import { renderCard, renderMessageView } from './render/card.js';
import { renderHome, renderListMessage } from './render/home.js';
import { renderActionModal, renderDetails, renderForm, renderPicker, renderSubmitted, type ActionMetadata, type FormMetadata, type Prefill } from './render/modals.js';
import { option, readMetadata, type ModalView } from './render/text.js';

// Slack: one Bolt App. HTTP mode mounts an ExpressReceiver on the app's one server at
// POST /slack/events (commands, interactivity, events, options); Socket Mode when SLACK_APP_TOKEN
// is set. Listeners ack first, then parse, call one Services method, and render.

export const EVENTS_PATH = '/slack/events';

export interface SlackAdapter extends PlatformAdapter {
  app: App;
  /** Resolves when every listener started so far has finished its work after the ack (tests). */
  idle(): Promise<void>;
}

function boltLogger(log: Logger): BoltLogger {
  const line = (msgs: unknown[]) => msgs.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  let level = LogLevel.INFO;
  // Bolt and the Web API client log every request at debug: format only what pino will write.
  const at = (lvl: 'debug' | 'info' | 'warn' | 'error') => (...m: unknown[]) => {
    if (log.isLevelEnabled(lvl)) log[lvl](line(m));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/** https://docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload: a message's permalink without an API call. */
const permalink = (domain: string | undefined, channel: string, ts: string) =>
  domain ? `https://${domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}` : undefined;

interface ActionBody {
  user: { id: string };
  trigger_id?: string;
  container?: { type: string; channel_id?: string; message_ts?: string; is_ephemeral?: boolean };
  channel?: { id: string };
  view?: { id: string; hash: string; type: string; private_metadata?: string; root_view_id?: string };
}

type ActionArgs = SlackActionMiddlewareArgs<SlackAction> & AllMiddlewareArgs;
type ActionHandler = (args: ActionArgs) => Promise<void>;
type ViewArgs = SlackViewMiddlewareArgs;
type ViewHandler = (args: ViewArgs) => Promise<void>;

export async function createSlackAdapter(ctx: AdapterContext): Promise<SlackAdapter> {
  const { env, services } = ctx;
  const log = ctx.log.child({ platform: 'slack' });
  const socketMode = Boolean(env.SLACK_APP_TOKEN);
  const clientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/` } : {}),
    // Bolt's own client only makes the start-up auth.test (and Socket Mode's apps.connections.open):
    // a wrong token or an unreachable Slack should stop the start at once, not after retries.
    // Backline's calls go through the ThreadedWebClient below, whose errors the outbox retries.
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  };
  const receiver = socketMode ? undefined : new ExpressReceiver({
    signingSecret: env.SLACK_SIGNING_SECRET!,
    endpoints: EVENTS_PATH,
    app: ctx.http,
    logger: boltLogger(log),
  });
  const app = new App({
    token: env.SLACK_BOT_TOKEN!,
    clientOptions,
    logger: boltLogger(log),
    deferInitialization: true,
    convoStore: false, // conversation state is ours (the database), not Bolt's in-memory store
    ...(receiver ? { receiver } : { socketMode: true, appToken: env.SLACK_APP_TOKEN! }),
  });
  // Web API calls run off the acking thread (web-api-thread.ts).
  const client = new ThreadedWebClient(env.SLACK_BOT_TOKEN!, { ...(clientOptions.slackApiUrl ? { slackApiUrl: clientOptions.slackApiUrl } : {}), background: env.SLACK_WEB_API_PRIORITY === 'background' }, log);
  // A modal is a listener's last step and nothing reads Slack's answer: opened one-way.
  const modals = client.oneWay;
  const org = () => services.org;

  // Slack's own locale for people whose org entry sets none, learned from users.info once.
  const slackLocales = new Map<string, Locale>();
  const localeNow = (slackUser: string): Locale => {
    const person = org().personBySlack(slackUser);
    return person?.locale ?? slackLocales.get(slackUser) ?? org().locale(person?.id);
  };
  const localeOf = async (slackUser: string): Promise<Locale> => {
    const person = org().personBySlack(slackUser);
    if (person?.locale || slackLocales.has(slackUser)) return localeNow(slackUser);
    try {
      const res = await client.users.info({ user: slackUser, include_locale: true });
      const l = normaliseLocale((res.user as { locale?: string } | undefined)?.locale);
      if (l) slackLocales.set(slackUser, l);
    } catch (e) {
      log.debug({ err: e }, 'users.info failed; using the org locale');
    }
    return localeNow(slackUser);
  };
  const localeOfPerson = (personId: string): Locale => {
    const p = org().person(personId);
    return p?.locale ?? (p?.slack ? slackLocales.get(p.slack) : undefined) ?? org().locale(personId);
  };
  const slackIdOf = (personId: string) => org().person(personId)?.slack;

  const channel = new SlackChannel(client, services, localeOfPerson, log);

  // The picker is the same for everyone in a language until the org config reloads: build it
  // once, and keep it serialised so WebClient does not walk and re-stringify it on every call.
  const pickers = new WeakMap<object, Map<Locale, ModalView>>();
  const pickerView = (personId: string, locale: Locale): ModalView => {
    let byLocale = pickers.get(org());
    if (!byLocale) pickers.set(org(), (byLocale = new Map()));
    let view = byLocale.get(locale);
    if (!view) byLocale.set(locale, (view = JSON.stringify(renderPicker(services.picker(personId, locale))) as unknown as ModalView));
    return view;
  };

  /** A DomainError in the reader's language; "at" instants in their zone. */
  const errorText = (e: DomainError, locale: Locale, personId?: string): string => describeError(e, locale, org().timezone(personId));
  const fieldMessage = (message: string, locale: Locale, e: DomainError) => fieldErrorText(message, locale, e.params);

  // Bolt's middleware chain ends when the listener acks (events: at once, Bolt acked them), so the
  // request's Bolt context is not held while the work after the ack waits on Slack; that work
  // goes on here, tracked so that tests (and stop) can wait for it. A failure before the ack
  // still reaches Bolt, which answers the request with an error.
  const inFlight = new Set<Promise<unknown>>();
  const tracked = <A extends { ack?: (response?: never) => Promise<void> }>(listener: (args: A) => Promise<void>) => async (args: A): Promise<void> => {
    let detached = !args.ack;
    let detach!: () => void;
    const ackSent = new Promise<void>((resolve) => (detach = resolve));
    const ack = args.ack;
    if (ack) {
      args.ack = async (response?: never) => {
        await ack(response);
        detached = true;
        detach();
      };
    } else detach();
    const work = listener(args);
    inFlight.add(work);
    work.then(
      () => inFlight.delete(work),
      (e: unknown) => {
        inFlight.delete(work);
        // Before the ack, the error goes to Bolt through the race below.
        if (detached) log.error({ err: e }, 'slack listener failed');
      },
    );
    await Promise.race([work, ackSent]);
  };

  const notLinked = (user: string) => st(localeNow(user), 'not_linked', { user });

  const ephemeral = async (body: ActionBody, text: string) => {
    const channelId = body.container?.channel_id ?? body.channel?.id;
    if (channelId) await client.chat.postEphemeral({ channel: channelId, user: body.user.id, text });
  };

  /** Opens the picker or a form for /support or the message shortcut; if Slack does not (an
   * expired trigger_id, Slack down), the person is told so, in their language, through response_url. */
  const openFormOrTell = (triggerId: string, view: ModalView, responseUrl: string, locale: Locale) =>
    client.sendOneWay('views.open', { trigger_id: triggerId, view }, { responseUrl, text: st(locale, 'modal.failed') });

  /** Opens a modal from a button: on top of the current modal when clicked inside one. */
  const openModal = async (body: ActionBody, view: ModalView) => {
    if (!body.trigger_id) return;
    if (body.view?.type === 'modal') await modals.views.push({ trigger_id: body.trigger_id, view });
    else await modals.views.open({ trigger_id: body.trigger_id, view });
  };

  // ── /support ───────────────────────────────────────────────────────────────
  const onCommand = async ({ command, ack, respond }: SlackCommandMiddlewareArgs): Promise<void> => {
    const user = command.user_id;
    const person = org().personBySlack(user);
    if (!person) return void (await ack({ response_type: 'ephemeral', text: notLinked(user) }));
    const cmd = parseSupportCommand(command.text);
    const ephemeralNow = (text: string) => ack({ response_type: 'ephemeral', text });
    if (cmd.kind === 'help') {
      const l = localeNow(user);
      return void (await ephemeralNow(`*${t(l, 'help.title')}*\n${t(l, 'help.body')}`));
    }
    if (cmd.kind === 'snooze-usage') return void (await ephemeralNow(snoozeUsage(localeNow(user))));
    if (cmd.kind === 'snooze') {
      const result = await ctx.scheduler.snooze(person.id, cmd.hours);
      return void (await ephemeralNow(snoozeReply(result, localeNow(user), org().timezone(person.id))));
    }
    if (cmd.kind === 'type' && !org().findType(cmd.text)) {
      return void (await ephemeralNow(t(localeNow(user), 'error.unknown_type', { type: cmd.text })));
    }
    // The trigger_id lives 3 s: ack, then open the modal before anything slow.
    await ack();
    const locale = await localeOf(user);
    if (cmd.kind === 'list') {
      await respond({ response_type: 'ephemeral', ...renderListMessage(await services.lists(person.id, locale)) });
      return;
    }
    if (cmd.kind === 'digest') {
      const view = await ctx.scheduler.digestFor(person.id);
      await respond(view ? { response_type: 'ephemeral', ...renderMessageView(view) } : { response_type: 'ephemeral', text: noDigestReply(locale) });
      return;
    }
    const form = cmd.kind === 'type' ? services.form(cmd.text, person.id, { locale }) : null;
    const view = form ? renderForm(form, { slackIdOf }) : pickerView(person.id, locale);
    openFormOrTell(command.trigger_id, view, command.response_url, locale);
  };

  // ── "Request support from this message" ───────────────────────────────────
  const onShortcut = async ({ shortcut, ack, body }: SlackShortcutMiddlewareArgs): Promise<void> => {
    await ack();
    if (shortcut.callback_id !== CALLBACK.fromMessage) return;
    const s = shortcut as unknown as { trigger_id: string; response_url: string; user: { id: string }; team?: { domain?: string }; channel: { id: string }; message: { text?: string; ts: string } };
    const person = org().personBySlack(s.user.id);
    if (!person) return void (await ephemeral({ user: s.user, channel: s.channel } as ActionBody, notLinked(s.user.id)));
    const locale = await localeOf(s.user.id);
    const link = permalink(s.team?.domain ?? (body as { team?: { domain?: string } }).team?.domain, s.channel.id, s.message.ts);
    const prefill: Prefill = { text: s.message.text ?? '', ...(link ? { link } : {}) };
    openFormOrTell(s.trigger_id, renderPicker(services.picker(person.id, locale), prefill), s.response_url, locale);
  };

  // ── picker → form ─────────────────────────────────────────────────────────
  const onChooseType: ActionHandler = async ({ body, action }) => {
    const b = body as unknown as ActionBody;
    const person = org().personBySlack(b.user.id);
    const typeId = (action as { value?: string }).value ?? '';
    if (!person || !b.view) return;
    const locale = await localeOf(b.user.id);
    const form = services.form(typeId, person.id, { locale });
    if (!form) return;
    const meta = readMetadata<FormMetadata>(b.view.private_metadata);
    await modals.views.update({ view_id: b.view.id, hash: b.view.hash, view: renderForm(form, { slackIdOf, ...(meta.p ? { prefill: meta.p } : {}) }) });
  };

  // ── submit a request ──────────────────────────────────────────────────────
  const onSubmitForm: ViewHandler = async ({ ack, body, view }) => {
    const user = body.user.id;
    const person = org().personBySlack(user);
    const meta = readMetadata<FormMetadata>(view.private_metadata);
    const type = meta.t ? org().type(meta.t) : undefined;
    const blocks = (view.blocks as Array<{ block_id?: string; type: string }>);
    const firstInput = blocks.find((b) => b.type === 'input')?.block_id ?? BLOCK.precondition;
    if (!person || !type) return void (await ack({ response_action: 'errors', errors: { [firstInput]: person ? t(localeNow(user), 'error.unknown_type', { type: meta.t ?? '' }) : notLinked(user) } }));
    const locale = await localeOf(user);
    const { values, unitId } = readForm(view.state.values as ViewState, type, org());
    try {
      // Validation and the insert are quick; errors must come back in this very response.
      const res = await services.submit({ requesterId: person.id, type: type.id, ...(unitId ? { unitId } : {}), values, locale, idempotencyKey: `slack:submit:${view.id}` });
      await ack({ response_action: 'update', view: renderSubmitted(locale, res.requestId) });
    } catch (e) {
      if (!isDomainError(e)) {
        log.error({ err: e }, 'slack submit failed');
        return void (await ack({ response_action: 'errors', errors: { [firstInput]: t(locale, 'error.internal') } }));
      }
      const present = new Set(blocks.map((b) => b.block_id));
      const errors: Record<string, string> = {};
      for (const fe of e.fieldErrors) {
        const block = blockForField(fe.field);
        errors[present.has(block) ? block : firstInput] ??= fieldMessage(fe.message, locale, e);
      }
      if (Object.keys(errors).length === 0) errors[e.code === 'no_route' ? BLOCK.unit : firstInput] = errorText(e, locale, person.id);
      await ack({ response_action: 'errors', errors });
    }
  };

  // ── card buttons ──────────────────────────────────────────────────────────
  const onCardButton: ActionHandler = async ({ body, action }) => {
    const b = body as unknown as ActionBody;
    const a = action as { action_id: string; value?: string; action_ts: string };
    const id = a.action_id.slice(ACTION.cardPrefix.length) as CardAction['id'];
    const ref = parseCardRef(a.value);
    const person = org().personBySlack(b.user.id);
    if (!ref) return;
    if (!person) return void (await ephemeral(b, notLinked(b.user.id)));
    // A retried delivery of the same click (same user and action_ts) does nothing.
    if (!(await services.firstSeen(`slack:action:${b.user.id}:${a.action_ts}`))) return;
    const locale = await localeOf(b.user.id);
    const card = await services.card(ref.requestId, person.id, locale);
    if (!card) return void (await ephemeral(b, t(locale, 'error.not_found', { id: ref.requestId })));
    const inModal = b.view?.type === 'modal';
    const refreshHere = async (notice?: string) => {
      const fresh = notice ? card : await services.card(ref.requestId, person.id, locale);
      if (!fresh) return;
      if (inModal && b.view) await client.views.update({ view_id: b.view.id, view: renderDetails(fresh, notice) });
      else if (b.container?.type === 'message' && !b.container.is_ephemeral && b.container.channel_id && b.container.message_ts) {
        await client.chat.update({ channel: b.container.channel_id, ts: b.container.message_ts, ...renderCard(fresh) });
      }
    };
    if (id === 'details') return void (await openModal(b, renderDetails(card)));
    // Buttons without input go straight to the domain, which knows who settled a stale step.
    const now = immediateAction(id);
    if (now) {
      try {
        await services.act(ref.requestId, person.id, now, `slack:act:${b.user.id}:${a.action_ts}`);
        if (inModal) await refreshHere();
      } catch (e) {
        if (!isDomainError(e)) throw e;
        const text = errorText(e, locale, person.id);
        if (inModal) return void (await refreshHere(text));
        await ephemeral(b, text);
        await refreshHere();
      }
      return;
    }
    const available = card.actions.find((x) => x.id === id);
    if (!available) {
      // The card was behind: say what happened and bring this copy up to date.
      const last = card.history[card.history.length - 1] ?? '';
      const text = st(locale, 'stale', { last: last ? `${last}.` : '', status: card.status.label });
      if (inModal) return void (await refreshHere(text));
      await ephemeral(b, text);
      await refreshHere();
      return;
    }
    await openModal(b, renderActionModal(card, available));
  };

  // ── the input a button asked for (reason, question, rating, supporter …) ──
  const onSubmitAction: ViewHandler = async ({ ack, body, view }) => {
    const user = body.user.id;
    const person = org().personBySlack(user);
    const meta = readMetadata<ActionMetadata>(view.private_metadata);
    const blocks = (view.blocks as Array<{ block_id?: string; type: string }>);
    const present = new Set(blocks.map((x) => x.block_id));
    const firstInput = blocks.find((x) => x.type === 'input')?.block_id ?? BLOCK.text;
    const locale = await localeOf(user);
    const act = meta.a ? readAction(meta.a, view.state.values as ViewState, org()) : undefined;
    if (!person || !act || typeof meta.r !== 'number') return void (await ack({ response_action: 'errors', errors: { [firstInput]: person ? t(locale, 'error.unknown_action') : notLinked(user) } }));
    try {
      await services.act(meta.r, person.id, act, `slack:view:${view.id}`);
      await ack();
    } catch (e) {
      if (!isDomainError(e)) {
        log.error({ err: e, requestId: meta.r }, 'slack action failed');
        return void (await ack({ response_action: 'errors', errors: { [firstInput]: t(locale, 'error.internal') } }));
      }
      const errors: Record<string, string> = {};
      for (const fe of e.fieldErrors) {
        const block = actionBlockFor(fe.field);
        errors[present.has(block) ? block : firstInput] ??= fieldMessage(fe.message, locale, e);
      }
      if (Object.keys(errors).length === 0) errors[firstInput] = errorText(e, locale, person.id);
      await ack({ response_action: 'errors', errors });
    }
  };

  // ── App Home and "Open" buttons ───────────────────────────────────────────
  const publishHome = async (user: string) => {
    const person = org().personBySlack(user);
    if (!person) return;
    const locale = await localeOf(user);
    await client.views.publish({ user_id: user, view: renderHome(await services.lists(person.id, locale)) });
  };

  const onHomeOpen: ActionHandler = async ({ body, action }) => {
    const b = body as unknown as ActionBody;
    const person = org().personBySlack(b.user.id);
    const requestId = Number((action as { value?: string }).value);
    if (!person || !Number.isInteger(requestId)) return;
    const locale = await localeOf(b.user.id);
    const card = await services.card(requestId, person.id, locale);
    if (!card) return void (await ephemeral(b, t(locale, 'error.not_found', { id: requestId })));
    await openModal(b, renderDetails(card));
  };

  // A reminder's snooze button: no reminders for that many hours; the answer says until when.
  const onSnooze: ActionHandler = async ({ body, action }) => {
    const b = body as unknown as ActionBody;
    const person = org().personBySlack(b.user.id);
    if (!person) return void (await ephemeral(b, notLinked(b.user.id)));
    const result = await ctx.scheduler.snooze(person.id, Number((action as { value?: string }).value));
    await ephemeral(b, snoozeReply(result, await localeOf(b.user.id), org().timezone(person.id)));
  };

  const onHomeNew: ActionHandler = async ({ body }) => {
    const b = body as unknown as ActionBody;
    const person = org().personBySlack(b.user.id);
    if (!person || !b.trigger_id) return;
    await modals.views.open({ trigger_id: b.trigger_id, view: pickerView(person.id, await localeOf(b.user.id)) });
  };

  // ── thread replies under a card are comments on the request ───────────────
  const onMessage = async (event: unknown): Promise<void> => {
    const m = event as { channel_type?: string; subtype?: string; bot_id?: string; user?: string; text?: string; thread_ts?: string; ts: string; channel: string };
    if (m.channel_type !== 'im' || m.subtype || m.bot_id || !m.user || !m.thread_ts || !m.text?.trim()) return;
    const ref = await services.requestForMessage('slack', m.thread_ts);
    const person = org().personBySlack(m.user);
    if (!ref || !person || ref.personId !== person.id) return;
    try {
      await services.act(ref.requestId, person.id, { type: 'comment', body: m.text }, `slack:msg:${m.channel}:${m.ts}`);
    } catch (e) {
      if (!isDomainError(e)) throw e;
      await client.chat.postMessage({ channel: m.channel, thread_ts: m.thread_ts, text: errorText(e, await localeOf(m.user), person.id) });
    }
  };

  // ── options for selects with more than 100 choices (external_select) ─────
  const onOptions = async ({ ack, body }: SlackOptionsMiddlewareArgs<'block_suggestion'>): Promise<void> => {
    const b = body as unknown as { block_id?: string; value?: string; view?: { private_metadata?: string }; user: { id: string } };
    const meta = readMetadata<FormMetadata>(b.view?.private_metadata);
    const field = meta.t ? org().type(meta.t)?.fields.find((f) => `${BLOCK.fieldPrefix}${f.id}` === b.block_id) : undefined;
    const locale = localeNow(b.user.id);
    const q = (b.value ?? '').trim().toLowerCase();
    const options = (field?.options ?? [])
      .map((o) => option(o.value, o.label[locale] || o.label.en))
      .filter((o) => !q || o.text.text.toLowerCase().includes(q) || (o.value ?? '').toLowerCase().includes(q))
      .slice(0, 100);
    await ack({ options });
  };

  // ── routing ───────────────────────────────────────────────────────────────
  // Bolt runs every registered listener's matchers on every payload, each on its own copy of the
  // arguments; with a listener per button that was nearly half the acking thread's CPU for a
  // /support command (bench/slack). One middleware routes each payload by its kind and id instead.
  const actionRoutes: Array<[prefix: string, handler: ActionHandler]> = [
    [ACTION.chooseType, onChooseType],
    [ACTION.cardPrefix, onCardButton],
    [ACTION.homeOpen, onHomeOpen],
    [ACTION.homeNew, onHomeNew],
    [ACTION.snooze, onSnooze],
    // A link button still sends an interaction; it only needs the ack every action gets.
  ];
  const viewRoutes: Record<string, ViewHandler> = { [CALLBACK.form]: onSubmitForm, [CALLBACK.action]: onSubmitAction };

  const onEvent = async ({ event, body, context }: SlackEventMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    // Bolt does not deduplicate: a retried event (X-Slack-Retry-Num, same event_id) stops here.
    // Events are acked by the receiver before middleware runs, so this costs the sender nothing.
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId && !(await services.firstSeen(`slack:event:${eventId}`))) {
      log.info({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'slack event already handled');
      return;
    }
    if (event.type === 'app_home_opened') {
      if (event.tab === 'home') await publishHome(event.user);
    } else if (event.type === 'message') await onMessage(event);
  };

  app.use(tracked(async (args: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    if ('command' in args) {
      if (args.command.command === COMMAND) await onCommand(args);
      else await args.ack();
    } else if ('action' in args) {
      await args.ack();
      const id = (args.action as { action_id?: string }).action_id ?? '';
      await actionRoutes.find(([prefix]) => id.startsWith(prefix))?.[1](args as ActionArgs);
    } else if ('view' in args) {
      const handler = args.body.type === 'view_submission' ? viewRoutes[args.view.callback_id] : undefined;
      if (handler) await handler(args as ViewArgs);
      else await args.ack();
    } else if ('shortcut' in args) await onShortcut(args);
    else if ('options' in args) await onOptions(args as SlackOptionsMiddlewareArgs<'block_suggestion'>);
    else if ('event' in args) await onEvent(args);
  }));

  app.error(async (e) => {
    log.error({ err: e }, 'slack listener failed');
  });

  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    await client.idle();
  };

  return {
    channel,
    app,
    idle,
    async start() {
      // deferInitialization: init (auth.test) first in both modes; Socket Mode then connects.
      await app.init();
      if (socketMode) await app.start();
      log.info({ mode: socketMode ? 'socket' : 'http', path: socketMode ? undefined : EVENTS_PATH }, 'slack adapter started');
    },
    async stop() {
      if (socketMode) await app.stop();
      await idle();
      await client.close();
    },
  };
}

