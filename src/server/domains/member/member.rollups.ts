import type { Deps } from '../../deps';
import type { Db } from '../../platform/db';
import type { ActorContext } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { coversSubtree, findOrgInScope, orgInScope } from '../../platform/scope';
import { EDUCATIONS, MEMBER_STATUSES, OCCUPATIONS, ORG_TYPES, PIPELINE_STATUSES, SEXES } from '../../../contracts/dict';
import { AGE_BANDS, HAN_ETHNICITY, JOIN_PERIODS, ageBandOf, joinPeriodOf, type MemberStats, type StatsCount } from '../../../contracts/member-stats';
import * as repo from './member.rollup.repo';

// Member statistics read from the rollups, and their verification against a
// recomputation from the raw rows.

/** The permission the member list reads with: the statistics show nothing the list would not count. */
const READ = 'member.read' as const;


/** Counts of one dimension: every known code in list order (zeros included), then other values by count. */
function countsOf(rows: repo.RollupRow[], dimension: string, known: readonly string[]): StatsCount[] {
  const m = new Map<string, number>();
  for (const r of rows) if (r.dimension === dimension) m.set(r.value, (m.get(r.value) ?? 0) + r.n);
  const out: StatsCount[] = known.map((k) => ({ key: k, n: m.get(k) ?? 0 }));
  const extra = [...m].filter(([k]) => !known.includes(k)).map(([key, n]) => ({ key, n })).sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
  return [...out, ...extra];
}

/** Builds the statistics from rollup rows (pure: the rows of a subtree or of a node). */
export function statsFromRollup(rows: repo.RollupRow[], asOf: string): Omit<MemberStats, 'org' | 'coverage'> {
  const year = Number(asOf.slice(0, 4));
  const bands = new Map<string, number>(AGE_BANDS.map((b) => [b.key, 0]));
  const periods = new Map<string, number>(JOIN_PERIODS.map((p) => [p.key, 0]));
  let unknownPeriod = 0;
  for (const r of rows) {
    if (r.dimension === 'birth_year') {
      const b = ageBandOf(year - Number(r.value));
      bands.set(b, (bands.get(b) ?? 0) + r.n);
    } else if (r.dimension === 'join_month') {
      const p = joinPeriodOf(r.value === 'none' ? null : r.value);
      if (p === 'unknown') unknownPeriod += r.n;
      else periods.set(p, (periods.get(p) ?? 0) + r.n);
    }
  }
  const byStatus = countsOf(rows, 'status', [...Object.keys(MEMBER_STATUSES), ...Object.keys(PIPELINE_STATUSES)]);
  const members = byStatus.filter((s) => s.key === 'probationary' || s.key === 'full').reduce((a, s) => a + s.n, 0);
  const byEthnicity = countsOf(rows, 'ethnicity', []);
  const han = byEthnicity.find((e) => e.key === HAN_ETHNICITY)?.n ?? 0;
  const byJoinPeriod = [...periods].map(([key, n]) => ({ key, n }));
  if (unknownPeriod) byJoinPeriod.push({ key: 'unknown', n: unknownPeriod });
  return {
    asOf,
    members,
    byStatus,
    bySex: countsOf(rows, 'sex', Object.keys(SEXES)),
    byAgeBand: [...bands].map(([key, n]) => ({ key, n })),
    byEducation: countsOf(rows, 'education', Object.keys(EDUCATIONS)),
    byOccupation: countsOf(rows, 'occupation', Object.keys(OCCUPATIONS)),
    ethnicity: { han, minority: members - han, byName: byEthnicity },
    byJoinPeriod,
    orgsByType: countsOf(rows, 'org_type', Object.keys(ORG_TYPES)),
  };
}

/**
 * GET /orgs/:id/member-stats: an org out of scope is not found; a node grant
 * (the org alone) gets the org's own counts, never its descendants'.
 */
export async function getOrgMemberStats(deps: Deps, ctx: ActorContext, orgId: string, query: { asOf?: string }): Promise<MemberStats> {
  const org = await findOrgInScope(deps.db, orgId, orgInScope(ctx.actor, READ));
  if (!org) throw notFound();
  const subtree = coversSubtree(ctx.actor, READ, org);
  const rows = subtree ? await repo.subtreeRollup(deps.db, org.id) : await repo.nodeRollup(deps.db, org.id);
  return { org: { id: org.id, name: org.name }, coverage: subtree ? 'subtree' : 'node', ...statsFromRollup(rows, query.asOf ?? deps.clock.today()) };
}

export interface MemberRollupVerification {
  rows: number;
  differences: repo.MemberRollupDifferenceRow[];
  differenceCount: number;
}

const ROLLBACK = new Error('rollback');

/**
 * The stored rollups against a recomputation from the raw rows, done in a
 * transaction that is rolled back (nothing changes). Lists the first `limit`
 * differing rows.
 */
export async function memberRollupDifferences(db: Db, limit = 50): Promise<MemberRollupVerification> {
  let result: MemberRollupVerification = { rows: 0, differences: [], differenceCount: 0 };
  await db.tx(async (t) => {
    const rows = (await repo.rollupRowCount(t)).n;
    await repo.snapshotMemberRollups(t);
    await repo.rebuildMemberRollups(t);
    const d = await repo.snapshotDifferences(t, limit);
    result = { rows, differences: d.rows, differenceCount: d.total };
    throw ROLLBACK;
  }).catch((e) => {
    if (e !== ROLLBACK) throw e;
  });
  return result;
}

/** Recomputes every member rollup (in one transaction); returns the number of rows. */
export async function rebuildAllMemberRollups(db: Db) {
  return db.tx(async (t) => {
    await repo.rebuildMemberRollups(t);
    return (await repo.rollupRowCount(t)).n;
  });
}
