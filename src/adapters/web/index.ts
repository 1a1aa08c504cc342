import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import type { AdapterContext } from '../../app/adapter.js';
import type { Env } from '../../config/env.js';
import { loadOrgConfig, OrgConfigError, routingGaps, type ConfigIssue } from '../../config/load-org.js';
import { LOCALES, ROLES, type Locale, type RoleId } from '../../core/catalog/types.js';
import type { Action } from '../../core/domain/lifecycle.js';
import { REQUEST_STATUSES } from '../../core/domain/types.js';
import { isDomainError } from '../../core/errors.js';
import { fieldErrorText } from '../../core/i18n/error-text.js';
import { formatDateTime, normaliseLocale, pick } from '../../core/i18n/i18n.js';
import { t, type MessageKey } from '../../core/i18n/messages.js';
import type { Org } from '../../core/org.js';
import type { MessageView } from '../../core/views/model.js';
import { auditLine } from '../../core/views/request-card.js';
import type { PrismaClient } from '../../persistence/prisma.js';
import { cookie, parseCookies, Sessions, tokenMatches } from './auth.js';
import { barChart, PALETTE, stackedColumns } from './charts.js';
import { DashboardQueries, type DashboardFilter } from './dashboard-queries.js';
import { html, type Html } from './html.js';
import { CSS, page, type PageContext } from './layout.js';
import { ct, type ConsoleKey } from './messages.js';
import { renderCard, renderForm, renderList, renderMessage, renderPicker, type ActionError } from './render.js';

export interface ConsoleContext extends AdapterContext {
  /** Pick-a-person mode: on when no platform is connected, or with BACKLINE_SANDBOX=1. */
  sandbox: boolean;
  /** Read-only client for the dashboard's aggregates and the audit timeline. */
  prisma: PrismaClient;
  provider?: 'sqlite' | 'postgresql';
  /** The org config file, re-read by the config check to show problems in edits not yet loaded. */
  configFile: string;
  /** The scheduler's digest for a person; when absent the home page shows the ListView instead. */
  digest?: (personId: string, now: Date) => Promise<MessageView | null> | MessageView | null;
}

/** Sandbox: BACKLINE_SANDBOX=1/true forces it on, 0/false off; otherwise on when no platform is configured. */
export function sandboxEnabled(env: Env): boolean {
  if (env.BACKLINE_SANDBOX === '1' || env.BACKLINE_SANDBOX === 'true') return true;
  if (env.BACKLINE_SANDBOX === '0' || env.BACKLINE_SANDBOX === 'false') return false;
  return !env.slackEnabled && !env.feishuEnabled;
}

const PAGE_SIZE = 50;
const YEAR = 365 * 24 * 3600;

