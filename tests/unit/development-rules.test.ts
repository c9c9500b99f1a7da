import { describe, expect, it } from 'vitest';
import {
  approvedExtensions, checkActivistPeriod, checkApplicantAge, checkApprovalTiming, checkBeforePreliminaryReview, checkConversionDate, checkExtension, checkIntroducers,
  checkResubmission, checkStepOrder, conversionRound, evaluateVote, fileDeadlines, fileProbationEnd, isConverted, probationEnd, stepBlockers, type DevelopmentRule,
} from '../../src/server/domains/development';
import { EMPTY_CALENDAR, type WorkCalendar } from '../../src/server/platform/workdays';

// RULES §1 at and around every boundary: the day before, the day, the day after.
// The numbers are written here from the rule text, not read from the code.
const rule: DevelopmentRule = {
  minApplicantAge: 18, talkWithinMonths: 1, assessmentEveryMonths: 6, thoughtReportEveryMonths: 3, activistMinYears: 1, introducerCount: 2,
  politicalReviewValidYears: 1, trainingMinDays: 3, trainingMinHours: 24, publicNoticeWorkingDays: 5, leavingUnitMonths: 3, approvalWithinMonths: 3,
  approvalExtendedMaxMonths: 6, resubmitAfterRejectionMonths: 6, probationYears: 1, extensionMinMonths: 6, extensionMaxMonths: 12, maxExtensions: 1,
  conversionApprovalWithinMonths: 3,
};
const codes = (vs: Array<{ code: string }>) => vs.map((x) => x.code);

describe('applicant age ≥ 18 on the application date', () => {
  it.each([
    ['2008-03-14', false],
    ['2008-03-15', true],
    ['2008-03-16', true],
  ])('born 1990-03-15, applying on %s → allowed %s', (date, ok) => {
    expect(checkApplicantAge(rule, '1990-03-15', date).length === 0).toBe(ok);
  });
  it('born on 29 February: adult on 28 February of a common year', () => {
    expect(checkApplicantAge(rule, '2004-02-29', '2022-02-27')).toHaveLength(1);
    expect(checkApplicantAge(rule, '2004-02-29', '2022-02-28')).toEqual([]);
  });
});

describe('≥ 1 year as activist before becoming a development target', () => {
  it.each([
    ['2025-06-30', ['activist_period_too_short']],
    ['2025-07-01', []],
    ['2025-07-02', []],
  ])('activist 2024-07-01, target on %s', (date, want) => {
    expect(codes(checkActivistPeriod(rule, '2024-07-01', date))).toEqual(want);
  });
});

describe('introducers', () => {
  const full = (name: string) => ({ name, status: 'full' as const, isOnProbationDiscipline: false });
  it('exactly two full members', () => {
    expect(checkIntroducers(rule, [full('甲'), full('乙')])).toEqual([]);
    expect(codes(checkIntroducers(rule, [full('甲')]))).toEqual(['introducers_count']);
    expect(codes(checkIntroducers(rule, [full('甲'), full('乙'), full('丙')]))).toEqual(['introducers_count']);
  });
  it('a probationary member or one under 留党察看 cannot introduce', () => {
    expect(codes(checkIntroducers(rule, [full('甲'), { name: '乙', status: 'probationary', isOnProbationDiscipline: false }]))).toEqual(['introducer_not_full_member']);
    expect(codes(checkIntroducers(rule, [full('甲'), { ...full('乙'), isOnProbationDiscipline: true }]))).toEqual(['introducer_on_probation_discipline']);
  });
});

