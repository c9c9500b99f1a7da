import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hash, verify } from '@node-rs/argon2';

// argon2id with the OWASP-recommended parameters (19 MiB, t=2, p=1).
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// A hash to verify against when the user does not exist, so that timing does
// not reveal whether a username is known.
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  dummy ??= hash('not-a-real-password-0', OPTIONS);
  return dummy;
}

// The common-password list shipped with the code (common-passwords.txt, one per line).
const COMMON = new Set(
  fs.readFileSync(fileURLToPath(new URL('./common-passwords.txt', import.meta.url)), 'utf8')
    .split('\n')
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l && !l.startsWith('#')),
);

/** The password without its leading and trailing digits and symbols ("Dangjian@2026" → "dangjian"). */
function core(password: string): string {
  return password.toLowerCase().replace(/^[^a-z]+/, '').replace(/[^a-z]+$/, '');
}

export type PasswordProblem = 'too_short' | 'too_long' | 'too_simple' | 'common' | 'contains_username';

export const PASSWORD_PROBLEM_MESSAGES: Record<PasswordProblem, string> = {
  too_short: '密码至少8位',
  too_long: '密码不能超过128位',
  too_simple: '密码须包含大写字母、小写字母、数字、符号中的至少{n}类',
  common: '该密码过于常见，容易被猜中，请换一个',
  contains_username: '密码不能包含用户名',
};

/** Password policy (QUALITY): length ≥ 8, character classes (a deployment setting), not common, not the username. */
export function checkPasswordPolicy(password: string, username: string, requiredClasses = 3): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  // runs of whitespace count once: '        Aa1' is four characters of substance, a passphrase keeps its length
  if (password.replace(/\s+/g, ' ').length < 8) problems.push('too_short');
  if (password.length > 128) problems.push('too_long');
  // whitespace is not a symbol: '        Aa1' has three classes only in appearance
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9\s]/].filter((re) => re.test(password)).length;
  if (classes < requiredClasses) problems.push('too_simple');
  const c = core(password);
  if (COMMON.has(password.toLowerCase()) || (c.length >= 4 && COMMON.has(c))) problems.push('common');
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) problems.push('contains_username');
  return problems;
}

export function describePasswordProblems(problems: PasswordProblem[], requiredClasses = 3): string {
  return problems.map((p) => PASSWORD_PROBLEM_MESSAGES[p].replace('{n}', String(requiredClasses))).join('；');
}
