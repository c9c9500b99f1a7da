import type { Queryable } from '../../platform/db';
import * as repo from './points.repo';
import { entryHash } from './points.ledger';

// `npm run cli -- points verify`: every member-side chain recomputed in order
// (the first entry that does not fit is named), cached balances against the
// sum of entries, every transaction balanced, the rollup against a
// recomputation from the transactions.

export interface PointsVerification {
  chains: number;
  entries: number;
  /** the first broken entry of each broken chain, in words */
  broken: string[];
  balanceDrift: string[];
  unbalanced: string[];
  rollup: Array<{ org_id: string; month: string; field: string; stored: string; computed: string }>;
}

export async function verifyPoints(q: Queryable, personId?: string): Promise<PointsVerification> {
  const entries = await repo.chainedEntries(q, personId);
  const last = new Map((await repo.lastHashes(q)).map((a) => [a.id, a.last_hash]));
  const broken: string[] = [];
  let chains = 0;
  let i = 0;
  while (i < entries.length) {
    const account = entries[i].account_id;
    chains++;
    let prev = 'genesis';
    let bad: string | null = null;
    for (; i < entries.length && entries[i].account_id === account; i++) {
      const e = entries[i];
      if (bad) continue;
      if (e.prev_hash !== prev) bad = `积分流水第 ${e.id} 条（交易 ${e.txn_id}）与前一条衔接不上：前一条被修改或删除`;
      else if (entryHash(prev, { accountId: e.account_id, amount: Number(e.amount), kind: e.kind, personId: e.person_id, points: e.points, item: e.item, sourceType: e.source_type, sourceId: e.source_id, factDate: e.fact_date, key: e.idempotency_key }) !== e.hash) {
        bad = `积分流水第 ${e.id} 条（交易 ${e.txn_id}）的内容被修改`;
      } else prev = e.hash;
    }
    if (!bad && last.get(account) !== prev) bad = `账户 ${account} 的最后一条流水与账户记录不符：末尾的流水被删除或篡改`;
    if (bad) broken.push(bad);
  }
  const [drift, unbalanced, rollup] = await Promise.all([repo.balanceDrift(q), repo.unbalancedTxns(q, personId), personId ? Promise.resolve([]) : repo.rollupDifferences(q)]);
  return {
    chains, entries: entries.length, broken,
    balanceDrift: drift.filter((d) => !personId || d.person_id === personId).map((d) => `账户 ${d.id}（${d.kind}）缓存余额 ${d.balance}，流水合计 ${d.sum}`),
    unbalanced: unbalanced.map((u) => `交易 ${u.txn_id} 借贷不平（合计 ${u.sum}）`),
    rollup,
  };
}
