import { z } from 'zod';
import { IsoDate, PageQuery, Text, pageOf, keysOf } from './common';
import { EarlierRecordView, EducationEnum, OccupationEnum, SexEnum } from './member';
import { PHONE_PATTERN } from './idcard';

// The 5 stages and 25 steps of member development (《中国共产党发展党员工作细则》, 2014).
// Pure data shared by server and web.

export interface DevelopmentStep {
  no: number;
  stage: 1 | 2 | 3 | 4 | 5;
  label: string;
}

export const DEVELOPMENT_STAGES = {
  1: '入党申请',
  2: '入党积极分子的确定和教育培养',
  3: '发展对象的确定和考察',
  4: '预备党员的接收',
  5: '预备党员的教育考察和转正',
} as const;

export const DEVELOPMENT_STEPS: readonly DevelopmentStep[] = [
  { no: 1, stage: 1, label: '递交入党申请书' },
  { no: 2, stage: 1, label: '党组织派人谈话' },
  { no: 3, stage: 2, label: '推荐和确定入党积极分子' },
  { no: 4, stage: 2, label: '报上级党委备案' },
  { no: 5, stage: 2, label: '指定培养联系人' },
  { no: 6, stage: 2, label: '培养教育考察' },
  { no: 7, stage: 3, label: '确定发展对象' },
  { no: 8, stage: 3, label: '报上级党委备案' },
  { no: 9, stage: 3, label: '确定入党介绍人' },
  { no: 10, stage: 3, label: '进行政治审查' },
  { no: 11, stage: 3, label: '开展集中培训' },
  { no: 12, stage: 4, label: '支部委员会审查' },
  { no: 13, stage: 4, label: '上级党委预审' },
  { no: 14, stage: 4, label: '填写入党志愿书' },
  { no: 15, stage: 4, label: '支部大会讨论' },
  { no: 16, stage: 4, label: '上级党委派人谈话' },
  { no: 17, stage: 4, label: '上级党委审批' },
  { no: 18, stage: 4, label: '再上一级党委组织部门备案' },
  { no: 19, stage: 5, label: '编入党支部和党小组' },
  { no: 20, stage: 5, label: '入党宣誓' },
  { no: 21, stage: 5, label: '继续教育考察' },
  { no: 22, stage: 5, label: '提出转正申请' },
  { no: 23, stage: 5, label: '支部大会讨论' },
  { no: 24, stage: 5, label: '上级党委审批' },
  { no: 25, stage: 5, label: '材料归档' },
];

/**
 * Steps that must be recorded before a step (on the same day or earlier).
 * Steps the rules leave unordered (e.g. 8–11 after 7) share prerequisites
 * and may be recorded in any order or on the same day.
 */
export const STEP_PREREQUISITES: Readonly<Record<number, readonly number[]>> = {
  1: [],
  2: [1],
  3: [2],
  4: [3],
  5: [3],
  6: [3],
  7: [3, 4, 5, 6],
  8: [7],
  9: [7],
  10: [7],
  11: [7],
  // 支委会审查 needs the candidate's file complete: filing, introducers, 政审 and training
  12: [8, 9, 10, 11],
  // 预审 comes after 政审, 培训 and the 公示 that follows the committee's review
  13: [12],
  14: [13],
  15: [14],
  16: [15],
  17: [15, 16],
  18: [17],
  19: [17],
  20: [17],
  21: [17],
  22: [17],
  23: [22],
  24: [23],
  25: [24],
};

// ---------------------------------------------------------------------------
// API contract (issue 3). Dates are YYYY-MM-DD business dates.
// ---------------------------------------------------------------------------

