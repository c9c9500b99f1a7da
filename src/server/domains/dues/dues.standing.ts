import type { Queryable } from '../../platform/db';
import { settledMonthsOfPerson } from './dues.repo';

/**
 * A member's dues standing for a transfer letter (RULES §4: dues paid up before
 * transfer; the letter prints the month paid up to): the last month before the
 * first unsettled bill (or the last bill, all settled), and the unsettled months.
 */
export async function duesStanding(q: Queryable, personId: string, asOfMonth: string): Promise<{ paidTo: string | null; unpaidMonths: string[] }> {
  const bills = await settledMonthsOfPerson(q, personId, asOfMonth);
  const firstOpen = bills.findIndex((b) => !b.settled);
  const paidTo = firstOpen === -1 ? (bills.at(-1)?.month ?? null) : firstOpen > 0 ? bills[firstOpen - 1].month : null;
  return { paidTo, unpaidMonths: bills.filter((b) => !b.settled).map((b) => b.month) };
}
