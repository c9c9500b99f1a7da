import { z } from 'zod';
import { IsoDate, PageQuery, Text, pageOf, keysOf } from './common';
import { MemberFields } from './member';

// Relation transfers (组织关系转接, RULES §4): the letter as a state machine.

export const TRANSFER_KINDS = { internal: '系统内转接', outgoing: '转出本系统', incoming: '外来介绍信' } as const;
export type TransferKind = keyof typeof TRANSFER_KINDS;

/** The scope of a transfer decides the letter's validity and its approval hops (rule `transfer.letter`). */
export const TRANSFER_SCOPES = {
  committee: '同一基层党委内',
  county: '本县（市、区）内',
  installation: '本系统（市）内',
  province: '省（区、市）内',
  national: '跨省（区、市）',
} as const;
export type TransferScope = keyof typeof TRANSFER_SCOPES;

export const TRANSFER_STATUSES = {
  draft: '草稿',
  pending_approval: '待审批',
  issued: '已开具',
  accepted: '已接收',
  rejected: '已退回',
  revoked: '已撤销',
  expired: '已过期',
} as const;
export type TransferStatus = keyof typeof TRANSFER_STATUSES;
export const OPEN_TRANSFER_STATUSES: readonly TransferStatus[] = ['draft', 'pending_approval', 'issued'];

export const TRANSFER_ACTIONS = {
  created: '起草',
  issued: '开具',
  approved: '审批通过',
  accepted: '接收',
  rejected: '退回',
  revoked: '撤销',
  expired: '过期',
  reissued: '重新开具',
  registered: '登记外来介绍信',
  receipt: '收到回执',
} as const;
export type TransferAction = keyof typeof TRANSFER_ACTIONS;

export const TransferKindEnum = z.enum(keysOf(TRANSFER_KINDS));
export const TransferScopeEnum = z.enum(keysOf(TRANSFER_SCOPES));
export const TransferStatusEnum = z.enum(keysOf(TRANSFER_STATUSES));

/** The rule version's body (`transfer.letter`). */
export interface TransferRule {
  scopes: Record<TransferScope, { validityDays: number; approvals: number }>;
  maxValidityDays: number;
  receiptDays: number;
  remindDaysBeforeExpiry: number;
}

export const CreateTransferBody = z.object({
  personId: z.uuid({ message: '请选择转出的党员' }),
  /** internal: the receiving branch in this installation */
  toOrgId: z.uuid({ message: '请选择接收的党支部' }).optional(),
  /** outgoing: the receiving organisation outside this installation, as the letter names it */
  toOrgName: Text.pipe(z.string().min(2, '请填写接收党组织名称').max(100, '接收党组织名称不超过100字')).optional(),
  /** outgoing only: 省内 or 跨省 */
  outsideScope: z.enum(['province', 'national']).optional(),
  reason: Text.pipe(z.string().min(2, '请填写转接原因').max(200, '转接原因不超过200字')),
  /** the member's request this letter answers (it closes the request) */
  requestId: z.uuid().nullish(),
});
export type CreateTransferBody = z.infer<typeof CreateTransferBody>;

export const TransferDecisionBody = z.object({
  version: z.number().int(),
  note: Text.pipe(z.string().max(200, '说明不超过200字')).nullish(),
});
export type TransferDecisionBody = z.infer<typeof TransferDecisionBody>;

export const RejectTransferBody = z.object({
  version: z.number().int(),
  reason: Text.pipe(z.string().min(2, '请填写退回原因').max(200, '退回原因不超过200字')),
});
export type RejectTransferBody = z.infer<typeof RejectTransferBody>;

export const AcceptTransferBody = z.object({
  version: z.number().int(),
  /** the day the member reported in (internal) or the receipt came back (outgoing); the new relation starts that day */
  acceptedOn: IsoDate,
  note: Text.pipe(z.string().max(200, '说明不超过200字')).nullish(),
});
export type AcceptTransferBody = z.infer<typeof AcceptTransferBody>;

export const ListTransfersQuery = PageQuery.extend({
  direction: z.enum(['all', 'incoming', 'outgoing']).default('all'),
  status: z.enum(['all', 'open', 'approval', 'expiring', ...keysOf(TRANSFER_STATUSES)]).default('all'),
  orgId: z.uuid().optional(),
  /** one member's letters (the member detail page) */
  personId: z.uuid().optional(),
  q: Text.pipe(z.string().max(50)).optional(),
  kind: TransferKindEnum.optional(),
  /** issued on these days (the letters behind a figure of the report builder) */
  issuedFrom: IsoDate.optional(),
  issuedTo: IsoDate.optional(),
  /** any: letters sent or received by orgId's subtree; recorded: those recorded there (by the sending org, an incoming paper letter by the receiving one), as the report builder counts them */
  orgRole: z.enum(['any', 'recorded']).optional(),
});
export type ListTransfersQuery = z.infer<typeof ListTransfersQuery>;