describe('before the superior\'s 预审: 政审, 培训 and 公示', () => {
  const facts = { politicalReviewDate: '2025-03-01', training: { days: 3, hours: 0 }, publicNoticeStart: '2025-03-03', leavesUnitOn: null };
  // 公示 from Monday 2025-03-03: five working days end Friday 03-07; 预审 from Saturday 03-08 (2025 is a configured year)
  const cal: WorkCalendar = { configuredYears: new Set([2025]), days: new Map() };
  it.each([
    ['2025-03-07', ['public_notice_too_short']],
    ['2025-03-08', []],
    ['2025-03-10', []],
  ])('预审 on %s', (date, want) => {
    expect(codes(checkBeforePreliminaryReview(rule, cal, facts, date))).toEqual(want);
  });
  it('training: 3 days or 24 学时; 2 days and 23 学时 is not enough', () => {
    const at = '2025-03-10';
    expect(checkBeforePreliminaryReview(rule, cal, { ...facts, training: { days: 2, hours: 24 } }, at)).toEqual([]);
    expect(codes(checkBeforePreliminaryReview(rule, cal, { ...facts, training: { days: 2, hours: 23 } }, at))).toEqual(['training_too_short']);
    expect(codes(checkBeforePreliminaryReview(rule, cal, { ...facts, training: null }, at))).toEqual(['training_missing']);
  });
  it('no admission without 政审; a 政审 older than a year must be redone', () => {
    expect(codes(checkBeforePreliminaryReview(rule, cal, { ...facts, politicalReviewDate: null }, '2025-03-10'))).toEqual(['political_review_missing']);
    expect(checkBeforePreliminaryReview(rule, cal, { ...facts, politicalReviewDate: '2024-03-10' }, '2025-03-10')).toEqual([]);
    expect(codes(checkBeforePreliminaryReview(rule, cal, { ...facts, politicalReviewDate: '2024-03-09' }, '2025-03-10'))).toEqual(['political_review_expired']);
  });
  it('someone leaving the unit within 3 months is not admitted', () => {
    expect(codes(checkBeforePreliminaryReview(rule, cal, { ...facts, leavesUnitOn: '2025-06-10' }, '2025-03-10'))).toEqual(['leaving_unit_soon']);
    expect(checkBeforePreliminaryReview(rule, cal, { ...facts, leavesUnitOn: '2025-06-11' }, '2025-03-10')).toEqual([]);
  });
  it('without a configured calendar the 公示 end is computed Monday–Friday and marked provisional', () => {
    const [problem] = checkBeforePreliminaryReview(rule, EMPTY_CALENDAR, facts, '2025-03-07');
    expect(problem.message).toContain('暂定');
  });
});

describe('支部大会 vote arithmetic (quorum and passing over the expected number)', () => {
  const vote = (expected: number, present: number, yes: number, written = 0) => evaluateVote({ expected, present, written, yes, no: present + written - yes, abstain: 0 }).result;
  it('8 of 16 present is not a quorum; 9 is', () => {
    expect(vote(16, 8, 8).isQuorate).toBe(false);
    expect(vote(16, 9, 9).isQuorate).toBe(true);
  });
  it('yes votes equal to half of the expected do not pass; one more does', () => {
    expect(vote(16, 12, 8).isPassed).toBe(false);
    expect(vote(16, 12, 9).isPassed).toBe(true);
  });
  it('written opinions of absent members count as votes but not towards the quorum', () => {
    expect(vote(16, 9, 9, 0).isPassed).toBe(true);
    const r = evaluateVote({ expected: 16, present: 8, written: 5, yes: 12, no: 1, abstain: 0 }).result;
    expect(r).toMatchObject({ isQuorate: false, isPassed: false });
    expect(evaluateVote({ expected: 16, present: 9, written: 3, yes: 9, no: 3, abstain: 0 }).result.isPassed).toBe(true);
  });
  it('an odd expected number: 7 expected needs 4 present and 4 yes', () => {
    expect(vote(7, 3, 3).isQuorate).toBe(false);
    expect(vote(7, 4, 4).isPassed).toBe(true);
  });
  it('shows the arithmetic and refuses impossible figures', () => {
    expect(vote(16, 12, 9).arithmetic.join('\n')).toContain('应到 16 名的半数（8）');
    expect(codes(evaluateVote({ expected: 10, present: 11, written: 0, yes: 5, no: 0, abstain: 0 }).violations)).toContain('vote_figures_invalid');
    expect(codes(evaluateVote({ expected: 10, present: 8, written: 3, yes: 5, no: 0, abstain: 0 }).violations)).toContain('vote_figures_invalid');
    expect(codes(evaluateVote({ expected: 10, present: 8, written: 0, yes: 6, no: 2, abstain: 1 }).violations)).toContain('vote_figures_invalid');
  });
});

