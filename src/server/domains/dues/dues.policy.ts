import { BASED_CATEGORIES, DUES_CATEGORIES, type DuesCategory } from '../../../contracts/dues';

// The rules of Party dues (RULES §2, 中组发〔2008〕3号) as pure functions of
// the rule version in force. One rate applies to the whole base (not
// marginal); amounts are integer 分.

export interface Bracket {
  /** inclusive upper bound of the base in 分; null = no upper bound */
  upToFen: number | null;
  /** rate in basis points (50 = 0.5 %) */
  rateBp: number;
}

export interface DuesRule {
  salariedBrackets: Bracket[];
  retiredBrackets: Bracket[];
  /** [local] the province's fixed monthly amount for farmers, 20–100 分 */
  farmerFen: number;
  /** students, unemployed, relief, low income */
  fixedFen: number;
  /** [local] round half up to 分 or to 角 */
  rounding: 'fen' | 'jiao';
  /** [local] whether personal social-insurance and housing-fund contributions are deducted from the base */
  deductSocialInsurance: boolean;
  backPayMaxMonths: number;
  voluntaryLargeFen: number;
  arrearsWarnMonths: number;
  arrearsActionMonths: number;
}

export interface Quote {
  amountFen: number;
  rateBp: number | null;
  explanation: string;
}

const yuan = (fen: number) => (fen / 100).toFixed(2).replace(/\.00$/, '');
const percent = (bp: number) => `${(bp / 100).toString()}%`;

/** Rounds a product base × rate (in 分 × bp / 10 000) half up to 分 or 角, in integers. */
export function roundDues(baseFen: number, rateBp: number, rounding: DuesRule['rounding']): number {
  const unit = rounding === 'jiao' ? 100_000 : 10_000; // 1 角 = 10 分
  const scaled = baseFen * rateBp;
  const q = Math.floor((scaled + unit / 2) / unit);
  return rounding === 'jiao' ? q * 10 : q;
}

export function bracketFor(brackets: readonly Bracket[], baseFen: number): Bracket {
  const b = brackets.find((x) => x.upToFen === null || baseFen <= x.upToFen);
  if (!b) throw new Error('brackets must end with an open bracket');
  return b;
}

/** The monthly amount and rate alone (the bulk bill generator's hot path: no explanation text). */
export function quoteAmount(rule: DuesRule, category: DuesCategory, baseFen: number | null): { amountFen: number; rateBp: number | null } {
  if (!BASED_CATEGORIES.includes(category)) return { amountFen: category === 'farmer' ? rule.farmerFen : rule.fixedFen, rateBp: null };
  if (baseFen === null) throw new Error('a base is required for this category');
  const b = bracketFor(category === 'retired' ? rule.retiredBrackets : rule.salariedBrackets, baseFen);
  return { amountFen: roundDues(baseFen, b.rateBp, rule.rounding), rateBp: b.rateBp };
}

/** The monthly amount for a category and base, with the explanation shown to people. */
export function quote(rule: DuesRule, category: DuesCategory, baseFen: number | null): Quote {
  const { amountFen, rateBp } = quoteAmount(rule, category, baseFen);
  if (rateBp === null || baseFen === null) return { amountFen, rateBp: null, explanation: `${DUES_CATEGORIES[category]}党员每月交纳 ${yuan(amountFen)} 元` };
  const brackets = category === 'retired' ? rule.retiredBrackets : rule.salariedBrackets;
  const b = bracketFor(brackets, baseFen);
  const i = brackets.indexOf(b);
  const lower = i > 0 ? brackets[i - 1].upToFen! : null;
  const range = b.upToFen === null ? `${yuan(lower!)} 元以上` : lower === null ? `${yuan(b.upToFen)} 元以下（含）` : `${yuan(lower)} 元以上至 ${yuan(b.upToFen)} 元（含）`;
  return {
    amountFen, rateBp: b.rateBp,
    explanation: `基数 ${yuan(baseFen)} 元，属${range}，按 ${percent(b.rateBp)} 交纳：${yuan(baseFen)} × ${percent(b.rateBp)} = ${yuan(amountFen)} 元（四舍五入到${rule.rounding === 'jiao' ? '角' : '分'}）`,
  };
}

export interface Component {
  item: string;
  kind: 'include' | 'exclude' | 'deduct';
  amountFen: number;
}

/**
 * The base from its components: included items, less deductions where the
 * local rule deducts personal social insurance; excluded items are listed
 * for the record and never counted.
 */
export function baseFromComponents(rule: DuesRule, components: readonly Component[]): number {
  const included = components.filter((c) => c.kind === 'include').reduce((s, c) => s + c.amountFen, 0);
  const deducted = rule.deductSocialInsurance ? components.filter((c) => c.kind === 'deduct').reduce((s, c) => s + c.amountFen, 0) : 0;
  return Math.max(0, included - deducted);
}

/** YYYY-MM ↔ the first day of the month. */
export const monthStart = (m: string) => `${m}-01`;
export const monthOf = (date: string) => date.slice(0, 7);
export function addMonthsTo(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
}
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm);
}
/** The last day of a month (YYYY-MM-DD): the on-time limit of its bill. */
export function monthEnd(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/**
 * Back payment (补交): a bill of a month more than `backPayMaxMonths` before
 * the payment month needs the committee's approval.
 */
export function backPayNeedsApproval(rule: DuesRule, billMonth: string, paidOn: string): boolean {
  return monthsBetween(billMonth, monthOf(paidOn)) > rule.backPayMaxMonths;
}

/**
 * Consecutive months without payment up to and including `asOf` (a month
 * whose due is 0, e.g. exempted, breaks nothing and counts nothing).
 */
export function consecutiveUnpaid(bills: ReadonlyArray<{ month: string; dueFen: number; paid: boolean }>, asOf: string): number {
  // Over the member's own bills up to asOf, newest first, whatever day it is:
  // a member who owes October and November owes two months even while the
  // current month's bill has not been generated yet (the same count as the
  // arrears list in SQL: the open bills after the last paid month).
  const upTo = bills.filter((b) => b.month <= asOf).sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0));
  let n = 0;
  for (const b of upTo) {
    if (b.dueFen === 0) continue;
    if (b.paid) break;
    n++;
  }
  return n;
}

export type ArrearsLevel = 'none' | 'warn' | 'action';
export function arrearsLevel(rule: DuesRule, months: number): ArrearsLevel {
  if (months >= rule.arrearsActionMonths) return 'action';
  if (months >= rule.arrearsWarnMonths) return 'warn';
  return 'none';
}