export const TransferListItem = z.object({
  id: z.uuid(),
  kind: TransferKindEnum,
  scope: TransferScopeEnum,
  status: TransferStatusEnum,
  personId: z.uuid().nullable(),
  personName: Text,
  memberStatus: z.enum(['full', 'probationary']),
  fromOrgId: z.uuid().nullable(),
  fromOrgName: Text,
  toOrgId: z.uuid().nullable(),
  toOrgName: Text,
  letterCode: Text.nullable(),
  issuedOn: IsoDate.nullable(),
  validUntil: IsoDate.nullable(),
  acceptedOn: IsoDate.nullable(),
  approvalsNeeded: z.number().int(),
  approvalsDone: z.number().int(),
  /** which side the viewer is on: sending, receiving, or both (a committee over both branches) */
  side: z.enum(['sending', 'receiving', 'both']),
  /** the letter runs out within the reminder window (open letters only) */
  expiringSoon: z.boolean(),
  /** a letter to an organisation outside whose receipt (回执) is late */
  receiptOverdue: z.boolean(),
  createdAt: z.string(),
  version: z.number().int(),
});
export type TransferListItem = z.infer<typeof TransferListItem>;
export const TransferPage = pageOf(TransferListItem);
export type TransferPage = z.infer<typeof TransferPage>;

export const TransferEventView = z.object({
  action: z.enum(keysOf(TRANSFER_ACTIONS)),
  fromStatus: TransferStatusEnum.nullable(),
  toStatus: TransferStatusEnum,
  eventDate: IsoDate,
  orgName: Text.nullable(),
  note: Text.nullable(),
  actorName: Text.nullable(),
  recordedAt: z.string(),
});
export type TransferEventView = z.infer<typeof TransferEventView>;

export const TransferDetail = TransferListItem.extend({
  reason: Text,
  sex: z.enum(['male', 'female']).nullable(),
  idMasked: Text.nullable(),
  issuerOrgName: Text.nullable(),
  validDays: z.number().int().nullable(),
  /** 党费交到何月 (YYYY-MM), printed on the letter */
  duesPaidTo: z.string().nullable(),
  receiptDue: IsoDate.nullable(),
  receiptOn: IsoDate.nullable(),
  closedReason: Text.nullable(),
  ruleSource: Text.nullable(),
  events: z.array(TransferEventView),
  /** what the viewer may do now */
  can: z.object({ issue: z.boolean(), approve: z.boolean(), accept: z.boolean(), reject: z.boolean(), revoke: z.boolean() }),
});
export type TransferDetail = z.infer<typeof TransferDetail>;

/** Before issue: what the sending secretary must see (RULES §4: dues paid up before transfer). */
export const TransferPreview = z.object({
  scope: TransferScopeEnum,
  validityDays: z.number().int(),
  approvals: z.number().int(),
  duesPaidTo: z.string().nullable(),
  unpaidMonths: z.array(z.string()),
  ruleSource: Text,
});
export type TransferPreview = z.infer<typeof TransferPreview>;

/** A paper letter from an organisation outside the installation, registered when the member reports in (创建党员档案 and 转入 at once). */
export const RegisterIncomingLetterBody = MemberFields.extend({
  orgId: z.uuid({ message: '请选择接收的党支部' }),
  externalOrgName: Text.pipe(z.string().min(2, '请填写开具介绍信的党组织').max(100, '党组织名称不超过100字')),
  externalLetterNo: Text.pipe(z.string().min(1, '请填写介绍信编号').max(50, '介绍信编号不超过50字')),
  scope: z.enum(['province', 'national'], { message: '请选择转接范围' }),
  issuedOn: IsoDate,
  validDays: z.number().int().min(1, '有效期至少1天').max(366, '有效期不超过366天'),
  /** the day the member reported in: the relation here starts that day */
  acceptedOn: IsoDate,
  duesPaidTo: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: '党费交到的月份格式应为 YYYY-MM' }).nullish(),
  reason: Text.pipe(z.string().min(2, '请填写转接原因').max(200, '转接原因不超过200字')),
});
export type RegisterIncomingLetterBody = z.infer<typeof RegisterIncomingLetterBody>;

/** The public check behind the letter's QR code: genuine or not, and valid or not — no personal data. */
export const TransferLetterCheck = z.object({
  letterCode: Text,
  issuerOrgName: Text,
  toOrgName: Text,
  issuedOn: IsoDate,
  validUntil: IsoDate,
  status: TransferStatusEnum,
  /** issued and not past its last valid day */
  valid: z.boolean(),
  message: Text,
});
export type TransferLetterCheck = z.infer<typeof TransferLetterCheck>;

