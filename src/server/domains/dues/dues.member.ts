import { z } from 'zod';
import type { Deps } from '../../deps';
import { sql } from '../../platform/sql';
import { DuesBillView, DuesCategoryEnum } from '../../../contracts/dues';
import * as repo from './dues.repo';
import { billView, ruleFor } from './dues.service';
import { consecutiveUnpaid, monthOf, quote } from './dues.policy';
import type { DuesCategory } from '../../../contracts/dues';

// The member's own dues on the phone: what is owed, the current amount and the statement.

export const MyDuesView = z.object({
  current: z.object({ category: DuesCategoryEnum, baseFen: z.number().int().nullable(), amountFen: z.number().int(), explanation: z.string(), effectiveMonth: z.string() }).nullable(),
  owed: z.array(DuesBillView),
  owedFen: z.number().int(),
  unpaidMonths: z.number().int(),
  statement: z.array(z.object({ id: z.number().int(), month: z.string().nullable(), kind: z.enum(['payment', 'voluntary']), amountFen: z.number().int(), method: z.string(), paidOn: z.string(), payerName: z.string().nullable() })),
  /** whether online payment is offered (no provider configured: pay at the branch), and through whom */
  onlinePayment: z.object({ available: z.boolean(), provider: z.string().nullable(), simulated: z.boolean() }),
});

export async function myDues(deps: Deps, personId: string) {
  const today = deps.clock.today();
  const [bases, bills, entries, person] = await Promise.all([
    repo.listBases(deps.db, personId),
    repo.listBills(deps.db, { scope: sql`TRUE`, personId, status: 'all' }, 36, 0),
    deps.db.query<{ id: number; month: string | null; kind: 'payment' | 'voluntary'; amount_fen: number; method: string; paid_on: string; payer_name: string | null }>(sql`
      SELECT e.id::int AS id, to_char(b.month, 'YYYY-MM') AS month, e.kind, e.amount_fen::int AS amount_fen, e.method, e.paid_on, e.payer_name
      FROM dues_entry e LEFT JOIN dues_bill b ON b.id = e.bill_id WHERE e.person_id = ${personId}::uuid ORDER BY e.paid_on DESC, e.id DESC LIMIT 100`),
    deps.db.one<{ org_path: string | null }>(sql`SELECT o.path::text AS org_path FROM person p LEFT JOIN org o ON o.id = p.org_id WHERE p.id = ${personId}::uuid`),
  ]);
  const base = bases.find((b) => b.effective_month <= monthOf(today)) ?? null;
  let current = null;
  if (base) {
    const rule = await ruleFor(deps.db, monthOf(today), person.org_path);
    const q = quote(rule.body, base.category as DuesCategory, base.base_fen);
    current = { category: base.category as DuesCategory, baseFen: base.base_fen, amountFen: q.amountFen, explanation: q.explanation, effectiveMonth: base.effective_month };
  }
  const views = bills.rows.map(billView);
  const owed = views.filter((b) => b.status === 'unpaid' && b.month <= monthOf(today)).sort((a, b) => (a.month < b.month ? -1 : 1));
  return {
    current, owed, owedFen: owed.reduce((s, b) => s + b.dueFen, 0),
    unpaidMonths: consecutiveUnpaid(views.map((b) => ({ month: b.month, dueFen: b.dueFen, paid: b.status !== 'unpaid' })), monthOf(today)),
    statement: entries.map((e) => ({ id: e.id, month: e.month, kind: e.kind, amountFen: e.amount_fen, method: e.method, paidOn: e.paid_on, payerName: e.payer_name })),
  };
}
