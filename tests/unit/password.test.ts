import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy } from '../../src/server/platform/password';

describe('password policy', () => {
  it('accepts a long password with three character classes', () => {
    expect(checkPasswordPolicy('Hongqi#Piaopiao7', 'secretary1')).toEqual([]);
  });
  it('rejects passwords shorter than 8 characters', () => {
    expect(checkPasswordPolicy('Ab1@xyz', 'someone')).toContain('too_short');
    expect(checkPasswordPolicy('Ab1@xyzw', 'someone')).not.toContain('too_short');
  });
  it('requires the configured number of character classes', () => {
    expect(checkPasswordPolicy('abcdefgh12', 'someone')).toContain('too_simple');
    expect(checkPasswordPolicy('abcdefgh12', 'someone', 2)).not.toContain('too_simple');
  });
  it('rejects common breached passwords regardless of case', () => {
    expect(checkPasswordPolicy('P@ssw0rd', 'someone')).toContain('common');
    expect(checkPasswordPolicy('ADMIN@123', 'someone')).toContain('common');
  });
  it('rejects a common word dressed with digits and symbols (the public demo password among them)', () => {
    expect(checkPasswordPolicy('Dangjian@2026', 'secretary1')).toContain('common');
    expect(checkPasswordPolicy('!!Password2027', 'someone')).toContain('common');
    expect(checkPasswordPolicy('Dangjian@2026x', 'someone')).not.toContain('common');
  });
  it('does not count whitespace as a symbol, nor a run of it as length', () => {
    expect(checkPasswordPolicy('        Aa1', 'someone')).toEqual(['too_short']);
    expect(checkPasswordPolicy('red flag over the square 7', 'someone', 2)).toEqual([]);
    expect(checkPasswordPolicy('abcd efgh 12', 'someone')).toEqual(['too_simple']);
    expect(checkPasswordPolicy('abcd!efgh 12', 'someone')).toEqual([]);
  });
  it('rejects a password containing the username', () => {
    expect(checkPasswordPolicy('Xzhangsan@1', 'zhangsan')).toContain('contains_username');
  });
});