// 流动党员 (RULES §4)

export const FLOW_STATUSES = { issued: '已发证', registered: '已在流入地登记', returned: '已收回' } as const;
export const FLOW_ACTIONS = { issued: '发放活动证', registered: '流入地登记', renewed: '续期', reported: '向原党组织报告', returned: '收回活动证' } as const;

export interface MobilityRule {
  certificateValidityMonths: number;
  reportEveryMonths: number;
  awayMonthsForTransfer: number;
  temporaryBranchMin: number;
}

export const IssueFlowCertificateBody = z.object({
  personId: z.uuid({ message: '请选择外出的党员' }),
  destination: Text.pipe(z.string().min(2, '请填写外出地点').max(100, '外出地点不超过100字')),
  /** a branch at the place of arrival, when it is in this installation */
  hostOrgId: z.uuid().nullish(),
  reason: Text.pipe(z.string().min(2, '请填写外出原因').max(200, '外出原因不超过200字')),
  issuedOn: IsoDate,
});
export type IssueFlowCertificateBody = z.infer<typeof IssueFlowCertificateBody>;

export const FlowActionBody = z.object({
  version: z.number().int(),
  action: z.enum(['register', 'renew', 'report', 'return']),
  date: IsoDate,
  note: Text.pipe(z.string().max(500, '说明不超过500字')).nullish(),
});
export type FlowActionBody = z.infer<typeof FlowActionBody>;

export const ListMobileMembersQuery = PageQuery.extend({
  /** away from the viewer's branches (outgoing), or taking part in them (incoming) */
  direction: z.enum(['outgoing', 'incoming']).default('outgoing'),
  status: z.enum(['open', 'all', 'returned']).default('open'),
  orgId: z.uuid().optional(),
});
export type ListMobileMembersQuery = z.infer<typeof ListMobileMembersQuery>;

export const MobileMemberItem = z.object({
  id: z.uuid(),
  certificateCode: Text,
  personId: z.uuid().nullable(),
  personName: Text,
  orgId: z.uuid(),
  orgName: Text,
  destination: Text,
  hostOrgId: z.uuid().nullable(),
  hostOrgName: Text.nullable(),
  reason: Text,
  issuedOn: IsoDate,
  validUntil: IsoDate,
  registeredOn: IsoDate.nullable(),
  returnedOn: IsoDate.nullable(),
  lastReportOn: IsoDate.nullable(),
  status: z.enum(['issued', 'registered', 'returned']),
  /** what needs attention: the certificate ran out, the yearly report is overdue, away long enough to transfer */
  flags: z.array(z.enum(['expired', 'report_overdue', 'should_transfer'])),
  events: z.array(z.object({ action: z.enum(['issued', 'registered', 'renewed', 'reported', 'returned']), date: IsoDate, orgName: Text.nullable(), note: Text.nullable() })),
  version: z.number().int(),
});
export type MobileMemberItem = z.infer<typeof MobileMemberItem>;
export const MobileMemberPage = pageOf(MobileMemberItem).extend({
  /** ≥ temporaryBranchMin members of one committee away together: where a 临时党支部 could be set up */
  temporaryBranchSuggestions: z.array(z.object({ destination: Text, issuerOrgName: Text, count: z.number().int() })),
});
export type MobileMemberPage = z.infer<typeof MobileMemberPage>;

// 失联党员 (RULES §4, 党章第九条)

export const CONTACT_METHODS = { phone: '电话', visit: '走访', message: '短信/微信', letter: '信函', other: '其他' } as const;
export const LOST_CONTACT_DECISIONS = { suspend: '停止党籍', lapse: '按自行脱党予以除名', restore: '恢复联系' } as const;

export interface LostContactRule {
  lostAfterMonths: number;
  lapseAfterMonths: number;
}

export const RecordMemberContactBody = z.object({
  contactOn: IsoDate,
  method: z.enum(['phone', 'visit', 'message', 'letter', 'other']),
  reached: z.boolean(),
  note: Text.pipe(z.string().max(500, '说明不超过500字')).nullish(),
});
export type RecordMemberContactBody = z.infer<typeof RecordMemberContactBody>;

export const ListLostContactQuery = PageQuery.extend({ orgId: z.uuid().optional() });

