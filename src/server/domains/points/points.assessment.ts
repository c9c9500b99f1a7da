import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import type { Queryable } from '../../platform/db';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { covers, coversSubtree, orgInScope } from '../../platform/scope';
import { voteArithmetic } from '../../../contracts/vote';
import type { AgreeAssessmentBody, AssessmentSchemeView, BranchAssessment, PublishAssessmentBody, ScoreAssessmentBody } from '../../../contracts/assessment';
import * as repo from './assessment.repo';

// The superior committee's assessment of its branches (the seed: branch
// points = the members' average + the superior's assessment points; the rules
// the superior uses for a branch, and how they are computed, are agreed by the
// branch). A committee publishes the year's scheme (a rule version scoped to
// it); each branch's 支部党员大会 votes on it under the RULES §1 arithmetic; only
// then does the superior score the branch, item by item, with the evidence.

/** Orgs that assess the branches below them. */
const ASSESSING_TYPES = ['committee', 'working_committee', 'general_branch'];
/** Orgs that are assessed (those with a branch index). */
const ASSESSED_TYPES = ['branch', 'joint_branch', 'general_branch'];

const round1 = (n: number) => Math.round(n * 10) / 10;

export async function publishAssessment(deps: Deps, ctx: ActorContext, body: PublishAssessmentBody): Promise<{ id: string }> {
  const today = deps.clock.today();
  return deps.db.tx(async (t) => {
    const org = await repo.orgOf(t, body.orgId, orgInScope(ctx.actor, 'points.approve'));
    if (!org) throw notFound();
    if (!ASSESSING_TYPES.includes(org.type) || !coversSubtree(ctx.actor, 'points.approve', org)) {
      throw new AppError('VALIDATION_FAILED', '考核细则由上级党委（党总支）制定，用于考核所辖党支部', { issues: [{ field: 'orgId', message: '请选择党委或党总支' }] });
    }
    if (body.year < Number(today.slice(0, 4))) throw new AppError('VALIDATION_FAILED', '不能为已过去的年度发布考核细则', { issues: [{ field: 'year', message: '请选择本年度或以后的年度' }] });
    const from = body.year === Number(today.slice(0, 4)) ? today : `${body.year}-01-01`;
    const id = await repo.insertScheme(t, {
      orgId: org.id, effectiveFrom: from, effectiveTo: `${body.year + 1}-01-01`, body: { items: body.items, note: body.note ?? null },
      source: `${org.name}${body.year}年度党支部考核细则（${from}发布；经各支部党员大会同意后对该支部生效）`,
    });
    await auditInTx(t, ctx, { action: 'points.assessment_publish', objectType: 'org', objectId: org.id, orgId: org.id, detail: { ruleVersion: id, year: body.year, items: body.items.length } });
    return { id };
  });
}

/** The scheme a committee published for a year and its branches' agreement and totals. */
export async function getAssessmentScheme(deps: Deps, ctx: ActorContext, orgId: string, year: number | undefined): Promise<AssessmentSchemeView> {
  const y = year ?? Number(deps.clock.today().slice(0, 4));
  const org = await repo.orgOf(deps.db, orgId, orgInScope(ctx.actor, 'points.read'));
  if (!org) throw notFound();
  const scheme = await repo.ownScheme(deps.db, org.id, y);
  const branches = scheme ? await repo.branchesOfScheme(deps.db, scheme, ASSESSED_TYPES, orgInScope(ctx.actor, 'points.read')) : [];
  return {
    org: { id: org.id, name: org.name }, year: y,
    scheme: scheme ? { ruleVersionId: scheme.id, items: scheme.body.items, source: scheme.source, publishedAt: scheme.created_at } : null,
    branches: branches.map((b) => ({ orgId: b.id, orgName: b.name, agreed: b.agreed, total: b.total === null ? null : round1(Number(b.total)) })),
    canPublish: ASSESSING_TYPES.includes(org.type) && coversSubtree(ctx.actor, 'points.approve', org),
  };
}

async function assessed(q: Queryable, ctx: ActorContext, orgId: string, permission: 'points.read' | 'points.manage' | 'points.approve') {
  const org = await repo.orgOf(q, orgId, orgInScope(ctx.actor, permission));
  if (!org) throw notFound();
  if (!ASSESSED_TYPES.includes(org.type)) throw new AppError('VALIDATION_FAILED', '上级考核针对党支部，请选择一个党支部', { issues: [{ field: 'orgId', message: '请选择党支部' }] });
  return org;
}

/** A branch's assessment for a year: the scheme that applies, its votes on it, the superior's latest scores. */
export async function getBranchAssessment(deps: Deps, ctx: ActorContext, orgId: string, year: number | undefined): Promise<BranchAssessment> {
  const y = year ?? Number(deps.clock.today().slice(0, 4));
  const org = await assessed(deps.db, ctx, orgId, 'points.read');
  const scheme = await repo.schemeFor(deps.db, org.path, y, false);
  const [votes, scores] = scheme ? await Promise.all([repo.votesOf(deps.db, scheme.id, org.id), repo.latestScores(deps.db, scheme.id, org.id)]) : [[], []];
  const agreed = votes.some((v) => v.passed);
  const byItem = new Map(scores.map((s) => [s.item, s]));
  const rows = (scheme?.body.items ?? []).map((it) => {
    const s = byItem.get(it.key);
    return { item: it.key, label: it.label, maxPoints: it.maxPoints, points: s ? Number(s.points) : null, evidence: s?.evidence ?? null, scoredBy: s?.scored_by ?? null, scoredAt: s?.scored_at ?? null };
  });
  const scored = rows.filter((r) => r.points !== null);
  return {
    org: { id: org.id, name: org.name, type: org.type }, year: y,
    scheme: scheme ? { ruleVersionId: scheme.id, orgId: scheme.org_id, orgName: scheme.org_name, items: scheme.body.items, source: scheme.source, publishedAt: scheme.created_at } : null,
    votes: votes.map((v) => ({ votedOn: v.voted_on, expected: v.expected, present: v.present, written: v.written, yes: v.yes, no: v.no, abstain: v.abstain, passed: v.passed, arithmetic: voteArithmetic(v).lines, recordedAt: v.recorded_at })),
    agreed,
    scores: rows,
    total: agreed && scored.length ? round1(scored.reduce((n, r) => n + r.points!, 0)) : null,
    canAgree: !!scheme && !agreed && covers(ctx.actor, 'points.manage', org),
    canScore: !!scheme && agreed && coversSubtree(ctx.actor, 'points.approve', { path: scheme.org_path }),
  };
}

