import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, conflict, notFound } from '../../platform/errors';
import { covers, orgInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import { DEVELOPMENT_STEPS, type RecordDevelopmentVoteBody, type VoteView } from '../../../contracts/development';
import { setPipelineStatus } from '../member';
import * as repo from './development.repo';
import {
  approvedExtensions, checkConversionDate, checkExtension, checkStepOrder, conversionRound, evaluateVote, latestByStep, stepBlockers,
} from './development.policy';
import { check, loadFacts, refreshDeadlines, refuse, ruleFor } from './development.shared';

// ---------------------------------------------------------------------------
// 支部大会 vote (steps 15 and 23)
// ---------------------------------------------------------------------------
export async function recordVote(deps: Deps, ctx: ActorContext, fileId: string, body: RecordDevelopmentVoteBody) {
  const actor = ctx.actor;
  const today = deps.clock.today();
  if (body.meetingDate > today) refuse([{ code: 'date_in_future', message: '会议日期不能晚于今天', source: '' }]);
  const step = body.kind === 'admission' ? 15 : 23;
  return deps.db.tx(async (t) => {
    const f = await repo.findFile(t, fileId, orgInScope(actor, 'development.read'), true);
    if (!f) throw notFound();
    if (!(covers(actor, 'development.manage', { id: f.org_id, path: f.org_path }))) throw new AppError('FORBIDDEN', '您没有办理该发展档案的权限');
    if (f.version !== body.version) throw conflict();
    if (f.state !== 'open') throw new AppError('DEVELOPMENT_RULE', '该发展档案已结束，不能再登记');
    const facts = await loadFacts(t, fileId);
    const rule = await ruleFor(t, body.meetingDate, f.org_path);
    const blockers = stepBlockers(facts, step);
    if (blockers.length) refuse(blockers.map((m) => ({ code: 'step_out_of_order' as const, message: `${m}，才能召开支部大会讨论`, source: '《中国共产党发展党员工作细则》' })));
    check(checkStepOrder(step, body.meetingDate, latestByStep(facts.steps)));
    const figures = { expected: body.expected, present: body.present, written: body.written, yes: body.yes, no: body.no, abstain: body.abstain };
    const { result, violations } = evaluateVote(figures);
    check(violations);
    const registryCount = await repo.votingMembersOn(t, f.org_id, body.meetingDate);
    if (body.expected !== registryCount && !body.expectedNote?.trim()) {
      throw new AppError('VALIDATION_FAILED', `党员名册显示 ${body.meetingDate} 本支部有表决权的正式党员 ${registryCount} 名；应到人数与名册不一致时，请说明原因`, { issues: [{ field: 'expectedNote', message: '请说明应到人数与名册不一致的原因' }], registryCount });
    }
    if (!result.isQuorate) refuse([{ code: 'vote_figures_invalid', message: `有表决权的到会人数（${body.present}）未超过应到会人数（${body.expected}）的半数，会议不能进行表决，请另行召开支部大会`, source: '《中国共产党发展党员工作细则》' }]);
    const round = body.kind === 'admission' ? 1 : conversionRound(facts);
    let outcome: 'convert' | 'extend' | 'cancel' | null = null;
    let extensionMonths: number | null = null;
    if (body.kind === 'conversion') {
      if (!body.outcome) throw new AppError('VALIDATION_FAILED', '请选择支部大会的处理意见（按期转正、延长预备期或取消预备党员资格）');
      outcome = body.outcome;
      // 转正 is discussed when the probation ends; an extension or a cancellation may be decided then too
      check(checkConversionDate(rule.body, latestByStep(facts.steps).get(15)!, approvedExtensions(facts), body.meetingDate));
      if (outcome === 'extend') {
        extensionMonths = body.extensionMonths ?? 0;
        check(checkExtension(rule.body, approvedExtensions(facts), extensionMonths));
      }
      if (!result.isPassed) refuse([{ code: 'vote_failed', message: `赞成票（${body.yes}）未超过应到会有表决权党员（${body.expected}）的半数，决议未通过；请支部重新研究处理意见后再表决`, source: '《中国共产党发展党员工作细则》' }]);
    }
    await repo.insertVote(t, fileId, {
      kind: body.kind, round, meeting_date: body.meetingDate, expected: body.expected, registry_count: registryCount, expected_note: body.expectedNote ?? null,
      present: body.present, written: body.written, yes: body.yes, no: body.no, abstain: body.abstain, is_quorate: result.isQuorate, is_passed: result.isPassed,
      outcome, extension_months: extensionMonths, actorId: actor.accountId,
    });
    const fileSet: Parameters<typeof repo.updateFile>[3] = { stage: Math.max(f.stage, DEVELOPMENT_STEPS[step - 1].stage), last_step: Math.max(f.last_step, step) };
    if (result.isPassed) {
      await repo.insertStep(t, { fileId, step, date: body.meetingDate, decisionBody: '支部大会', people: {}, data: { vote: figures, outcome, extensionMonths }, note: null, attachmentIds: [], ruleVersionId: rule.id, actorId: actor.accountId });
    } else {
      // an admission that fails the vote closes the file; the person may apply again later
      await setPipelineStatus(t, f.person_id, 'masses');
      Object.assign(fileSet, { state: 'rejected', closed_on: body.meetingDate, close_reason: '支部大会表决未通过' });
    }
    if (!(await repo.updateFile(t, fileId, f.version, fileSet))) throw conflict();
    await refreshDeadlines(t, deps.clock.today(), fileId, f.org_path, fileSet.state ?? 'open');
    await auditInTx(t, ctx, { action: 'development.vote', objectType: 'dev_file', objectId: fileId, orgId: f.org_id, detail: { kind: body.kind, round, ...figures, passed: result.isPassed, outcome } });
    return { isQuorate: result.isQuorate, isPassed: result.isPassed, arithmetic: result.arithmetic, registryCount };
  });
}

/** The registry's count of voting members on a date, for the vote form. */
export async function votingMembers(deps: Deps, ctx: ActorContext, fileId: string, date: string) {
  const f = await repo.findFile(deps.db, fileId, orgInScope(ctx.actor, 'development.read'));
  if (!f) throw notFound();
  return { date, registryCount: await repo.votingMembersOn(deps.db, f.org_id, date) };
}

/** A recorded vote as the file shows it, with the arithmetic of its result. */
export function voteView(v: repo.VoteRow): VoteView {
  const { result } = evaluateVote({ expected: v.expected, present: v.present, written: v.written, yes: v.yes, no: v.no, abstain: v.abstain });
  return {
    kind: v.kind, round: v.round, meetingDate: v.meeting_date, expected: v.expected, registryCount: v.registry_count, expectedNote: v.expected_note, present: v.present, written: v.written,
    yes: v.yes, no: v.no, abstain: v.abstain, isQuorate: v.is_quorate, isPassed: v.is_passed, outcome: v.outcome, extensionMonths: v.extension_months, arithmetic: result.arithmetic,
  };
}