export const DECISION_BODIES = ['支部委员会', '支部大会', '党小组', '上级党委', '上级党委组织部门'] as const;
export const FILE_STATES = { open: '进行中', archived: '已转正归档', rejected: '未通过', withdrawn: '已撤回', cancelled: '已取消预备党员资格' } as const;
export const CANDIDATE_STATUSES = {
  masses: '群众', applicant: '入党申请人', activist: '入党积极分子', candidate: '发展对象', probationary: '预备党员', full: '正式党员', left: '已出党/转出', suspended: '停止党籍', deceased: '死亡',
} as const;
export const DEADLINE_KINDS = {
  talk: '派人谈话（收到入党申请书后1个月内）',
  assessment: '积极分子半年考察',
  thought_report: '思想汇报（每季度）',
  candidate_eligible: '满1年，可确定为发展对象',
  public_notice_end: '公示期满，可报上级党委预审',
  approval: '上级党委审批（支部大会后3个月内）',
  probation_end: '预备期满，应及时讨论转正',
  conversion_approval: '转正审批（支部大会后3个月内）',
} as const;
export type DeadlineKind = keyof typeof DEADLINE_KINDS;
/** Kinds that mark a point from which something may be done, rather than a duty to do it by then. */
export const INFORMATIONAL_DEADLINES: readonly DeadlineKind[] = ['candidate_eligible', 'public_notice_end'];
/** The deadlines that can be missed (the others only say when something becomes possible or ends). */
export const OVERDUE_KINDS: readonly DeadlineKind[] = (Object.keys(DEADLINE_KINDS) as DeadlineKind[]).filter((k) => !INFORMATIONAL_DEADLINES.includes(k));
/** Steps the superior committee decides; recorded by an account holding development.approve. */
export const SUPERIOR_STEPS: readonly number[] = [13, 17, 24];
/** Steps recorded through the 支部大会 vote. */
export const VOTE_STEPS: readonly number[] = [15, 23];
/** Steps that may be recorded more than once (each 考察). */
export const REPEATABLE_STEPS: readonly number[] = [6, 21];

export const CandidateStatusEnum = z.enum(keysOf(CANDIDATE_STATUSES));
export const FileStateEnum = z.enum(keysOf(FILE_STATES));
export const DeadlineKindEnum = z.enum(keysOf(DEADLINE_KINDS));
const Name = Text.trim().min(1, { message: '请填写姓名' }).max(50, { message: '姓名过长' });

export const CreateDevelopmentCandidateBody = z.object({
  orgId: z.uuid({ message: '请选择党支部' }),
  appliedOn: IsoDate,
  name: Name,
  sex: SexEnum,
  ethnicity: Text.trim().min(1, { message: '请选择民族' }),
  idNumber: Text.trim().min(1, { message: '请填写身份证号' }),
  phone: Text.trim().regex(PHONE_PATTERN, { message: '手机号应为11位数字' }).nullish(),
  education: EducationEnum,
  occupation: OccupationEnum,
  unitName: Text.trim().max(100).nullish(),
  address: Text.trim().max(200).nullish(),
  leavesUnitOn: IsoDate.nullish(),
});
export type CreateDevelopmentCandidateBody = z.infer<typeof CreateDevelopmentCandidateBody>;

