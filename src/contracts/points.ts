import { z } from 'zod';
import { IsoDate, PageQuery, Text, keysOf, pageOf } from './common';
import { VoteFigures } from './vote';

// Points (积分, RULES §7 and §8): the ledger and the branch-approved rules.

export const POINT_TXN_KINDS = {
  award: '奖励积分',
  deduction: '扣减积分',
  reserve: '兑换冻结',
  confirm: '兑换完成',
  release: '兑换取消',
  refund: '兑换退回',
  expire: '积分过期',
  reversal: '冲正',
} as const;
export type PointTxnKind = keyof typeof POINT_TXN_KINDS;

/** The verified facts points come from; a branch's rules give each its points and caps. */
export const POINT_ITEMS = {
  'meeting.attended': '参加三会一课',
  'meeting.theme_day': '参加主题党日',
  'dues.on_time': '按时足额交纳党费',
  'development.contact_duty': '履行培养联系人职责',
  'volunteer.service': '志愿服务（每满1小时）',
  'community.evaluation': '双报到年度评价优秀或良好',
  'manual.award': '支部认定的奖励',
  'manual.deduction': '支部认定的扣减',
} as const;
export type PointItemKey = keyof typeof POINT_ITEMS;
export const PointItemKeyEnum = z.enum(keysOf(POINT_ITEMS), { message: '请选择积分项目' });

const Cap = z.number().int().min(1).max(100_000).optional();
export const PointItemRule = z.object({
  key: PointItemKeyEnum,
  label: Text.pipe(z.string().trim().min(1, '请填写项目名称').max(40, '项目名称不超过40字')),
  /** points per fact (negative for a deduction item) */
  points: z.number().int().min(-1000).max(1000).refine((n) => n !== 0, '分值不能为0'),
  caps: z.object({ day: Cap, month: Cap, year: Cap }).default({}),
  /** meeting items: the meeting types that count */
  meetingTypes: z.array(z.string()).optional(),
});
export type PointItemRule = z.infer<typeof PointItemRule>;

/** The body of a branch's points rules (rule_version points.member, scoped to the branch). */
export const PointRules = z.object({
  items: z.array(PointItemRule).min(1, '至少设置一个积分项目').max(30).refine((xs) => new Set(xs.map((x) => x.key)).size === xs.length, '积分项目不能重复'),
  /** awarded points expire at the end of the year this many years after the award's */
  expiry: z.object({ yearsAfterAward: z.number().int().min(0).max(10) }).nullable(),
  /** a manual award or deduction larger than this (in absolute points) needs a second approver */
  secondApproverAbove: z.number().int().min(1).max(1000),
});
export type PointRules = z.infer<typeof PointRules>;

export const IdempotencyKey = Text.pipe(z.string().trim().min(8, '缺少请求编号（幂等键）').max(100, '请求编号过长'));

export const PointTxnView = z.object({
  id: z.number().int(),
  kind: z.enum(keysOf(POINT_TXN_KINDS)),
  personId: z.string(),
  personName: Text,
  orgId: z.string(),
  points: z.number().int(),
  item: z.string().nullable(),
  itemLabel: z.string().nullable(),
  sourceType: z.string().nullable(),
  sourceId: z.string().nullable(),
  factDate: z.string(),
  reason: z.string().nullable(),
  expiresOn: z.string().nullable(),
  reverses: z.number().int().nullable(),
  reversedBy: z.number().int().nullable(),
  reservationId: z.number().int().nullable(),
  ruleVersionId: z.string().nullable(),
  actorName: z.string().nullable(),
  approverName: z.string().nullable(),
  recordedAt: z.string(),
  /** the member's balance after this transaction (member-side chain) */
  balanceAfter: z.number().int().nullable(),
});
export type PointTxnView = z.infer<typeof PointTxnView>;
export const PointTxnPage = pageOf(PointTxnView);
export type PointTxnPage = z.infer<typeof PointTxnPage>;

/** What a write answers: the transaction, and whether this was a replay of an earlier request with the same key. */
export const PointTxnResult = z.object({ txn: PointTxnView, replayed: z.boolean() });
export type PointTxnResult = z.infer<typeof PointTxnResult>;
/** A manual award answers the transaction, or — above the rules' threshold — the request waiting for a second approver. */
export const AwardPointsResult = z.object({ txn: PointTxnView.nullable(), replayed: z.boolean(), pendingRequestId: z.string().nullable() });
export type AwardPointsResult = z.infer<typeof AwardPointsResult>;
export const DecidePointAwardBody = z.object({ approve: z.boolean(), note: Text.pipe(z.string().trim().max(200)).optional() });
export type DecidePointAwardBody = z.infer<typeof DecidePointAwardBody>;
export const PointAwardRequestView = z.object({
  id: z.string(), personId: z.string(), personName: Text, item: z.string(), itemLabel: z.string(), points: z.number().int(), factDate: z.string(), reason: Text,
  requestedByName: z.string(), requestedAt: z.string(), mine: z.boolean(),
});
export type PointAwardRequestView = z.infer<typeof PointAwardRequestView>;
export const PointAwardRequestList = z.array(PointAwardRequestView);
export type PointAwardRequestList = z.infer<typeof PointAwardRequestList>;
/** The decision on a waiting award: the transaction it posted, or null when rejected. */
export const PointAwardDecision = z.object({ result: PointTxnResult.nullable() });
export type PointAwardDecision = z.infer<typeof PointAwardDecision>;

