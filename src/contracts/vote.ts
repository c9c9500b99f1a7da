import { z } from 'zod';
import { IsoDate } from './common';

// The 支部大会 arithmetic (RULES §1; 《中国共产党发展党员工作细则》), written
// once for the server (which records the vote) and the form (which shows it
// while the secretary types): the meeting may vote when the voting members
// present are more than half of those expected (应到); the resolution passes
// when the yes votes (written opinions of absent voting members included) are
// more than half of those expected. Integer arithmetic: 2 × present > expected,
// 2 × yes > expected — 8 of 16 is not more than half.

const Count = z.number({ message: '请填写人数' }).int('人数应为整数').min(0, '人数不能为负').max(100_000);

/** A 支部党员大会 vote as the secretary records it: the day and the six counts (the rules' proposal, the assessment's agreement). */
export const VoteFigures = z.object({ votedOn: IsoDate, expected: Count, present: Count, written: Count, yes: Count, no: Count, abstain: Count });
export type VoteFigures = z.infer<typeof VoteFigures>;

export interface VoteFiguresInput {
  /** voting members expected (应到): full members on the roll that day */
  expected: number;
  present: number;
  /** written opinions of absent voting members */
  written: number;
  yes: number;
  no: number;
  abstain: number;
}

export interface VoteArithmetic {
  isQuorate: boolean;
  isPassed: boolean;
  /** figures that cannot be right (more present than expected, …) */
  problems: string[];
  lines: string[];
}

export function halfText(n: number): string {
  const half = n / 2;
  return Number.isInteger(half) ? String(half) : half.toFixed(1);
}

export function voteArithmetic(f: VoteFiguresInput): VoteArithmetic {
  const { expected: e, present: p, written: w, yes: y, no: n, abstain: a } = f;
  const problems: string[] = [];
  if (e < 1) problems.push('应到会有表决权的党员人数须至少为1');
  if (p > e) problems.push(`实到人数（${p}）不能多于应到人数（${e}）`);
  if (w > Math.max(0, e - p)) problems.push(`书面意见（${w}）只能来自未到会的有表决权党员（${Math.max(0, e - p)} 名）`);
  if (y + n + a > p + w) problems.push(`赞成、反对、弃权合计（${y + n + a}）不能多于到会人数与书面意见数之和（${p + w}）`);
  const h = halfText(e);
  const isQuorate = 2 * p > e;
  const yesOverHalf = 2 * y > e;
  const isPassed = isQuorate && yesOverHalf;
  const lines = [
    `实到 ${p} 名，${isQuorate ? '超过' : '未超过'}应到 ${e} 名的半数（${h}），${isQuorate ? '会议有效' : '会议无效'}`,
    `赞成 ${y} 票（含书面意见），${yesOverHalf ? '超过' : '未超过'}应到 ${e} 名的半数（${h}）；反对 ${n} 票，弃权 ${a} 票`,
    `表决结果：${!isQuorate ? '不足法定人数，不能表决' : isPassed ? '通过' : '未通过'}`,
  ];
  return { isQuorate, isPassed, problems, lines };
}
