import { addDays, addMonths, addYears } from '../../platform/dates';
import { endOfWorkingPeriod, type WorkCalendar } from '../../platform/workdays';
import { DEVELOPMENT_STEPS, STEP_PREREQUISITES } from '../../../contracts/development';
import { voteArithmetic, type VoteFiguresInput } from '../../../contracts/vote';

// The hard rules of member development (RULES §1, 《中国共产党发展党员工作细则》2014),
// as pure functions of recorded facts and the rule version in force. Each
// violation carries a stable code, a Chinese message that says what to do, and
// the rule's source. The numbers come from rule_version development.intervals.

export interface DevelopmentRule {
  minApplicantAge: number;
  talkWithinMonths: number;
  assessmentEveryMonths: number;
  thoughtReportEveryMonths: number;
  activistMinYears: number;
  introducerCount: number;
  politicalReviewValidYears: number;
  trainingMinDays: number;
  trainingMinHours: number;
  publicNoticeWorkingDays: number;
  leavingUnitMonths: number;
  approvalWithinMonths: number;
  approvalExtendedMaxMonths: number;
  resubmitAfterRejectionMonths: number;
  probationYears: number;
  extensionMinMonths: number;
  extensionMaxMonths: number;
  maxExtensions: number;
  conversionApprovalWithinMonths: number;
}

export type DevelopmentRuleCode =
  | 'applicant_under_age'
  | 'step_out_of_order'
  | 'step_before_prerequisite'
  | 'activist_period_too_short'
  | 'introducers_count'
  | 'introducer_not_full_member'
  | 'introducer_on_probation_discipline'
  | 'political_review_missing'
  | 'political_review_expired'
  | 'training_missing'
  | 'training_too_short'
  | 'public_notice_too_short'
  | 'leaving_unit_soon'
  | 'probation_not_ended'
  | 'extension_invalid'
  | 'extension_repeated'
  | 'vote_figures_invalid'
  | 'approval_too_late'
  | 'approval_extension_reason'
  | 'resubmit_too_soon'
  | 'readmission_too_soon'
  | 'readmission_refused'
  | 'contacts_invalid'
  | 'step_data_missing'
  | 'vote_failed'
  | 'date_in_future';

export interface Violation {
  code: DevelopmentRuleCode;
  message: string;
  source: string;
}

const TEXT = '《中国共产党发展党员工作细则》';
const v = (code: DevelopmentRuleCode, message: string, source = TEXT): Violation => ({ code, message, source });
const stepLabel = (no: number) => `第${no}步“${DEVELOPMENT_STEPS[no - 1].label}”`;

/** Applicant aged ≥ 18 on the application date. */
export function checkApplicantAge(rule: DevelopmentRule, birthDate: string, applicationDate: string): Violation[] {
  const adult = addYears(birthDate, rule.minApplicantAge);
  return applicationDate >= adult ? [] : [v('applicant_under_age', `申请人须年满${rule.minApplicantAge}周岁才能递交入党申请书（${adult} 年满${rule.minApplicantAge}周岁）`)];
}

/**
 * Order of steps: every prerequisite recorded on the same day or earlier.
 * `recorded` maps step number → date.
 */
export function checkStepOrder(step: number, date: string, recorded: ReadonlyMap<number, string>): Violation[] {
  const out: Violation[] = [];
  for (const pre of STEP_PREREQUISITES[step] ?? []) {
    const d = recorded.get(pre);
    if (!d) out.push(v('step_out_of_order', `须先完成${stepLabel(pre)}，才能登记${stepLabel(step)}`));
    else if (d > date) out.push(v('step_before_prerequisite', `${stepLabel(step)}的日期（${date}）不能早于${stepLabel(pre)}的日期（${d}）`));
  }
  return out;
}

/** The earliest day an activist may be made a development target (≥ 1 year as activist). */
export function earliestCandidateDate(rule: DevelopmentRule, activistDate: string): string {
  return addYears(activistDate, rule.activistMinYears);
}

export function checkActivistPeriod(rule: DevelopmentRule, activistDate: string, candidateDate: string): Violation[] {
  const earliest = earliestCandidateDate(rule, activistDate);
  return candidateDate >= earliest
    ? []
    : [v('activist_period_too_short', `确定为发展对象须在列为入党积极分子${rule.activistMinYears}年以上（${activistDate} 列为积极分子，最早 ${earliest} 可确定为发展对象）`)];
}

export interface Introducer {
  name: string;
  status: 'full' | 'probationary' | 'other';
  /** under 留党察看 on the date of the step */
  isOnProbationDiscipline: boolean;
}