export const LostContactItem = z.object({
  personId: z.uuid(),
  name: Text,
  orgId: z.uuid(),
  orgName: Text,
  /** the last sign of contact: a reached attempt, a dues payment, or the start of the relation */
  lastContactOn: IsoDate.nullable(),
  lastContactKind: z.enum(['contact', 'dues', 'relation']).nullable(),
  lastAttemptOn: IsoDate.nullable(),
  attempts: z.number().int(),
  /** consecutive months with an unpaid dues bill, up to this month */
  unpaidMonths: z.number().int(),
  lostContact: z.boolean(),
  lapseCandidate: z.boolean(),
  openDecision: z.object({ id: z.uuid(), kind: z.enum(['suspend', 'lapse', 'restore']), resolutionOn: IsoDate }).nullable(),
});
export type LostContactItem = z.infer<typeof LostContactItem>;
export const LostContactPage = pageOf(LostContactItem);
export type LostContactPage = z.infer<typeof LostContactPage>;

export const ProposeLostContactDecisionBody = z.object({
  kind: z.enum(['suspend', 'lapse', 'restore']),
  resolutionOn: IsoDate,
  resolution: Text.pipe(z.string().min(4, '请填写支部决议内容').max(1000, '决议内容不超过1000字')),
});
export type ProposeLostContactDecisionBody = z.infer<typeof ProposeLostContactDecisionBody>;

export const DecideLostContactBody = z.object({
  version: z.number().int(),
  approve: z.boolean(),
  note: Text.pipe(z.string().max(500, '说明不超过500字')).nullish(),
});
export type DecideLostContactBody = z.infer<typeof DecideLostContactBody>;

/** The receiving side of a letter is any branch of the installation: found by name (organisation names only). */
export const ReceivingOrgQuery = z.object({ q: Text.pipe(z.string().trim().min(1, '请输入党支部名称').max(30, '不超过30字')) });
export const ReceivingOrgList = z.object({
  items: z.array(z.object({ id: z.uuid(), name: Text, parentName: Text.nullable(), committeeName: Text.nullable() })),
});
export type ReceivingOrgList = z.infer<typeof ReceivingOrgList>;

// The member's own side (phone): their letters and their request to transfer.

export const TRANSFER_REQUEST_STATUSES = { open: '待支部办理', drafted: '支部已起草介绍信', declined: '支部未同意', withdrawn: '已撤回' } as const;

export const RequestMyTransferBody = z.object({
  /** where to: a branch of the installation when the member knows it */
  toOrgId: z.uuid().nullish(),
  destination: Text.pipe(z.string().min(2, '请填写转往的单位或党组织').max(100, '不超过100字')),
  reason: Text.pipe(z.string().min(2, '请填写转接原因').max(200, '转接原因不超过200字')),
});
export type RequestMyTransferBody = z.infer<typeof RequestMyTransferBody>;

export const TransferRequestView = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  personName: Text,
  orgId: z.uuid(),
  orgName: Text,
  toOrgId: z.uuid().nullable(),
  destination: Text,
  reason: Text,
  status: z.enum(['open', 'drafted', 'declined', 'withdrawn']),
  transferId: z.uuid().nullable(),
  answer: Text.nullable(),
  createdAt: z.string(),
  version: z.number().int(),
});
export type TransferRequestView = z.infer<typeof TransferRequestView>;
export const TransferRequestList = z.object({ items: z.array(TransferRequestView) });
export type TransferRequestList = z.infer<typeof TransferRequestList>;

export const DeclineTransferRequestBody = z.object({
  version: z.number().int(),
  answer: Text.pipe(z.string().min(2, '请填写不同意的原因').max(200, '不超过200字')),
});

export const MyTransfers = z.object({
  letters: z.array(z.object({
    id: z.uuid(), kind: TransferKindEnum, status: TransferStatusEnum, fromOrgName: Text, toOrgName: Text, letterCode: Text.nullable(),
    issuedOn: IsoDate.nullable(), validUntil: IsoDate.nullable(), acceptedOn: IsoDate.nullable(), createdAt: z.string(),
  })),
  requests: z.array(TransferRequestView),
  /** the member's open 流动党员活动证, if any */
  flow: z.object({ certificateCode: Text, destination: Text, validUntil: IsoDate, status: z.enum(['issued', 'registered', 'returned']) }).nullable(),
});
export type MyTransfers = z.infer<typeof MyTransfers>;

export const LostContactDecisionView = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  personName: Text,
  orgId: z.uuid(),
  orgName: Text,
  kind: z.enum(['suspend', 'lapse', 'restore']),
  resolutionOn: IsoDate,
  resolution: Text,
  status: z.enum(['proposed', 'approved', 'rejected']),
  createdAt: z.string(),
  /** the caller may approve or reject it (a committee above the branch) */
  canDecide: z.boolean(),
  version: z.number().int(),
});
export const LostContactDecisionList = z.object({ items: z.array(LostContactDecisionView) });
export type LostContactDecisionList = z.infer<typeof LostContactDecisionList>;