/** Mounts the web console on the app's HTTP server at `/`. */
export function mountConsole(ctx: ConsoleContext): void {
  const { services, log, sandbox } = ctx;
  const sessions = new Sessions();
  const dash = new DashboardQueries(ctx.prisma, ctx.provider ?? 'sqlite');
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '200kb' });
  const org = (): Org => services.org;
  const people = () => org().allPeople().map((p) => ({ id: p.id, name: p.name }));

  // ── request context ──────────────────────────────────────────────────────
  const cookies = (req: Request) => parseCookies(req.headers.cookie);
  const personOf = (req: Request): string | undefined => {
    const id = cookies(req).bl_person;
    return sandbox && id && org().person(id) ? id : undefined;
  };
  const localeOf = (req: Request): Locale => {
    const chosen = cookies(req).bl_lang;
    if (chosen && (LOCALES as readonly string[]).includes(chosen)) return chosen as Locale;
    const person = personOf(req);
    if (person) return org().locale(person);
    return normaliseLocale(req.headers['accept-language']?.split(',')[0]) ?? org().data.organization.locale;
  };
  const signedIn = (req: Request) => sandbox || sessions.valid(cookies(req).bl_session);
  const pageCtx = (req: Request, active?: PageContext['active']): PageContext => {
    const id = personOf(req);
    return {
      locale: localeOf(req), path: req.originalUrl, sandbox, signedIn: signedIn(req), ...(active ? { active } : {}),
      ...(id ? { person: { id, name: org().displayName(id) }, people: people() } : {}),
    };
  };
  const send = (res: Response, body: string, status = 200) => {
    res.status(status).type('html').set('Cache-Control', 'no-store').set('X-Frame-Options', 'DENY')
      .set('Content-Security-Policy', "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
      .set('Referrer-Policy', 'same-origin').send(body);
  };
  const safeBack = (back: unknown, fallback = '/') => (typeof back === 'string' && back.startsWith('/') && !back.startsWith('//') && !back.includes('\\') ? back : fallback);
  const sameOrigin = (req: Request) => {
    const origin = req.headers.origin;
    if (!origin || origin === 'null') return !origin;
    try {
      return new URL(origin).host === req.headers.host;
    } catch {
      return false;
    }
  };
  const guard = (req: Request, res: Response): boolean => {
    if (signedIn(req)) return true;
    res.redirect(303, `/signin?back=${encodeURIComponent(req.originalUrl)}`);
    return false;
  };
  const fail = (req: Request, res: Response, e: unknown) => {
    log.error({ err: e, path: req.path }, 'console request failed');
    if (!res.headersSent) send(res, page(pageCtx(req), 'Error', html`<div class="alert">${ct(localeOf(req), 'error.page')}</div>`), 500);
  };
  const handle = (fn: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response) => {
    try {
      if (req.method === 'POST' && !sameOrigin(req)) {
        send(res, page(pageCtx(req), 'Forbidden', html`<div class="alert">${ct(localeOf(req), 'error.forbidden')}</div>`), 403);
        return;
      }
      await fn(req, res);
    } catch (e) {
      fail(req, res, e);
    }
  };
  /** A domain error in the reader's language; field messages may be message keys from the domain. */
  const say = (l: Locale, text: string, params: Record<string, string | number> = {}) => fieldErrorText(text, l, params);

  // ── shared ───────────────────────────────────────────────────────────────
  router.get('/console/console.css', (_req, res) => {
    res.type('css').set('Cache-Control', 'public, max-age=3600').send(CSS);
  });

  router.get('/lang', (req, res) => {
    const to = String(req.query.to ?? '');
    if ((LOCALES as readonly string[]).includes(to)) res.append('Set-Cookie', cookie('bl_lang', to, { maxAge: YEAR }));
    res.redirect(303, safeBack(req.query.back));
  });

  // ── sign-in (outside sandbox mode) ───────────────────────────────────────
  const signinPage = (req: Request, res: Response, message?: ConsoleKey, status = 200) => {
    const l = localeOf(req);
    const back = safeBack(req.query.back ?? req.body?.back, '/dashboard');
    send(res, page(pageCtx(req), ct(l, 'signin.title'), html`<section class="panel" style="max-width:420px;margin:2rem auto">
<h1>${ct(l, 'signin.title')}</h1><p class="muted">${ct(l, 'signin.intro')}</p>
${message ? html`<div class="alert" role="alert" data-testid="signin-error">${ct(l, message)}</div>` : ''}
${ctx.env.BACKLINE_ADMIN_TOKEN ? html`<form method="post" action="/signin"><input type="hidden" name="back" value="${back}">
<div class="field"><label for="token">${ct(l, 'signin.token')}</label><input type="password" id="token" name="token" autocomplete="current-password" required></div>
<button class="primary">${ct(l, 'signin.submit')}</button></form>` : html`<div class="alert info">${ct(l, 'signin.unset')}</div>`}</section>`), status);
  };
  router.get('/signin', handle((req, res) => {
    if (signedIn(req)) return res.redirect(303, safeBack(req.query.back, '/dashboard'));
    signinPage(req, res);
  }));
  router.post('/signin', form, handle((req, res) => {
    const client = req.ip ?? 'unknown';
    if (sessions.throttled(client)) return signinPage(req, res, 'signin.throttled', 429);
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    if (!tokenMatches(token, ctx.env.BACKLINE_ADMIN_TOKEN)) {
      sessions.failed(client);
      log.warn({ client }, 'console sign-in refused');
      return signinPage(req, res, ctx.env.BACKLINE_ADMIN_TOKEN ? 'signin.wrong' : 'signin.unset', 401);
    }
    res.append('Set-Cookie', cookie('bl_session', sessions.create(), { httpOnly: true, sameSite: 'Strict', secure: req.secure, maxAge: 8 * 3600 }));
    res.redirect(303, safeBack(req.body?.back, '/dashboard'));
  }));
  router.post('/signout', form, handle((req, res) => {
    sessions.end(cookies(req).bl_session);
    res.append('Set-Cookie', cookie('bl_session', '', { httpOnly: true, sameSite: 'Strict', maxAge: 0 }));
    res.redirect(303, '/signin');
  }));

  // ── sandbox: use Backline as a person ───────────────────────────────────
  const rolesOf = (o: Org, id: string, l: Locale): string => {
    const held = new Set<RoleId>();
    for (const [role, ids] of Object.entries(o.data.company.roles)) if (ids?.includes(id)) held.add(role as RoleId);
    for (const u of o.allUnits()) for (const [role, ids] of Object.entries(u.roles)) if (ids?.includes(id)) held.add(role as RoleId);
    const labels = ROLES.filter((r) => held.has(r)).map((r) => ct(l, `role.${r}` as ConsoleKey));
    const unit = o.person(id)?.unit;
    return labels.length > 0 ? labels.join(', ') : `${ct(l, 'sandbox.roles_none')}${unit ? ` · ${o.unitName(unit, l)}` : ''}`;
  };

  const personPicker = (req: Request, res: Response) => {
    const l = localeOf(req);
    const o = org();
    send(res, page(pageCtx(req, 'home'), ct(l, 'sandbox.pick_title'), html`<div class="alert info">${ct(l, 'sandbox.banner')}</div>
<h1>${ct(l, 'sandbox.pick_title')}</h1><p class="muted">${ct(l, 'sandbox.pick_intro')}</p>
<form method="post" action="/as" class="people" data-testid="people"><input type="hidden" name="back" value="/">
${o.allPeople().map((p) => html`<button name="person" value="${p.id}" data-person="${p.id}"><b>${p.name}</b><br><span class="small muted">${rolesOf(o, p.id, l)}</span></button>`)}
</form>`));
  };

  const notificationText = (l: Locale, payload: unknown, requestId: number | null): string => {
    const p = (payload ?? {}) as { kind?: string; message?: string; params?: Record<string, string | number>; authorId?: string; body?: string };
    // The submit notice is drafted before the store assigns the id (params.id is 0): use the row's.
    if (p.kind === 'notice' && p.message) return t(l, p.message as MessageKey, { ...p.params, ...(requestId ? { id: requestId } : {}) });
    if (p.kind === 'comment') return `${org().displayName(p.authorId ?? '')}: ${p.body ?? ''}`;
    return '';
  };

  if (sandbox) {
    router.get('/', handle(async (req, res) => {
      const person = personOf(req);
      if (!person) return personPicker(req, res);
      const l = localeOf(req);
      const now = services.deps.clock.now();
      const [lists, digest, notes] = await Promise.all([
        services.lists(person, l),
        ctx.digest ? Promise.resolve(ctx.digest(person, now)).catch((e: unknown) => {
          log.warn({ err: e }, 'digest preview failed');
          return null;
        }) : Promise.resolve(null),
        dash.notifications(person),
      ]);
      const zone = org().timezone(person);
      send(res, page(pageCtx(req, 'home'), ct(l, 'nav.home'), html`<h1>${org().displayName(person)} <span class="muted small">${rolesOf(org(), person, l)}</span></h1>
<p><a class="button primary" href="/new">${ct(l, 'nav.new')}</a></p>
<div class="grid"><div>${renderList(lists)}</div><div>
${digest ? renderMessage(digest) : html`<section class="panel" data-testid="digest"><h2>${ct(l, 'home.digest')}</h2><p class="muted small">${ct(l, 'home.digest_fallback')}</p>${renderList({ ...lists, sections: lists.sections.filter((s) => s.id !== 'mine') })}</section>`}
<section class="panel" data-testid="notifications"><h2>${ct(l, 'home.notifications')}</h2>${notes.length === 0 ? html`<p class="muted">${ct(l, 'home.notifications_empty')}</p>` : html`<ul class="plain small">${notes.map((n) => html`<li><span class="muted">${formatDateTime(n.createdAt, l, zone)}</span> ${n.requestId ? html`<a href="/requests/${n.requestId}">${notificationText(l, n.payload, n.requestId)}</a>` : notificationText(l, n.payload, n.requestId)}</li>`)}</ul>`}</section>
</div></div>`));
    }));

    router.post('/as', form, handle((req, res) => {
      const id = String(req.body?.person ?? '');
      if (org().person(id)) res.append('Set-Cookie', cookie('bl_person', id, { maxAge: YEAR }));
      res.redirect(303, safeBack(req.body?.back));
    }));

    const needPerson = (req: Request, res: Response): string | undefined => {
      const person = personOf(req);
      if (!person) res.redirect(303, '/');
      return person;
    };

    router.get('/new', handle((req, res) => {
      const person = needPerson(req, res);
      if (!person) return;
      const l = localeOf(req);
      send(res, page(pageCtx(req, 'new'), ct(l, 'nav.new'), renderPicker(services.picker(person, l))));
    }));

    const formPage = (req: Request, res: Response, person: string, typeId: string, opts: { values?: Record<string, unknown>; errors?: Array<{ field: string; message: string }>; message?: string }, status = 200) => {
      const l = localeOf(req);
      const f = services.form(typeId, person, { locale: l, ...(opts.values ? { values: opts.values } : {}), ...(opts.errors ? { errors: opts.errors } : {}) });
      if (!f) return send(res, page(pageCtx(req, 'new'), '404', html`<div class="alert">${t(l, 'error.unknown_type', { type: typeId })}</div>`), 404);
      send(res, page(pageCtx(req, 'new'), f.title, renderForm(f, { nonce: randomUUID(), people: people(), ...(opts.message ? { message: opts.message } : {}) })), status);
    };

    router.get('/new/:type', handle((req, res) => {
      const person = needPerson(req, res);
      if (person) formPage(req, res, person, String(req.params.type), {});
    }));

    router.post('/new/:type', form, handle(async (req, res) => {
      const person = needPerson(req, res);
      if (!person) return;
      const l = localeOf(req);
      const body = (req.body ?? {}) as Record<string, string | string[]>;
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) if (!k.startsWith('_')) values[k] = v;
      const unitId = typeof body._unit === 'string' && body._unit ? body._unit : undefined;
      try {
        const { requestId } = await services.submit({
          requesterId: person, type: String(req.params.type), ...(unitId ? { unitId } : {}), values, locale: l,
          ...(typeof body._nonce === 'string' ? { idempotencyKey: `web:submit:${person}:${body._nonce}` } : {}),
        });
        res.redirect(303, `/requests/${requestId}?done=submit`);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        const errors = e.fieldErrors.map((fe) => ({ field: fe.field, message: say(l, fe.message, e.params) }));
        const shown = { ...values, ...(unitId ? { unit: unitId } : {}) };
        formPage(req, res, person, String(req.params.type), { values: shown, errors, ...(errors.length === 0 ? { message: say(l, e.messageKey, e.params) } : {}) }, 422);
      }
    }));

    const cardPage = async (req: Request, res: Response, id: number, person: string, extra: { error?: ActionError; values?: Record<string, string> } = {}, status = 200) => {
      const l = localeOf(req);
      const card = Number.isSafeInteger(id) ? await services.card(id, person, l) : null;
      if (!card) return send(res, page(pageCtx(req), '404', html`<div class="alert">${ct(l, 'card.not_found', { id: String(req.params.id) })}</div>`), 404);
      const done = typeof req.query.done === 'string' ? req.query.done : '';
      const doneLabel = done === 'submit' ? ct(l, 'form.created', { id }) : /^[a-z_]+$/.test(done) ? ct(l, 'card.done', { action: t(l, `action.${done}` as MessageKey) }) : '';
      send(res, page(pageCtx(req), card.title, html`${doneLabel && !extra.error ? html`<div class="alert ok" role="status" data-testid="done">${doneLabel}</div>` : ''}
${extra.error ? html`<div class="alert" role="alert" data-testid="action-error">${extra.error.message}</div>` : ''}
${renderCard(card, { nonce: randomUUID(), people: people(), interactive: true, ...extra })}
<p><a href="/">← ${ct(l, 'card.back')}</a></p>`), status);
    };

    router.get('/requests/:id', handle(async (req, res) => {
      const person = needPerson(req, res);
      if (person) await cardPage(req, res, Number(req.params.id), person);
    }));

    router.post('/requests/:id/act', form, handle(async (req, res) => {
      const person = needPerson(req, res);
      if (!person) return;
      const id = Number(req.params.id);
      const l = localeOf(req);
      const b = (req.body ?? {}) as Record<string, string>;
      const s = (k: string) => (typeof b[k] === 'string' ? b[k].trim() : '');
      const opt = (k: string) => (s(k) ? s(k) : undefined);
      const actionId = s('action');
      const action = toAction(actionId, s, opt);
      if (!action) return cardPage(req, res, id, person, { error: { action: actionId, message: t(l, 'error.unknown_action'), fields: {} } }, 400);
      try {
        await services.act(id, person, action, s('_nonce') ? `web:act:${person}:${s('_nonce')}` : undefined);
        res.redirect(303, `/requests/${id}?done=${encodeURIComponent(actionId)}`);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        const message = say(l, e.messageKey, e.params);
        const fields: Record<string, string> = {};
        for (const fe of e.fieldErrors) fields[fe.field] = say(l, fe.message, e.params);
        await cardPage(req, res, id, person, { error: { action: actionId, message, fields }, values: b }, 422);
      }
    }));
  } else {
    router.get('/', (_req, res) => res.redirect(303, '/dashboard'));
    router.get('/requests/:id', (req, res) => res.redirect(303, `/dashboard/requests/${encodeURIComponent(String(req.params.id))}`));
  }

  // ── dashboard (read-only) ───────────────────────────────────────────────
  const filterOf = (req: Request): DashboardFilter & { q: Record<string, string> } => {
    const q: Record<string, string> = {};
    for (const k of ['type', 'unit', 'status', 'person', 'from', 'to', 'search']) {
      const v = req.query[k];
      if (typeof v === 'string' && v.trim()) q[k] = v.trim().slice(0, 100);
    }
    const zone = org().data.organization.timezone;
    const day = (s: string | undefined) => {
      const d = s ? DateTime.fromISO(s, { zone }) : null;
      return d?.isValid ? d.startOf('day') : null;
    };
    const from = day(q.from);
    const to = day(q.to);
    return {
      q,
      ...(q.type ? { typeId: q.type } : {}), ...(q.unit ? { unitId: q.unit } : {}), ...(q.status ? { status: q.status } : {}),
      ...(q.person ? { personId: q.person } : {}), ...(q.search ? { search: q.search } : {}),
      ...(from ? { from: from.toJSDate() } : {}), ...(to ? { to: to.plus({ days: 1 }).toJSDate() } : {}),
    };
  };
  const typeName = (id: string, l: Locale) => {
    const ty = org().type(id);
    return ty ? pick(ty.label, l) : id;
  };

  router.get('/dashboard', handle(async (req, res) => {
    if (!guard(req, res)) return;
    const l = localeOf(req);
    const o = org();
    const f = filterOf(req);
    const pageNo = Math.max(1, Math.min(10_000, Number(req.query.page) || 1));
    const now = services.deps.clock.now();
    const zone = o.data.organization.timezone;
    const [list, statuses, volume, cycle, sla, load] = await Promise.all([
      dash.list(f, pageNo, PAGE_SIZE), dash.byStatus(f), dash.volumeByWeek(f, now, zone), dash.cycleTime(f), dash.slaByKind(f), dash.openLoad(f),
    ]);
    const open = [...statuses].filter(([s]) => !['closed', 'rejected', 'declined', 'cancelled', 'withdrawn'].includes(s)).reduce((n, [, c]) => n + c, 0);
    const slaTotal = sla.reduce((n, r) => n + r.total, 0);
    const slaHit = sla.reduce((n, r) => n + r.hit, 0);
    const cycleN = cycle.reduce((n, r) => n + r.n, 0);
    const cycleAvg = cycleN > 0 ? cycle.reduce((n, r) => n + r.days * r.n, 0) / cycleN : 0;
    const pages = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    const sel = (name: string, options: Array<{ value: string; label: string }>) => html`<label>${ct(l, `dash.${name === 'search' ? 'search' : name}` as ConsoleKey)}<select name="${name}" data-filter="${name}"><option value="">${ct(l, 'dash.any')}</option>${options.map((opt) => html`<option value="${opt.value}"${f.q[name] === opt.value ? html` selected` : ''}>${opt.label}</option>`)}</select></label>`;
    const qs = (extra: Record<string, string>) => new URLSearchParams({ ...f.q, ...extra }).toString();
    const weekLabels = volume.weeks.map((w) => DateTime.fromJSDate(w, { zone }).toFormat('MM-dd'));
    const volumeSeries = [...volume.series].sort((a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0)).map(([id, values]) => ({ label: typeName(id, l), values }));
    const panel = (title: string, body: Html, id: string) => html`<section class="panel" data-chart="${id}"><h2>${title}</h2>${body}</section>`;
    const empty = html`<p class="muted">${ct(l, 'dash.no_data')}</p>`;
    send(res, page(pageCtx(req, 'dashboard'), ct(l, 'dash.title'), html`<h1>${ct(l, 'dash.title')} <span class="muted small">${ct(l, 'dash.read_only')}</span></h1>
<form method="get" action="/dashboard" class="panel filters" data-testid="filters">
${sel('type', o.catalog.map((ty) => ({ value: ty.id, label: pick(ty.label, l) })))}
${sel('unit', o.allUnits().map((u) => ({ value: u.id, label: pick(u.name, l) })))}
${sel('status', REQUEST_STATUSES.map((s) => ({ value: s, label: t(l, `status.${s}` as MessageKey) })))}
${sel('person', o.allPeople().map((p) => ({ value: p.id, label: p.name })))}
<label>${ct(l, 'dash.from')}<input type="date" name="from" value="${f.q.from ?? ''}"></label>
<label>${ct(l, 'dash.to')}<input type="date" name="to" value="${f.q.to ?? ''}"></label>
<label>${ct(l, 'dash.search')}<input type="search" name="search" value="${f.q.search ?? ''}"></label>
<div><button class="primary" type="submit">${ct(l, 'dash.apply')}</button> <a class="button" href="/dashboard">${ct(l, 'dash.reset')}</a></div>
</form>
<div class="kpis"><div class="kpi" data-testid="kpi-total"><span class="muted">${ct(l, 'dash.kpi_total')}</span><b>${list.total}</b></div>
<div class="kpi"><span class="muted">${ct(l, 'dash.open')}</span><b>${open}</b></div>
<div class="kpi"><span class="muted">${ct(l, 'dash.closed')}</span><b>${statuses.get('closed') ?? 0}</b></div>
<div class="kpi"><span class="muted">${ct(l, 'dash.sla_overall')}</span><b>${slaTotal > 0 ? `${Math.round((slaHit / slaTotal) * 100)}%` : '–'}</b></div>
<div class="kpi"><span class="muted">${ct(l, 'dash.avg_cycle')}</span><b>${cycleN > 0 ? `${cycleAvg.toFixed(1)} ${l === 'en' ? 'd' : '天'}` : '–'}</b></div></div>
<div class="grid">
${panel(ct(l, 'dash.chart_volume'), volumeSeries.length > 0 ? stackedColumns(ct(l, 'dash.chart_volume'), weekLabels, volumeSeries, { id: 'chart-volume' }) : empty, 'volume')}
${panel(ct(l, 'dash.chart_cycle'), cycle.length > 0 ? barChart(ct(l, 'dash.chart_cycle'), cycle.map((c, i) => ({ label: typeName(c.typeId, l), value: c.days, note: `${c.days.toFixed(1)} (${c.n})`, color: PALETTE[i % PALETTE.length]! })), { id: 'chart-cycle' }) : empty, 'cycle')}
${panel(ct(l, 'dash.chart_sla'), sla.length > 0 ? barChart(ct(l, 'dash.chart_sla'), sla.map((s) => ({ label: t(l, `task.${s.kind}` as MessageKey), value: s.total > 0 ? (s.hit / s.total) * 100 : 0, note: `${s.total > 0 ? Math.round((s.hit / s.total) * 100) : 0}% (${s.hit}/${s.total})`, color: s.total > 0 && s.hit / s.total >= 0.8 ? '#16a34a' : '#d97706' })), { max: 100, id: 'chart-sla' }) : empty, 'sla')}
${panel(ct(l, 'dash.chart_load'), load.length > 0 ? barChart(ct(l, 'dash.chart_load'), load.slice(0, 20).map((x) => ({ label: o.displayName(x.personId), value: x.n, color: '#0891b2' })), { id: 'chart-load' }) : empty, 'load')}
</div>
<h2>${ct(l, 'dash.total', { n: list.total })} · <a href="/dashboard/export.csv?${qs({})}" data-testid="csv">${ct(l, 'dash.csv')}</a></h2>
<div class="scroll"><table data-testid="requests"><thead><tr><th>${ct(l, 'dash.col_id')}</th><th>${ct(l, 'dash.col_type')}</th><th>${ct(l, 'dash.col_title')}</th><th>${ct(l, 'dash.col_customer')}</th><th>${ct(l, 'dash.col_unit')}</th><th>${ct(l, 'dash.col_status')}</th><th>${ct(l, 'dash.col_requester')}</th><th>${ct(l, 'dash.col_assignee')}</th><th>${ct(l, 'dash.col_created')}</th></tr></thead><tbody>
${list.rows.map((r) => html`<tr><td><a href="/dashboard/requests/${r.id}">${r.id}</a></td><td>${typeName(r.typeId, l)}</td><td>${r.title}</td><td>${r.customer}</td><td>${o.unitName(r.unitId, l)}</td><td>${t(l, `status.${r.status}` as MessageKey)}</td><td>${o.displayName(r.requesterId)}</td><td>${r.assigneeId ? o.displayName(r.assigneeId) : ''}</td><td>${formatDateTime(r.createdAt, l, zone)}</td></tr>`)}
</tbody></table></div>
<div class="pager">${pageNo > 1 ? html`<a href="/dashboard?${qs({ page: String(pageNo - 1) })}">← ${ct(l, 'dash.prev')}</a>` : ''}<span class="muted">${ct(l, 'dash.page', { page: pageNo, pages })}</span>${pageNo < pages ? html`<a href="/dashboard?${qs({ page: String(pageNo + 1) })}">${ct(l, 'dash.next')} →</a>` : ''}</div>`));
  }));

  router.get('/dashboard/export.csv', handle(async (req, res) => {
    if (!guard(req, res)) return;
    const o = org();
    const f = filterOf(req);
    // A leading = + - @ would make a spreadsheet evaluate the cell: quote it as text.
    const cell = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
    res.status(200).type('text/csv; charset=utf-8').set('Content-Disposition', 'attachment; filename="backline-requests.csv"').set('Cache-Control', 'no-store');
    res.write('\uFEFF');
    res.write(stringify([['id', 'type', 'unit', 'status', 'title', 'customer', 'requester', 'coordinator', 'supporter', 'rating', 'created_at', 'updated_at', 'closed_at']]));
    for await (const rows of dash.each(f)) {
      res.write(stringify(rows.map((r) => [
        r.id, r.typeId, r.unitId, r.status, cell(r.title), cell(r.customer), o.displayName(r.requesterId), r.coordinatorId ? o.displayName(r.coordinatorId) : '',
        r.assigneeId ? o.displayName(r.assigneeId) : '', r.rating ?? '', r.createdAt.toISOString(), r.updatedAt.toISOString(), r.closedAt?.toISOString() ?? '',
      ])));
    }
    res.end();
  }));

  router.get('/dashboard/requests/:id', handle(async (req, res) => {
    if (!guard(req, res)) return;
    const l = localeOf(req);
    const id = Number(req.params.id);
    const o = org();
    const card = Number.isSafeInteger(id) ? await services.card(id, '', l) : null;
    if (!card) return send(res, page(pageCtx(req, 'dashboard'), '404', html`<div class="alert">${ct(l, 'card.not_found', { id: String(req.params.id) })}</div>`), 404);
    const zone = o.data.organization.timezone;
    const timeline = (await dash.audit(id)).map((a) => auditLine(a, o, l, zone));
    send(res, page(pageCtx(req, 'dashboard'), card.title, html`${renderCard(card, { nonce: '', people: [], interactive: false, timeline })}<p><a href="/dashboard">← ${ct(l, 'nav.dashboard')}</a></p>`));
  }));

  // ── config check ────────────────────────────────────────────────────────
  router.get('/config', handle((req, res) => {
    if (!guard(req, res)) return;
    const l = localeOf(req);
    let issues: ConfigIssue[] = [];
    try {
      loadOrgConfig(ctx.configFile);
    } catch (e) {
      issues = e instanceof OrgConfigError ? e.issues : [{ path: '(file)', message: e instanceof Error ? e.message : String(e) }];
    }
    const o = org();
    const gaps = routingGaps(o);
    const names = (ids: string[]) => (ids.length > 0 ? ids.map((id) => o.displayName(id)).join(', ') : ct(l, 'config.nobody'));
    const ops = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;
    send(res, page(pageCtx(req, 'config'), ct(l, 'config.title'), html`<h1>${ct(l, 'config.title')}</h1>
<p class="muted">${ct(l, 'config.file')}: <code>${ctx.configFile}</code> · ${ct(l, 'config.summary', { people: o.allPeople().length, units: o.allUnits().length, types: o.catalog.length })}</p>
${issues.length === 0 ? html`<div class="alert ok" data-testid="config-valid">${ct(l, 'config.valid')}</div>` : html`<div class="alert" data-testid="config-invalid">${ct(l, 'config.invalid', { n: issues.length })}</div>
<div class="scroll"><table data-testid="config-issues"><thead><tr><th>${ct(l, 'config.path')}</th><th>${ct(l, 'config.problem')}</th></tr></thead><tbody>${issues.map((i) => html`<tr><td><code>${i.path}</code></td><td>${i.message}</td></tr>`)}</tbody></table></div>`}
<h2>${ct(l, 'config.gaps')}</h2>${gaps.length === 0 ? html`<p class="muted">${ct(l, 'config.gaps_none')}</p>` : html`<div class="scroll"><table><tbody>${gaps.map((g) => html`<tr><td><code>${g.path}</code></td><td>${g.message}</td></tr>`)}</tbody></table></div>`}
<h2>${ct(l, 'config.routing')}</h2>
${o.catalog.map((ty) => html`<section class="panel"><h3>${pick(ty.label, l)} <span class="muted small">${ty.id}</span></h3><div class="scroll"><table><thead><tr><th>${ct(l, 'dash.unit')}</th><th>${ct(l, 'config.coordinates')}</th><th>${ct(l, 'config.supports')}</th><th>${ct(l, 'config.approves')}</th></tr></thead><tbody>
${o.allUnits().map((u) => html`<tr><td>${pick(u.name, l)}</td><td>${names(o.holders(ty.coordinatorRole, u.id))}</td><td>${names(o.holders(ty.supporterRole, u.id))}</td><td>${ty.approvals.length === 0 ? '–' : html`<ul class="plain">${ty.approvals.map((a) => html`<li><b>${pick(a.label, l)}</b>: ${names([...new Set(a.approvers.flatMap((r) => o.holders(r, u.id)))])} <span class="muted small">(${a.when && a.when.length > 0 ? a.when.map((c) => ct(l, 'config.when', { field: pick(ty.fields.find((fd) => fd.id === c.field)?.label ?? { en: c.field, 'zh-CN': c.field }, l), op: ops[c.op], value: String(o.threshold(c.threshold) ?? c.threshold) })).join(', ') : ct(l, 'config.always')})</span></li>`)}</ul>`}</td></tr>`)}
</tbody></table></div></section>`)}`));
  }));

  ctx.http.use(router);
}

