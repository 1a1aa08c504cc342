import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOrgConfig } from '../../src/config/load-org.js';
import { DomainError } from '../../src/core/errors.js';
import type { CoreDeps } from '../../src/core/ports.js';
import { actOnRequest, assignRequest, confirmDelivery, decideRequest, deliverRequest, startWork, transferApproval } from '../../src/core/use-cases/act-on-request.js';
import { submitRequest } from '../../src/core/use-cases/submit-request.js';
import { RequestQueries } from '../../src/persistence/request-queries.js';
import { RequestRepository } from '../../src/persistence/request-repository.js';
import { SqlClient } from '../../src/persistence/sql-client.js';
import { freshDatabase, providers } from '../helpers/databases.js';

// Twenty legal reviewers share one any-of step of an added type, so twenty people can race.
const reviewers = Array.from({ length: 20 }, (_, i) => `legal.${i}`);
const org = parseOrgConfig(`
organization: { name: Test Co, timezone: Asia/Shanghai }
people:
  - { id: rep.a, name: Rep A, unit: east, manager: boss }
  - { id: boss, name: Boss }
  - { id: mm, name: Market Manager }
  - { id: bul, name: BU Leader }
  - { id: ceo, name: CEO }
  - { id: mkt, name: BU Marketer }
  - { id: ba, name: Business Assistant }
  - { id: pm, name: Presales Manager }
  - { id: pe, name: Presales Engineer }
${reviewers.map((r) => `  - { id: ${r}, name: Reviewer ${r} }`).join('\n')}
company:
  roles: { companyLeader: [ceo], marketManager: [mm], legal: [${reviewers.join(', ')}] }
units:
  - id: east
    name: { zh-CN: 华东, en: East }
    roles: { buMarketer: [mkt], buLeader: [bul], businessAssistant: [ba], presalesManager: [pm], presalesEngineer: [pe] }
catalog:
  add:
    - id: legal-opinion
      system: business
      label: { zh-CN: 法律意见, en: Legal opinion }
      purpose: { zh-CN: 法务意见, en: A legal opinion }
      precondition: { zh-CN: 有合同, en: A contract exists }
      fields:
        - { id: customer, kind: customer, label: { zh-CN: 客户, en: Customer }, required: true }
        - { id: subject, kind: text, label: { zh-CN: 主题, en: Subject }, required: true }
      coordinatorRole: buMarketer
      supporterRole: businessAssistant
      approvals:
        - { id: legal, label: { zh-CN: 法务, en: Legal }, mode: any, approvers: [legal] }
      deliverable: { zh-CN: 意见, en: Opinion }
`);

const priceValues = {
  customer: 'Bank of Example', precondition: true, subject: 'Core banking bid', tenderInfo: 'Public tender 2026-11',
  product: 'Backline Server', listPrice: 100000, requestedPrice: 65000, discountPct: 35, reason: 'Strategic account',
};

