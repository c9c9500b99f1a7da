import type { Queryable } from '../../platform/db';

// The index's pluggable calculators (issue 14): each domain offers the items
// it can measure and the deduction / veto flags it can raise, registered at
// start-up (src/server/index-items.ts) as the point sources are. An item of the
// rule version with no calculator is 无数据; a calculator that has nothing for
// an org (no bills, no meetings due) leaves it out, which is 无数据 for that org.

export interface IndexOrg {
  id: string;
  path: string;
  type: string;
  hasCommittee: boolean;
  fullMembers: number;
  /** when the org was set up (null: before the platform's records) */
  setupDate: string | null;
}

/** The days measured: the period's first day to its last, or to the as-of day while the period runs. */
export interface IndexWindow {
  period: string;
  from: string;
  to: string;
  asOf: string;
  /** the period is the one running today: figures that exist only as current state may be used */
  current: boolean;
}

export interface ItemFigure {
  /** 0–1 */
  value: number;
  numerator: number;
  denominator: number;
}

export interface IndexCalculator {
  key: string;
  compute(q: Queryable, orgs: readonly IndexOrg[], w: IndexWindow): Promise<Map<string, ItemFigure>>;
  /** the console page listing the facts behind the figure */
  link?(org: IndexOrg, w: IndexWindow): string;
}

export interface IndexFlag {
  key: string;
  /** the orgs the flag applies to, with a sentence saying why */
  compute(q: Queryable, orgs: readonly IndexOrg[], w: IndexWindow): Promise<Map<string, string>>;
}

const calculators = new Map<string, IndexCalculator>();
const flags = new Map<string, IndexFlag>();

export function registerIndexCalculator(c: IndexCalculator) {
  calculators.set(c.key, c);
}
export function registerIndexFlag(f: IndexFlag) {
  flags.set(f.key, f);
}
export const indexCalculator = (key: string) => calculators.get(key);
export const indexFlag = (key: string) => flags.get(key);

/** A ratio as an item figure; nothing to measure (denominator 0) is no figure. */
export function ratio(numerator: number, denominator: number): ItemFigure | null {
  if (denominator <= 0) return null;
  return { value: Math.max(0, Math.min(1, numerator / denominator)), numerator, denominator };
}