/** Exactly two introducers, both full members, none under 留党察看. */
export function checkIntroducers(rule: DevelopmentRule, introducers: readonly Introducer[]): Violation[] {
  const out: Violation[] = [];
  if (introducers.length !== rule.introducerCount) out.push(v('introducers_count', `须由${rule.introducerCount}名正式党员作入党介绍人（当前 ${introducers.length} 名）`));
  for (const i of introducers) {
    if (i.status !== 'full') out.push(v('introducer_not_full_member', `${i.name} 不是正式党员，不能作入党介绍人`));
    if (i.isOnProbationDiscipline) out.push(v('introducer_on_probation_discipline', `${i.name} 正在受留党察看处分，不能作入党介绍人`));
  }
  return out;
}

export interface AdmissionFacts {
  politicalReviewDate: string | null;
  training: { days: number; hours: number } | null;
  /** first day of the 公示 */
  publicNoticeStart: string | null;
  /** the date the candidate is expected to leave the unit, if known */
  leavesUnitOn: string | null;
}

/** The day the 公示 period ends (its last working day) and whether the calendar was configured for it. */
export function publicNoticeEnd(rule: DevelopmentRule, cal: WorkCalendar, start: string) {
  return endOfWorkingPeriod(cal, start, rule.publicNoticeWorkingDays);
}

/**
 * Before the superior's 预审 (step 13): 政审 done and still valid, 集中培训 long
 * enough, 公示 of ≥ 5 working days ended before the 预审 date.
 */
export function checkBeforePreliminaryReview(rule: DevelopmentRule, cal: WorkCalendar, f: AdmissionFacts, reviewDate: string): Violation[] {
  const out: Violation[] = [];
  if (!f.politicalReviewDate) out.push(v('political_review_missing', '未经政治审查，不能发展入党；请先登记政治审查结论'));
  else if (addYears(f.politicalReviewDate, rule.politicalReviewValidYears) < reviewDate) {
    out.push(v('political_review_expired', `政治审查结论已超过${rule.politicalReviewValidYears}年，请重新进行政治审查`));
  }
  if (!f.training) out.push(v('training_missing', '未经集中培训，不能发展入党；请先登记集中培训'));
  else if (f.training.days < rule.trainingMinDays && f.training.hours < rule.trainingMinHours) {
    out.push(v('training_too_short', `集中培训须不少于${rule.trainingMinDays}天或${rule.trainingMinHours}学时（当前 ${f.training.days} 天、${f.training.hours} 学时）`));
  }
  if (!f.publicNoticeStart) out.push(v('public_notice_too_short', `须对发展对象公示不少于${rule.publicNoticeWorkingDays}个工作日后，方可报上级党委预审`));
  else {
    const end = publicNoticeEnd(rule, cal, f.publicNoticeStart);
    if (reviewDate <= end.date) out.push(v('public_notice_too_short', `公示须满${rule.publicNoticeWorkingDays}个工作日：自 ${f.publicNoticeStart} 起公示，${end.date} 期满，预审最早 ${addDays(end.date, 1)}${end.provisional ? '（未配置该年节假日，按周一至周五计算，日期为暂定）' : ''}`));
  }
  if (f.leavesUnitOn && f.leavesUnitOn <= addMonths(reviewDate, rule.leavingUnitMonths)) {
    out.push(v('leaving_unit_soon', `发展对象将于 ${f.leavesUnitOn} 离开工作学习单位（${rule.leavingUnitMonths}个月内），一般不办理接收预备党员手续`));
  }
  return out;
}

/** The figures of a 支部大会 vote (contracts/vote.ts): expected (应到) voting members, present, written opinions, yes, no, abstain. */
export type VoteFigures = VoteFiguresInput;

export interface VoteResult {
  isQuorate: boolean;
  isPassed: boolean;
  arithmetic: string[];
}

/**
 * 支部大会 vote on one candidate: quorum when present > ½ of expected;
 * passed when yes (present and written) > ½ of expected. Integer arithmetic:
 * 2 × present > expected, 2 × yes > expected — 8 of 16 is not more than half.
 */
export function evaluateVote(f: VoteFigures): { result: VoteResult; violations: Violation[] } {
  const problems: Violation[] = [];
  const all = [f.expected, f.present, f.written, f.yes, f.no, f.abstain];
  if (all.some((n) => !Number.isInteger(n) || n < 0)) problems.push(v('vote_figures_invalid', '人数须为不小于0的整数'));
  // the arithmetic the form showed while the figures were typed (contracts/vote.ts)
  const shared = voteArithmetic(f);
  problems.push(...shared.problems.map((m) => v('vote_figures_invalid', m)));
  return { result: { isQuorate: shared.isQuorate, isPassed: shared.isPassed, arithmetic: shared.lines }, violations: problems };
}