describe('probation, extension and conversion', () => {
  it('probation is exactly one year from the resolution', () => {
    expect(probationEnd(rule, '2025-07-01')).toBe('2026-07-01');
    expect(codes(checkConversionDate(rule, '2025-07-01', [], '2026-06-30'))).toEqual(['probation_not_ended']);
    expect(checkConversionDate(rule, '2025-07-01', [], '2026-07-01')).toEqual([]);
    expect(checkConversionDate(rule, '2025-07-01', [], '2026-07-02')).toEqual([]);
  });
  it('an extension of 6–12 months, once, moves the end', () => {
    expect(codes(checkExtension(rule, [], 5))).toEqual(['extension_invalid']);
    expect(checkExtension(rule, [], 6)).toEqual([]);
    expect(checkExtension(rule, [], 12)).toEqual([]);
    expect(codes(checkExtension(rule, [], 13))).toEqual(['extension_invalid']);
    expect(codes(checkExtension(rule, [6], 6))).toEqual(['extension_repeated']);
    expect(probationEnd(rule, '2025-07-01', [6])).toBe('2027-01-01');
  });
});

describe('order of steps', () => {
  const recorded = (entries: Array<[number, string]>) => new Map(entries);
  it('stages in order: a development target needs the activist steps first', () => {
    expect(codes(checkStepOrder(7, '2025-08-01', recorded([[1, '2024-01-02'], [2, '2024-01-20'], [3, '2024-07-01']])))).toEqual(['step_out_of_order', 'step_out_of_order', 'step_out_of_order']);
  });
  it('unordered steps of a stage may share a day; a step cannot predate its prerequisite', () => {
    const r = recorded([[7, '2025-08-01']]);
    for (const s of [8, 9, 10, 11]) expect(checkStepOrder(s, '2025-08-01', r)).toEqual([]);
    expect(codes(checkStepOrder(9, '2025-07-31', r))).toEqual(['step_before_prerequisite']);
  });
});

// 2025 National Day and Mid-Autumn (国办发明电〔2024〕12号): 1–8 October off, Sunday 28 September and Saturday 11 October worked
const cal2025: WorkCalendar = {
  configuredYears: new Set([2025]),
  days: new Map<string, 'holiday' | 'workday'>([
    ...['01', '02', '03', '04', '05', '06', '07', '08'].map((d) => [`2025-10-${d}`, 'holiday'] as [string, 'holiday']),
    ['2025-09-28', 'workday'], ['2025-10-11', 'workday'],
  ]),
};
const steps = (...xs: Array<[number, string, Record<string, unknown>?]>) => xs.map(([step, date, data]) => ({ step, date, data: data ?? {} }));
const kinds = (ds: Array<{ kind: string; due: string; extendedDue?: string }>) => Object.fromEntries(ds.map((d) => [d.kind, d.extendedDue ? `${d.due}/${d.extendedDue}` : d.due]));

