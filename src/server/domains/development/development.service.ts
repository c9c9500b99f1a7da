import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { can, type ActorContext } from '../../platform/actor';
import { AppError, conflict, notFound } from '../../platform/errors';
import { covers, orgInScope } from '../../platform/scope';
import { audit, auditInTx } from '../../platform/audit';
import { detectAllowedType, safeFileName } from '../../platform/files';
import { addDays, daysBetween } from '../../platform/dates';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import { ruleInForce, type RuleVersion } from '../../platform/rules';
import type { WorkCalendar } from '../../platform/workdays';
import { BRANCH_TYPES, EDUCATIONS, OCCUPATIONS, type OrgType } from '../../../contracts/dict';
import { documentFileName, renderDevelopmentDocument, type DocumentFacts, type DocumentKind } from './development.documents';
import {
  DEADLINE_KINDS, DEVELOPMENT_STEPS, INFORMATIONAL_DEADLINES, SUPERIOR_STEPS, VOTE_STEPS,
  type CandidateDetail, type CandidateListItem, type CreateDevelopmentCandidateBody, type DeadlineKind, type DeadlineView,
  type ListDevelopmentCandidatesQuery, type RecordDevelopmentStepBody, type RecordDevelopmentVoteBody, type StepView, type VoteView,
} from '../../../contracts/development';
import type { ApprovalItem } from '../../../contracts/approvals';
import { admitMember, cancelProbation, convertMember, earlierRecordOf, earlierRecordView, extendProbation, findEarlierRecord, registerApplicant, setPipelineStatus, validateIdNumber } from '../member';
import * as repo from './development.repo';
import {
  approvedExtensions, checkActivistPeriod, checkApplicantAge, checkApprovalTiming, checkBeforePreliminaryReview, checkConversionDate, checkExtension,
  checkIntroducers, checkReadmission, checkResubmission, checkStepOrder, conversionRound, evaluateVote, fileDeadlines, fileProbationEnd, latestByStep, publicNoticeEnd, statusAfterStep,
  stepBlockers, stepWindow, type DevelopmentRule, type FileFacts, type ReadmissionRule, type Violation,
} from './development.policy';

// Member development use-cases (RULES §1). Every write runs in one
// transaction: the file row is locked, the rules are checked against the
// recorded facts and the rule version in force on the step's date, the step
// is appended, the person's status follows, the deadline projection is
// rebuilt and the audit row is written.

type Cand = CandidateListItem['status'];
const OVERDUE_KINDS = (Object.keys(DEADLINE_KINDS) as DeadlineKind[]).filter((k) => !INFORMATIONAL_DEADLINES.includes(k));

export function refuse(violations: readonly Violation[]): never {
  const [first] = violations;
  throw new AppError('DEVELOPMENT_RULE', first.message, { rule: first.code, source: first.source, issues: violations.map((x) => ({ rule: x.code, message: x.message, source: x.source })) });
}

function check(violations: readonly Violation[]) {
  if (violations.length) refuse(violations);
}

export async function ruleFor(q: Queryable, date: string, orgPath: string | null): Promise<RuleVersion<DevelopmentRule>> {
  return ruleInForce<DevelopmentRule>(q, 'development', 'intervals', date, orgPath);
}

/** The calendar covering the years a file's dates can reach. */
async function calendarFor(q: Queryable, from: string, to: string) {
  return repo.loadCalendar(q, Number(from.slice(0, 4)), Number(to.slice(0, 4)) + 1);
}

function deadlineView(r: { file_id: string; person_name: string; org_id: string; org_name: string; kind: string; due: string; extended_due: string | null; provisional: boolean }, today: string): DeadlineView {
  const kind = r.kind as DeadlineKind;
  return {
    fileId: r.file_id, personName: r.person_name, orgId: r.org_id, orgName: r.org_name, kind, label: DEADLINE_KINDS[kind], due: r.due, extendedDue: r.extended_due,
    provisional: r.provisional, overdue: OVERDUE_KINDS.includes(kind) && r.due < today, daysLeft: daysBetween(today, r.due),
  };
}

