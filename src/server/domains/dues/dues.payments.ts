import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { RequestContext, ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { orgInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import * as repo from './dues.repo';
import { requestHash } from '../../platform/idempotency';

export { requestHash };
import { backPayNeedsApproval, monthEnd, monthOf } from './dues.policy';
import { ruleFor } from './dues.bills';
import { findMember } from './dues.bases';

// Dues use-cases (RULES §2), payments. Money movements are append-only ledger
// entries chained per member; a bill's paid state is cached on the bill in the
// paying transaction, and the per-org monthly rollups move in the same
// transaction.

// ---------------------------------------------------------------------------
// Payments: one ledger entry per bill, idempotent, exactly once per bill
// ---------------------------------------------------------------------------
export function entryHash(prevHash: string, e: { personId: string; billId: string | null; kind: string; amountFen: number; method: string; paidOn: string; key: string }): string {
  return crypto.createHash('sha256').update(`${prevHash}|${e.personId}|${e.billId ?? ''}|${e.kind}|${e.amountFen}|${e.method}|${e.paidOn}|${e.key}`).digest('hex');
}

export interface PaymentInput {
  billIds: string[];
  method: 'cash' | 'transfer' | 'online';
  paidOn: string;
  payerName?: string | null;
  backPayApproval?: string | null;
  idempotencyKey: string;
  note?: string | null;
  orderId?: string | null;
}

const paymentRequestHash = (input: PaymentInput, billIds: readonly string[]) => requestHash({
  kind: 'payment', billIds: [...billIds], method: input.method, paidOn: input.paidOn, payerName: input.payerName, backPayApproval: input.backPayApproval, note: input.note, orderId: input.orderId,
});

/** The result of an earlier request with this idempotency key; the key used for another request (other bills, or other details) is refused. */
async function earlierPayment(q: Queryable, key: string, personId: string, billIds: readonly string[], hash: string) {
  const earlier = await repo.entriesOfRequest(q, personId, key);
  if (!earlier.length) return null;
  const same = earlier.length === billIds.length && earlier.every((e) => e.bill_id !== null && billIds.includes(e.bill_id))
    // entries written before request hashes were kept compare by bills only
    && earlier.every((e) => e.request_hash === null || e.request_hash === hash);
  if (!same) throw new AppError('IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一笔内容不同的交纳（账单、方式、日期或备注不同），请刷新后重新提交');
  return { entryIds: earlier.map((e) => e.id), amountFen: earlier.reduce((s, e) => s + e.amount_fen, 0), replayed: true };
}

/**
 * Records the payment of whole bills inside a transaction. Replays of the
 * same idempotency key return the first result; a bill already paid is a
 * conflict (of 50 concurrent payments of one bill exactly one succeeds: the
 * bill rows are locked in id order and re-read). `today` is the business
 * date a payment may not be after (for an online payment: the day the
 * provider says it was paid).
 */
export async function payBills(t: Queryable, ctx: RequestContext, scope: ReturnType<typeof orgInScope>, input: PaymentInput, today: string): Promise<{ entryIds: number[]; amountFen: number; replayed: boolean }> {
  const ids = [...new Set(input.billIds)];
  const bills = await repo.lockBills(t, ids, scope);
  if (bills.length !== ids.length) throw notFound();
  const persons = new Set(bills.map((b) => b.person_id));
  if (persons.size !== 1) throw new AppError('VALIDATION_FAILED', '一次只能为一名党员交纳党费');
  // a replay (possibly one that waited on the bill locks for the original) returns the first result
  const hashOfRequest = paymentRequestHash(input, ids);
  const earlier = await earlierPayment(t, input.idempotencyKey, bills[0].person_id, ids, hashOfRequest);
  if (earlier) return earlier;
  const paid = bills.filter((b) => b.paid_on);
  if (paid.length) throw new AppError('CONFLICT', `${paid.map((b) => b.month).join('、')} 的党费已交纳，请勿重复交纳`);
  const free = bills.filter((b) => b.due_fen === 0);
  if (free.length) throw new AppError('VALIDATION_FAILED', `${free.map((b) => b.month).join('、')} 免交党费，无需交纳`);
  if (input.paidOn > today) throw new AppError('VALIDATION_FAILED', '交纳日期不能晚于今天');
  const rule = await ruleFor(t, monthOf(input.paidOn), bills[0].org_path);
  const late = bills.filter((b) => backPayNeedsApproval(rule.body, b.month, input.paidOn));
  if (late.length && !input.backPayApproval?.trim()) {
    throw new AppError('VALIDATION_FAILED', `补交一般不超过${rule.body.backPayMaxMonths}个月：${late.map((b) => b.month).join('、')} 已超过，须经上级党委同意并注明批准情况`, { issues: [{ field: 'backPayApproval', message: '请注明上级党委同意补交的情况' }] });
  }
  const personId = bills[0].person_id;
  await repo.lockMemberLedger(t, personId);
  let prev = (await repo.lastEntryHash(t, personId))?.hash ?? 'genesis';
  const entryIds: number[] = [];
  const deltas: Array<{ orgPath: string; month: string; paidFen: number; paidOnTimeFen: number; billsPaid: number; billsOnTime: number }> = [];
  for (const b of [...bills].sort((x, y) => (x.month < y.month ? -1 : 1))) {
    const key = `${input.idempotencyKey}:${b.id}`;
    const e = { personId, billId: b.id, kind: 'payment', amountFen: b.due_fen, method: input.method, paidOn: input.paidOn, key };
    const hash = entryHash(prev, e);
    entryIds.push(await repo.insertEntry(t, {
      ...e, kind: 'payment', orgId: b.org_id, regionKey: b.region_key, payerName: input.payerName ?? null, orderId: input.orderId ?? null, ruleVersionId: rule.id,
      note: [input.note, late.includes(b) ? `补交批准：${input.backPayApproval}` : null].filter(Boolean).join('；') || null, actorId: ctx.actor?.accountId ?? null, prevHash: prev, hash,
      requestHash: hashOfRequest,
    }));
    prev = hash;
    await repo.markBillPaid(t, b.id, input.paidOn);
    const onTime = input.paidOn <= monthEnd(b.month);
    deltas.push({ orgPath: b.org_path, month: b.month, paidFen: b.due_fen, paidOnTimeFen: onTime ? b.due_fen : 0, billsPaid: 1, billsOnTime: onTime ? 1 : 0 });
  }
  for (const month of new Set(deltas.map((d) => d.month))) await repo.addToRollups(t, month, deltas.filter((d) => d.month === month));
  return { entryIds, amountFen: bills.reduce((s, b) => s + b.due_fen, 0), replayed: false };
}

export async function recordPayment(deps: Deps, ctx: ActorContext, input: PaymentInput) {
  try {
    return await deps.db.tx(async (t) => {
      const r = await payBills(t, ctx, orgInScope(ctx.actor, 'dues.manage'), input, deps.clock.today());
      if (!r.replayed) await auditInTx(t, ctx, { action: 'dues.payment', objectType: 'dues_bill', objectId: input.billIds[0], detail: { bills: input.billIds.length, amountFen: r.amountFen, method: input.method, payer: input.payerName ?? null } });
      return r;
    });
  } catch (e) {
    // the same key raced itself: the other request recorded it
    if (isUniqueViolation(e, 'dues_entry_idempotency_key_key')) {
      const bill = await repo.findBillPerson(deps.db, input.billIds[0]);
      const ids = [...new Set(input.billIds)];
      const earlier = bill && (await earlierPayment(deps.db, input.idempotencyKey, bill.person_id, ids, paymentRequestHash(input, ids)));
      if (earlier) return earlier;
    }
    throw e;
  }
}

/** A voluntary one-off payment (≥ 1000 元 is listed separately: forwarded entirely to the centre). */
export async function recordVoluntary(deps: Deps, ctx: ActorContext, body: { personId: string; amountFen: number; method: 'cash' | 'transfer'; paidOn: string; idempotencyKey: string; note?: string | null }) {
  return deps.db.tx(async (t) => {
    const hashOfRequest = requestHash({ kind: 'voluntary', personId: body.personId, amountFen: body.amountFen, method: body.method, paidOn: body.paidOn, note: body.note });
    const earlier = await repo.entriesByKey(t, body.idempotencyKey);
    if (earlier.length) {
      if (earlier.some((e) => e.request_hash !== null && e.request_hash !== hashOfRequest)) throw new AppError('IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一笔内容不同的自愿交纳，请刷新后重新提交');
      return { entryIds: earlier.map((e) => e.id), amountFen: earlier[0].amount_fen, replayed: true, large: false };
    }
    const p = await findMember(t, ctx, body.personId, 'dues.manage');
    const region = await repo.personRegion(t, p.id);
    if (body.paidOn > deps.clock.today()) throw new AppError('VALIDATION_FAILED', '交纳日期不能晚于今天');
    const rule = await ruleFor(t, monthOf(body.paidOn), p.org_path);
    await repo.lockMemberLedger(t, p.id);
    const prev = (await repo.lastEntryHash(t, p.id))?.hash ?? 'genesis';
    const e = { personId: p.id, billId: null, kind: 'voluntary', amountFen: body.amountFen, method: body.method, paidOn: body.paidOn, key: body.idempotencyKey };
    const hash = entryHash(prev, e);
    const id = await repo.insertEntry(t, { ...e, kind: 'voluntary', orgId: p.org_id, regionKey: region.region_key, payerName: null, orderId: null, ruleVersionId: rule.id, note: body.note ?? null, actorId: ctx.actor.accountId, prevHash: prev, hash, requestHash: hashOfRequest });
    await repo.addToRollups(t, monthOf(body.paidOn), [{ orgPath: p.org_path, voluntaryFen: body.amountFen }]);
    const large = body.amountFen >= rule.body.voluntaryLargeFen;
    await auditInTx(t, ctx, { action: 'dues.voluntary', objectType: 'person', objectId: p.id, orgId: p.org_id, detail: { amountFen: body.amountFen, large } });
    return { entryIds: [id], amountFen: body.amountFen, replayed: false, large };
  });
}
