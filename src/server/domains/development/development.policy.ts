import { addDays, addMonths, addYears } from '../../platform/dates';
import { endOfWorkingPeriod, type WorkCalendar } from '../../platform/workdays';
import { DEVELOPMENT_STEPS, STEP_PREREQUISITES } from '../../../contracts/development';

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
  | 'vote_figures_invalid';

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

export interface VoteFigures {
  /** voting members expected (应到): full members on the roll that day */
  expected: number;
  present: number;
  /** written opinions of absent voting members */
  written: number;
  yes: number;
  no: number;
  abstain: number;
}

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
  if (f.expected < 1) problems.push(v('vote_figures_invalid', '应到会有表决权的党员人数须至少为1'));
  if (f.present > f.expected) problems.push(v('vote_figures_invalid', `实到人数（${f.present}）不能多于应到人数（${f.expected}）`));
  if (f.written > f.expected - f.present) problems.push(v('vote_figures_invalid', `书面意见（${f.written}）只能来自未到会的有表决权党员（${Math.max(0, f.expected - f.present)} 名）`));
  if (f.yes + f.no + f.abstain > f.present + f.written) problems.push(v('vote_figures_invalid', `赞成、反对、弃权合计（${f.yes + f.no + f.abstain}）不能多于到会人数与书面意见数之和（${f.present + f.written}）`));
  const isQuorate = 2 * f.present > f.expected;
  const isPassed = isQuorate && 2 * f.yes > f.expected;
  const half = f.expected / 2;
  const arithmetic = [
    `应到会有表决权党员 ${f.expected} 名，半数为 ${half}`,
    `实到 ${f.present} 名，${isQuorate ? '超过' : '未超过'}半数：${isQuorate ? '会议有效' : '不足法定人数，不能表决'}`,
    `赞成 ${f.yes} 票（含书面意见），${2 * f.yes > f.expected ? '超过' : '未超过'}应到会有表决权党员的半数；反对 ${f.no} 票，弃权 ${f.abstain} 票`,
    `表决结果：${isPassed ? '通过' : '未通过'}`,
  ];
  return { result: { isQuorate, isPassed, arithmetic }, violations: problems };
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
  kind: 'talk' | 'assessment' | 'candidate_eligible' | 'public_notice_end' | 'approval' | 'probation_end' | 'conversion_approval';
  due: string;
  /** the latest allowed date with an approved extension, where the rules allow one */
  extendedDue?: string;
}

/** Deadlines that follow from one recorded fact (the deadline engine combines them per file). */
export function deadlinesAfter(rule: DevelopmentRule, step: number, date: string): Deadline[] {
  switch (step) {
    case 1:
      return [{ kind: 'talk', due: addMonths(date, rule.talkWithinMonths) }];
    case 3:
      return [
        { kind: 'assessment', due: addMonths(date, rule.assessmentEveryMonths) },
        { kind: 'candidate_eligible', due: earliestCandidateDate(rule, date) },
      ];
    case 15:
      return [
        { kind: 'approval', due: addMonths(date, rule.approvalWithinMonths), extendedDue: addMonths(date, rule.approvalExtendedMaxMonths) },
        { kind: 'probation_end', due: probationEnd(rule, date) },
      ];
    case 23:
      return [{ kind: 'conversion_approval', due: addMonths(date, rule.conversionApprovalWithinMonths) }];
    default:
      return [];
  }
}
