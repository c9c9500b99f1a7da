import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import type { Queryable } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { accountsCovering } from '../../platform/notify';
import { orgInScope, personInScope, unscoped } from '../../platform/scope';
import {
  POINT_ITEMS, PointRules, type AwardPointsBody, type AwardPointsResult, type PointAwardRequestView, type ListPointEntriesQuery, type PointBalance, type PointTxnPage, type PointTxnResult, type PointTxnView,
  type ReservePointsBody, type ReversePointBody, type SettleReservationBody,
} from '../../../contracts/points';
import * as repo from './points.repo';
import type { ApprovalItem } from '../../../contracts/approvals';
import { expiryOf, insufficient, lockMember, post, replayOf, requestHash, withKeyRace } from './points.ledger';

// Points operations: the member's statement and balance, manual awards and
// deductions (a second approver above the rules' threshold), reversals, and
// the mall's reserve → confirm / release. Awards from verified facts are in
// points.sources.ts; every award needs the branch-approved rules in force on
// the fact's date (points.rules.ts).

const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'points.read');
const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'points.manage');

export function txnView(r: repo.TxnRow): PointTxnView {
  return {
    id: Number(r.id), kind: r.kind as PointTxnView['kind'], personId: r.person_id, personName: r.person_name, orgId: r.org_id, points: r.points,
    item: r.item, itemLabel: r.item ? (POINT_ITEMS[r.item as keyof typeof POINT_ITEMS] ?? r.item) : null, sourceType: r.source_type, sourceId: r.source_id,
    factDate: r.fact_date, reason: r.reason, expiresOn: r.expires_on, reverses: r.reverses === null ? null : Number(r.reverses),
    reversedBy: r.reversed_by === null ? null : Number(r.reversed_by), reservationId: r.reservation_id === null ? null : Number(r.reservation_id),
    ruleVersionId: r.rule_version_id, actorName: r.actor_name, approverName: r.approver_name, recordedAt: r.recorded_at,
    balanceAfter: r.balance_after === null ? null : Number(r.balance_after),
  };
}

/** A member the caller may act on: in the scope of `permission`, or the caller themselves (self.read). */
async function memberFor(q: Queryable, ctx: ActorContext, personId: string, permission: 'points.read' | 'points.manage', allowSelf: boolean): Promise<repo.MemberRow> {
  if (allowSelf && ctx.actor.personId === personId) {
    const me = await repo.findMember(q, personId, unscoped('the caller\'s own points'));
    if (me) return me;
  }
  const m = await repo.findMember(q, personId, personInScope(ctx.actor, permission));
  if (!m) throw notFound();
  return m;
}

export async function listPointEntries(deps: Deps, ctx: ActorContext, query: ListPointEntriesQuery): Promise<PointTxnPage> {
  const q = deps.db;
  let scope = readScope(ctx);
  let orgPath: string | undefined;
  if (query.personId) {
    await memberFor(q, ctx, query.personId, 'points.read', true);
    // a member's statement follows them across branches
    scope = unscoped('the statement of a member in scope (checked above)');
  } else if (query.orgId) {
    const org = await repo.orgOf(q, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    orgPath = org.path;
  } else if (!ctx.actor.grants.some((g) => g.role !== 'member')) {
    // a plain member without a person filter sees their own
    if (!ctx.actor.personId) throw notFound();
    query = { ...query, personId: ctx.actor.personId };
    scope = unscoped('the caller\'s own statement');
  }
  const { rows, total } = await repo.listTxns(q, scope, { personId: query.personId, orgPath, from: query.from, to: query.to, kind: query.kind, item: query.item }, query.page, query.pageSize);
  return { items: rows.map(txnView), total, page: query.page, pageSize: query.pageSize };
}

export async function getPointBalance(deps: Deps, ctx: ActorContext, personId: string): Promise<PointBalance> {
  const q = deps.db;
  const m = await memberFor(q, ctx, personId, 'points.read', true);
  const today = deps.clock.today();
  const year = Number(today.slice(0, 4));
  const [{ balance, onHold }, awarded, valid, validNextYear] = await Promise.all([
    repo.balances(q, personId), repo.awardedInYear(q, personId, year), repo.validAwards(q, personId, today), repo.validAwards(q, personId, `${year + 1}-01-01`),
  ]);
  // FIFO: what the balance holds beyond the awards still valid next year expires at the end of this one
  const expiring = Math.max(0, Math.min(balance, valid) - validNextYear);
  return { personId, personName: m.name, orgName: m.org_name, balance, onHold, awardedThisYear: awarded.n, expiringThisYear: expiring, expiresOn: expiring > 0 ? `${year}-12-31` : null };
}

/** The branch-approved rules in force for an org on a date, or the refusal every award without them meets. */
export async function rulesFor(q: Queryable, orgPath: string, date: string): Promise<{ id: string; rules: PointRules } | null> {
  const r = await repo.approvedRules(q, orgPath, date);
  return r ? { id: r.id, rules: PointRules.parse(r.body) } : null;
}

function periodBounds(date: string, cap: 'day' | 'month' | 'year'): [string, string] {
  if (cap === 'day') return [date, date];
  if (cap === 'year') return [`${date.slice(0, 4)}-01-01`, `${date.slice(0, 4)}-12-31`];
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  return [`${date.slice(0, 7)}-01`, new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)];
}

