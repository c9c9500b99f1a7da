import { ratio, type IndexCalculator, type ItemFigure } from '../branch-index';
import * as repo from './dues.repo';

// The branch index's dues items (issue 14), from the dues rollups: collection
// (paid ÷ due) and on-time bills, over the months of the period that have
// ended by the as-of day (a month's dues are payable until its end).

function lastEndedMonth(asOf: string): string {
  const y = Number(asOf.slice(0, 4));
  const m = Number(asOf.slice(5, 7));
  const lastDay = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  if (asOf >= lastDay) return `${asOf.slice(0, 7)}-01`;
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 10);
}

function fromTotals(key: string, pick: (t: { bills: number; bills_on_time: number; due_fen: string; paid_fen: string }) => [number, number]): IndexCalculator {
  return {
    key,
    async compute(q, orgs, w) {
      const to = lastEndedMonth(w.asOf);
      const from = `${w.from.slice(0, 7)}-01`;
      const out = new Map<string, ItemFigure>();
      if (to < from) return out;
      for (const t of await repo.rollupTotals(q, orgs.map((o) => o.id), from, to)) {
        const f = ratio(...pick(t));
        if (f) out.set(t.org_id, f);
      }
      return out;
    },
    link: (o, w) => `/admin/dues/bills?orgId=${o.id}&month=${lastEndedMonth(w.asOf).slice(0, 7)}`,
  };
}

export const duesIndexCalculators: IndexCalculator[] = [
  // amounts in yuan (the rollup keeps fen)
  fromTotals('dues.collection', (t) => [Number(t.paid_fen) / 100, Number(t.due_fen) / 100]),
  fromTotals('dues.on_time', (t) => [t.bills_on_time, t.bills]),
];
