import { z } from 'zod';
import { Text } from './common';
import { VoteFigures } from './vote';

// The superior committee's assessment of its branches (考核, issue 14): a
// yearly scheme of items with their maximum points, which applies to a branch
// only once its 支部党员大会 agreed to it; then the superior scores each item
// with its evidence. Branch points = the members' average + these points.

export const AssessmentItem = z.object({
  key: z.string().trim().min(1).max(40).regex(/^[a-z0-9_.-]+$/i, '项目代码只能包含字母、数字和 . _ -'),
  label: Text.pipe(z.string().trim().min(2, '请填写考核项目').max(40, '考核项目不超过40字')),
  maxPoints: z.number({ message: '请填写分值上限' }).min(0.5, '分值上限至少0.5分').max(100, '分值上限不超过100分'),
  basis: Text.pipe(z.string().trim().min(2, '请写明考核依据和评分办法').max(300, '考核依据不超过300字')),
});
export type AssessmentItem = z.infer<typeof AssessmentItem>;

export const PublishAssessmentBody = z.object({
  orgId: z.uuid({ message: '请选择党组织' }),
  year: z.number().int().min(2000).max(2100),
  items: z.array(AssessmentItem).min(1, '至少一个考核项目').max(30, '考核项目不超过30个')
    .refine((xs) => new Set(xs.map((x) => x.key)).size === xs.length, '项目代码不能重复')
    .refine((xs) => xs.reduce((n, x) => n + x.maxPoints, 0) <= 100, '各项分值上限合计不能超过100分'),
  note: Text.pipe(z.string().trim().max(500)).optional(),
});
export type PublishAssessmentBody = z.infer<typeof PublishAssessmentBody>;

export const AgreeAssessmentBody = VoteFigures.extend({ orgId: z.uuid({ message: '请选择党支部' }) });
export type AgreeAssessmentBody = z.infer<typeof AgreeAssessmentBody>;

export const ScoreAssessmentBody = z.object({
  orgId: z.uuid({ message: '请选择党支部' }),
  year: z.number().int().min(2000).max(2100),
  scores: z.array(z.object({
    item: z.string().min(1),
    points: z.number({ message: '请填写得分' }).min(0, '得分不能为负').max(100),
    evidence: Text.pipe(z.string().trim().min(2, '请写明评分依据（如查阅的记录、检查情况）').max(1000, '评分依据不超过1000字')),
  })).min(1, '请至少为一个项目评分'),
});
export type ScoreAssessmentBody = z.infer<typeof ScoreAssessmentBody>;

export const AssessmentVote = z.object({
  votedOn: z.string(), expected: z.number(), present: z.number(), written: z.number(), yes: z.number(), no: z.number(), abstain: z.number(),
  passed: z.boolean(), arithmetic: z.array(z.string()), recordedAt: z.string(),
});

export const BranchAssessment = z.object({
  org: z.object({ id: z.string(), name: z.string(), type: z.string() }),
  year: z.number().int(),
  /** the scheme of the nearest committee above for the year (null: none published) */
  scheme: z.object({
    ruleVersionId: z.string(), orgId: z.string(), orgName: z.string(), items: z.array(AssessmentItem), source: z.string(), publishedAt: z.string(),
  }).nullable(),
  /** the branch's votes on the scheme, newest first; the scheme applies once one passed */
  votes: z.array(AssessmentVote),
  agreed: z.boolean(),
  scores: z.array(z.object({ item: z.string(), label: z.string(), maxPoints: z.number(), points: z.number().nullable(), evidence: z.string().nullable(), scoredBy: z.string().nullable(), scoredAt: z.string().nullable() })),
  total: z.number().nullable(),
  /** what the caller may do here */
  canAgree: z.boolean(),
  canScore: z.boolean(),
});
export type BranchAssessment = z.infer<typeof BranchAssessment>;

export const AssessmentQuery = z.object({
  orgId: z.uuid({ message: '请选择党组织' }),
  year: z.coerce.number().int().min(2000).max(2100).optional(),
});

export const AssessmentSchemeView = z.object({
  org: z.object({ id: z.string(), name: z.string() }),
  year: z.number().int(),
  scheme: z.object({ ruleVersionId: z.string(), items: z.array(AssessmentItem), source: z.string(), publishedAt: z.string() }).nullable(),
  /** the branches below, in tree order, with whether each agreed and its assessment total */
  branches: z.array(z.object({ orgId: z.string(), orgName: z.string(), agreed: z.boolean(), total: z.number().nullable() })),
  canPublish: z.boolean(),
});
export type AssessmentSchemeView = z.infer<typeof AssessmentSchemeView>;
