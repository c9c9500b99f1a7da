import type { Deps } from '../../deps';
import { can, type ActorContext } from '../../platform/actor';
import type { Db, Queryable } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { audit } from '../../platform/audit';
import { coversSubtree, orgInScope, topOrgInScope } from '../../platform/scope';
import { pickRule, rulesInForce } from '../../platform/rules';
import { periodBounds, periodLabel, periodOf } from '../../../contracts/meeting';
import {
  INDEX_BANDS, INDEX_ITEMS, IndexRuleBody, type BranchIndex, type BranchIndexFigures, type IndexBand, type MyBranchIndex, type OrgPortrait,
} from '../../../contracts/branch-index';
import { indexCalculator, indexFlag, type IndexOrg, type IndexWindow, type ItemFigure } from './branch-index.calculators';
import { bandLabel, baseOf, composeIndex, percentile, trendPeriods } from './branch-index.policy';
import * as repo from './branch-index.repo';
import { assessmentTotal } from '../points';

// The branch vanguard index (issue 14): computed for every branch of a
// subtree and period in batches (each calculator one query per batch, from the
// modules' rollups), stored in branch_index, read by the pages. A daily job
// recomputes the running quarter and year; a secretary recomputes on demand.

/** The org types that have an index: the branches that hold organisational life (临时党支部 are not assessed). */
export const INDEX_ORG_TYPES = ['branch', 'joint_branch', 'general_branch'] as const;
const BATCH = 400;
const TREND = 8;
const MIN_PEERS = 3;

const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'points.read');
const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'points.manage');

/** The days a period is measured over on a business day; a period not yet begun is refused. */
export function windowOf(period: string, today: string): IndexWindow {
  const { from, to } = periodBounds(period);
  if (from > today) throw new AppError('VALIDATION_FAILED', `统计期${periodLabel(period)}尚未开始`, { issues: [{ field: 'period', message: '请选择已开始的统计期' }] });
  const asOf = to < today ? to : today;
  return { period, from, to: asOf, asOf, current: to >= today };
}

const toIndexOrg = (o: repo.IndexOrgRow): IndexOrg => ({ id: o.id, path: o.path, type: o.type, hasCommittee: o.has_committee, fullMembers: o.full_members, setupDate: o.setup_date });

/** Computes and stores the index of every branch under a path for a period. */
export async function recomputeIndex(db: Db, at: Date, today: string, rootPath: string, period: string): Promise<{ branches: number }> {
  const w = windowOf(period, today);
  const versions = await rulesInForce<unknown>(db, 'index', 'branch', w.asOf);
  const orgs = (await repo.indexOrgs(db, rootPath, INDEX_ORG_TYPES, w.asOf)).map(toIndexOrg);
  for (let i = 0; i < orgs.length; i += BATCH) await computeBatch(db, at, w, versions, orgs.slice(i, i + BATCH));
  return { branches: orgs.length };
}

async function computeBatch(q: Queryable, at: Date, w: IndexWindow, versions: Awaited<ReturnType<typeof rulesInForce<unknown>>>, orgs: IndexOrg[]) {
  const ruleOf = new Map(orgs.map((o) => [o.id, pickRule(versions, o.path)]));
  const parsed = new Map<string, IndexRuleBody>();
  for (const v of ruleOf.values()) if (v && !parsed.has(v.id)) parsed.set(v.id, IndexRuleBody.parse(v.body));
  const itemKeys = new Set<string>();
  const flagKeys = new Set<string>();
  for (const r of parsed.values()) {
    r.subIndices.forEach((s) => s.items.forEach((it) => itemKeys.add(it.key)));
    [...r.deductions, ...r.vetoes].forEach((d) => flagKeys.add(d.key));
  }
  const figures = new Map<string, Map<string, ItemFigure>>();
  for (const key of itemKeys) {
    const c = indexCalculator(key);
    if (c) figures.set(key, await c.compute(q, orgs, w));
  }
  const flags = new Map<string, Map<string, string>>();
  for (const key of flagKeys) {
    const f = indexFlag(key);
    if (f) flags.set(key, await f.compute(q, orgs, w));
  }
  const rows: repo.IndexRowInsert[] = [];
  for (const o of orgs) {
    const v = ruleOf.get(o.id);
    if (!v) continue;
    const rule = parsed.get(v.id)!;
    const mine = new Map<string, ItemFigure | null>([...itemKeys].map((k) => [k, figures.get(k)?.get(o.id) ?? null]));
    // a registered flag has data (null: not applied); an unregistered one has none
    const flagged = new Map<string, string | null>();
    for (const [k, m] of flags) flagged.set(k, m.get(o.id) ?? null);
    const links = new Map([...itemKeys].map((k) => [k, indexCalculator(k)?.link?.(o, w) ?? null]));
    const c = composeIndex(rule, mine, flagged, links);
    rows.push({ orgId: o.id, period: w.period, asOf: w.asOf, ruleVersionId: v.id, composite: c.composite, band: c.band, vetoed: c.vetoed, sub: c.sub, adjustments: c.adjustments });
  }
  await repo.upsertIndices(q, rows, at);
}

