import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { orgInScope } from '../../platform/scope';
import { ruleInForce } from '../../platform/rules';
import { voteArithmetic } from '../../../contracts/vote';
import { PointRules, type ApprovePointRulesBody, type PointRuleProposalView, type PointRulesOfOrg, type ProposePointRulesBody } from '../../../contracts/points';
import * as repo from './points.repo';

// Point rules agreed by the branch (the seed: the rules and how they are
// computed are agreed by the branch). A proposal is drafted (from the
// template, rule version points.member.template), then the 支部党员大会
// votes; the vote is recorded with 应到 / 实到 / 书面意见 / 赞成 / 反对 / 弃权 and
// judged by the same arithmetic as admitting a member (contracts/vote.ts,
// RULES §1). Passed: the proposal becomes the branch's rule version
// points.member from its effective date. Until then nothing is awarded.

const BRANCH_TYPES = ['branch', 'general_branch', 'party_group'];

function proposalView(r: repo.ProposalRow): PointRuleProposalView {
  const voted = r.voted_on !== null;
  const figures = { expected: r.expected ?? 0, present: r.present ?? 0, written: r.written ?? 0, yes: r.yes ?? 0, no: r.no ?? 0, abstain: r.abstain ?? 0 };
  return {
    id: r.id, orgId: r.org_id, orgName: r.org_name, status: r.status, effectiveFrom: r.effective_from, rules: PointRules.parse(r.body), note: r.note,
    proposedAt: r.proposed_at, proposedByName: r.proposed_by_name,
    vote: voted ? { meetingId: r.meeting_id, votedOn: r.voted_on!, ...figures, arithmetic: voteArithmetic(figures).lines } : null,
    ruleVersionId: r.rule_version_id, version: r.version,
  };
}

export async function getPointRules(deps: Deps, ctx: ActorContext, orgId: string): Promise<PointRulesOfOrg> {
  const org = await repo.orgOf(deps.db, orgId, orgInScope(ctx.actor, 'points.read'));
  if (!org) throw notFound();
  const today = deps.clock.today();
  const [inForce, proposals, template] = await Promise.all([
    repo.approvedRules(deps.db, org.path, today), repo.proposalsOf(deps.db, org.id), ruleInForce<PointRules>(deps.db, 'points', 'member.template', today),
  ]);
  return {
    orgId: org.id, orgName: org.name,
    inForce: inForce ? { ruleVersionId: inForce.id, effectiveFrom: inForce.effective_from, rules: PointRules.parse(inForce.body), approvalId: inForce.approval_id } : null,
    proposals: proposals.map(proposalView),
    template: PointRules.parse(template.body),
  };
}

export async function proposePointRules(deps: Deps, ctx: ActorContext, body: ProposePointRulesBody): Promise<{ id: string }> {
  return deps.db.tx(async (t) => {
    const org = await repo.orgOf(t, body.orgId, orgInScope(ctx.actor, 'points.manage'));
    if (!org) throw notFound();
    if (!BRANCH_TYPES.includes(org.type)) throw new AppError('VALIDATION_FAILED', '积分细则由党支部（党总支）制定并经支部党员大会表决', { issues: [{ field: 'orgId', message: '请选择党支部' }] });
    if (body.effectiveFrom < deps.clock.today()) throw new AppError('VALIDATION_FAILED', '生效日期不能早于今天（已发生的事实按当时有效的细则计分）', { issues: [{ field: 'effectiveFrom', message: '生效日期不能早于今天' }] });
    const id = await repo.insertProposal(t, { orgId: org.id, effectiveFrom: body.effectiveFrom, body: body.rules, note: body.note ?? null, by: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'points.rules_propose', objectType: 'org', objectId: org.id, orgId: org.id, detail: { proposal: id, effectiveFrom: body.effectiveFrom } });
    return { id };
  });
}

/**
 * Records the 支部党员大会 vote on a proposal. Passed (quorate, yes over half
 * of those expected): the branch's rule version from the effective date.
 * Not passed: the proposal is rejected and a new one can be drafted.
 */
export async function approvePointRules(deps: Deps, ctx: ActorContext, proposalId: string, body: ApprovePointRulesBody): Promise<PointRuleProposalView> {
  return deps.db.tx(async (t) => {
    const p = await repo.findProposal(t, proposalId, orgInScope(ctx.actor, 'points.manage'), true);
    if (!p) throw notFound();
    if (p.version !== body.version) throw new AppError('CONFLICT', '细则草案已被他人修改，请刷新后重试');
    if (p.status !== 'proposed') throw new AppError('POINTS_STATE', '该细则草案已表决或已撤回');
    if (body.votedOn > deps.clock.today()) throw new AppError('VALIDATION_FAILED', '表决日期不能晚于今天', { issues: [{ field: 'votedOn', message: '表决日期不能晚于今天' }] });
    const v = voteArithmetic(body);
    if (v.problems.length) throw new AppError('VALIDATION_FAILED', v.problems[0], { issues: v.problems.map((m) => ({ field: 'yes', message: m })) });
    const status = v.isPassed ? 'approved' : 'rejected';
    await repo.recordVote(t, p.id, { status, meetingId: body.meetingId ?? null, votedOn: body.votedOn, expected: body.expected, present: body.present, written: body.written, yes: body.yes, no: body.no, abstain: body.abstain, by: ctx.actor.accountId });
    if (v.isPassed) {
      const effectiveFrom = p.effective_from > body.votedOn ? p.effective_from : body.votedOn;
      await repo.insertRuleVersion(t, { orgId: p.org_id, effectiveFrom, body: p.body, approvalId: p.id, source: `${p.org_name}支部党员大会 ${body.votedOn} 表决通过（应到${body.expected}人，实到${body.present}人，赞成${body.yes}票）` });
    }
    await auditInTx(t, ctx, { action: v.isPassed ? 'points.rules_approve' : 'points.rules_reject', objectType: 'org', objectId: p.org_id, orgId: p.org_id, detail: { proposal: p.id, yes: body.yes, expected: body.expected } });
    return proposalView((await repo.findProposal(t, p.id, orgInScope(ctx.actor, 'points.manage')))!);
  });
}
