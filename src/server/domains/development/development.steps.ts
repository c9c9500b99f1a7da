import type { Deps } from '../../deps';
import { can, type ActorContext } from '../../platform/actor';
import { AppError, conflict, notFound } from '../../platform/errors';
import { covers, orgInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import type { Queryable } from '../../platform/db';
import { DEVELOPMENT_STEPS, SUPERIOR_STEPS, VOTE_STEPS, type RecordDevelopmentStepBody } from '../../../contracts/development';
import type { ApprovalItem } from '../../../contracts/approvals';
import { admitMember, cancelProbation, convertMember, extendProbation, setPipelineStatus } from '../member';
import * as repo from './development.repo';
import {
  checkActivistPeriod, checkApprovalTiming, checkBeforePreliminaryReview, checkIntroducers, checkStepOrder, fileProbationEnd, latestByStep, statusAfterStep,
  stepBlockers, type DevelopmentRule, type FileFacts, type Violation,
} from './development.policy';
import { calendarFor, check, loadFacts, refreshDeadlines, refuse, ruleFor } from './development.shared';

// ---------------------------------------------------------------------------
// Record a step
// ---------------------------------------------------------------------------
const need = (ok: unknown, message: string): Violation[] => (ok ? [] : [{ code: 'step_data_missing', message, source: '' }]);

export async function recordStep(deps: Deps, ctx: ActorContext, fileId: string, body: RecordDevelopmentStepBody) {
  const actor = ctx.actor;
  const today = deps.clock.today();
  const step = body.step;
  if (step === 1) throw new AppError('VALIDATION_FAILED', '第1步“递交入党申请书”在新建发展档案时登记');
  if (VOTE_STEPS.includes(step)) throw new AppError('VALIDATION_FAILED', `第${step}步“支部大会讨论”请通过“支部大会表决”登记表决结果`);
  if (body.date > today) refuse([{ code: 'date_in_future', message: '日期不能晚于今天', source: '' }]);
  const perm = SUPERIOR_STEPS.includes(step) ? 'development.approve' : 'development.manage';
  return deps.db.tx(async (t) => {
    const f = await repo.findFile(t, fileId, orgInScope(actor, 'development.read'), true);
    if (!f) throw notFound();
    if (!(covers(actor, perm, { id: f.org_id, path: f.org_path }))) {
      throw new AppError('FORBIDDEN', SUPERIOR_STEPS.includes(step) ? `第${step}步由上级党委办理，您没有该权限` : '您没有办理该发展档案的权限');
    }
    if (f.version !== body.version) throw conflict();
    if (f.state !== 'open') throw new AppError('DEVELOPMENT_RULE', '该发展档案已结束，不能再登记');
    if (body.date < f.applied_on) refuse([{ code: 'step_before_prerequisite', message: `日期不能早于递交入党申请书的日期（${f.applied_on}）`, source: '' }]);
    const facts = await loadFacts(t, fileId);
    const rule = await ruleFor(t, body.date, f.org_path);
    const r = rule.body;
    const blockers = stepBlockers(facts, step);
    if (blockers.length) refuse(blockers.map((m) => ({ code: 'step_out_of_order' as const, message: `${m}，才能登记第${step}步“${DEVELOPMENT_STEPS[step - 1].label}”`, source: '《中国共产党发展党员工作细则》' })));
    const latest = latestByStep(facts.steps);
    check(checkStepOrder(step, body.date, latest));

    const people: Record<string, unknown> = {};
    const data: Record<string, unknown> = {};
    const violations: Violation[] = [];
    const memberScope = orgInScope(actor, 'development.read');
    const members = async (ids: readonly string[]) => {
      const rows = await repo.findMembers(t, ids, memberScope, body.date);
      if (rows.length !== new Set(ids).size) throw new AppError('VALIDATION_FAILED', '所选党员不存在或不在您的管理范围内');
      return rows;
    };
    switch (step) {
      case 2:
      case 16:
        violations.push(...need(body.talkers?.length, '请填写谈话人'));
        people.talkers = body.talkers ?? [];
        if (body.envoy) people.envoy = body.envoy;
        break;
      case 3:
        violations.push(...need(body.recommendation, '请选择推荐方式（党员推荐或群团组织推优）'));
        violations.push(...need(body.decisionBody === '支部委员会' || body.decisionBody === '支部大会', '入党积极分子由支部委员会（不设支部委员会的由支部大会）研究确定，请选择决定机关'));
        data.recommendation = body.recommendation;
        break;
      case 5: {
        const ids = body.contactIds ?? [];
        if (ids.length < 1 || ids.length > 2) violations.push({ code: 'contacts_invalid', message: '应指定1至2名正式党员作培养联系人', source: '《中国共产党发展党员工作细则》' });
        else {
          const rows = await members(ids);
          for (const m of rows) if (m.status !== 'full') violations.push({ code: 'contacts_invalid', message: `${m.name} 不是正式党员，不能作培养联系人`, source: '《中国共产党发展党员工作细则》' });
          people.contacts = rows.map((m) => ({ id: m.id, name: m.name }));
        }
        break;
      }
      case 6:
      case 21:
      case 10:
      case 12:
        violations.push(...need(body.conclusion, step === 10 ? '请填写政治审查结论' : step === 12 ? '请填写支部委员会审查意见' : '请填写考察意见'));
        data.conclusion = body.conclusion;
        if (step === 12) {
          violations.push(...need(body.publicNoticeStart, '请填写公示开始日期'));
          if (body.publicNoticeStart && body.publicNoticeStart < (latest.get(7) ?? f.applied_on)) violations.push({ code: 'step_before_prerequisite', message: '公示开始日期不能早于确定为发展对象的日期', source: '' });
          data.publicNoticeStart = body.publicNoticeStart;
        }
        break;
      case 7:
        violations.push(...need(body.decisionBody === '支部委员会' || body.decisionBody === '支部大会', '发展对象由支部委员会（不设支部委员会的由支部大会）讨论确定，请选择决定机关'));
        violations.push(...checkActivistPeriod(r, latest.get(3)!, body.date));
        break;
      case 9: {
        const ids = body.introducerIds ?? [];
        const rows = ids.length ? await members(ids) : [];
        violations.push(...checkIntroducers(r, rows.map((m) => ({ name: m.name, status: m.status === 'full' ? 'full' : m.status === 'probationary' ? 'probationary' : 'other', isOnProbationDiscipline: m.on_party_probation }))));
        people.introducers = rows.map((m) => ({ id: m.id, name: m.name }));
        break;
      }
      case 11: {
        const days = body.trainingDays ?? 0;
        const hours = body.trainingHours ?? 0;
        if (days < r.trainingMinDays && hours < r.trainingMinHours) violations.push({ code: 'training_too_short', message: `集中培训时间一般不少于${r.trainingMinDays}天或${r.trainingMinHours}个学时（当前 ${days} 天、${hours} 学时）`, source: '《中国共产党发展党员工作细则》' });
        Object.assign(data, { trainingDays: days, trainingHours: hours, trainingName: body.trainingName ?? null });
        break;
      }
      case 13: {
        violations.push(...need(body.approved != null, '请选择上级党委预审结论'));
        const s10 = facts.steps.find((s) => s.step === 10);
        const s11 = facts.steps.find((s) => s.step === 11);
        const s12 = facts.steps.find((s) => s.step === 12);
        if (body.approved) {
          const cal = await calendarFor(t, body.date, body.date);
          violations.push(...checkBeforePreliminaryReview(r, cal, {
            politicalReviewDate: s10?.date ?? null,
            training: s11 ? { days: Number(s11.data.trainingDays ?? 0), hours: Number(s11.data.trainingHours ?? 0) } : null,
            publicNoticeStart: typeof s12?.data.publicNoticeStart === 'string' ? s12.data.publicNoticeStart : null,
            leavesUnitOn: f.leaves_unit_on,
          }, body.date));
        }
        data.approved = body.approved;
        break;
      }
      case 17:
        violations.push(...need(body.approved != null, '请选择上级党委审批结论'));
        if (body.approved) violations.push(...checkApprovalTiming(r, latest.get(15)!, body.date, body.extensionReason));
        data.approved = body.approved;
        if (body.extensionReason) data.extensionReason = body.extensionReason;
        break;
      case 24:
        if (body.approved !== true) violations.push({ code: 'step_data_missing', message: '请登记上级党委对支部大会决议的审批意见（批准）；如上级党委不同意，请由支部重新讨论', source: '' });
        data.approved = true;
        break;
      case 14:
        if (body.formNumber) data.formNumber = body.formNumber;
        break;
      case 19:
        if (body.groupName) data.groupName = body.groupName;
        break;
      case 25:
        if (body.archiveLocation) data.archiveLocation = body.archiveLocation;
        break;
    }
    check(violations);

    const attachmentIds = body.attachmentIds ?? [];
    if (attachmentIds.length) {
      const owned = await repo.fileNames(t, attachmentIds);
      if (owned.length !== new Set(attachmentIds).size || owned.some((o) => o.owner_id !== f.person_id)) throw new AppError('VALIDATION_FAILED', '附件不存在或不属于该发展对象');
    }
    await repo.insertStep(t, { fileId, step, date: body.date, decisionBody: body.decisionBody ?? null, people, data, note: body.note ?? null, attachmentIds, ruleVersionId: rule.id, actorId: actor.accountId });

    // the person's status and the file's state follow the step
    const fileSet: Parameters<typeof repo.updateFile>[3] = { stage: Math.max(f.stage, DEVELOPMENT_STEPS[step - 1].stage), last_step: Math.max(f.last_step, step) };
    const next = statusAfterStep(step);
    // the file row is locked; the person row follows it (its version still guards concurrent member edits)
    if (next) await setPipelineStatus(t, f.person_id, next);
    if ((step === 13 || step === 17) && body.approved === false) {
      await setPipelineStatus(t, f.person_id, 'masses');
      Object.assign(fileSet, { state: 'rejected', closed_on: body.date, close_reason: step === 13 ? '上级党委预审未同意' : '上级党委审批未批准' });
    }
    if (step === 17 && body.approved) await admit(t, ctx, f, latest.get(15)!, body.date);
    if (step === 24) Object.assign(fileSet, await applyConversion(t, ctx, f, { ...facts, steps: [...facts.steps, { step, date: body.date, data }] }, r, body.date));
    if (step === 25) Object.assign(fileSet, { state: 'archived', closed_on: body.date, close_reason: '材料已归档' });
    if (!(await repo.updateFile(t, fileId, f.version, fileSet))) throw conflict();
    await refreshDeadlines(t, deps.clock.today(), fileId, f.org_path, fileSet.state ?? 'open');
    await auditInTx(t, ctx, { action: 'development.step', objectType: 'dev_file', objectId: fileId, orgId: f.org_id, detail: { step, date: body.date, approved: body.approved ?? undefined } });
    return { ok: true as const };
  });
}

/** Step 17 approved: the person becomes a 预备党员 of the branch (新发展), joining on the 支部大会 date. */
async function admit(t: Queryable, ctx: ActorContext, f: repo.FileRow, resolutionDate: string, approvalDate: string) {
  await admitMember(t, { personId: f.person_id, orgId: f.org_id, actorId: ctx.actor.accountId, resolutionDate, approvalDate });
}

/** Step 24 approved: carry out the branch's conversion resolution of this round. */
async function applyConversion(t: Queryable, ctx: ActorContext, f: repo.FileRow, facts: FileFacts, rule: DevelopmentRule, approvalDate: string) {
  const round = facts.steps.filter((s) => s.step === 24).length;
  const vote = facts.votes.find((v) => v.kind === 'conversion' && v.round === round);
  if (!vote) throw new AppError('DEVELOPMENT_RULE', '未找到本次支部大会的转正表决');
  const endBefore = fileProbationEnd(rule, { ...facts, steps: facts.steps.filter((s) => s.step !== 24 || facts.steps.indexOf(s) < facts.steps.length - 1) })!;
  const actorId = ctx.actor.accountId;
  const who = { personId: f.person_id, orgId: f.org_id, actorId };
  if (vote.outcome === 'convert') {
    // 转正 takes effect on the day the probation ends; 党龄 counts from it
    await convertMember(t, { ...who, conversionDate: endBefore, approvalDate });
    return {};
  }
  if (vote.outcome === 'extend') {
    await extendProbation(t, { ...who, approvalDate, months: vote.extensionMonths });
    return {};
  }
  await cancelProbation(t, { ...who, approvalDate }, ctx);
  return { state: 'cancelled', closed_on: approvalDate, close_reason: '取消预备党员资格' };
}

// ---------------------------------------------------------------------------
// "待我审批": files awaiting a superior step the caller may record
// ---------------------------------------------------------------------------
const CONVERSION_OUTCOMES = { convert: '按期转正', extend: '延长预备期', cancel: '取消预备党员资格' } as const;

function approvalAsked(r: repo.PendingApprovalRow, today: string): { asked: string; detail: string | null } {
  if (r.step === 13) {
    const noticeRunning = !!r.due && r.due >= today;
    return { asked: '上级党委预审（第13步）', detail: noticeRunning ? `支部委员会审查已完成，公示期至 ${r.due}，期满后方可预审` : '支部委员会审查已完成，请预审是否同意发展' };
  }
  if (r.step === 17) return { asked: '上级党委审批接收预备党员（第17步）', detail: r.talked ? '支部大会已通过，已派人谈话' : '支部大会已通过，尚待上级党委派人谈话（第16步）' };
  const outcome = r.outcome ? CONVERSION_OUTCOMES[r.outcome] + (r.outcome === 'extend' && r.extension_months ? `${r.extension_months}个月` : '') : null;
  return { asked: '上级党委审批预备党员转正（第24步）', detail: outcome ? `支部大会决议：${outcome}` : null };
}

/**
 * Files whose superior step (13, 17, 24) awaits a decision the caller may
 * record: in scope for reading and covered by development.approve, exactly
 * what recordStep lets the caller do. The oldest first, at most `limit`.
 */
export async function listPendingApprovals(deps: Deps, ctx: ActorContext, limit: number): Promise<{ items: ApprovalItem[]; total: number }> {
  const actor = ctx.actor;
  if (!can(actor, 'development.approve')) return { items: [], total: 0 };
  const today = deps.clock.today();
  const { rows, total } = await repo.listPendingApprovals(deps.db, [orgInScope(actor, 'development.read'), orgInScope(actor, 'development.approve')], limit);
  const items = rows.map((r): ApprovalItem => ({
    kind: 'development_step', key: `development_step:${r.file_id}:${r.step}`, objectId: r.file_id, personId: r.person_id, personName: r.person_name, orgId: r.org_id, orgName: r.org_name,
    // step 13's date from the projection is where the 公示 ends, not a due date
    step: r.step, ...approvalAsked(r, today), since: r.since, due: r.step === 13 ? null : r.due, overdue: r.step !== 13 && !!r.due && r.due < today, link: `/admin/development/candidates/${r.file_id}`,
  }));
  return { items, total };
}
