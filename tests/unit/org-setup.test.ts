import { describe, expect, it } from 'vitest';
import { evaluateSetup, canBeChildOf, type SetupFacts } from '../../src/server/domains/org';

// RULES §3 numbers as stored in migration 0001 (rule org.setup).
const rule = { minFullMembers: 3, maxMembers: 50, committeeFromFullMembers: 7, termYearsVillageCommunity: 5, termYearsOther: 3, termWarningDays: 90 };
const base: SetupFacts = { type: 'branch', isDissolved: false, fullMembers: 10, probationaryMembers: 0, hasCommittee: true, committeePostCount: 4, termEndsOn: '2028-01-01' };
const today = '2026-11-27';
const codes = (f: Partial<SetupFacts>) => evaluateSetup({ ...base, ...f }, rule, 'src', today).map((w) => w.code);

describe('org setup checks (RULES §3)', () => {
  it('a healthy branch has no warnings', () => {
    expect(codes({})).toEqual([]);
  });
  it('fewer than 3 full members: 2 warns, 3 does not', () => {
    expect(codes({ fullMembers: 2, committeePostCount: 1 })).toContain('too_few_full_members');
    expect(codes({ fullMembers: 3, committeePostCount: 1 })).not.toContain('too_few_full_members');
  });
  it('more than 50 members: 50 does not warn, 51 does (probationary members count)', () => {
    expect(codes({ fullMembers: 45, probationaryMembers: 5 })).not.toContain('too_many_members');
    expect(codes({ fullMembers: 45, probationaryMembers: 6 })).toContain('too_many_members');
  });
  it('7 full members without a committee warns, 6 does not', () => {
    expect(codes({ fullMembers: 7, committeePostCount: 1 })).toContain('committee_required');
    expect(codes({ fullMembers: 6, committeePostCount: 1 })).not.toContain('committee_required');
  });
  it('term expiring within 90 days warns; the day before the window does not; past the end is overdue', () => {
    expect(codes({ termEndsOn: '2027-02-25' })).toContain('term_expiring'); // 90 days ahead
    expect(codes({ termEndsOn: '2027-02-26' })).not.toContain('term_expiring'); // 91 days ahead
    expect(codes({ termEndsOn: '2026-11-27' })).toContain('term_expiring'); // ends today
    expect(codes({ termEndsOn: '2026-11-26' })).toContain('term_overdue');
  });
  it('a committee without a 书记 warns; with one, or when not known, it does not', () => {
    expect(codes({ hasSecretary: false })).toContain('no_secretary');
    expect(codes({ hasSecretary: true })).not.toContain('no_secretary');
    expect(codes({})).not.toContain('no_secretary');
    expect(codes({ hasCommittee: false, hasSecretary: false, termEndsOn: null })).not.toContain('no_secretary');
  });
  it('party groups and dissolved orgs are not checked', () => {
    expect(codes({ type: 'party_group', fullMembers: 1 })).toEqual([]);
    expect(codes({ isDissolved: true, fullMembers: 1 })).toEqual([]);
  });
  it('structure: a party group sits under a branch, a branch not under a party group', () => {
    expect(canBeChildOf('party_group', 'branch')).toBe(true);
    expect(canBeChildOf('branch', 'party_group')).toBe(false);
    expect(canBeChildOf('committee', 'branch')).toBe(false);
  });
});
