import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { covers, orgInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import { addDays, daysBetween } from '../../platform/dates';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import { ruleInForce } from '../../platform/rules';
import { BRANCH_TYPES, type OrgType } from '../../../contracts/dict';
import {
  DEADLINE_KINDS, DEVELOPMENT_STEPS, INFORMATIONAL_DEADLINES, OVERDUE_KINDS,
  type CandidateDetail, type CandidateListItem, type CreateDevelopmentCandidateBody, type DeadlineKind, type DeadlineView,
  type ListDevelopmentCandidatesQuery, type StepView,
} from '../../../contracts/development';
import { earlierRecordOf, earlierRecordView, findEarlierRecord, registerApplicant, validateIdNumber } from '../member';
import * as repo from './development.repo';
import {
  approvedExtensions, checkApplicantAge, checkReadmission, checkResubmission, fileProbationEnd, stepBlockers, stepWindow, type ReadmissionRule,
} from './development.policy';
import { calendarFor, check, loadFacts, refreshDeadlines, refuse, resolveOrgPath, ruleFor } from './development.shared';
import { voteView } from './development.votes';

// Member development: opening a file, and the reads of files and deadlines
// (the list, one file, the deadlines, the overview, the applicant's own view).

type Cand = CandidateListItem['status'];

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
// The applicant's own view (phone)
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
