import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { voteArithmetic } from '../../src/web/features/development/vote-arithmetic';
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

  it('agrees with the server on quorum, result and refused figures for any figures', () => {
    const n = fc.integer({ min: 0, max: 60 });
    fc.assert(
      fc.property(n, n, n, n, n, n, (expected, present, written, yes, no, abstain) => {
        const f = { expected, present, written, yes, no, abstain };
        const web = voteArithmetic(f);
        const server = evaluateVote(f);
        expect(web.isQuorate).toBe(server.result.isQuorate);
        expect(web.isPassed).toBe(server.result.isPassed);
        expect(web.problems.length > 0).toBe(server.violations.length > 0);
      }),
      { numRuns: 2000 },
    );
  });
});
