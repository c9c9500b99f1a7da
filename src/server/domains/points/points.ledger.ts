import crypto from 'node:crypto';
import type { Queryable } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { isUniqueViolation } from '../../platform/db';
import { requestHash } from '../../platform/idempotency';
import * as repo from './points.repo';

// The posting core of the points ledger (money-grade, DATA.md "Money, points
// and history"). Every operation is one point_txn with entries that sum to
// zero (checked by the database at commit). The member's side — the spendable
// account and the hold account of open reservations — is locked per member
// (SELECT … FOR UPDATE), chained by hash and carries a cached balance; the
// other side (branch pool, mall, expiry) is only appended to.
//
// `points` on a transaction is the signed change of what the member holds
// (spendable + on hold): award +, deduction −, reserve 0 (moved to hold),
// confirm − (spent), release 0 (back from hold), refund +, expire −, a
// reversal the opposite of what it reverses.

export { requestHash };

export type Side = 'member' | 'hold' | 'pool' | 'mall' | 'expiry';

export interface Posting {
  kind: repo.TxnInsert['kind'];
  personId: string;
  orgId: string;
  points: number;
  item?: string | null;
  ruleVersionId?: string | null;
  sourceType?: string | null;
  sourceId?: string | null;
  factDate: string;
  reason?: string | null;
  idempotencyKey?: string | null;
  requestHash?: string | null;
  reverses?: number | null;
  reservationId?: number | null;
  expiresOn?: string | null;
  actorId?: string | null;
  approverId?: string | null;
  /** for a reversal: the kind of the transaction it reverses (the rollup field it moves) */
  reversedKind?: string;
  /** when (the business clock) */
  at: Date;
  /** a batch collects its rollup deltas here and applies them at its end in (org, month) order, so that concurrent batches never deadlock on rollup rows */
  rollupSink?: repo.RollupDelta[];
  legs: ReadonlyArray<{ side: Side; amount: number }>;
}

/** What an entry's hash covers: the previous hash, the account, the amount and the transaction's facts. */
export function entryHash(prev: string, e: { accountId: string; amount: number; kind: string; personId: string; points: number; item: string | null; sourceType: string | null; sourceId: string | null; factDate: string; key: string | null }): string {
  return crypto.createHash('sha256')
    .update([prev, e.accountId, e.amount, e.kind, e.personId, e.points, e.item ?? '', e.sourceType ?? '', e.sourceId ?? '', e.factDate, e.key ?? ''].join('|'))
    .digest('hex');
}

export type Locked = Awaited<ReturnType<typeof repo.lockMemberAccounts>>;

/** Locks the member's accounts; every posting for the member happens under this lock. */
export function lockMember(t: Queryable, personId: string): Promise<Locked> {
  return repo.lockMemberAccounts(t, personId);
}

/**
 * Writes one transaction for a member whose accounts the caller locked:
 * the txn row, its entries (member-side chained), the cached balances, and
 * the rollup — all in the caller's transaction. Returns the txn id.
 */
export async function post(t: Queryable, locked: Locked, p: Posting): Promise<number> {
  if (p.legs.reduce((s, l) => s + l.amount, 0) !== 0) throw new Error('a points posting must balance');
  const entries: Array<{ accountId: string; amount: number; prevHash: string | null; hash: string | null }> = [];
  const touched = new Set<'member' | 'hold'>();
  for (const leg of p.legs) {
    if (leg.amount === 0) continue;
    if (leg.side === 'member' || leg.side === 'hold') {
      const acc = locked[leg.side];
      const hash = entryHash(acc.last_hash, { accountId: acc.id, amount: leg.amount, kind: p.kind, personId: p.personId, points: p.points, item: p.item ?? null, sourceType: p.sourceType ?? null, sourceId: p.sourceId ?? null, factDate: p.factDate, key: p.idempotencyKey ?? null });
      entries.push({ accountId: acc.id, amount: leg.amount, prevHash: acc.last_hash, hash });
      acc.last_hash = hash;
      acc.balance += leg.amount;
      touched.add(leg.side);
    } else {
      entries.push({ accountId: await repo.sideAccount(t, leg.side, leg.side === 'pool' ? p.orgId : undefined), amount: leg.amount, prevHash: null, hash: null });
    }
  }
  const reversed = p.kind === 'reversal' ? p.reversedKind : undefined;
  const delta: repo.RollupDelta = { orgId: p.orgId, month: `${p.factDate.slice(0, 7)}-01` };
  if (p.kind === 'award' || reversed === 'award') delta.awarded = p.points;
  else if (p.kind === 'deduction' || reversed === 'deduction') delta.deducted = -p.points;
  else if (p.kind === 'confirm' || p.kind === 'refund') delta.spent = -p.points;
  else if (p.kind === 'expire') delta.expired = -p.points;
  let moves = !!(delta.awarded || delta.deducted || delta.spent || delta.expired);
  if (moves && p.rollupSink) {
    p.rollupSink.push(delta);
    moves = false;
  }
  return repo.writeTxn(
    t,
    {
      kind: p.kind, personId: p.personId, orgId: p.orgId, points: p.points, item: p.item ?? null, ruleVersionId: p.ruleVersionId ?? null,
      sourceType: p.sourceType ?? null, sourceId: p.sourceId ?? null, factDate: p.factDate, reason: p.reason ?? null, idempotencyKey: p.idempotencyKey ?? null,
      requestHash: p.requestHash ?? null, reverses: p.reverses ?? null, reservationId: p.reservationId ?? null, expiresOn: p.expiresOn ?? null,
      actorId: p.actorId ?? null, approverId: p.approverId ?? null, at: p.at,
    },
    entries,
    [...touched].map((side) => ({ id: locked[side].id, balance: locked[side].balance, lastHash: locked[side].last_hash })),
    moves ? delta : null,
  );
}


/**
 * Idempotency (the same key replays the same answer; the same key with a
 * different request is 422): the earlier transaction with this key, or null.
 */
export async function replayOf(q: Queryable, key: string, hash: string, what: string): Promise<repo.TxnRow | null> {
  const earlier = await repo.txnByKey(q, key);
  if (!earlier) return null;
  if (earlier.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', `该请求编号已用于另一笔内容不同的${what}，请刷新页面后重新提交`);
  return earlier;
}

/** Runs a write; a concurrent request with the same key that won the race is answered as a replay. */
export async function withKeyRace<T>(run: () => Promise<T>, onRace: () => Promise<T | null>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isUniqueViolation(e, 'point_txn_idempotency_key_key') || isUniqueViolation(e, 'point_award_request_idempotency_key_key')) {
      const r = await onRace();
      if (r) return r;
    }
    throw e;
  }
}

/** The last day of the year `years` after the fact's: when an award's points expire (null: never). */
export function expiryOf(factDate: string, expiry: { yearsAfterAward: number } | null): string | null {
  if (!expiry) return null;
  return `${Number(factDate.slice(0, 4)) + expiry.yearsAfterAward}-12-31`;
}

export function insufficient(balance: number, points: number) {
  return new AppError('POINTS_INSUFFICIENT', `可用积分 ${balance} 分，不足 ${points} 分`);
}

/** Applies a batch's rollup deltas: summed per (org, month), in that order. */
export async function applyRollups(t: Queryable, deltas: readonly repo.RollupDelta[]) {
  await repo.addToRollups(t, deltas);
}