describe('deadlines of a file (the engine)', () => {
  it('talk within a month of the application (end of month when the day does not exist)', () => {
    expect(kinds(fileDeadlines(rule, EMPTY_CALENDAR, { steps: steps([1, '2025-01-31']), votes: [] }))).toEqual({ talk: '2025-02-28' });
    expect(kinds(fileDeadlines(rule, EMPTY_CALENDAR, { steps: steps([1, '2025-01-31'], [2, '2025-02-10']), votes: [] }))).toEqual({});
  });

  it('activists: assessment 6 months after the last one, 思想汇报 3 months after the last report, the 1-year point', () => {
    const f = { steps: steps([1, '2024-01-01'], [2, '2024-01-10'], [3, '2025-03-31'], [6, '2025-09-30']), votes: [], reports: ['2025-06-15', '2024-12-01'] };
    // a report before the activist date does not count
    expect(kinds(fileDeadlines(rule, EMPTY_CALENDAR, f))).toEqual({ assessment: '2026-03-30', thought_report: '2025-09-15', candidate_eligible: '2026-03-31' });
    expect(kinds(fileDeadlines(rule, EMPTY_CALENDAR, { ...f, reports: [] }))).toMatchObject({ thought_report: '2025-06-30' });
  });

  it('公示 end on working days; approval within 3 months, 6 at most; probation end; conversion approval within 3 months', () => {
    const upTo12 = steps([1, '2023-01-01'], [2, '2023-01-05'], [3, '2023-02-01'], [4, '2023-02-01'], [5, '2023-02-01'], [6, '2023-08-01'], [7, '2024-02-01'], [8, '2024-02-02'], [9, '2024-02-02'], [10, '2024-03-01'], [11, '2024-03-01'], [12, '2025-09-26', { publicNoticeStart: '2025-09-29' }]);
    expect(kinds(fileDeadlines(rule, cal2025, { steps: upTo12, votes: [], reports: ['2025-09-01'] }))).toEqual({ thought_report: '2025-12-01', public_notice_end: '2025-10-11' });
    const voted = [...upTo12, ...steps([13, '2025-10-13'], [14, '2025-10-20'], [15, '2025-07-01'])];
    expect(kinds(fileDeadlines(rule, cal2025, { steps: voted, votes: [], reports: ['2025-09-01'] }))).toEqual({ thought_report: '2025-12-01', approval: '2025-10-01/2026-01-01' });
    const admitted = [...voted, ...steps([16, '2025-07-10'], [17, '2025-08-01'])];
    expect(kinds(fileDeadlines(rule, cal2025, { steps: admitted, votes: [], reports: ['2025-09-01'] }))).toEqual({ thought_report: '2025-12-01', probation_end: '2026-07-01' });
    const discussed = [...admitted, ...steps([22, '2026-06-20'], [23, '2026-07-01'])];
    const convert = { kind: 'conversion' as const, round: 1, meetingDate: '2026-07-01', isPassed: true, outcome: 'convert' as const, extensionMonths: null };
    expect(kinds(fileDeadlines(rule, cal2025, { steps: discussed, votes: [convert], reports: ['2026-06-01'] }))).toEqual({ thought_report: '2026-09-01', conversion_approval: '2026-10-01' });
    // once the conversion is approved nothing is due but the archiving
    const approved = { steps: [...discussed, ...steps([24, '2026-07-20'])], votes: [convert], reports: [] };
    expect(isConverted(approved)).toBe(true);
    expect(fileDeadlines(rule, cal2025, approved)).toEqual([]);
    expect(stepBlockers(approved, 25)).toEqual([]);
  });

  it('an approved extension opens a second round of 22–24 and moves the probation end', () => {
    const base = steps([15, '2025-07-01'], [16, '2025-07-05'], [17, '2025-08-01'], [22, '2026-06-20'], [23, '2026-07-01'], [24, '2026-07-15']);
    const extend = { kind: 'conversion' as const, round: 1, meetingDate: '2026-07-01', isPassed: true, outcome: 'extend' as const, extensionMonths: 6 };
    const f = { steps: base, votes: [extend] };
    expect(approvedExtensions(f)).toEqual([6]);
    expect(conversionRound(f)).toBe(2);
    expect(fileProbationEnd(rule, f)).toBe('2027-01-01');
    expect(stepBlockers(f, 22)).toEqual([]);
    expect(stepBlockers(f, 23)).toEqual(['须先完成第22步“提出转正申请”']);
    expect(stepBlockers(f, 25)).toEqual(['须在转正审批通过后归档']);
    // before the superior approves the extension, the first round is still open
    const pending = { steps: base.slice(0, 5), votes: [extend] };
    expect(approvedExtensions(pending)).toEqual([]);
    expect(stepBlockers(pending, 22)).toEqual(['第22步“提出转正申请”已登记']);
  });
});

describe('superior approval timing and resubmission [local]', () => {
  it('approval: up to 3 months plain, up to 6 with a reason, refused after', () => {
    expect(checkApprovalTiming(rule, '2025-01-31', '2025-04-30', null)).toEqual([]);
    expect(codes(checkApprovalTiming(rule, '2025-01-31', '2025-05-01', null))).toEqual(['approval_extension_reason']);
    expect(checkApprovalTiming(rule, '2025-01-31', '2025-07-31', '本人外出')).toEqual([]);
    expect(codes(checkApprovalTiming(rule, '2025-01-31', '2025-08-01', '本人外出'))).toEqual(['approval_too_late']);
  });

  it('a rejected applicant may apply again 6 months after the rejection, not a day earlier', () => {
    expect(codes(checkResubmission(rule, '2025-03-15', '2025-09-14'))).toEqual(['resubmit_too_soon']);
    expect(checkResubmission(rule, '2025-03-15', '2025-09-15')).toEqual([]);
    expect(checkResubmission(rule, null, '2025-01-01')).toEqual([]);
  });
});
