import { describe, expect, it } from 'vitest';
import { computeIdCheckChar, maskIdNumber, maskPhone, parseIdNumber } from '../../src/contracts/idcard';

// GB 11643-1999: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check chars "10X98765432".
describe('GB 11643 ID numbers', () => {
  const today = '2026-11-27';

  it('accepts the standard example from GB 11643 (11010519491231002X)', () => {
    const r = parseIdNumber('11010519491231002X', today);
    expect(r).toEqual({ ok: true, info: { normalized: '11010519491231002X', birthDate: '1949-12-31', sex: 'female' } });
  });

  it('computes the check character by hand-worked sums', () => {
    // 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 % 11 = 2 → 'X'
    expect(computeIdCheckChar('11010519491231002')).toBe('X');
    // 4*7+4*9+0*10+1*5+0*8+6*4+1*2+9*1+9*6+0*3+0*7+1*9+0*10+1*5+1*8+2*4+3*2 = 194; 194 % 11 = 7 → '5'
    expect(computeIdCheckChar('44010619900101123')).toBe('5');
  });

  it('accepts a lower-case x and normalises it', () => {
    const r = parseIdNumber('11010519491231002x', today);
    expect(r.ok && r.info.normalized).toBe('11010519491231002X');
  });

  it.each([
    ['11010519491231002', 'format'],
    ['1101051949123100211', 'format'],
    ['11010519491231002Y', 'format'],
    ['110105194912310021', 'checksum'],
    ['110105194902300028', 'birth_date'],
    ['110105203001010028', 'birth_date'],
  ])('rejects %s (%s)', (value, problem) => {
    expect(parseIdNumber(value, today)).toEqual({ ok: false, problem });
  });

  it('accepts 29 February only in leap years', () => {
    const leap = '11010520000229' + '001';
    const nonLeap = '11010519990229' + '001';
    expect(parseIdNumber(leap + computeIdCheckChar(leap), today).ok).toBe(true);
    expect(parseIdNumber(nonLeap + computeIdCheckChar(nonLeap), today)).toEqual({ ok: false, problem: 'birth_date' });
  });

  it('reads the sex from the 17th digit (odd = male)', () => {
    const male = '44010619900101123';
    const r = parseIdNumber(male + computeIdCheckChar(male), today);
    expect(r.ok && r.info.sex).toBe('male');
  });
});

describe('masking (RULES §9)', () => {
  it('shows the first 1 and last 2 characters of an ID number', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1***************2X');
  });
  it('shows the first 3 and last 4 digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});