/** 预备期 ends one year after the 支部大会 resolution (plus any extension). */
export function probationEnd(rule: DevelopmentRule, resolutionDate: string, extensions: readonly number[] = []): string {
  return extensions.reduce((d, months) => addMonths(d, months), addYears(resolutionDate, rule.probationYears));
}

export function checkConversionDate(rule: DevelopmentRule, resolutionDate: string, extensions: readonly number[], discussionDate: string): Violation[] {
  const end = probationEnd(rule, resolutionDate, extensions);
  return discussionDate >= end ? [] : [v('probation_not_ended', `预备期至 ${end} 期满，期满后方可讨论转正`)];
}

/** An extension of probation: once only, between 6 and 12 months. */
export function checkExtension(rule: DevelopmentRule, previous: readonly number[], months: number): Violation[] {
  if (previous.length >= rule.maxExtensions) return [v('extension_repeated', `预备期只能延长${rule.maxExtensions}次`)];
  if (!Number.isInteger(months) || months < rule.extensionMinMonths || months > rule.extensionMaxMonths) {
    return [v('extension_invalid', `延长预备期不能少于${rule.extensionMinMonths}个月、最长不超过${rule.extensionMaxMonths}个月`)];
  }
  return [];
}

export interface Deadline {
  kind: 'talk' | 'assessment' | 'thought_report' | 'candidate_eligible' | 'public_notice_end' | 'approval' | 'probation_end' | 'conversion_approval';
  due: string;
  /** the latest allowed date with an approved extension, where the rules allow one */
  extendedDue?: string;
}

// ---------------------------------------------------------------------------
// A whole file: which steps are recorded, what may be recorded next, and what
// falls due. Pure; the service loads the facts and the projection table
// dev_deadline stores the result.
// ---------------------------------------------------------------------------

export interface RecordedStep {
  step: number;
  date: string;
  data: Record<string, unknown>;
}

export interface RecordedVote {
  kind: 'admission' | 'conversion';
  round: number;
  meetingDate: string;
  isPassed: boolean;
  outcome: 'convert' | 'extend' | 'cancel' | null;
  extensionMonths: number | null;
}

export interface FileFacts {
  steps: readonly RecordedStep[];
  votes: readonly RecordedVote[];
  /** dates on which 思想汇报 were submitted */
  reports?: readonly string[];
}

export interface ComputedDeadline extends Deadline {
  provisional: boolean;
}

/** Dates of each recorded step, in order. */
export function datesByStep(steps: readonly RecordedStep[]): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const s of [...steps].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) m.set(s.step, [...(m.get(s.step) ?? []), s.date]);
  return m;
}

/** The latest date of each recorded step (the map checkStepOrder takes). */
export function latestByStep(steps: readonly RecordedStep[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const [k, ds] of datesByStep(steps)) out.set(k, ds[ds.length - 1]);
  return out;
}

/** Approved extensions of probation (months), from conversion votes whose approval (step 24) is recorded. */
export function approvedExtensions(f: FileFacts): number[] {
  const approvals = f.steps.filter((s) => s.step === 24).length;
  return f.votes
    .filter((v) => v.kind === 'conversion' && v.outcome === 'extend' && v.round <= approvals)
    .sort((a, b) => a.round - b.round)
    .map((v) => v.extensionMonths ?? 0);
}

/** The conversion round in progress: 1, or 2 after an approved extension. */
export function conversionRound(f: FileFacts): number {
  return approvedExtensions(f).length + 1;
}

/** 预备期 end for the file, once the 支部大会 resolution (step 15) is recorded. */
export function fileProbationEnd(rule: DevelopmentRule, f: FileFacts): string | null {
  const resolution = f.steps.find((s) => s.step === 15)?.date;
  return resolution ? probationEnd(rule, resolution, approvedExtensions(f)) : null;
}

function count(f: FileFacts, step: number) {
  return f.steps.filter((s) => s.step === step).length;
}

/**
 * Whether a step may be recorded now as far as the file's shape goes (order,
 * repetition, conversion rounds); the dated rules are checked when recording.
 */
