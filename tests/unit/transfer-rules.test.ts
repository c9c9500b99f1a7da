import { describe, expect, it } from 'vitest';
import { capitalMonth, capitalNumber, capitalYear, scopeBetween, writtenDate } from '../../src/server/domains/transfer/transfer.policy';

describe('capital numerals on the transfer letter', () => {
  it('writes numbers as on filled-in forms', () => {
    const cases: Array<[number, string]> = [[0, '零'], [1, '壹'], [9, '玖'], [10, '壹拾'], [11, '壹拾壹'], [20, '贰拾'], [30, '叁拾'], [90, '玖拾'], [100, '壹佰'], [105, '壹佰零伍'], [110, '壹佰壹拾'], [1001, '壹仟零壹'], [2026, '贰仟零贰拾陆']];
    for (const [n, want] of cases) expect(capitalNumber(n), String(n)).toBe(want);
    expect(() => capitalNumber(10000)).toThrow();
    expect(() => capitalNumber(1.5)).toThrow();
  });

  it('writes a year digit by digit and a month with its number', () => {
    expect(capitalYear(2026)).toBe('贰零贰陆');
    expect(capitalYear(2030)).toBe('贰零叁零');
    expect(capitalMonth('2026-11')).toBe('贰零贰陆年壹拾壹月');
    expect(capitalMonth('2027-01')).toBe('贰零贰柒年壹月');
    expect(capitalMonth('2027-10')).toBe('贰零贰柒年壹拾月');
    expect(writtenDate('2026-12-04')).toBe('2026年12月4日');
  });
});

describe('the scope of a transfer inside the installation', () => {
  it('is the 基层党委 when both branches share it, else the county, else the installation', () => {
    expect(scopeBetween({ issuerId: 'a', regionKey: 'r' }, { issuerId: 'a', regionKey: 'r' })).toBe('committee');
    expect(scopeBetween({ issuerId: 'a', regionKey: 'r' }, { issuerId: 'b', regionKey: 'r' })).toBe('county');
    expect(scopeBetween({ issuerId: 'a', regionKey: 'r' }, { issuerId: 'b', regionKey: 's' })).toBe('installation');
    expect(scopeBetween({ issuerId: 'a', regionKey: null }, { issuerId: 'b', regionKey: null })).toBe('installation');
  });
});