/** A console form post as a domain Action; undefined for an unknown action id. */
function toAction(id: string, s: (k: string) => string, opt: (k: string) => string | undefined): Action | undefined {
  const maybe = (key: string, k: string) => (opt(k) !== undefined ? { [key]: opt(k) } : {});
  switch (id) {
    case 'approve': return { type: 'decide', decision: 'approve', ...maybe('comment', 'comment') };
    case 'reject': return { type: 'decide', decision: 'reject', comment: s('comment') };
    case 'return': return { type: 'return', question: s('question') };
    case 'resubmit': return { type: 'resubmit', answer: s('answer') };
    case 'assign': return { type: 'assign', supporterId: s('supporter') };
    case 'decline': return { type: 'decline', reason: s('reason') };
    case 'accept': return { type: 'accept' };
    case 'start': return { type: 'start' };
    case 'deliver': return { type: 'deliver', ...maybe('link', 'link'), ...maybe('note', 'note') };
    case 'confirm': return { type: 'confirm', rating: Number(s('rating') || 0), ...maybe('note', 'note') };
    case 'reopen': return { type: 'reopen', reason: s('reason') };
    case 'cancel': return { type: 'cancel', ...maybe('reason', 'reason') };
    case 'withdraw': return { type: 'withdraw' };
    case 'comment': return { type: 'comment', body: s('body') || s('comment') };
    case 'transfer': return { type: 'transfer', toPersonId: s('person') };
    case 'add_approver': return { type: 'add_approver', personId: s('person'), position: 'after' };
    case 'nudge': return { type: 'nudge' };
    case 'summary': return { type: 'summary', ...maybe('link', 'link'), ...maybe('note', 'note') };
    default: return undefined;
  }
}
