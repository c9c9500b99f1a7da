import { describe, expect, it } from 'vitest';
import {
  checkActivistPeriod, checkApplicantAge, checkBeforePreliminaryReview, checkConversionDate, checkExtension, checkIntroducers, checkStepOrder,
  deadlinesAfter, evaluateVote, probationEnd, type DevelopmentRule,
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
    expect(vote(16, 12, 9).arithmetic.join('\n')).toContain('半数为 8');
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

describe('deadlines', () => {
  it('talk within a month; assessment every 6 months; approval within 3 (6 extended); conversion approval within 3', () => {
    expect(deadlinesAfter(rule, 1, '2025-01-31')).toEqual([{ kind: 'talk', due: '2025-02-28' }]);
    expect(deadlinesAfter(rule, 3, '2025-03-31')).toEqual([{ kind: 'assessment', due: '2025-09-30' }, { kind: 'candidate_eligible', due: '2026-03-31' }]);
    expect(deadlinesAfter(rule, 15, '2025-07-01')).toEqual([{ kind: 'approval', due: '2025-10-01', extendedDue: '2026-01-01' }, { kind: 'probation_end', due: '2026-07-01' }]);
    expect(deadlinesAfter(rule, 23, '2026-07-01')).toEqual([{ kind: 'conversion_approval', due: '2026-10-01' }]);
  });
});
