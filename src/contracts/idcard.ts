// GB 11643-1999 citizen ID numbers: 17 digits + an ISO 7064 MOD 11-2 check
// character ('X' stands for 10); digits 7–14 are the birth date (YYYYMMDD),
// digit 17 is odd for men and even for women. Pure; used by server and web.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

export type IdNumberProblem = 'format' | 'checksum' | 'birth_date';

export interface IdNumberInfo {
  normalized: string;
  birthDate: string; // YYYY-MM-DD
  sex: 'male' | 'female';
}

export function computeIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

function isRealDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Validates an ID number; `today` (YYYY-MM-DD) bounds the birth date. */
export function parseIdNumber(raw: string, today: string): { ok: true; info: IdNumberInfo } | { ok: false; problem: IdNumberProblem } {
  const value = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, problem: 'format' };
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const birthDate = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (y < 1880 || !isRealDate(y, m, d) || birthDate > today) return { ok: false, problem: 'birth_date' };
  if (computeIdCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, problem: 'checksum' };
  return { ok: true, info: { normalized: value, birthDate, sex: Number(value[16]) % 2 === 1 ? 'male' : 'female' } };
}

export const ID_PROBLEM_MESSAGES: Record<IdNumberProblem, string> = {
  format: '身份证号应为18位，前17位为数字，最后一位为数字或X',
  checksum: '身份证号校验码不正确，请核对每一位数字',
  birth_date: '身份证号中的出生日期不是有效日期',
};

// RULES §9 display masking.
export function maskIdNumber(value: string): string {
  if (value.length < 4) return '*'.repeat(value.length);
  return value[0] + '*'.repeat(value.length - 3) + value.slice(-2);
}

export function maskPhone(value: string): string {
  if (value.length < 8) return '*'.repeat(value.length);
  return value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}

export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
