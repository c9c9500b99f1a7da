import { describe, expect, it } from 'vitest';
import { AGE_BANDS, ageBandOf, JOIN_PERIODS, joinPeriodOf } from '../../src/contracts/member-stats';
import { statsFromRollup } from '../../src/server/domains/member/member.rollups';

// The statistics' bands and periods (contracts data) at their boundaries, and
// the statistics built from rollup rows.

describe('age bands', () => {
  it('puts every boundary age in the band the annual statistics use', () => {
    const cases: Array<[number, string]> = [[18, 'upto25'], [25, 'upto25'], [26, '26_30'], [30, '26_30'], [31, '31_35'], [35, '31_35'], [36, '36_40'],
      [40, '36_40'], [41, '41_45'], [45, '41_45'], [46, '46_50'], [50, '46_50'], [51, '51_55'], [55, '51_55'], [56, '56_60'], [60, '56_60'], [61, '61plus'], [104, '61plus']];
    for (const [age, band] of cases) expect(ageBandOf(age), `age ${age}`).toBe(band);
  });
  it('has contiguous bands with no gap or overlap', () => {
    for (let i = 1; i < AGE_BANDS.length; i++) expect(AGE_BANDS[i].min).toBe((AGE_BANDS[i - 1].max ?? NaN) + 1);
  });
});

describe('入党时间 periods', () => {
  it('cuts at 1949.10, 1966.5, 1976.11, 1979.1, 2002.11 and 2012.11', () => {
    const cases: Array<[string | null, string]> = [['1945-08', 'before_1949_10'], ['1949-09', 'before_1949_10'], ['1949-10', '1949_10'], ['1966-04', '1949_10'],
      ['1966-05', '1966_05'], ['1976-10', '1966_05'], ['1976-11', '1976_11'], ['1978-12', '1976_11'], ['1979-01', '1979_01'], ['2002-10', '1979_01'],
      ['2002-11', '2002_11'], ['2012-10', '2002_11'], ['2012-11', '2012_11'], ['2026-12', '2012_11'], [null, 'unknown'], ['none', 'unknown']];
    for (const [month, period] of cases) expect(joinPeriodOf(month), String(month)).toBe(period);
  });
  it('has contiguous periods', () => {
    const next = (m: string) => { const [y, mo] = m.split('-').map(Number); return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`; };
    for (let i = 1; i < JOIN_PERIODS.length; i++) expect(JOIN_PERIODS[i].from).toBe(next(JOIN_PERIODS[i - 1].to!));
  });
});

describe('statsFromRollup', () => {
  it('derives bands from birth years as of the given date and splits 汉族 from minorities', () => {
    const rows = [
      { dimension: 'status', value: 'full', n: 3 }, { dimension: 'status', value: 'probationary', n: 1 }, { dimension: 'status', value: 'applicant', n: 2 },
      { dimension: 'birth_year', value: '2000', n: 1 }, { dimension: 'birth_year', value: '1965', n: 3 },
      { dimension: 'ethnicity', value: '汉族', n: 3 }, { dimension: 'ethnicity', value: '满族', n: 1 },
      { dimension: 'join_month', value: '2019-07', n: 2 }, { dimension: 'join_month', value: 'none', n: 1 }, { dimension: 'join_month', value: '1978-12', n: 1 },
      { dimension: 'org_type', value: 'branch', n: 2 },
    ];
    const s = statsFromRollup(rows, '2025-06-30');
    expect(s.members).toBe(4);
    expect(s.byAgeBand.filter((b) => b.n)).toEqual([{ key: 'upto25', n: 1 }, { key: '56_60', n: 3 }]);
    expect(statsFromRollup(rows, '2026-01-01').byAgeBand.filter((b) => b.n)).toEqual([{ key: '26_30', n: 1 }, { key: '61plus', n: 3 }]);
    expect(s.ethnicity).toEqual({ han: 3, minority: 1, byName: [{ key: '汉族', n: 3 }, { key: '满族', n: 1 }] });
    expect(s.byJoinPeriod.filter((p) => p.n)).toEqual([{ key: '1976_11', n: 1 }, { key: '2012_11', n: 2 }, { key: 'unknown', n: 1 }]);
    expect(s.orgsByType.find((o) => o.key === 'branch')).toEqual({ key: 'branch', n: 2 });
  });
});