export function stepBlockers(f: FileFacts, step: number): string[] {
  const latest = latestByStep(f.steps);
  const out: string[] = [];
  for (const pre of STEP_PREREQUISITES[step] ?? []) if (!latest.has(pre)) out.push(`须先完成${stepLabel(pre)}`);
  const n = count(f, step);
  const round = conversionRound(f);
  if (step === 22 || step === 23 || step === 24) {
    const prev = step === 22 ? null : step - 1;
    if (n >= round) out.push(`${stepLabel(step)}已登记`);
    else if (prev && count(f, prev) <= n) out.push(`须先完成${stepLabel(prev)}`);
    if (step === 22 && round > 1 && count(f, 24) < round - 1) out.push('须先完成上一次的转正审批');
  } else if (!REPEATABLE.has(step) && n > 0) out.push(`${stepLabel(step)}已登记`);
  if (step === 25 && !isConverted(f)) out.push('须在转正审批通过后归档');
  return [...new Set(out)];
}

const REPEATABLE = new Set([6, 21]);

/** Whether the superior has approved a 按期转正 resolution (the file only awaits archiving). */
export function isConverted(f: FileFacts): boolean {
  const last = f.votes.filter((v) => v.kind === 'conversion').sort((a, b) => b.round - a.round)[0];
  return !!last && last.outcome === 'convert' && count(f, 24) >= last.round;
}

/** What falls due on an open file (the deadline engine). */
export function fileDeadlines(rule: DevelopmentRule, cal: WorkCalendar, f: FileFacts): ComputedDeadline[] {
  const d = datesByStep(f.steps);
  const first = (n: number) => d.get(n)?.[0];
  const last = (n: number) => d.get(n)?.at(-1);
  const out: ComputedDeadline[] = [];
  const s1 = first(1);
  if (s1 && !d.has(2)) out.push({ kind: 'talk', due: addMonths(s1, rule.talkWithinMonths), provisional: false });
  const s3 = first(3);
  if (s3 && !d.has(7)) {
    const lastAssessment = [s3, ...(d.get(6) ?? [])].sort().at(-1)!;
    out.push({ kind: 'assessment', due: addMonths(lastAssessment, rule.assessmentEveryMonths), provisional: false });
    out.push({ kind: 'candidate_eligible', due: earliestCandidateDate(rule, s3), provisional: false });
  }
  // 思想汇报 every quarter [local] from the activist stage until conversion
  if (s3 && !isConverted(f)) {
    const lastReport = [s3, ...(f.reports ?? []).filter((r) => r >= s3)].sort().at(-1)!;
    out.push({ kind: 'thought_report', due: addMonths(lastReport, rule.thoughtReportEveryMonths), provisional: false });
  }
  const s12 = f.steps.find((s) => s.step === 12);
  const noticeStart = typeof s12?.data.publicNoticeStart === 'string' ? s12.data.publicNoticeStart : null;
  if (noticeStart && !d.has(13)) {
    const end = publicNoticeEnd(rule, cal, noticeStart);
    out.push({ kind: 'public_notice_end', due: end.date, provisional: end.provisional });
  }
  const s15 = first(15);
  if (s15 && !d.has(17)) {
    out.push({ kind: 'approval', due: addMonths(s15, rule.approvalWithinMonths), extendedDue: addMonths(s15, rule.approvalExtendedMaxMonths), provisional: false });
  }
  if (d.has(17)) {
    const round = conversionRound(f);
    const end = fileProbationEnd(rule, f);
    if (end && count(f, 23) < round) out.push({ kind: 'probation_end', due: end, provisional: false });
    if (count(f, 23) > count(f, 24)) out.push({ kind: 'conversion_approval', due: addMonths(last(23)!, rule.conversionApprovalWithinMonths), provisional: false });
  }
  return out;
}

