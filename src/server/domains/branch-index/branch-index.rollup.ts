import type { Db } from '../../platform/db';
import * as repo from './branch-index.repo';

// The band rollup of the branch index (migration 0030): per org and period,
// how many branch_index rows of its whole subtree stand in each band, kept by
// triggers on branch_index and org in the writing statement's transaction.
// Here: comparing it with a recomputation, and rebuilding it.

export interface IndexRollupVerification {
  rows: number;
  differences: repo.BandRollupDifferenceRow[];
  differenceCount: number;
}

const ROLLBACK = new Error('rollback');

/**
 * The stored band rollup against a recomputation from branch_index and org,
 * done in a transaction that is rolled back (nothing changes). Lists the first
 * `limit` differing rows.
 */
export async function indexRollupDifferences(db: Db, limit = 50): Promise<IndexRollupVerification> {
  let result: IndexRollupVerification = { rows: 0, differences: [], differenceCount: 0 };
  await db.tx(async (t) => {
    const rows = (await repo.bandRollupRowCount(t)).n;
    await repo.snapshotBandRollup(t);
    await repo.rebuildBandRollup(t);
    const d = await repo.bandSnapshotDifferences(t, limit);
    result = { rows, differences: d.rows, differenceCount: d.total };
    throw ROLLBACK;
  }).catch((e) => {
    if (e !== ROLLBACK) throw e;
  });
  return result;
}

/** Recomputes the whole band rollup (in one transaction); returns the number of rows. */
export async function rebuildIndexRollup(db: Db) {
  return db.tx(async (t) => {
    await repo.rebuildBandRollup(t);
    return (await repo.bandRollupRowCount(t)).n;
  });
}
