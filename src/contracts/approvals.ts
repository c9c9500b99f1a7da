import { z } from 'zod';
import { Text } from './common';

// "待我审批" (issue 11): what awaits a decision by the caller — the superior
// committee's development steps (预审 13, 审批 17, 转正审批 24) and the
// next-level committee's approval of dues reductions (少交/免交) — each scoped
// exactly like the page where it is decided.

export const APPROVAL_KINDS = { development_step: '发展党员审批', dues_reduction: '党费减免审批', transfer_letter: '组织关系转接审批', lost_contact_decision: '失联党员处理审批', point_award: '积分奖惩复核' } as const;
export type ApprovalKind = keyof typeof APPROVAL_KINDS;
export const ApprovalKindEnum = z.enum(['development_step', 'dues_reduction', 'transfer_letter', 'lost_contact_decision', 'point_award']);

export const MyApprovalsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type MyApprovalsQuery = z.infer<typeof MyApprovalsQuery>;

export const ApprovalItem = z.object({
  kind: ApprovalKindEnum,
  /** a key unique in the queue (a file may await one step at a time; a reduction is its own) */
  key: Text,
  /** the development file or the reduction request */
  objectId: z.uuid(),
  personId: z.uuid(),
  personName: Text,
  orgId: z.uuid(),
  orgName: Text,
  /** the development step awaiting the decision (13, 17, 24); null for a reduction */
  step: z.number().int().nullable(),
  /** what is asked, in Chinese */
  asked: Text,
  /** more about it (the reason of a reduction, the branch's resolution), or null */
  detail: Text.nullable(),
  /** since when it awaits the decision (YYYY-MM-DD) */
  since: Text,
  /** the date it is due by, where the rules set one */
  due: Text.nullable(),
  overdue: z.boolean(),
  /** the console page where it is decided */
  link: Text,
});
export type ApprovalItem = z.infer<typeof ApprovalItem>;

export const MyApprovals = z.object({
  /** the oldest first, at most `limit` */
  items: z.array(ApprovalItem),
  counts: z.object({ development_step: z.number().int(), dues_reduction: z.number().int(), transfer_letter: z.number().int(), lost_contact_decision: z.number().int(), point_award: z.number().int() }),
  total: z.number().int(),
});
export type MyApprovals = z.infer<typeof MyApprovals>;
