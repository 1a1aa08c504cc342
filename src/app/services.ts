import type { Locale } from '../core/catalog/types.js';
import type { Action } from '../core/domain/lifecycle.js';
import type { CoreDeps } from '../core/ports.js';
import { formatAge, pick } from '../core/i18n/i18n.js';
import { t } from '../core/i18n/messages.js';
import { actOnRequest, type ActResult } from '../core/use-cases/act-on-request.js';
import { submitRequest, type SubmitInput } from '../core/use-cases/submit-request.js';
import type { ListView, RequestCard, RequestForm, TypePicker } from '../core/views/model.js';
import { buildRequestCard } from '../core/views/request-card.js';
import { buildRequestForm, buildTypePicker } from '../core/views/request-form.js';
import type { FieldError } from '../core/errors.js';
import type { PrismaClient } from '../persistence/prisma.js';
import type { RequestQueries } from '../persistence/request-queries.js';
import type { RequestRepository } from '../persistence/request-repository.js';
import type { OutboxDispatcher } from './outbox-dispatcher.js';

/**
 * What every adapter (Slack, Feishu, web console, CLI) calls: the use cases plus the views built
 * from current state. Adapters never touch the store or the domain directly.
 */
export class Services {
  constructor(
    readonly deps: CoreDeps,
    private readonly prisma: PrismaClient,
    private readonly repo: RequestRepository,
    readonly queries: RequestQueries,
    private readonly outbox?: OutboxDispatcher,
    private readonly baseUrl?: string,
  ) {}

  get org() {
    return this.deps.org();
  }

  async submit(input: SubmitInput) {
    const result = await submitRequest(this.deps, input);
    this.outbox?.kick();
    return result;
  }

  async act(requestId: number, actorId: string, action: Action, idempotencyKey?: string): Promise<ActResult> {
    const result = await actOnRequest(this.deps, { requestId, actorId, action, idempotencyKey });
    this.outbox?.kick();
    return result;
  }

  /** The card `viewerId` sees for a request right now (null if it does not exist). */
  async card(requestId: number, viewerId: string, locale?: Locale): Promise<RequestCard | null> {
    const request = await this.repo.load(requestId);
    if (!request) return null;
    const org = this.org;
    const type = org.type(request.typeId);
    const [audit, attachments, load] = await Promise.all([
      this.repo.audit(requestId),
      this.repo.attachments(requestId),
      type ? this.queries.openLoad(org.holders(type.supporterRole, request.unitId)) : Promise.resolve(new Map<string, number>()),
    ]);
    return buildRequestCard({ request, viewerId, org, now: this.deps.clock.now(), audit, attachments, load, baseUrl: this.baseUrl, ...(locale ? { locale } : {}) });
  }

  picker(personId: string, locale?: Locale): TypePicker {
    return buildTypePicker(this.org, locale ?? this.org.locale(personId));
  }

  form(typeQuery: string, personId: string, opts: { locale?: Locale; values?: Record<string, unknown>; errors?: FieldError[] } = {}): RequestForm | null {
    const type = this.org.findType(typeQuery);
    return type ? buildRequestForm(type, this.org, personId, opts) : null;
  }

  /** My requests, waiting on me, and (for people with a role in a unit) my unit. */
  async lists(personId: string, locale?: Locale, limit = 10): Promise<ListView> {
    const org = this.org;
    const loc = locale ?? org.locale(personId);
    const now = this.deps.clock.now();
    const units = org.unitsOf(personId);
    const [mine, queue, unit] = await Promise.all([
      this.queries.mine(personId, limit),
      this.queries.queue(org.actingFor(personId, now), limit),
      units.length > 0 ? this.queries.byUnit(units, { limit }) : Promise.resolve([]),
    ]);
    const item = (r: { id: number; typeId: string; title: string; status: string; updatedAt: Date }, detail?: string) => ({
      requestId: r.id,
      title: `#${r.id} ${pick(org.type(r.typeId)?.label ?? { 'zh-CN': r.typeId, en: r.typeId }, loc)} · ${r.title}`,
      status: t(loc, `status.${r.status}` as never),
      age: formatAge(now.getTime() - r.updatedAt.getTime(), loc),
      ...(detail ? { detail } : {}),
    });
    const sections: ListView['sections'] = [
      { id: 'queue', title: t(loc, 'list.queue'), empty: t(loc, 'list.empty'), items: queue.map((q) => ({ ...item({ ...q, updatedAt: q.waitingSince }), detail: t(loc, `task.${q.taskKind}` as never) })) },
      { id: 'mine', title: t(loc, 'list.mine'), empty: t(loc, 'list.empty'), items: mine.map((r) => item(r)) },
    ];
    if (units.length > 0) sections.push({ id: 'unit', title: t(loc, 'list.unit'), empty: t(loc, 'list.empty'), items: unit.map((r) => item(r)) });
    return { locale: loc, sections };
  }

  /** First time this platform event / action is seen? Persisted, so a redelivery after a restart is caught. */
  async firstSeen(key: string): Promise<boolean> {
    return this.repo.markFirstSeen(key, this.deps.clock.now());
  }

  async messageRef(requestId: number, personId: string, platform: string) {
    return this.prisma.messageRef.findUnique({ where: { requestId_personId_platform: { requestId, personId, platform } } });
  }

  async saveMessageRef(requestId: number, personId: string, platform: string, channel: string, messageId: string) {
    await this.prisma.messageRef.upsert({
      where: { requestId_personId_platform: { requestId, personId, platform } },
      create: { requestId, personId, platform, channel, messageId },
      update: { channel, messageId },
    });
  }

  /** A platform message id back to its request (for thread replies and comments). */
  async requestForMessage(platform: string, messageId: string) {
    return this.prisma.messageRef.findFirst({ where: { platform, messageId } });
  }
}
