import type { TransferScope } from '../../../contracts/transfer';

// Pure rules of 组织关系转接 (RULES §4), unit-tested without a database.

/**
 * The scope of a transfer inside the installation: the same 基层党委 issues
 * and receives; else the same county (region); else the installation (the
 * city or system this platform serves).
 */
export function scopeBetween(from: { issuerId: string; regionKey: string | null }, to: { issuerId: string; regionKey: string | null }): TransferScope {
  if (from.issuerId === to.issuerId) return 'committee';
  if (from.regionKey && from.regionKey === to.regionKey) return 'county';
  return 'installation';
}

const CAPITAL_DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/** A number from 0 to 9999 in Chinese capital numerals (大写), e.g. 11 → 壹拾壹, 90 → 玖拾, 105 → 壹佰零伍. */
export function capitalNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 9999) throw new Error(`capitalNumber: ${n} out of range`);
  if (n === 0) return CAPITAL_DIGITS[0];
  const units = ['仟', '佰', '拾', ''];
  const digits = String(n).padStart(4, '0').split('').map(Number);
  let out = '';
  let zero = false;
  digits.forEach((d, i) => {
    if (d === 0) {
      zero = out.length > 0;
      return;
    }
    if (zero) out += CAPITAL_DIGITS[0];
    zero = false;
    out += CAPITAL_DIGITS[d] + units[i];
  });
  return out;
}

/** A year written digit by digit in capitals (2026 → 贰零贰陆), as on filled-in forms. */
export function capitalYear(year: number): string {
  return String(year).split('').map((d) => CAPITAL_DIGITS[Number(d)]).join('');
}

/** 'YYYY-MM' → 贰零贰陆年壹拾壹月 (the month dues are paid up to, as the letter prints it). */
export function capitalMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${capitalYear(y)}年${capitalNumber(m)}月`;
}

/** 'YYYY-MM-DD' → 2026年12月4日 (dates on the letter in the usual written form). */
export function writtenDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