async function findBranch(q: Queryable, ctx: ActorContext, orgId: string) {
  const org = await repo.findBranchOrg(q, orgId, orgInScope(ctx.actor, 'development.manage'));
  if (!org) throw notFound();
  if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
  if (!BRANCH_TYPES.includes(org.type as OrgType)) throw new AppError('VALIDATION_FAILED', '入党申请应由党支部受理，请选择党支部', { issues: [{ field: 'orgId', message: '请选择党支部' }] });
  return org;
}

/**
 * Rebuilds one file's deadline projection from its steps. The daily job passes
 * the rule and a calendar loaded once for all files.
 */
export async function refreshDeadlines(q: Queryable, today: string, fileId: string, orgPath: string, state: string, preloaded?: { rule: DevelopmentRule; cal: WorkCalendar }) {
  if (state !== 'open') return repo.replaceDeadlines(q, fileId, []);
  const facts = await loadFacts(q, fileId);
  const rule = preloaded?.rule ?? (await ruleFor(q, today, orgPath)).body;
  const first = facts.steps.map((s) => s.date).sort()[0] ?? today;
  const cal = preloaded?.cal ?? (await calendarFor(q, first, addDays(today, 800)));
  await repo.replaceDeadlines(q, fileId, fileDeadlines(rule, cal, facts));
}

async function loadFacts(q: Queryable, fileId: string): Promise<FileFacts & { stepRows: repo.StepRow[]; voteRows: repo.VoteRow[] }> {
  // sequential: q may be a transaction's single connection
  const stepRows = await repo.listSteps(q, fileId);
  const voteRows = await repo.listVotes(q, fileId);
  const reports = await repo.reportDates(q, fileId);
  return { steps: repo.toRecordedSteps(stepRows), votes: repo.toRecordedVotes(voteRows), reports, stepRows, voteRows };
}