/** How many of `points` an item may still award the member under its caps (inside the member's lock). */
export async function roomUnderCaps(t: Queryable, personId: string, item: { key: string; caps: Partial<Record<'day' | 'month' | 'year', number>> }, factDate: string, points: number): Promise<number> {
  let room = points;
  for (const cap of ['day', 'month', 'year'] as const) {
    const limit = item.caps[cap];
    if (limit === undefined) continue;
    const [from, to] = periodBounds(factDate, cap);
    room = Math.min(room, limit - (await repo.itemAwarded(t, personId, item.key, from, to)));
  }
  return Math.max(0, room);
}

// --- manual awards and deductions

type AwardAnswer = AwardPointsResult;

const manualHash = (b: AwardPointsBody) => requestHash({ op: 'award', personId: b.personId, item: b.item, points: b.points, factDate: b.factDate, reason: b.reason });

/**
 * A manual award or deduction decided by the branch: with a reason, under the
 * branch's approved rules (the item must be in them; caps apply to awards);
 * above the rules' secondApproverAbove it waits for a second person.
 */
export async function awardPoints(deps: Deps, ctx: ActorContext, body: AwardPointsBody): Promise<AwardAnswer> {
  const hash = manualHash(body);
  const replay = async (q: Queryable): Promise<AwardAnswer | null> => {
    const earlier = await replayOf(q, body.idempotencyKey, hash, '积分登记');
    if (earlier) return { txn: txnView(earlier), replayed: true, pendingRequestId: null };
    const pending = await repo.requestByKey(q, body.idempotencyKey);
    if (!pending) return null;
    if (pending.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一笔内容不同的积分登记，请刷新页面后重新提交');
    return { txn: null, replayed: true, pendingRequestId: pending.id };
  };
  return withKeyRace(
    () =>
      deps.db.tx(async (t) => {
        const m = await memberFor(t, ctx, body.personId, 'points.manage', false);
        const locked = await lockMember(t, m.id);
        const again = await replay(t);
        if (again) return again;
        if (body.factDate > deps.clock.today()) throw new AppError('VALIDATION_FAILED', '日期不能晚于今天', { issues: [{ field: 'factDate', message: '日期不能晚于今天' }] });
        const r = await rulesFor(t, m.org_path, body.factDate);
        if (!r) throw new AppError('POINTS_RULES_MISSING');
        const item = r.rules.items.find((i) => i.key === body.item);
        if (!item) throw new AppError('POINTS_RULES_MISSING', `本支部的积分细则没有“${POINT_ITEMS[body.item]}”项目`);
        if (body.item === 'manual.award' && (await roomUnderCaps(t, m.id, item, body.factDate, body.points)) < body.points) {
          throw new AppError('POINTS_CAPPED', `“${item.label}”已达到积分细则规定的上限（${Object.entries(item.caps).map(([k, v]) => `${{ day: '每日', month: '每月', year: '每年' }[k]}${v}分`).join('，')}）`);
        }
        if (body.points > r.rules.secondApproverAbove) {
          const id = await repo.insertRequest(t, { personId: m.id, orgId: m.org_id, item: body.item, points: body.points, factDate: body.factDate, reason: body.reason, key: body.idempotencyKey, requestHash: hash, requestedBy: ctx.actor.accountId });
          await auditInTx(t, ctx, { action: 'points.award_request', objectType: 'person', objectId: m.id, orgId: m.org_id, detail: { item: body.item, points: body.points } });
          for (const accountId of (await accountsCovering(t, { id: m.org_id, path: m.org_path }, ['secretary', 'org_admin'])).filter((a) => a !== ctx.actor.accountId)) {
            await deps.notify.notify(t, accountId, { kind: 'points', title: `待复核：${m.name} ${body.item === 'manual.award' ? '+' : '−'}${body.points} 分`, body: body.reason, link: '/admin/points/requests' });
          }
          return { txn: null, replayed: false, pendingRequestId: id };
        }
        const id = await postManual(t, deps.clock.now(), locked, m, body, r.id, ctx.actor.accountId, null, r.rules);
        await auditInTx(t, ctx, { action: 'points.award', objectType: 'person', objectId: m.id, orgId: m.org_id, detail: { txn: id, item: body.item, points: body.points } });
        return { txn: txnView((await repo.txnById(t, id, unscoped('the transaction just written')))!), replayed: false, pendingRequestId: null };
      }),
    () => replay(deps.db),
  );
}

async function postManual(t: Queryable, at: Date, locked: Awaited<ReturnType<typeof lockMember>>, m: { id: string; org_id: string }, b: { item: string; points: number; factDate: string; reason: string; idempotencyKey: string }, ruleVersionId: string, actorId: string, approverId: string | null, rules: PointRules) {
  const award = b.item === 'manual.award';
  const hash = requestHash({ op: 'award', personId: m.id, item: b.item, points: b.points, factDate: b.factDate, reason: b.reason });
  return post(t, locked, {
    kind: award ? 'award' : 'deduction', personId: m.id, orgId: m.org_id, points: award ? b.points : -b.points, item: b.item, ruleVersionId, factDate: b.factDate, reason: b.reason,
    idempotencyKey: b.idempotencyKey, requestHash: hash, expiresOn: award ? expiryOf(b.factDate, rules.expiry) : null, actorId, approverId, at,
    legs: award ? [{ side: 'pool', amount: -b.points }, { side: 'member', amount: b.points }] : [{ side: 'member', amount: -b.points }, { side: 'pool', amount: b.points }],
  });
}

/** The second approver (points.approve, in scope, not the requester) approves or rejects a waiting manual award. */
export async function decidePointAward(deps: Deps, ctx: ActorContext, requestId: string, body: { approve: boolean; note?: string | null }): Promise<PointTxnResult | null> {
  return deps.db.tx(async (t) => {
    const r = await repo.findRequest(t, requestId, orgInScope(ctx.actor, 'points.approve'), true);
    if (!r) throw notFound();
    if (r.status !== 'pending') throw new AppError('POINTS_STATE', '该申请已处理');
    if (r.requested_by === ctx.actor.accountId) throw new AppError('SECOND_APPROVER');
    if (!body.approve) {
      await repo.decideRequest(t, r.id, 'rejected', ctx.actor.accountId, body.note ?? null, null);
      await auditInTx(t, ctx, { action: 'points.award_reject', objectType: 'person', objectId: r.person_id, orgId: r.org_id, detail: { request: r.id } });
      return null;
    }
    const locked = await lockMember(t, r.person_id);
    const path = (await repo.orgPath(t, r.org_id)).path;
    const rules = await rulesFor(t, path, r.fact_date);
    if (!rules) throw new AppError('POINTS_RULES_MISSING');
    const id = await postManual(t, deps.clock.now(), locked, { id: r.person_id, org_id: r.org_id }, { item: r.item, points: r.points, factDate: r.fact_date, reason: r.reason, idempotencyKey: r.idempotency_key }, rules.id, r.requested_by, ctx.actor.accountId, rules.rules);
    await repo.decideRequest(t, r.id, 'approved', ctx.actor.accountId, body.note ?? null, id);
    await auditInTx(t, ctx, { action: 'points.award', objectType: 'person', objectId: r.person_id, orgId: r.org_id, detail: { txn: id, item: r.item, points: r.points, request: r.id } });
    return { txn: txnView((await repo.txnById(t, id, unscoped('the transaction just written')))!), replayed: false };
  });
}

// --- reversals

/** Reverses an award or a deduction (once): the opposite entries, with a reason. The balance may go below zero. */
export async function reversePointEntry(deps: Deps, ctx: ActorContext, txnId: number, body: ReversePointBody): Promise<PointTxnResult> {
  const hash = requestHash({ op: 'reverse', txnId, reason: body.reason });
  return withKeyRace(
    () =>
      deps.db.tx(async (t) => {
        const orig = await repo.txnById(t, txnId, manageScope(ctx));
        if (!orig) throw notFound();
        const locked = await lockMember(t, orig.person_id);
        const earlier = await replayOf(t, body.idempotencyKey, hash, '冲正');
        if (earlier) return { txn: txnView(earlier), replayed: true };
        if (orig.kind !== 'award' && orig.kind !== 'deduction') throw new AppError('POINTS_STATE', '只能冲正奖励或扣减积分；兑换请取消或退回');
        if (orig.reversed_by) throw new AppError('POINTS_STATE', '该笔积分已冲正');
        const id = await post(t, locked, {
          kind: 'reversal', reversedKind: orig.kind, personId: orig.person_id, orgId: orig.org_id, points: -orig.points, item: orig.item, factDate: deps.clock.today(), reason: body.reason,
          reverses: Number(orig.id), idempotencyKey: body.idempotencyKey, requestHash: hash, actorId: ctx.actor.accountId, at: deps.clock.now(),
          legs: [{ side: 'member', amount: -orig.points }, { side: 'pool', amount: orig.points }],
        });
        await auditInTx(t, ctx, { action: 'points.reverse', objectType: 'person', objectId: orig.person_id, orgId: orig.org_id, detail: { txn: id, reverses: Number(orig.id) } });
        return { txn: txnView((await repo.txnById(t, id, unscoped('the transaction just written')))!), replayed: false };
      }),
    async () => {
      const earlier = await replayOf(deps.db, body.idempotencyKey, hash, '冲正');
      return earlier ? { txn: txnView(earlier), replayed: true } : null;
    },
  );
}

// --- spending (the mall): reserve → confirm / release

/** The source of the mall's reservations (the redemption settles them). */
export const MALL_SOURCE = 'mall.redemption';

export async function reservePoints(deps: Deps, ctx: ActorContext, body: ReservePointsBody): Promise<PointTxnResult> {
  const hash = requestHash({ op: 'reserve', personId: body.personId, points: body.points, reason: body.reason });
  return withKeyRace(
    () =>
      deps.db.tx(async (t) => {
        const m = await memberFor(t, ctx, body.personId, 'points.manage', true);
        const earlier = await replayOf(t, body.idempotencyKey, hash, '积分兑换');
        if (earlier) return { txn: txnView(earlier), replayed: true };
        const id = await reserveIn(t, {
          personId: m.id, orgId: m.org_id, points: body.points, reason: body.reason, idempotencyKey: body.idempotencyKey, requestHash: hash,
          actorId: ctx.actor.accountId, at: deps.clock.now(), factDate: deps.clock.today(),
        });
        await auditInTx(t, ctx, { action: 'points.reserve', objectType: 'person', objectId: m.id, orgId: m.org_id, detail: { txn: id, points: body.points } });
        return { txn: txnView((await repo.txnById(t, id, unscoped('the transaction just written')))!), replayed: false };
      }),
    async () => {
      const earlier = await replayOf(deps.db, body.idempotencyKey, hash, '积分兑换');
      return earlier ? { txn: txnView(earlier), replayed: true } : null;
    },
  );
}

export interface SpendPosting {
  idempotencyKey: string;
  requestHash?: string;
  actorId: string | null;
  at: Date;
  factDate: string;
  /** what the reservation is for (the mall: 'mall.redemption' and its id); such a reservation is settled by its source, never by the stale-reservation job */
  sourceType?: string;
  sourceId?: string;
}

/**
 * A reservation inside the caller's transaction: the member's points moved to
 * their hold account (locks the member; refuses beyond the balance). The mall
 * reserves its stock in the same transaction. Returns the reserve txn's id.
 */
export async function reserveIn(t: Queryable, p: SpendPosting & { personId: string; orgId: string; points: number; reason: string }): Promise<number> {
  const locked = await lockMember(t, p.personId);
  if (locked.member.balance < p.points) throw insufficient(locked.member.balance, p.points);
  return post(t, locked, {
    kind: 'reserve', personId: p.personId, orgId: p.orgId, points: 0, factDate: p.factDate, reason: p.reason, sourceType: p.sourceType ?? null, sourceId: p.sourceId ?? null,
    idempotencyKey: p.idempotencyKey, requestHash: p.requestHash ?? null, actorId: p.actorId, at: p.at,
    legs: [{ side: 'member', amount: -p.points }, { side: 'hold', amount: p.points }],
  });
}

/**
 * Settles an open reservation inside the caller's transaction: confirm (the
 * held points go to the mall, spent) or release (back to the member). Locks
 * the member; refuses a reservation already settled. Returns the txn's id.
 */
export async function settleIn(t: Queryable, reservationId: number, how: 'confirm' | 'release', p: SpendPosting): Promise<number> {
  const r = await repo.reservationOf(t, reservationId);
  if (!r || r.kind !== 'reserve') throw notFound();
  const locked = await lockMember(t, r.person_id);
  // re-read under the member lock: settled meanwhile?
  const again = (await repo.reservationOf(t, reservationId))!;
  if (again.settled) throw new AppError('POINTS_STATE', '该笔兑换已确认或已取消');
  const amount = Number(again.held);
  return post(t, locked, {
    kind: how, personId: r.person_id, orgId: r.org_id, points: how === 'confirm' ? -amount : 0, factDate: p.factDate, reason: r.reason, reservationId,
    idempotencyKey: p.idempotencyKey, requestHash: p.requestHash ?? null, actorId: p.actorId, at: p.at,
    legs: how === 'confirm' ? [{ side: 'hold', amount: -amount }, { side: 'mall', amount }] : [{ side: 'hold', amount: -amount }, { side: 'member', amount }],
  });
}


async function settle(deps: Deps, ctx: ActorContext | null, reservationId: number, body: SettleReservationBody, how: 'confirm' | 'release', scopeCtx: 'manage' | 'system') {
  const hash = requestHash({ op: how, reservationId });
  return withKeyRace(
    () =>
      deps.db.tx(async (t) => {
        const r = await repo.txnById(t, reservationId, ctx && scopeCtx === 'manage' ? manageScope(ctx) : unscoped('the job releasing stale reservations'));
        if (!r || r.kind !== 'reserve') throw notFound();
        // a reservation of the mall is settled by its redemption (fulfilled, cancelled or expired there), never here
        if (r.source_type === MALL_SOURCE) throw new AppError('POINTS_STATE', '该笔冻结属于积分商城的兑换，请在积分商城中核销或取消');
        await lockMember(t, r.person_id);
        const earlier = await replayOf(t, body.idempotencyKey, hash, how === 'confirm' ? '兑换确认' : '兑换取消');
        if (earlier) return { txn: txnView(earlier), replayed: true };
        const amount = await repo.heldBy(t, reservationId);
        const id = await settleIn(t, reservationId, how, { idempotencyKey: body.idempotencyKey, requestHash: hash, actorId: ctx?.actor.accountId ?? null, at: deps.clock.now(), factDate: deps.clock.today() });
        if (ctx) await auditInTx(t, ctx, { action: `points.${how}`, objectType: 'person', objectId: r.person_id, orgId: r.org_id, detail: { txn: id, reservation: reservationId, points: amount } });
        return { txn: txnView((await repo.txnById(t, id, unscoped('the transaction just written')))!), replayed: false };
      }),
    async () => {
      const earlier = await replayOf(deps.db, body.idempotencyKey, hash, how === 'confirm' ? '兑换确认' : '兑换取消');
      return earlier ? { txn: txnView(earlier), replayed: true } : null;
    },
  );
}

export const confirmPointReservation = (deps: Deps, ctx: ActorContext, id: number, body: SettleReservationBody) => settle(deps, ctx, id, body, 'confirm', 'manage');
export const releasePointReservation = (deps: Deps, ctx: ActorContext, id: number, body: SettleReservationBody) => settle(deps, ctx, id, body, 'release', 'manage');

/** Reservations left open longer than the ledger rule allows go back to the member (a job). */
export async function releaseStaleReservations(deps: Deps, ttlHours: number): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - ttlHours * 3600_000);
  let n = 0;
  for (const r of await repo.staleReservations(deps.db, before)) {
    await settle(deps, null, Number(r.id), { idempotencyKey: `release-stale:${r.id}` }, 'release', 'system');
    n++;
  }
  return n;
}