export const ListPointEntriesQuery = PageQuery.extend({
  personId: z.uuid({ message: '编号格式不正确' }).optional(),
  orgId: z.uuid({ message: '编号格式不正确' }).optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  kind: z.enum(keysOf(POINT_TXN_KINDS)).optional(),
  item: PointItemKeyEnum.optional(),
});
export type ListPointEntriesQuery = z.infer<typeof ListPointEntriesQuery>;

export const PointBalance = z.object({
  personId: z.string(),
  personName: Text,
  orgName: Text,
  /** spendable */
  balance: z.number().int(),
  /** reserved for mall orders not yet settled */
  onHold: z.number().int(),
  /** awarded in the current year (gross), for the member's own view */
  awardedThisYear: z.number().int(),
  /** points that will expire at the end of this year unless spent */
  expiringThisYear: z.number().int(),
  expiresOn: z.string().nullable(),
});
export type PointBalance = z.infer<typeof PointBalance>;

/** The member's own points on the phone: the balance and each entry with its reason and source. */
export const MyPoints = z.object({ balance: PointBalance, entries: PointTxnPage });
export type MyPoints = z.infer<typeof MyPoints>;

export const AwardPointsBody = z.object({
  personId: z.uuid({ message: '请选择党员' }),
  item: z.enum(['manual.award', 'manual.deduction'], { message: '请选择奖励或扣减' }),
  /** positive; the item decides the sign */
  points: z.number().int().min(1, '分值至少为1').max(1000, '单次不超过1000分'),
  factDate: IsoDate,
  reason: Text.pipe(z.string().trim().min(4, '请填写事由（至少4个字）').max(500, '事由不超过500字')),
  idempotencyKey: IdempotencyKey,
});
export type AwardPointsBody = z.infer<typeof AwardPointsBody>;

export const ReversePointBody = z.object({
  reason: Text.pipe(z.string().trim().min(4, '请填写冲正事由（至少4个字）').max(500)),
  idempotencyKey: IdempotencyKey,
});
export type ReversePointBody = z.infer<typeof ReversePointBody>;

export const ReservePointsBody = z.object({
  personId: z.uuid({ message: '请选择党员' }),
  points: z.number().int().min(1, '兑换积分至少为1').max(1_000_000),
  reason: Text.pipe(z.string().trim().min(1, '请填写兑换内容').max(200)),
  idempotencyKey: IdempotencyKey,
});
export type ReservePointsBody = z.infer<typeof ReservePointsBody>;
export const SettleReservationBody = z.object({ idempotencyKey: IdempotencyKey });
export type SettleReservationBody = z.infer<typeof SettleReservationBody>;

// --- rules agreed by the branch

export const PROPOSAL_STATUSES = { proposed: '待支部党员大会表决', approved: '已表决通过', rejected: '表决未通过', withdrawn: '已撤回' } as const;

export const ProposePointRulesBody = z.object({
  orgId: z.uuid({ message: '请选择支部' }),
  effectiveFrom: IsoDate,
  rules: PointRules,
  note: Text.pipe(z.string().trim().max(500)).optional(),
});
export type ProposePointRulesBody = z.infer<typeof ProposePointRulesBody>;

export const ApprovePointRulesBody = VoteFigures.extend({
  version: z.number().int(),
  /** the 支部党员大会 that voted (optional link to the meeting record) */
  meetingId: z.uuid().optional(),
});
export type ApprovePointRulesBody = z.infer<typeof ApprovePointRulesBody>;

export const PointRuleProposalView = z.object({
  id: z.string(),
  orgId: z.string(),
  orgName: Text,
  status: z.enum(keysOf(PROPOSAL_STATUSES)),
  effectiveFrom: z.string(),
  rules: PointRules,
  note: z.string().nullable(),
  proposedAt: z.string(),
  proposedByName: z.string().nullable(),
  vote: z.object({ meetingId: z.string().nullable(), votedOn: z.string(), expected: z.number(), present: z.number(), written: z.number(), yes: z.number(), no: z.number(), abstain: z.number(), arithmetic: z.array(z.string()) }).nullable(),
  /** the rule version it became, once approved */
  ruleVersionId: z.string().nullable(),
  version: z.number().int(),
});
export type PointRuleProposalView = z.infer<typeof PointRuleProposalView>;

export const PointRulesOfOrg = z.object({
  orgId: z.string(),
  orgName: Text,
  /** the version in force today, or null: no points are awarded without an approved version */
  inForce: z.object({ ruleVersionId: z.string(), effectiveFrom: z.string(), rules: PointRules, approvalId: z.string().nullable() }).nullable(),
  proposals: z.array(PointRuleProposalView),
  /** the template a proposal starts from */
  template: PointRules,
});
export type PointRulesOfOrg = z.infer<typeof PointRulesOfOrg>;