describe.each(providers)('storage on %s', (provider) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let deps: CoreDeps;
  let repo: RequestRepository;
  let sql: SqlClient;
  let now = new Date('2026-11-23T02:00:00Z');

  beforeAll(async () => {
    db = await freshDatabase(provider);
    sql = await SqlClient.open(db.url);
    repo = new RequestRepository(db.prisma, sql);
    deps = { store: repo, org: () => org, clock: { now: () => now }, newId: randomUUID };
  });
  afterAll(async () => {
    await sql?.close();
    await db?.close();
  });

  it('walks a price request over both thresholds to closed, with one audit entry per change', async () => {
    const type = org.type('price-request')!;
    const values = Object.fromEntries(Object.entries(priceValues).filter(([k]) => k === 'precondition' || type.fields.some((f) => f.id === k)));
    const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'price-request', values });
    let r = (await repo.load(requestId))!;
    expect(r.status).toBe('pending_approval');
    expect(r.steps.map((s) => s.defId)).toEqual(['market-manager', 'bu-leader', 'company-leader']);
    for (const approver of ['mm', 'bul', 'ceo']) {
      now = new Date(now.getTime() + 60_000);
      r = (await decideRequest(deps, requestId, approver, { decision: 'approve', comment: 'ok' })).request;
    }
    expect(r.status).toBe('pending_assignment');
    await assignRequest(deps, requestId, 'mkt', { supporterId: 'ba' });
    await startWork(deps, requestId, 'ba', {});
    await deliverRequest(deps, requestId, 'ba', { link: 'https://files.example.com/quote.pdf' });
    r = (await confirmDelivery(deps, requestId, 'rep.a', { rating: 5 })).request;
    expect(r.status).toBe('closed');
    const audit = await repo.audit(requestId);
    expect(audit.map((a) => a.action)).toEqual(['submit', 'approve', 'approve', 'approve', 'approval_complete', 'assign', 'start', 'deliver', 'confirm']);
    // Each entry continues where the previous one left off.
    for (let i = 1; i < audit.length; i++) expect(audit[i]!.fromStatus ?? audit[i]!.toStatus).toBe(audit[i - 1]!.toStatus);
    const outbox = await db.prisma.outboxMessage.count({ where: { requestId } });
    expect(outbox).toBeGreaterThan(10);
    const attachments = await repo.attachments(requestId);
    expect(attachments[0]?.value).toBe('https://files.example.com/quote.pdf');
  });

  it('gives exactly one win to twenty concurrent decisions on one step; the rest hear who decided', async () => {
    const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'legal-opinion', values: { customer: 'X', subject: 'NDA', precondition: true } });
    const results = await Promise.allSettled(reviewers.map((r) => decideRequest(deps, requestId, r, { decision: 'approve', comment: 'fine' })));
    const wins = results.filter((r) => r.status === 'fulfilled');
    const losses = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(wins).toHaveLength(1);
    expect(losses).toHaveLength(19);
    for (const l of losses) {
      expect(l.reason).toBeInstanceOf(DomainError);
      expect((l.reason as DomainError).code).toBe('already_decided');
    }
    const winner = (await repo.load(requestId))!.tasks.find((t) => t.status === 'done' && t.kind === 'approve')!;
    expect((losses[0]!.reason as DomainError).params.by).toBe(org.displayName(winner.personId));
    const approvals = (await repo.audit(requestId)).filter((a) => a.action === 'approve');
    expect(approvals).toHaveLength(1);
  });

  it('acts once when a platform retries an action with the same idempotency key', async () => {
    const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'legal-opinion', values: { customer: 'X', subject: 'Retry', precondition: true } });
    const first = await actOnRequest(deps, { requestId, actorId: 'legal.3', action: { type: 'comment', body: 'looking' }, idempotencyKey: `t:${requestId}` });
    const again = await actOnRequest(deps, { requestId, actorId: 'legal.3', action: { type: 'comment', body: 'looking' }, idempotencyKey: `t:${requestId}` });
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect((await repo.comments(requestId)).map((c) => c.body)).toEqual(['looking']);
  });

  // SQLite only: on PostgreSQL every change queues its refresh and the dispatcher collapses them (outbox.test.ts).
  it.skipIf(provider !== 'sqlite')('keeps one waiting card refresh per person, and queues another once the waiting one is taken for sending', async () => {
    const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'legal-opinion', values: { customer: 'X', subject: 'Cards', precondition: true } });
    await decideRequest(deps, requestId, 'legal.4', { decision: 'approve' });
    await assignRequest(deps, requestId, 'mkt', { supporterId: 'ba' });
    await startWork(deps, requestId, 'ba', {});
    const waiting = async (personId: string) => db.prisma.outboxMessage.count({ where: { requestId, personId, kind: 'card', status: 'pending' } });
    // Four changes, nothing sent meanwhile: the requester's card is refreshed once, from the latest state.
    expect(await waiting('rep.a')).toBe(1);
    expect(await waiting('ba')).toBe(1);
    // The dispatcher takes the requester's refresh; the next change must queue a new one.
    await db.prisma.outboxMessage.updateMany({ where: { requestId, personId: 'rep.a', kind: 'card', status: 'pending' }, data: { status: 'sending' } });
    await deliverRequest(deps, requestId, 'ba', { link: 'https://files.example.com/opinion.pdf' });
    expect(await waiting('rep.a')).toBe(1);
    expect(await waiting('ba')).toBe(1);
  });

  // Each process remembers the state it committed last and starts its next action there (one
  // round trip fewer); these show a second process's writes are never lost or overridden by it.
  describe('with a second process writing to the same request', () => {
    let sql2: SqlClient;
    let other: CoreDeps;
    beforeAll(async () => {
      sql2 = await SqlClient.open(db.url);
      other = { ...deps, store: new RequestRepository(db.prisma, sql2) };
    });
    afterAll(async () => {
      await sql2?.close();
    });

    it('a decision the other process made is seen, not made again', async () => {
      const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'legal-opinion', values: { customer: 'X', subject: 'Twice', precondition: true } });
      await decideRequest(deps, requestId, 'legal.1', { decision: 'approve' }).catch(() => undefined);
      const r = (await repo.load(requestId))!;
      expect(r.status).toBe('pending_assignment');
      await assignRequest(other, requestId, 'mkt', { supporterId: 'ba' });
      // This process still remembers "pending assignment"; the coordinator's second click lands here.
      const err = await assignRequest(deps, requestId, 'mkt', { supporterId: 'ba' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((await repo.audit(requestId)).filter((a) => a.action === 'assign')).toHaveLength(1);
    });

    it('a task handed over by the other process can be decided here by its new owner', async () => {
      const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'price-request', values: Object.fromEntries(Object.entries(priceValues).filter(([k]) => k === 'precondition' || org.type('price-request')!.fields.some((f) => f.id === k))) });
      await transferApproval(other, requestId, 'mm', { toPersonId: 'boss' });
      // Remembered here: the step still waits on mm, so boss would be refused; a fresh look says otherwise.
      const r = (await decideRequest(deps, requestId, 'boss', { decision: 'approve' })).request;
      expect(r.steps[0]!.status).toBe('approved');
    });

    it('keeps the scheduler\'s reminder count when the task is decided later', async () => {
      const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'legal-opinion', values: { customer: 'X', subject: 'Reminded', precondition: true } });
      const task = (await repo.load(requestId))!.tasks.find((t) => t.personId === 'legal.2')!;
      // What a reminder sweep writes: its own columns, no version bump.
      await sql2.execute('UPDATE "Task" SET "remindCount" = ? WHERE "id" = ?', [3, task.id]);
      await decideRequest(deps, requestId, 'legal.2', { decision: 'approve' });
      const after = (await repo.load(requestId))!.tasks.find((t) => t.id === task.id)!;
      expect(after.status).toBe('done');
      expect(after.remindCount).toBe(3);
    });
  });

  it('writes nothing when a form is invalid, and names each bad field in the requester\'s language', async () => {
    const before = await db.prisma.request.count();
    const err = await submitRequest(deps, { requesterId: 'rep.a', type: 'price-request', locale: 'zh-CN', values: { customer: '', discountPct: 'abc' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    const fields = (err as DomainError).fieldErrors;
    expect(fields.find((f) => f.field === 'customer')?.message).toBe('此项必填。');
    expect(fields.find((f) => f.field === 'precondition')?.message).toBe('提交前请确认满足支持条件。');
    expect(await db.prisma.request.count()).toBe(before);
    expect(await db.prisma.auditEntry.count({ where: { requestId: { gt: 1_000_000 } } })).toBe(0);
  });

  it('rolls back the whole change when any part of the transaction fails', async () => {
    const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'legal-opinion', values: { customer: 'X', subject: 'Rollback', precondition: true } });
    await db.prisma.processedKey.create({ data: { key: 'taken', result: {} } });
    const before = await repo.load(requestId);
    const auditBefore = (await repo.audit(requestId)).length;
    // The key is checked first inside the transaction; a duplicate aborts before any write.
    const res = await actOnRequest(deps, { requestId, actorId: 'legal.1', action: { type: 'decide', decision: 'approve' }, idempotencyKey: 'taken' });
    expect(res.duplicate).toBe(true);
    expect((await repo.load(requestId))!.version).toBe(before!.version);
    expect((await repo.audit(requestId)).length).toBe(auditBefore);
  });

  it('serves my queue and list-by-unit from the stored tasks', async () => {
    const queries = new RequestQueries(db.prisma);
    const { requestId } = await submitRequest(deps, { requesterId: 'rep.a', type: 'legal-opinion', values: { customer: 'Q', subject: 'Queue', precondition: true } });
    const queue = await queries.queue(['legal.7'], 100);
    expect(queue.some((q) => q.id === requestId && q.taskKind === 'approve')).toBe(true);
    const unit = await queries.byUnit(['east'], { limit: 100 });
    expect(unit.some((u) => u.id === requestId)).toBe(true);
    const mine = await queries.mine('rep.a', 100);
    expect(mine[0]?.requesterId).toBe('rep.a');
  });
});
