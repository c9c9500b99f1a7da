import { describe, expect, it } from 'vitest';
import { addMonthsTo, arrearsLevel, backPayNeedsApproval, baseFromComponents, consecutiveUnpaid, monthEnd, quote, roundDues, type DuesRule } from '../../src/server/domains/dues';
import { DUES_CATEGORIES, type DuesCategory } from '../../src/contracts/dues';

// RULES §2 brackets at, just below and just above every boundary, for every
// category. The numbers are written here from the rule text (中组发〔2008〕3号),
// and the expected amounts by hand: base × rate, half up to 分.
const rule: DuesRule = {
  salariedBrackets: [{ upToFen: 300000, rateBp: 50 }, { upToFen: 500000, rateBp: 100 }, { upToFen: 1000000, rateBp: 150 }, { upToFen: null, rateBp: 200 }],
  retiredBrackets: [{ upToFen: 500000, rateBp: 50 }, { upToFen: null, rateBp: 100 }],
  farmerFen: 20, fixedFen: 20, rounding: 'fen', deductSocialInsurance: false, backPayMaxMonths: 6, voluntaryLargeFen: 100000, arrearsWarnMonths: 3, arrearsActionMonths: 6,
};

const salaried: Array<[number, number, number]> = [
  // base 分, rate bp, amount 分
  [299999, 50, 1500], // 2999.99 × 0.5 % = 14.99995 → 15.00
  [300000, 50, 1500], // 3000 × 0.5 % = 15.00
  [300001, 100, 3000], // 3000.01 × 1 % = 30.0001 → 30.00
  [499999, 100, 5000], // 4999.99 × 1 % = 49.9999 → 50.00
  [500000, 100, 5000],
  [500001, 150, 7500], // 5000.01 × 1.5 % = 75.00015 → 75.00
  [999999, 150, 15000], // 9999.99 × 1.5 % = 149.99985 → 150.00
  [1000000, 150, 15000],
  [1000001, 200, 20000], // 10000.01 × 2 % = 200.0002 → 200.00
  [0, 50, 0],
  [123457, 50, 617], // 1234.57 × 0.5 % = 6.17285 → 6.17
  [123500, 50, 618], // 1235.00 × 0.5 % = 6.175 → 6.18 (half up)
];

describe('salaried categories: one rate on the whole base', () => {
  for (const category of ['in_service', 'annual_salary', 'self_employed'] as DuesCategory[]) {
    it.each(salaried)(`${category}: base %i 分 → %i bp, %i 分`, (base, bp, amount) => {
      const q = quote(rule, category, base);
      expect(q.rateBp).toBe(bp);
      expect(q.amountFen).toBe(amount);
    });
  }
});

describe('retired: 0.5 % up to 5000 元, 1 % above', () => {
  it.each([
    [499999, 50, 2500], // 4999.99 × 0.5 % = 24.99995 → 25.00
    [500000, 50, 2500],
    [500001, 100, 5000], // 5000.01 × 1 % = 50.0001 → 50.00
    [1000000, 100, 10000],
  ])('base %i 分 → %i bp, %i 分', (base, bp, amount) => {
    const q = quote(rule, 'retired', base);
    expect([q.rateBp, q.amountFen]).toEqual([bp, amount]);
  });
});

describe('fixed amounts', () => {
  it('farmers pay the province\'s fixed amount; students, the unemployed, those on relief or low income 0.2 元', () => {
    for (const c of ['student', 'unemployed', 'relief', 'low_income'] as DuesCategory[]) expect(quote(rule, c, null)).toMatchObject({ amountFen: 20, rateBp: null });
    expect(quote({ ...rule, farmerFen: 100 }, 'farmer', null).amountFen).toBe(100);
    expect(quote(rule, 'farmer', 999999).amountFen).toBe(20);
  });
  it('covers every category', () => {
    for (const c of Object.keys(DUES_CATEGORIES) as DuesCategory[]) expect(quote(rule, c, 300000).amountFen).toBeGreaterThanOrEqual(0);
  });
});

describe('rounding [local]', () => {
  it('half up to 分 by default, to 角 where the local rule says so', () => {
    expect(roundDues(123500, 50, 'fen')).toBe(618);
    expect(roundDues(123400, 50, 'fen')).toBe(617); // 6.17
    expect(roundDues(123000, 50, 'jiao')).toBe(620); // 6.15 → 6.2
    expect(roundDues(122900, 50, 'jiao')).toBe(610); // 6.145 → 6.1
  });
  it('explains the computation', () => {
    expect(quote(rule, 'in_service', 456789).explanation).toBe('基数 4567.89 元，属3000 元以上至 5000 元（含），按 1% 交纳：4567.89 × 1% = 45.68 元（四舍五入到分）');
  });
});

describe('the base from its components', () => {
  const components = [
    { item: '岗位工资', kind: 'include' as const, amountFen: 400000 },
    { item: '基础性绩效', kind: 'include' as const, amountFen: 150000 },
    { item: '奖励性绩效', kind: 'exclude' as const, amountFen: 200000 },
    { item: '住房公积金（个人）', kind: 'deduct' as const, amountFen: 60000 },
  ];
  it('counts included items; excluded never; deductions only where the local rule deducts them', () => {
    expect(baseFromComponents(rule, components)).toBe(550000);
    expect(baseFromComponents({ ...rule, deductSocialInsurance: true }, components)).toBe(490000);
  });
});

describe('back payment, arrears', () => {
  it('up to 6 months back is a normal back payment; the 7th month back needs approval', () => {
    expect(backPayNeedsApproval(rule, '2026-05', '2026-11-27')).toBe(false);
    expect(backPayNeedsApproval(rule, '2026-04', '2026-11-27')).toBe(true);
  });
  it('counts consecutive unpaid months; a 0 due (exempt) month is skipped; warns at 3, acts at 6', () => {
    const bills = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'].map((month, i) => ({ month, dueFen: month === '2026-08' ? 0 : 1500, paid: i === 0 }));
    expect(consecutiveUnpaid(bills, '2026-11')).toBe(5);
    // counted over the bills, not back from the calendar month: December's bill
    // is not generated yet, and a bill after asOf does not count
    expect(consecutiveUnpaid(bills, '2026-12')).toBe(5);
    expect(consecutiveUnpaid(bills, '2026-09')).toBe(3);
    expect(consecutiveUnpaid([...bills].reverse(), '2027-03')).toBe(5);
    expect(arrearsLevel(rule, 2)).toBe('none');
    expect(arrearsLevel(rule, 3)).toBe('warn');
    expect(arrearsLevel(rule, 5)).toBe('warn');
    expect(arrearsLevel(rule, 6)).toBe('action');
  });
  it('month arithmetic', () => {
    expect(addMonthsTo('2026-01', -1)).toBe('2025-12');
    expect(addMonthsTo('2025-12', 1)).toBe('2026-01');
    expect(monthEnd('2024-02')).toBe('2024-02-29');
  });
});
