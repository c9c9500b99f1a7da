import { INDEX_BANDS, INDEX_ITEMS, type IndexAdjustment, type IndexBand, type IndexRuleBody, type SubIndex } from '../../../contracts/branch-index';
import type { ItemFigure } from './branch-index.calculators';

// The arithmetic of the index (pure): items to sub-indices to the composite,
// deductions and vetoes, and the band — all under the rule version's numbers.

export interface Composed {
  base: number | null;
  composite: number | null;
  band: IndexBand | null;
  vetoed: boolean;
  sub: SubIndex[];
  adjustments: IndexAdjustment[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The base of an index: the weighted mean of the sub-indices with a score,
 * rounded to one decimal (无数据 ones and those of no weight are left out of
 * the weights); null when none has a score. Used when composing an index and
 * when reading a stored one back.
 */
export function baseOf(sub: ReadonlyArray<Pick<SubIndex, 'score' | 'weight'>>): number | null {
  let sum = 0;
  let weights = 0;
  for (const s of sub) {
    if (s.score === null || s.weight <= 0) continue;
    sum += s.score * s.weight;
    weights += s.weight;
  }
  return weights > 0 ? round1(sum / weights) : null;
}

/**
 * Each sub-index is the weighted mean of its items that have a figure, × 100
 * (no item with a figure: 无数据); the base is the weighted mean of the
 * sub-indices with a score (无数据 ones are left out of the weights); the
 * composite is the base less the deductions applied, within 0–100; a veto
 * puts the branch in the lowest band whatever its score.
 */
export function composeIndex(
  rule: IndexRuleBody,
  figures: ReadonlyMap<string, ItemFigure | null | undefined>,
  flagged: ReadonlyMap<string, string | null | undefined>,
  links: ReadonlyMap<string, string | null> = new Map(),
): Composed {
  const sub: SubIndex[] = rule.subIndices.map((s) => {
    let sum = 0;
    let weights = 0;
    const items = s.items.map((it) => {
      const f = figures.get(it.key) ?? null;
      if (f) {
        sum += f.value * it.weight;
        weights += it.weight;
      }
      const meta = INDEX_ITEMS[it.key] ?? { label: it.key, measure: '' };
      return { key: it.key, label: meta.label, measure: meta.measure, weight: it.weight, value: f ? f.value : null, numerator: f ? f.numerator : null, denominator: f ? f.denominator : null, link: f ? links.get(it.key) ?? null : null };
    });
    return { key: s.key, label: s.label, weight: s.weight, score: weights > 0 ? round1((sum / weights) * 100) : null, items };
  });
  const base = baseOf(sub);
  const adjustments: IndexAdjustment[] = [
    ...rule.deductions.map((d) => ({ key: d.key, label: d.label, kind: 'deduction' as const, points: d.points, hasData: flagged.has(d.key), applied: !!flagged.get(d.key), detail: flagged.get(d.key) ?? null })),
    ...rule.vetoes.map((v) => ({ key: v.key, label: v.label, kind: 'veto' as const, points: 0, hasData: flagged.has(v.key), applied: !!flagged.get(v.key), detail: flagged.get(v.key) ?? null })),
  ];
  const deducted = adjustments.filter((a) => a.kind === 'deduction' && a.applied).reduce((n, a) => n + a.points, 0);
  const vetoed = adjustments.some((a) => a.kind === 'veto' && a.applied);
  const composite = base === null ? null : round1(Math.max(0, Math.min(100, base - deducted)));
  return { base, composite, band: composite === null ? null : bandOf(rule, composite, vetoed), vetoed, sub, adjustments };
}

/** The band of a score: the first band (highest minimum first) the score reaches; a veto gives the lowest. */
export function bandOf(rule: IndexRuleBody, score: number, vetoed: boolean): IndexBand {
  const bands = [...rule.bands].sort((a, b) => b.min - a.min);
  if (vetoed) return bands[bands.length - 1].band;
  return (bands.find((b) => score >= b.min) ?? bands[bands.length - 1]).band;
}

export const bandLabel = (rule: IndexRuleBody, band: IndexBand | null) => (band ? rule.bands.find((b) => b.band === band)?.label ?? INDEX_BANDS[band] : null);

/** The value at a percentile (0–1) of sorted numbers, interpolated; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return round1(sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo));
}

/** The periods of an index trend ending with `period`: the `n` quarters, or the `n` years, before and including it. */
export function trendPeriods(period: string, n: number): string[] {
  const out: string[] = [];
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!q) {
    for (let i = n - 1; i >= 0; i--) out.push(String(Number(period) - i));
    return out;
  }
  let idx = Number(q[1]) * 4 + Number(q[2]) - 1;
  for (let i = 0; i < n; i++, idx--) out.unshift(`${Math.floor(idx / 4)}-Q${(idx % 4) + 1}`);
  return out;
}
