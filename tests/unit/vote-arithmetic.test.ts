import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { voteArithmetic } from '../../src/contracts/vote';
import { evaluateVote } from '../../src/server/domains/development/development.policy';

// The 支部大会 arithmetic the vote form shows while the secretary types must
// say what the server will decide: quorum when 2 × present > expected, passed
// when 2 × yes > expected (RULES §1) — 8 of 16 is not more than half.

describe('vote arithmetic in the form', () => {
  it('says the meeting is invalid when exactly half are present', () => {
    const a = voteArithmetic({ expected: 16, present: 8, written: 0, yes: 8, no: 0, abstain: 0 });
    expect(a.isQuorate).toBe(false);
    expect(a.isPassed).toBe(false);
    expect(a.lines[0]).toBe('实到 8 名，未超过应到 16 名的半数（8），会议无效');
  });

  it('shows half of an odd number with one decimal', () => {
    const a = voteArithmetic({ expected: 15, present: 8, written: 0, yes: 8, no: 0, abstain: 0 });
    expect(a.lines[0]).toBe('实到 8 名，超过应到 15 名的半数（7.5），会议有效');
    expect(a.isPassed).toBe(true);
  });

  it('names impossible figures', () => {
    const a = voteArithmetic({ expected: 10, present: 11, written: 1, yes: 12, no: 0, abstain: 0 });
    expect(a.problems).toEqual(['实到人数（11）不能多于应到人数（10）', '书面意见（1）只能来自未到会的有表决权党员（0 名）']);
  });

  it('quorum and result follow the integer rule for any figures, and the server records what the form showed', () => {
    const n = fc.integer({ min: 0, max: 60 });
    fc.assert(
      fc.property(n, n, n, n, n, n, (expected, present, written, yes, no, abstain) => {
        const f = { expected, present, written, yes, no, abstain };
        const a = voteArithmetic(f);
        // the rule as RULES §1 states it: more than half of the expected, counted in halves
        expect(a.isQuorate).toBe(present > expected / 2);
        expect(a.isPassed).toBe(present > expected / 2 && yes > expected / 2);
        const server = evaluateVote(f);
        expect(server.result).toEqual({ isQuorate: a.isQuorate, isPassed: a.isPassed, arithmetic: a.lines });
        expect(server.violations.map((x) => x.message)).toEqual(a.problems);
      }),
      { numRuns: 2000 },
    );
  });
});
