import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { covers, orgInScope } from '../../platform/scope';
import { audit, auditInTx } from '../../platform/audit';
import { detectAllowedType, safeFileName } from '../../platform/files';
import { EDUCATIONS, OCCUPATIONS } from '../../../contracts/dict';
import { documentFileName, renderDevelopmentDocument, type DocumentFacts, type DocumentKind } from './development.documents';
import * as repo from './development.repo';
import { fileProbationEnd, publicNoticeEnd } from './development.policy';
import { calendarFor, loadFacts, refreshDeadlines, ruleFor } from './development.shared';

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
// 思想汇报: uploaded by the applicant (phone) or by the branch
// ---------------------------------------------------------------------------
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