/** The points of a branch's assessment for a year, for the index's branch points (null: no agreed scheme or no score yet). */
export async function assessmentTotal(q: Queryable, org: { id: string; path: string }, year: number): Promise<number | null> {
  const r = await repo.schemeTotalFor(q, org, year);
  return r && r.agreed && r.total !== null ? round1(Number(r.total)) : null;
}

/** Records the branch's 支部党员大会 vote on the superior's scheme (RULES §1 arithmetic); passed, the scheme applies to it. */
export async function agreeAssessment(deps: Deps, ctx: ActorContext, ruleVersionId: string, body: AgreeAssessmentBody): Promise<BranchAssessment> {
  const today = deps.clock.today();
  await deps.db.tx(async (t) => {
    const org = await assessed(t, ctx, body.orgId, 'points.manage');
    const scheme = await repo.schemeFor(t, org.path, Number(body.votedOn.slice(0, 4)), false);
    if (!scheme || scheme.id !== ruleVersionId) throw new AppError('ASSESSMENT_MISSING', '这份考核细则不是该支部本年度适用的考核细则，请刷新后重试');
    if (body.votedOn > today) throw new AppError('VALIDATION_FAILED', '表决日期不能晚于今天', { issues: [{ field: 'votedOn', message: '表决日期不能晚于今天' }] });
    const v = voteArithmetic(body);
    if (v.problems.length) throw new AppError('VALIDATION_FAILED', v.problems[0], { issues: v.problems.map((m) => ({ field: 'yes', message: m })) });
    await repo.lockAgreement(t, scheme.id, org.id);
    if ((await repo.votesOf(t, scheme.id, org.id)).some((x) => x.passed)) throw new AppError('POINTS_STATE', '该支部已同意这份考核细则');
    await repo.insertVote(t, { ruleVersionId: scheme.id, orgId: org.id, votedOn: body.votedOn, expected: body.expected, present: body.present, written: body.written, yes: body.yes, no: body.no, abstain: body.abstain, passed: v.isPassed, by: ctx.actor.accountId, at: deps.clock.now() });
    await auditInTx(t, ctx, { action: v.isPassed ? 'points.assessment_agree' : 'points.assessment_reject', objectType: 'org', objectId: org.id, orgId: org.id, detail: { ruleVersion: scheme.id, yes: body.yes, expected: body.expected } });
  });
  return getBranchAssessment(deps, ctx, body.orgId, Number(body.votedOn.slice(0, 4)));
}

/** The superior scores a branch that agreed to its scheme, item by item, each with its evidence (a new score of an item supersedes the last). */
export async function scoreBranchAssessment(deps: Deps, ctx: ActorContext, body: ScoreAssessmentBody): Promise<BranchAssessment> {
  await deps.db.tx(async (t) => {
    const org = await assessed(t, ctx, body.orgId, 'points.approve');
    const scheme = await repo.schemeFor(t, org.path, body.year, false);
    if (!scheme) throw new AppError('ASSESSMENT_MISSING');
    if (!coversSubtree(ctx.actor, 'points.approve', { path: scheme.org_path })) throw new AppError('VALIDATION_FAILED', `由${scheme.org_name}对所辖支部评分，本支部不能为自己评分`, { issues: [{ field: 'orgId', message: '由上级党组织评分' }] });
    if (!(await repo.votesOf(t, scheme.id, org.id)).some((v) => v.passed)) throw new AppError('ASSESSMENT_NOT_AGREED');
    const items = new Map(scheme.body.items.map((i) => [i.key, i]));
    const issues: Array<{ field: string; message: string }> = [];
    body.scores.forEach((s, i) => {
      const it = items.get(s.item);
      if (!it) issues.push({ field: `scores.${i}.item`, message: '考核细则中没有这个项目' });
      else if (s.points > it.maxPoints) issues.push({ field: `scores.${i}.points`, message: `“${it.label}”最多${it.maxPoints}分` });
    });
    if (new Set(body.scores.map((s) => s.item)).size !== body.scores.length) issues.push({ field: 'scores', message: '同一项目只能评一次分' });
    if (issues.length) throw new AppError('VALIDATION_FAILED', issues[0].message, { issues });
    await repo.insertScores(t, scheme.id, org.id, body.scores.map((s) => ({ item: s.item, points: round1(s.points), evidence: s.evidence })), ctx.actor.accountId, deps.clock.now());
    await auditInTx(t, ctx, { action: 'points.assessment_score', objectType: 'org', objectId: org.id, orgId: org.id, detail: { ruleVersion: scheme.id, items: body.scores.map((s) => [s.item, s.points]) } });
  });
  return getBranchAssessment(deps, ctx, body.orgId, body.year);
}