/**
 * Expiry on a date (a job): a member keeps at most the points of awards still
 * valid that day; the rest — the oldest points, spent first — expire.
 */
export async function expirePoints(deps: Deps, date: string): Promise<{ members: number; points: number }> {
  let members = 0;
  let points = 0;
  for (const { person_id } of await repo.membersWithExpiredAwards(deps.db, date)) {
    await deps.db.tx(async (t) => {
      const locked = await lockMember(t, person_id);
      const key = `expire:${person_id}:${date}`;
      if (await repo.txnByKey(t, key)) return;
      const excess = Math.min(locked.member.balance, locked.member.balance - (await repo.validAwards(t, person_id, date)));
      if (excess <= 0) return;
      const org = await repo.personOrg(t, person_id);
      await post(t, locked, {
        kind: 'expire', personId: person_id, orgId: org.org_id, points: -excess, factDate: date, reason: '积分有效期届满', idempotencyKey: key, at: deps.clock.now(),
        legs: [{ side: 'member', amount: -excess }, { side: 'expiry', amount: excess }],
      });
      members++;
      points += excess;
    });
  }
  return { members, points };
}

/** Manual awards waiting for a second approver, in the caller's points.approve scope. */
export async function listPendingAwards(deps: Deps, ctx: ActorContext): Promise<PointAwardRequestView[]> {
  const rows = await repo.pendingRequests(deps.db, orgInScope(ctx.actor, 'points.approve'));
  return rows.map((r) => ({
    id: r.id, personId: r.person_id, personName: r.person_name, item: r.item, itemLabel: POINT_ITEMS[r.item as keyof typeof POINT_ITEMS] ?? r.item,
    points: r.item === 'manual.deduction' ? -r.points : r.points, factDate: r.fact_date, reason: r.reason, requestedByName: r.requested_by_name, requestedAt: r.requested_at,
    mine: r.requested_by === ctx.actor.accountId,
  }));
}

/** 待我审批: the large awards and deductions the caller may decide as the second approver. */
export async function listPendingAwardApprovals(deps: Deps, ctx: ActorContext, limit: number): Promise<{ items: ApprovalItem[]; total: number }> {
  const rows = await repo.decidableRequests(deps.db, orgInScope(ctx.actor, 'points.approve'), ctx.actor.accountId, limit);
  return {
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => ({
      kind: 'point_award' as const, key: `point_award:${r.id}`, objectId: r.id, personId: r.person_id, personName: r.person_name, orgId: r.org_id, orgName: r.org_name, step: null,
      asked: `${POINT_ITEMS[r.item as keyof typeof POINT_ITEMS] ?? r.item} ${r.item === 'manual.deduction' ? '−' : '+'}${r.points}分，待复核`, detail: r.reason,
      since: r.since, due: null, overdue: false, link: '/admin/points/requests',
    })),
  };
}