const num = (s: string | null) => (s === null ? null : Number(s));

function figuresOf(row: repo.IndexRow): BranchIndexFigures {
  const band = row.band as IndexBand | null;
  return {
    period: row.period, periodLabel: periodLabel(row.period), asOf: row.as_of, composite: num(row.composite), band, bandLabel: band ? INDEX_BANDS[band] : null,
    vetoed: row.vetoed, base: baseOf(row.sub), subIndices: row.sub, adjustments: row.adjustments,
    computedAt: row.computed_at, source: row.source,
  };
}

const isIndexed = (type: string) => (INDEX_ORG_TYPES as readonly string[]).includes(type);

async function orgFor(deps: Deps, ctx: ActorContext, orgId: string | undefined) {
  const scope = readScope(ctx);
  const org = orgId ? await repo.orgOf(deps.db, orgId, scope) : await topOrgInScope(deps.db, scope).then((o) => (o ? repo.orgOf(deps.db, o.id, scope) : null));
  if (!org) throw notFound();
  return org;
}

/** One branch's stored index for a period, computed first if the job has not reached it yet. */
async function storedOrComputed(deps: Deps, org: { id: string; path: string }, period: string) {
  let row = await repo.findIndex(deps.db, org.id, period);
  if (!row) {
    await recomputeIndex(deps.db, deps.clock.now(), deps.clock.today(), org.path, period);
    row = await repo.findIndex(deps.db, org.id, period);
  }
  return row;
}

export async function getBranchIndex(deps: Deps, ctx: ActorContext, query: { orgId?: string; period?: string }): Promise<BranchIndex> {
  const today = deps.clock.today();
  const org = await orgFor(deps, ctx, query.orgId);
  const period = query.period ?? periodOf('quarter', today);
  const w = windowOf(period, today);
  const periods = trendPeriods(period, TREND).filter((p) => periodBounds(p).from <= today);
  // a node grant sees the org itself, never its subtree's branches or members
  const scope = readScope(ctx);
  const [trendRows, net, members, branches, counts] = await Promise.all([
    isIndexed(org.type) ? repo.trendOf(deps.db, org.id, periods) : Promise.resolve([]),
    // the year of the period, as the superior's assessment is yearly
    repo.subtreeNetPoints(deps.db, org.path, `${period.slice(0, 4)}-01-01`, `${w.asOf.slice(0, 7)}-01`, scope),
    // the whole subtree in scope: its members from the rollup (counting 40,000 persons is the slow part otherwise)
    coversSubtree(ctx.actor, 'points.read', org) ? repo.rollupMembers(deps.db, org.id) : repo.scopedMembers(deps.db, org.path, scope),
    isIndexed(org.type) ? Promise.resolve([]) : repo.branchesUnder(deps.db, org.path, INDEX_ORG_TYPES, period, 500, scope),
    // the band counts likewise: the subtree's rollup when the scope covers it
    coversSubtree(ctx.actor, 'points.read', org) ? repo.bandRollup(deps.db, org.id, period) : repo.bandCounts(deps.db, org.path, period, scope),
  ]);
  const row = isIndexed(org.type) ? await storedOrComputed(deps, org, period) : null;
  const byPeriod = new Map(trendRows.map((t) => [t.period, t]));
  if (row) byPeriod.set(period, { period, composite: row.composite, band: row.band });
  const avg = members > 0 ? Math.round((net / members) * 10) / 10 : 0;
  // the seed's branch points: the members' average plus the superior's assessment of the year (once the branch agreed to its scheme)
  const assessment = isIndexed(org.type) ? await assessmentTotal(deps.db, org, Number(period.slice(0, 4))) : null;
  return {
    org: { id: org.id, name: org.name, type: org.type },
    current: row ? figuresOf(row) : null,
    trend: periods.map((p) => {
      const t = byPeriod.get(p);
      const band = (t?.band ?? null) as IndexBand | null;
      return { period: p, periodLabel: periodLabel(p), composite: t ? num(t.composite) : null, band, bandLabel: band ? INDEX_BANDS[band] : null };
    }),
    points: { members, averageMemberPoints: avg, assessmentPoints: assessment, total: Math.round((avg + (assessment ?? 0)) * 10) / 10 },
    branches: branches.map((b) => ({ orgId: b.id, orgName: b.name, composite: num(b.composite), band: b.band, bandLabel: b.band ? INDEX_BANDS[b.band as IndexBand] : null })),
    bandCounts: Object.fromEntries(counts.map((c) => [c.band, c.n])),
  };
}

