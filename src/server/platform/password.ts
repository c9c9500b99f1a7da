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

// The most common passwords of public breach corpora (and their usual
// Chinese-site variants); any password equal to one of them, ignoring case, is refused.
const COMMON = new Set(
  `123456 123456789 12345678 password qwerty123 qwerty 1234567 111111 1234567890 123123 abc123 1234 password1 iloveyou 1q2w3e4r
  000000 qwertyuiop 123321 password123 1q2w3e4r5t 654321 666666 888888 987654321 5201314 a123456 a123456789 woaini1314 qq123456
  123qwe 1qaz2wsx 1qaz2wsx3edc zxcvbnm asdfghjkl 112233 121212 123654 147258369 159753 7758521 520520 woaini 1314520 abc123456
  admin admin123 admin@123 root root123 test test123 welcome welcome1 letmein monkey dragon football baseball sunshine princess
  passw0rd p@ssw0rd p@ssword password@123 password!23 qwe123 qwe123456 aa123456 abcd1234 abcd@1234 admin@2024 admin@2025 admin@2026
  Aa123456 Aa123456! Aa@123456 Qwer1234 Qwer@1234 Abc@1234 Abc@123456 Admin@123 Admin@1234 Passw0rd! P@ssw0rd1 Welcome@123
  Huawei@123 Changeme123 changeme 11111111 88888888 00000000 12341234 123123123 147258 258369 qazwsxedc zaq12wsx 1q2w3e
  dangjian dangjian123 dangjian@123 Dangjian123 Dangjian@123 gongchandang 12345678a a12345678 1234qwer qwer1234 asdf1234`
    .split(/\s+/)
    .filter(Boolean)
    .map((p) => p.toLowerCase()),
);

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
  if (password.length < 8) problems.push('too_short');
  if (password.length > 128) problems.push('too_long');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < requiredClasses) problems.push('too_simple');
  if (COMMON.has(password.toLowerCase())) problems.push('common');
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) problems.push('contains_username');
  return problems;
}

export function describePasswordProblems(problems: PasswordProblem[], requiredClasses = 3): string {
  return problems.map((p) => PASSWORD_PROBLEM_MESSAGES[p].replace('{n}', String(requiredClasses))).join('；');
}
