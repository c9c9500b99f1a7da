import type { Deps } from '../../deps';
import * as repo from './dues.repo';
import { unscoped } from '../../platform/scope';
import { billView, ruleFor } from './dues.bills';
import { consecutiveUnpaid, monthOf, quote } from './dues.policy';
import type { DuesCategory } from '../../../contracts/dues';

// The member's own dues on the phone: what is owed, the current amount and the statement.

export async function myDues(deps: Deps, personId: string) {
  const today = deps.clock.today();
  const [bases, bills, entries, person] = await Promise.all([
    repo.listBases(deps.db, personId),
    // the member's own bills: the person is the logged-in member, not chosen by the caller
    repo.listBills(deps.db, { scope: unscoped('a member\'s own bills: the person is the logged-in member, not chosen by the caller'), personId, status: 'all' }, 36, 0),
    repo.listStatementEntries(deps.db, personId),
    repo.personOrgPath(deps.db, personId),
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