export async function getOrgPortrait(deps: Deps, ctx: ActorContext, query: { orgId?: string; period?: string }): Promise<OrgPortrait> {
  const today = deps.clock.today();
  const org = await orgFor(deps, ctx, query.orgId);
  if (!isIndexed(org.type)) throw new AppError('VALIDATION_FAILED', '组织画像针对党支部，请选择一个党支部', { issues: [{ field: 'orgId', message: '请选择党支部' }] });
  const period = query.period ?? periodOf('quarter', today);
  windowOf(period, today);
  const row = await storedOrComputed(deps, org, period);
  if (!row) throw new AppError('NOT_FOUND', '该支部在这一统计期没有指数');
  const peers = await repo.peerSubs(deps.db, org, period);
  const rule = IndexRuleBody.parse((await rulesInForce<unknown>(deps.db, 'index', 'branch', row.as_of)).find((v) => v.id === row.rule_version_id)?.body);
  // percentiles of fewer than three branches would tell one branch another's score: none then
  const compared = peers.length >= MIN_PEERS;
  const axes = row.sub.map((s) => {
    const scores = compared ? peers.map((p) => p.sub.find((x) => x.key === s.key)?.score).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b) : [];
    return { key: s.key, label: s.label, score: s.score, p25: percentile(scores, 0.25), p50: percentile(scores, 0.5), p75: percentile(scores, 0.75) };
  });
  const strengths: string[] = [];
  const weaknesses: string[] = [];
  for (const a of axes) {
    if (a.score === null) continue;
    const median = a.p50 === null ? '' : `（同类支部中位数${a.p50}）`;
    if (compared && a.p75 !== null && a.score >= a.p75 && a.score >= 75) strengths.push(`${a.label}${a.score}分，处于同类支部前列${median}`);
    else if (a.score >= 90) strengths.push(`${a.label}${a.score}分，表现突出`);
    if (a.score < 60) weaknesses.push(`${a.label}${a.score}分，低于60分${median}`);
    else if (compared && a.p25 !== null && a.score <= a.p25 && a.score < 90) weaknesses.push(`${a.label}${a.score}分，处于同类支部后段${median}`);
  }
  for (const adj of row.adjustments) if (adj.applied) weaknesses.push(adj.kind === 'veto' ? `否决项：${adj.detail ?? adj.label}` : `扣${adj.points}分：${adj.detail ?? adj.label}`);
  const values = new Map(row.sub.flatMap((s) => s.items).map((it) => [it.key, it.value]));
  const suggestions = rule.suggestions
    .filter((s) => {
      const v = values.get(s.item);
      return v !== null && v !== undefined && v < s.below;
    })
    .map((s) => ({ item: s.item, label: INDEX_ITEMS[s.item]?.label ?? s.item, text: s.text }));
  return {
    org: { id: org.id, name: org.name, type: org.type }, period, periodLabel: periodLabel(period), peers: peers.length,
    peerDescription: compared ? `同一上级党组织下的同类党支部${peers.length}个（含本支部）` : `同一上级党组织下的同类党支部不足${MIN_PEERS}个，不作对比`, axes, strengths, weaknesses, suggestions,
  };
}