/** The earliest date a step may carry and the date it is due, from the recorded facts (for the timeline). */
export function stepWindow(rule: DevelopmentRule, cal: WorkCalendar, f: FileFacts, step: number): { earliest: string | null; due: string | null } {
  const latest = latestByStep(f.steps);
  const pres = (STEP_PREREQUISITES[step] ?? []).map((p) => latest.get(p)).filter((x): x is string => !!x);
  let earliest = pres.length ? pres.sort().at(-1)! : null;
  let due: string | null = null;
  const later = (a: string | null, b: string) => (a && a > b ? a : b);
  switch (step) {
    case 2:
      if (latest.get(1)) due = addMonths(latest.get(1)!, rule.talkWithinMonths);
      break;
    case 6: {
      const s3 = latest.get(3);
      if (s3) due = addMonths([s3, ...(datesByStep(f.steps).get(6) ?? [])].sort().at(-1)!, rule.assessmentEveryMonths);
      break;
    }
    case 7:
      if (latest.get(3)) earliest = later(earliest, earliestCandidateDate(rule, latest.get(3)!));
      break;
    case 13: {
      const s12 = f.steps.find((s) => s.step === 12);
      if (typeof s12?.data.publicNoticeStart === 'string') earliest = later(earliest, addDays(publicNoticeEnd(rule, cal, s12.data.publicNoticeStart).date, 1));
      break;
    }
    case 17:
      if (latest.get(15)) due = addMonths(latest.get(15)!, rule.approvalWithinMonths);
      break;
    case 22:
    case 23: {
      const end = fileProbationEnd(rule, f);
      if (end) {
        due = end;
        if (step === 23) earliest = later(earliest, end);
      }
      break;
    }
    case 24:
      if (latest.get(23)) due = addMonths(latest.get(23)!, rule.conversionApprovalWithinMonths);
      break;
  }
  return { earliest, due };
}

/** Person status after a step (the pipeline's status events). */
export function statusAfterStep(step: number): 'activist' | 'candidate' | null {
  if (step === 3) return 'activist';
  if (step === 7) return 'candidate';
  return null;
}

/** Superior approval of admission later than 3 months needs a stated reason; beyond 6 months it is refused. */
export function checkApprovalTiming(rule: DevelopmentRule, resolutionDate: string, approvalDate: string, reason: string | null | undefined): Violation[] {
  const normal = addMonths(resolutionDate, rule.approvalWithinMonths);
  const extended = addMonths(resolutionDate, rule.approvalExtendedMaxMonths);
  if (approvalDate > extended) return [v('approval_too_late', `上级党委审批最长不超过支部大会通过后${rule.approvalExtendedMaxMonths}个月（${resolutionDate} 通过，最迟 ${extended}）`)];
  if (approvalDate > normal && !reason?.trim()) return [v('approval_extension_reason', `上级党委审批一般在${rule.approvalWithinMonths}个月内（最迟 ${normal}）；超过的须写明特殊情况`)];
  return [];
}

/** A rejected application may be submitted again only after the waiting period [local]. */
export function checkResubmission(rule: DevelopmentRule, rejectedOn: string | null, appliedOn: string): Violation[] {
  if (!rejectedOn) return [];
  const earliest = addMonths(rejectedOn, rule.resubmitAfterRejectionMonths);
  return appliedOn >= earliest ? [] : [v('resubmit_too_soon', `该同志的入党申请于 ${rejectedOn} 未获通过，${rule.resubmitAfterRejectionMonths}个月后（${earliest} 起）方可重新办理`)];
}

/** Re-admission rule (rule version development.readmission). */
export interface ReadmissionRule {
  /** years to wait after leaving, by the reason of the 减少 event (开除党籍: 5) */
  waitYearsAfter: Partial<Record<string, number>>;
  /** statuses of an earlier record that cannot re-apply at all */
  refusedStatuses: string[];
}

export interface EarlierRecordFacts {
  status: string;
  /** reason of the last 减少 event (expelled, removed, withdrew, lapsed, probation_cancelled…) */
  reason: string | null;
  endedOn: string | null;
  orgName: string | null;
}

const READMISSION_SOURCE = '《中国共产党纪律处分条例》(2018) 第十三条';

/** An application by someone with an earlier record: 开除党籍 waits 5 years; 停止党籍 and 死亡 cannot apply. */
export function checkReadmission(rule: ReadmissionRule, earlier: EarlierRecordFacts, appliedOn: string): Violation[] {
  const where = earlier.orgName ? `（原在${earlier.orgName}）` : '';
  if (rule.refusedStatuses.includes(earlier.status)) {
    const msg = earlier.status === 'suspended'
      ? `该身份证号的党员已停止党籍${where}，应按规定由原党组织办理恢复党籍，不能作为新的入党申请人登记`
      : `该身份证号登记为已故人员${where}，请核对身份证号`;
    return [v('readmission_refused', msg, READMISSION_SOURCE)];
  }
  const years = earlier.reason ? rule.waitYearsAfter[earlier.reason] : undefined;
  if (years && earlier.endedOn) {
    const earliest = addYears(earlier.endedOn, years);
    if (appliedOn < earliest) return [v('readmission_too_soon', `该同志于 ${earlier.endedOn} 受到开除党籍处分${where}，${years}年内不得重新入党（${earliest} 起方可申请）`, READMISSION_SOURCE)];
  }
  return [];
}