// ---------------------------------------------------------------------------
// Create: the person (or the same person again, after an earlier file closed)
// and the file with step 1.
// ---------------------------------------------------------------------------
export async function createCandidate(deps: Deps, ctx: ActorContext, body: CreateDevelopmentCandidateBody): Promise<string> {
  const today = deps.clock.today();
  if (body.appliedOn > today) refuse([{ code: 'date_in_future', message: '递交入党申请书的日期不能晚于今天', source: '' }]);
  const id = validateIdNumber(body.idNumber, today);
  if (id.sex !== body.sex) throw new AppError('VALIDATION_FAILED', '性别与身份证号不一致', { issues: [{ field: 'sex', message: '性别与身份证号不一致' }] });
  try {
    return await deps.db.tx(async (t) => {
      const org = await findBranch(t, ctx, body.orgId);
      const rule = await ruleFor(t, body.appliedOn, org.path);
      check(checkApplicantAge(rule.body, id.birthDate, body.appliedOn));
      const idHash = deps.cipher.hash(id.normalized);
      // One identity across the installation: an earlier closed record of this
      // person (群众, 出党…) may sit in another organisation. The rules on
      // re-application are checked against it; it is reused only when it is this
      // branch's own record, else a new record points to it and it stays where
      // it is, untouched, with its whole history (issue 9, C1).
      const earlier = await findEarlierRecord(t, idHash);
      if (earlier) {
        const readmission = await ruleInForce<ReadmissionRule>(t, 'development', 'readmission', body.appliedOn, org.path);
        check(checkReadmission(readmission.body, { status: earlier.status, reason: earlier.reason, endedOn: earlier.ended_on, orgName: earlier.org_name }, body.appliedOn));
        const rejected = await repo.lastRejectionOfIdentity(t, idHash);
        check(checkResubmission(rule.body, rejected?.closed_on ?? null, body.appliedOn));
      }
      const personId = await registerApplicant(t, deps.cipher, org, {
        name: body.name, sex: body.sex, ethnicity: body.ethnicity, birthDate: id.birthDate, idNumber: id.normalized, phone: body.phone ?? null,
        education: body.education, occupation: body.occupation, unitName: body.unitName ?? null, address: body.address ?? null,
      }, earlier);
      const fileId = await repo.insertFile(t, { personId, orgId: org.id, regionKey: org.region_key, appliedOn: body.appliedOn, leavesUnitOn: body.leavesUnitOn ?? null });
      await repo.insertStep(t, { fileId, step: 1, date: body.appliedOn, decisionBody: null, people: {}, data: {}, note: null, attachmentIds: [], ruleVersionId: rule.id, actorId: ctx.actor.accountId });
      await refreshDeadlines(t, deps.clock.today(), fileId, org.path, 'open');
      await auditInTx(t, ctx, { action: 'development.create', objectType: 'dev_file', objectId: fileId, orgId: org.id, detail: { personId, appliedOn: body.appliedOn, reapplied: !!earlier, earlierRecordElsewhere: !!earlier && earlier.org_id !== org.id } });
      return fileId;
    });
  } catch (e) {
    if (isUniqueViolation(e, 'person_id_no_living') || isUniqueViolation(e, 'dev_file_one_open')) {
      throw new AppError('DUPLICATE_ID_NUMBER', '该身份证号已属于一名在册党员或正在发展的入党申请人', { issues: [{ field: 'idNumber', message: '该身份证号已属于一名在册党员或正在发展的入党申请人' }] });
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------
async function resolveOrgPath(q: Queryable, ctx: ActorContext, orgId: string | undefined): Promise<{ id: string; name: string; path: string } | null> {
  if (!orgId) return null;
  const o = await repo.findOrgInScope(q, orgId, orgInScope(ctx.actor, 'development.read'));
  if (!o) throw notFound();
  return o;
}

export async function listCandidates(deps: Deps, ctx: ActorContext, query: ListDevelopmentCandidatesQuery) {
  const org = await resolveOrgPath(deps.db, ctx, query.orgId);
  const { rows, total } = await repo.listFiles(deps.db, { scope: orgInScope(ctx.actor, 'development.read'), orgPath: org?.path, stage: query.stage, state: query.state, q: query.q }, query.pageSize, (query.page - 1) * query.pageSize, query.sort, query.order);
  const today = deps.clock.today();
  const items: CandidateListItem[] = rows.map((r) => ({
    id: r.id, personId: r.person_id, name: r.name, sex: r.sex, orgId: r.org_id, orgName: r.org_name, status: r.status as Cand, state: r.state, stage: r.stage, lastStep: r.last_step, appliedOn: r.applied_on,
    nextDue: r.next_kind ? deadlineView({ file_id: r.id, person_name: r.name, org_id: r.org_id, org_name: r.org_name, kind: r.next_kind, due: r.next_due!, extended_due: r.next_extended_due, provisional: !!r.next_provisional }, today) : null,
  }));
  return { items, total, page: query.page, pageSize: query.pageSize };
}

function voteView(v: repo.VoteRow): VoteView {
  const { result } = evaluateVote({ expected: v.expected, present: v.present, written: v.written, yes: v.yes, no: v.no, abstain: v.abstain });
  return {
    kind: v.kind, round: v.round, meetingDate: v.meeting_date, expected: v.expected, registryCount: v.registry_count, expectedNote: v.expected_note, present: v.present, written: v.written,
    yes: v.yes, no: v.no, abstain: v.abstain, isQuorate: v.is_quorate, isPassed: v.is_passed, outcome: v.outcome, extensionMonths: v.extension_months, arithmetic: result.arithmetic,
  };
}

export async function getCandidate(deps: Deps, ctx: ActorContext, id: string): Promise<CandidateDetail> {
  const actor = ctx.actor;
  const f = await repo.findFile(deps.db, id, orgInScope(actor, 'development.read'));
  if (!f) throw notFound();
  const [facts, deadlines, reports] = await Promise.all([loadFacts(deps.db, id), repo.deadlinesOfFile(deps.db, id), repo.listReports(deps.db, id)]);
  const today = deps.clock.today();
  const rule = await ruleFor(deps.db, today, f.org_path);
  const cal = await calendarFor(deps.db, f.applied_on, addDays(today, 800));
  const attachmentIds = [...new Set(facts.stepRows.flatMap((s) => s.attachment_ids))];
  const names = new Map((await repo.fileNames(deps.db, attachmentIds)).map((r) => [r.id, r.file_name]));
  const steps: StepView[] = facts.stepRows.map((s) => ({
    id: s.id, step: s.step_no, date: s.step_date, decisionBody: s.decision_body, talkers: s.people.talkers ?? [], envoy: s.people.envoy ?? null,
    contacts: s.people.contacts ?? [], introducers: s.people.introducers ?? [], data: s.data, note: s.note,
    attachments: s.attachment_ids.map((a) => ({ id: a, fileName: names.get(a) ?? '附件' })), recordedBy: s.recorded_by, recordedAt: new Date(s.recorded_at).toISOString(),
  }));
  const open = f.state === 'open';
  const plan = DEVELOPMENT_STEPS.map((s) => {
    const blockers = open ? stepBlockers(facts, s.no) : ['发展档案已结束'];
    const w = stepWindow(rule.body, cal, facts, s.no);
    return { step: s.no, stage: s.stage, label: s.label, done: facts.stepRows.filter((r) => r.step_no === s.no).map((r) => r.step_date), earliest: w.earliest, due: w.due, canRecordNow: blockers.length === 0, blockers };
  });
  const inScope = (perm: 'development.manage' | 'development.approve') => covers(actor, perm, { id: f.org_id, path: f.org_path });
  const dl = deadlines.map((d) => deadlineView({ file_id: f.id, person_name: f.name, org_id: f.org_id, org_name: f.org_name, ...d }, today));
  const earlier = earlierRecordView(await earlierRecordOf(deps.db, f.person_id));
  return {
    id: f.id, personId: f.person_id, name: f.name, sex: f.sex, orgId: f.org_id, orgName: f.org_name, status: f.status as Cand, state: f.state, stage: f.stage, lastStep: f.last_step, appliedOn: f.applied_on,
    nextDue: dl[0] ?? null, birthDate: f.birth_date, ethnicity: f.ethnicity, education: f.education as CandidateDetail['education'], occupation: f.occupation as CandidateDetail['occupation'],
    unitName: f.unit_name, idNumberMasked: f.id_no_masked, phoneMasked: f.phone_masked, leavesUnitOn: f.leaves_unit_on, closedOn: f.closed_on, closeReason: f.close_reason,
    probationEnd: fileProbationEnd(rule.body, facts), extensions: approvedExtensions(facts), steps, votes: facts.voteRows.map(voteView), deadlines: dl, plan,
    reports: reports.map((r) => ({ id: r.id, title: r.title, submittedOn: r.submitted_on, fileId: r.stored_file_id, fileName: r.file_name })),
    ruleSource: rule.source, earlierRecord: earlier, version: f.version,
    abilities: { record: open && inScope('development.manage'), approve: open && inScope('development.approve'), documents: inScope('development.manage') || inScope('development.approve') },
  };
}

export async function listDeadlines(deps: Deps, ctx: ActorContext, query: { orgId?: string; before?: string; overdueOnly: 'true' | 'false'; limit: number }) {
  const org = await resolveOrgPath(deps.db, ctx, query.orgId);
  const today = deps.clock.today();
  const r = await repo.listDeadlines(deps.db, orgInScope(ctx.actor, 'development.read'), org?.path ?? null, query.before ?? null, today, OVERDUE_KINDS, INFORMATIONAL_DEADLINES, query.overdueOnly === 'true', query.limit);
  return { items: r.rows.map((x) => deadlineView(x, today)), total: r.total, overdue: r.overdue };
}

export async function overview(deps: Deps, ctx: ActorContext, orgId: string | undefined) {
  const actor = ctx.actor;
  let root = await resolveOrgPath(deps.db, ctx, orgId);
  if (!root) {
    // the widest org the reader sees: the shallowest in scope
    root = await repo.findWidestOrgInScope(deps.db, orgInScope(actor, 'development.read'));
    if (!root) throw notFound();
  }
  const today = deps.clock.today();
  const scope = orgInScope(actor, 'development.read');
  const [stages, dues, children] = await Promise.all([
    repo.countOpenFilesByStage(deps.db, root.path, scope),
    repo.countDeadlinesOverdueAndSoon(deps.db, root.path, scope, today, addDays(today, 30), OVERDUE_KINDS),
    repo.listChildOverview(deps.db, root.id, today, OVERDUE_KINDS),
  ]);
  const byStage = new Map(stages.map((s) => [s.stage, s.n]));
  return {
    root: { id: root.id, name: root.name },
    stages: [1, 2, 3, 4, 5].map((s) => ({ stage: s, label: ['入党申请', '入党积极分子', '发展对象', '预备党员的接收', '预备期考察与转正'][s - 1], count: byStage.get(s) ?? 0 })),
    overdue: dues.overdue, dueIn30Days: dues.soon,
    children: children.map((c) => ({ orgId: c.org_id, orgName: c.org_name, open: c.open, byStage: [c.s1, c.s2, c.s3, c.s4, c.s5], overdue: c.overdue })),
  };
}

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


// ---------------------------------------------------------------------------
// Documents: filled in from the recorded facts, nothing typed twice.
// ---------------------------------------------------------------------------
export async function renderDocument(deps: Deps, ctx: ActorContext, fileId: string, kind: DocumentKind) {
  const actor = ctx.actor;
  const f = await repo.findFile(deps.db, fileId, orgInScope(actor, 'development.read'));
  if (!f) throw notFound();
  const allowed = (['development.manage', 'development.approve'] as const).some((p) => covers(actor, p, { id: f.org_id, path: f.org_path }));
  if (!allowed) throw new AppError('FORBIDDEN', '您没有生成该发展对象文书的权限');
  const facts = await loadFacts(deps.db, fileId);
  const today = deps.clock.today();
  const rule = await ruleFor(deps.db, today, f.org_path);
  const one = (n: number) => facts.stepRows.filter((s) => s.step_no === n).at(-1);
  const vote = (k: 'admission' | 'conversion') => facts.voteRows.filter((v) => v.kind === k).at(-1);
  const s12 = one(12);
  const noticeStart = typeof s12?.data.publicNoticeStart === 'string' ? s12.data.publicNoticeStart : null;
  let publicNotice: DocumentFacts['publicNotice'] = null;
  if (noticeStart) {
    const cal = await calendarFor(deps.db, noticeStart, noticeStart);
    const end = publicNoticeEnd(rule.body, cal, noticeStart);
    publicNotice = { start: noticeStart, end: end.date, provisional: end.provisional, workingDays: rule.body.publicNoticeWorkingDays };
  }
  const av = vote('admission');
  const cv = vote('conversion');
  const voteOf = (v: repo.VoteRow) => ({ meetingDate: v.meeting_date, expected: v.expected, present: v.present, written: v.written, yes: v.yes, no: v.no, abstain: v.abstain, isQuorate: v.is_quorate, isPassed: v.is_passed });
  const s10 = one(10);
  const s11 = one(11);
  const facts2: DocumentFacts = {
    orgName: f.org_name, superiorOrgName: f.parent_name,
    person: { name: f.name, sex: f.sex === 'male' ? '男' : '女', ethnicity: f.ethnicity, birthDate: f.birth_date, education: EDUCATIONS[f.education as keyof typeof EDUCATIONS] ?? f.education, occupation: OCCUPATIONS[f.occupation as keyof typeof OCCUPATIONS] ?? f.occupation, unitName: f.unit_name },
    appliedOn: f.applied_on, activistOn: one(3)?.step_date ?? null, candidateOn: one(7)?.step_date ?? null,
    contacts: (one(5)?.people.contacts ?? []).map((c) => c.name), introducers: (one(9)?.people.introducers ?? []).map((c) => c.name),
    politicalReview: s10 ? { date: s10.step_date, conclusion: String(s10.data.conclusion ?? '') } : null,
    training: s11 ? { date: s11.step_date, days: Number(s11.data.trainingDays ?? 0), hours: Number(s11.data.trainingHours ?? 0), name: (s11.data.trainingName as string | null) ?? null } : null,
    publicNotice, talk: one(2) ? { date: one(2)!.step_date, talkers: one(2)!.people.talkers ?? [] } : null,
    admissionVote: av ? voteOf(av) : null,
    conversionVote: cv ? { ...voteOf(cv), outcome: cv.outcome ?? 'convert', extensionMonths: cv.extension_months } : null,
    probationEnd: fileProbationEnd(rule.body, facts), contactPhone: null,
  };
  if (kind === 'admission_resolution' && !av) throw new AppError('DEVELOPMENT_RULE', '尚未登记支部大会接收预备党员的表决，不能生成决议');
  if (kind === 'conversion_resolution' && !cv) throw new AppError('DEVELOPMENT_RULE', '尚未登记支部大会讨论转正的表决，不能生成决议');
  const data = await renderDevelopmentDocument(kind, facts2);
  await audit(deps.db, ctx, { action: 'development.document', objectType: 'dev_file', objectId: fileId, orgId: f.org_id, detail: { kind } });
  return { data, fileName: documentFileName(kind, f.name) };
}

// ---------------------------------------------------------------------------
// The applicant's own view (phone) and 思想汇报
// ---------------------------------------------------------------------------
export async function myDevelopment(deps: Deps, ctx: ActorContext) {
  const personId = ctx.actor.personId;
  const empty = { file: null, steps: [], next: [], deadlines: [], reports: [] };
  if (!personId) return empty;
  const f = await repo.findLatestFileOfPerson(deps.db, personId);
  if (!f) return empty;
  const today = deps.clock.today();
  const [facts, deadlines, reports] = await Promise.all([loadFacts(deps.db, f.id), repo.deadlinesOfFile(deps.db, f.id), repo.listReports(deps.db, f.id)]);
  const rule = await ruleFor(deps.db, today, f.org_path);
  const cal = await calendarFor(deps.db, f.applied_on, addDays(today, 800));
  const done = (n: number) => facts.steps.filter((s) => s.step === n).map((s) => s.date);
  const open = f.state === 'open';
  return {
    file: { id: f.id, name: f.name, orgName: f.org_name, status: f.status as Cand, state: f.state, stage: f.stage, appliedOn: f.applied_on },
    steps: DEVELOPMENT_STEPS.map((s) => ({ step: s.no, label: s.label, stage: s.stage, done: done(s.no) })),
    next: open ? DEVELOPMENT_STEPS.filter((s) => stepBlockers(facts, s.no).length === 0).slice(0, 4).map((s) => ({ step: s.no, label: s.label, ...stepWindow(rule.body, cal, facts, s.no) })) : [],
    deadlines: deadlines.map((d) => ({ kind: d.kind as DeadlineKind, label: DEADLINE_KINDS[d.kind as DeadlineKind], due: d.due, extendedDue: d.extended_due, provisional: d.provisional, overdue: OVERDUE_KINDS.includes(d.kind as DeadlineKind) && d.due < today })),
    reports: reports.map((r) => ({ id: r.id, title: r.title, submittedOn: r.submitted_on })),
  };
}

const REPORT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'];

/** An applicant's own 思想汇报, for download on the phone. */
export async function myReport(deps: Deps, ctx: ActorContext, reportId: string) {
  const personId = ctx.actor.personId;
  if (!personId) throw notFound();
  const r = await repo.findOwnReport(deps.db, reportId, personId);
  if (!r) throw notFound();
  return { fileName: r.file_name, mime: r.mime, stream: deps.files.stream(r.storage_key) };
}

/** Stores a 思想汇报 for a file: by the applicant for their own open file, or by the branch. */
export async function addReport(deps: Deps, ctx: ActorContext, target: { fileId: string } | { self: true }, title: string, data: Buffer, fileName: string) {
  const actor = ctx.actor;
  const clean = title.trim();
  if (!clean || clean.length > 100) throw new AppError('VALIDATION_FAILED', '请填写思想汇报标题（不超过100字）', { issues: [{ field: 'title', message: '请填写标题' }] });
  let f: repo.FileRow | null;
  if ('self' in target) {
    f = actor.personId ? await repo.findLatestFileOfPerson(deps.db, actor.personId) : null;
    if (!f || f.state !== 'open') throw new AppError('NOT_FOUND', '您当前没有进行中的入党发展档案');
  } else {
    f = await repo.findFile(deps.db, target.fileId, orgInScope(actor, 'development.manage'));
    if (!f) throw notFound();
  }
  const mime = await detectAllowedType(data, REPORT_TYPES);
  const key = await deps.files.put(data);
  const name = safeFileName(fileName, '思想汇报');
  const today = deps.clock.today();
  const file = f;
  return deps.db.tx(async (t) => {
    const storedFileId = await repo.insertReportFile(t, {
      personId: file.person_id, orgId: file.org_id, fileName: name, mime, sizeBytes: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), storageKey: key, createdBy: actor.accountId,
    });
    const reportId = await repo.insertReport(t, { fileId: file.id, title: clean, storedFileId, submittedOn: today, actorId: actor.accountId });
    await refreshDeadlines(t, deps.clock.today(), file.id, file.org_path, file.state);
    await auditInTx(t, ctx, { action: 'development.report', objectType: 'dev_file', objectId: file.id, orgId: file.org_id, detail: { reportId, size: data.length, mime } });
    return { id: reportId };
  });
}

// ---------------------------------------------------------------------------
// Annual development plan (发展计划) vs actual
// ---------------------------------------------------------------------------
export async function getPlan(deps: Deps, ctx: ActorContext, query: { orgId?: string; year: number }) {
  const actor = ctx.actor;
  const root = (await resolveOrgPath(deps.db, ctx, query.orgId)) ?? (await repo.findWidestOrgInScope(deps.db, orgInScope(actor, 'development.read')));
  if (!root) throw notFound();
  const rows = await repo.listPlanRows(deps.db, root, query.year);
  const canEdit = covers(actor, 'development.plan', root);
  return { year: query.year, rows: rows.map((r) => ({ orgId: r.org_id, orgName: r.org_name, isRoot: r.is_root, planned: r.planned, admitted: r.admitted, converted: r.converted, applicants: r.applicants, activists: r.activists, candidates: r.candidates })), canEdit };
}

export async function putPlan(deps: Deps, ctx: ActorContext, body: { orgId: string; year: number; planned: number; note?: string | null }) {
  await deps.db.tx(async (t) => {
    const o = await repo.findOrgIdInScope(t, body.orgId, orgInScope(ctx.actor, 'development.plan'));
    if (!o) throw notFound();
    await repo.upsertPlan(t, { orgId: body.orgId, year: body.year, planned: body.planned, note: body.note ?? null, updatedBy: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'development.plan', objectType: 'org', objectId: body.orgId, orgId: body.orgId, detail: { year: body.year, planned: body.planned } });
  });
  return { ok: true as const };
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