export async function recomputeOnDemand(deps: Deps, ctx: ActorContext, body: { orgId: string; period?: string }) {
  const org = await repo.orgOf(deps.db, body.orgId, manageScope(ctx));
  if (!org) throw notFound();
  const period = body.period ?? periodOf('quarter', deps.clock.today());
  const started = performance.now();
  const r = await recomputeIndex(deps.db, deps.clock.now(), deps.clock.today(), org.path, period);
  await audit(deps.db, ctx, { action: 'index.recompute', objectType: 'org', objectId: org.id, orgId: org.id, detail: { period, branches: r.branches } });
  return { branches: r.branches, period, ms: Math.round(performance.now() - started) };
}

/** The member's own branch's index on the phone, where the deployment shows it (RULES §8: band and score, never a ranking). */
export async function getMyBranchIndex(deps: Deps, personId: string): Promise<MyBranchIndex> {
  const empty = { shown: false, orgName: null, periodLabel: null, composite: null, bandLabel: null, subIndices: [] };
  if (!deps.config.index.shownToMembers) return empty;
  const branch = await repo.branchOfPerson(deps.db, personId, INDEX_ORG_TYPES);
  if (!branch) return empty;
  const period = periodOf('quarter', deps.clock.today());
  const row = await storedOrComputed(deps, branch, period);
  if (!row) return { ...empty, shown: true, orgName: branch.name };
  const rule = IndexRuleBody.safeParse((await rulesInForce<unknown>(deps.db, 'index', 'branch', row.as_of)).find((v) => v.id === row.rule_version_id)?.body);
  return {
    shown: true, orgName: branch.name, periodLabel: periodLabel(period), composite: num(row.composite),
    bandLabel: rule.success ? bandLabel(rule.data, row.band as IndexBand | null) : row.band ? INDEX_BANDS[row.band as IndexBand] : null,
    subIndices: row.sub.map((s) => ({ label: s.label, score: s.score })),
  };
}

/** The daily job: the running quarter and year of every tree, and the quarter just ended during the first five weeks of the next (late facts). */
export async function recomputeAll(deps: Deps): Promise<{ branches: number; periods: string[] }> {
  const today = deps.clock.today();
  const periods = [periodOf('quarter', today), periodOf('year', today)];
  const started = periodBounds(periods[0]).from;
  if (Number(today.slice(8, 10)) + (Number(today.slice(5, 7)) - Number(started.slice(5, 7))) * 31 <= 35) {
    const prev = trendPeriods(periods[0], 2)[0];
    periods.push(prev);
    if (prev.slice(0, 4) !== periods[1]) periods.push(prev.slice(0, 4));
  }
  let branches = 0;
  for (const root of await repo.rootOrgs(deps.db)) for (const p of periods) branches += (await recomputeIndex(deps.db, deps.clock.now(), today, root.path, p)).branches;
  return { branches, periods };
}

/**
 * Each sub-index's average over the branches of a subtree in the caller's
 * points.read scope, this quarter and the one before (the problem analysis
 * reads the weakest); nothing without points.read.
 */
export async function subIndexAverages(deps: Deps, ctx: ActorContext, path: string, today: string) {
  if (!can(ctx.actor, 'points.read')) return { period: periodOf('quarter', today), previous: null, rows: [] };
  const [previous, period] = trendPeriods(periodOf('quarter', today), 2);
  const rows = await repo.subIndexAverages(deps.db, path, [period, previous], orgInScope(ctx.actor, 'points.read'));
  const before = new Map(rows.filter((r) => r.period === previous).map((r) => [r.key, Number(r.avg)]));
  return {
    period, previous,
    rows: rows.filter((r) => r.period === period).map((r) => ({ key: r.key, label: r.label, average: Number(r.avg), branches: r.branches, lowest: r.lowest, before: before.get(r.key) ?? null })),
  };
}