export const ListDevelopmentCandidatesQuery = PageQuery.extend({
  orgId: z.uuid().optional(),
  stage: z.coerce.number().int().min(1).max(5).optional(),
  state: z.enum(['open', 'closed', 'all']).default('open'),
  q: Text.trim().max(50).optional(),
  sort: z.enum(['stage', 'name', 'appliedOn', 'nextDue']).default('stage'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type ListDevelopmentCandidatesQuery = z.infer<typeof ListDevelopmentCandidatesQuery>;

export const DeadlineView = z.object({
  fileId: z.uuid(),
  personName: Text,
  orgId: z.uuid(),
  orgName: Text,
  kind: DeadlineKindEnum,
  label: Text,
  due: Text,
  extendedDue: Text.nullable(),
  provisional: z.boolean(),
  overdue: z.boolean(),
  daysLeft: z.number().int(),
});
export type DeadlineView = z.infer<typeof DeadlineView>;

export const CandidateListItem = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  name: Text,
  sex: SexEnum,
  orgId: z.uuid(),
  orgName: Text,
  status: CandidateStatusEnum,
  state: FileStateEnum,
  stage: z.number().int(),
  lastStep: z.number().int(),
  appliedOn: Text,
  nextDue: DeadlineView.nullable(),
});
export type CandidateListItem = z.infer<typeof CandidateListItem>;
export const CandidatePage = pageOf(CandidateListItem);

export const PersonRef = z.object({ id: z.uuid(), name: Text });

export const StepView = z.object({
  id: z.number().int(),
  step: z.number().int(),
  date: Text,
  decisionBody: Text.nullable(),
  talkers: z.array(Text),
  envoy: Text.nullable(),
  contacts: z.array(PersonRef),
  introducers: z.array(PersonRef),
  data: z.record(Text, z.unknown()),
  note: Text.nullable(),
  attachments: z.array(z.object({ id: z.uuid(), fileName: Text })),
  recordedBy: Text.nullable(),
  recordedAt: Text,
});
export type StepView = z.infer<typeof StepView>;

export const VoteView = z.object({
  kind: z.enum(['admission', 'conversion']),
  round: z.number().int(),
  meetingDate: Text,
  expected: z.number().int(),
  registryCount: z.number().int(),
  expectedNote: Text.nullable(),
  present: z.number().int(),
  written: z.number().int(),
  yes: z.number().int(),
  no: z.number().int(),
  abstain: z.number().int(),
  isQuorate: z.boolean(),
  isPassed: z.boolean(),
  outcome: z.enum(['convert', 'extend', 'cancel']).nullable(),
  extensionMonths: z.number().int().nullable(),
  arithmetic: z.array(Text),
});
export type VoteView = z.infer<typeof VoteView>;

/** One row of the plan-vs-actual timeline: when a step may happen, when it is due, when it happened. */
export const StepPlanView = z.object({
  step: z.number().int(),
  stage: z.number().int(),
  label: Text,
  done: z.array(Text),
  earliest: Text.nullable(),
  due: Text.nullable(),
  canRecordNow: z.boolean(),
  blockers: z.array(Text),
});
export type StepPlanView = z.infer<typeof StepPlanView>;

export const CandidateDetail = CandidateListItem.extend({
  birthDate: Text,
  ethnicity: Text,
  education: EducationEnum,
  occupation: OccupationEnum,
  unitName: Text.nullable(),
  idNumberMasked: Text,
  phoneMasked: Text.nullable(),
  leavesUnitOn: Text.nullable(),
  closedOn: Text.nullable(),
  closeReason: Text.nullable(),
  probationEnd: Text.nullable(),
  extensions: z.array(z.number().int()),
  steps: z.array(StepView),
  votes: z.array(VoteView),
  deadlines: z.array(DeadlineView),
  plan: z.array(StepPlanView),
  reports: z.array(z.object({ id: z.uuid(), title: Text, submittedOn: Text, fileId: z.uuid(), fileName: Text })),
  ruleSource: Text,
  earlierRecord: EarlierRecordView.nullable(),
  version: z.number().int(),
  abilities: z.object({ record: z.boolean(), approve: z.boolean(), documents: z.boolean() }),
});
export type CandidateDetail = z.infer<typeof CandidateDetail>;

const optionalText = (max: number) => Text.trim().max(max, { message: `不能超过${max}个字` }).nullish();
export const RecordDevelopmentStepBody = z.object({
  step: z.number().int().min(1, { message: '步骤应为1–25' }).max(25, { message: '步骤应为1–25' }),
  date: IsoDate,
  decisionBody: z.enum(DECISION_BODIES, { message: '请选择决定机关' }).nullish(),
  /** 谈话人 (step 2, 16) */
  talkers: z.array(Name).max(5).optional(),
  /** 派谈话的委员 / 上级党委派出的人 */
  envoy: optionalText(50),
  /** 培养联系人 (step 5): person ids of full members */
  contactIds: z.array(z.uuid()).max(5).optional(),
  /** 入党介绍人 (step 9): person ids */
  introducerIds: z.array(z.uuid()).max(5).optional(),
  /** step 3: 党员推荐 or 群团组织推优 */
  recommendation: z.enum(['member', 'mass_org'], { message: '请选择推荐方式' }).nullish(),
  /** 考察意见 (6, 21), 政审结论 (10), 审查意见 (12) */
  conclusion: optionalText(1000),
  trainingDays: z.number().min(0).max(365).nullish(),
  trainingHours: z.number().min(0).max(2000).nullish(),
  trainingName: optionalText(100),
  /** step 12: first day of the 公示 */
  publicNoticeStart: IsoDate.nullish(),
  /** steps 13, 17, 24: the superior's decision */
  approved: z.boolean().nullish(),
  /** step 17 after 3 months: the special circumstances */
  extensionReason: optionalText(500),
  /** step 14: 志愿书编号 */
  formNumber: optionalText(50),
  /** step 19: 党小组 */
  groupName: optionalText(50),
  /** step 25: where the file is kept */
  archiveLocation: optionalText(100),
  note: optionalText(1000),
  attachmentIds: z.array(z.uuid()).max(20).optional(),
  version: z.number().int(),
});
export type RecordDevelopmentStepBody = z.infer<typeof RecordDevelopmentStepBody>;

const Count = z.number().int({ message: '人数须为整数' }).min(0, { message: '人数不能为负数' }).max(100000);
export const RecordDevelopmentVoteBody = z.object({
  kind: z.enum(['admission', 'conversion']),
  meetingDate: IsoDate,
  expected: Count,
  expectedNote: optionalText(500),
  present: Count,
  written: Count,
  yes: Count,
  no: Count,
  abstain: Count,
  outcome: z.enum(['convert', 'extend', 'cancel']).nullish(),
  extensionMonths: z.number().int().min(1).max(24).nullish(),
  version: z.number().int(),
});
export type RecordDevelopmentVoteBody = z.infer<typeof RecordDevelopmentVoteBody>;
export const VoteResultView = z.object({ isQuorate: z.boolean(), isPassed: z.boolean(), arithmetic: z.array(Text), registryCount: z.number().int() });

export const ListDevelopmentDeadlinesQuery = z.object({
  orgId: z.uuid().optional(),
  before: IsoDate.optional(),
  overdueOnly: z.enum(['true', 'false']).default('false'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const DeadlinePage = z.object({ items: z.array(DeadlineView), total: z.number().int(), overdue: z.number().int() });

export const OverviewQuery = z.object({ orgId: z.uuid().optional() });
export const DevelopmentOverview = z.object({
  root: z.object({ id: z.uuid(), name: Text }),
  stages: z.array(z.object({ stage: z.number().int(), label: Text, count: z.number().int() })),
  overdue: z.number().int(),
  dueIn30Days: z.number().int(),
  children: z.array(z.object({ orgId: z.uuid(), orgName: Text, open: z.number().int(), byStage: z.array(z.number().int()), overdue: z.number().int() })),
});

export const PlanQuery = z.object({ orgId: z.uuid().optional(), year: z.coerce.number().int().min(2000).max(2100) });
export const PlanView = z.object({
  year: z.number().int(),
  rows: z.array(z.object({ orgId: z.uuid(), orgName: Text, isRoot: z.boolean(), planned: z.number().int().nullable(), admitted: z.number().int(), converted: z.number().int(), applicants: z.number().int(), activists: z.number().int(), candidates: z.number().int() })),
  canEdit: z.boolean(),
});
export const PutPlanBody = z.object({ orgId: z.uuid(), year: z.number().int().min(2000).max(2100), planned: z.number().int().min(0, { message: '计划数不能为负数' }).max(100000), note: optionalText(500) });

export const DOCUMENT_KIND_LABELS = {
  public_notice: '发展对象公示',
  filing_report: '发展对象备案报告',
  talk_record: '谈话记录',
  political_review: '政治审查报告',
  admission_resolution: '支部大会接收预备党员决议',
  conversion_resolution: '预备党员转正决议',
} as const;
export const DocumentKindEnum = z.enum(keysOf(DOCUMENT_KIND_LABELS));

export const MyDevelopment = z.object({
  file: z.object({ id: z.uuid(), name: Text, orgName: Text, status: CandidateStatusEnum, state: FileStateEnum, stage: z.number().int(), appliedOn: Text }).nullable(),
  steps: z.array(z.object({ step: z.number().int(), label: Text, stage: z.number().int(), done: z.array(Text) })),
  next: z.array(z.object({ step: z.number().int(), label: Text, earliest: Text.nullable(), due: Text.nullable() })),
  deadlines: z.array(z.object({ kind: DeadlineKindEnum, label: Text, due: Text, extendedDue: Text.nullable(), provisional: z.boolean(), overdue: z.boolean() })),
  reports: z.array(z.object({ id: z.uuid(), title: Text, submittedOn: Text })),
});

/** 应到人数: full members of the branch on the roll on a date (the 支部大会 quorum base). */
export const VotingMembersQuery = z.object({ date: IsoDate });
export const VotingMembersView = z.object({ date: z.string(), registryCount: z.number().int() });
