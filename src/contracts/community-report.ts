import { z } from 'zod';
import { IsoDate, PageQuery, Text, keysOf, pageOf } from './common';

// 双报到 (issue 17): a unit's party organisation and each in-service member
// report to the community (村/社区) where the unit is / the member lives; the
// community accepts them (a grid, a 服务岗位, 认领任务), records their service,
// and evaluates each member once a year — the evaluation reaches the member's
// own branch for 民主评议 and points.

export const REPORT_KINDS = { org: '单位党组织报到', member: '在职党员报到' } as const;
export type ReportKind = keyof typeof REPORT_KINDS;

export const REPORT_STATUSES = { pending: '待接收', accepted: '已接收', declined: '已退回', ended: '已结束' } as const;
export type ReportStatus = keyof typeof REPORT_STATUSES;

export const EVALUATION_GRADES = { excellent: '优秀', good: '良好', fair: '一般', poor: '较差' } as const;
export type EvaluationGrade = keyof typeof EVALUATION_GRADES;

const Id = (message: string) => z.uuid({ message });
const Note = Text.pipe(z.string().trim().max(300, '说明不超过300字'));

/** A unit's party organisation reports to a community. */
export const ReportToCommunityBody = z.object({
  reporterOrgId: Id('请选择报到的单位党组织'),
  communityOrgId: Id('请选择报到的村（社区）'),
  gridId: Id('网格编号格式不正确').nullish(),
  note: Note.default(''),
});
export type ReportToCommunityBody = z.infer<typeof ReportToCommunityBody>;

/** An in-service member reports to the community where they live. */
export const ReportMyselfBody = z.object({
  communityOrgId: Id('请选择居住地所在的村（社区）'),
  gridId: Id('网格编号格式不正确').nullish(),
  address: Text.pipe(z.string().trim().min(2, '请填写居住地址').max(100, '居住地址不超过100字')),
  note: Note.default(''),
});
export type ReportMyselfBody = z.infer<typeof ReportMyselfBody>;

export const AcceptReportBody = z.object({
  gridId: Id('网格编号格式不正确').nullish(),
  role: Text.pipe(z.string().trim().min(2, '请填写服务岗位').max(40, '服务岗位不超过40字')),
  tasks: Text.pipe(z.string().trim().min(2, '请填写认领的任务或需求').max(300, '认领任务不超过300字')),
  version: z.number({ message: '缺少版本号' }).int(),
});
export type AcceptReportBody = z.infer<typeof AcceptReportBody>;

export const DeclineReportBody = z.object({ reason: Text.pipe(z.string().trim().min(2, '请填写退回原因').max(200, '退回原因不超过200字')) });
export type DeclineReportBody = z.infer<typeof DeclineReportBody>;

/** The community ends an accepted report (the member moved away, the unit left, ...). */
export const EndReportBody = z.object({ reason: Text.pipe(z.string().trim().min(2, '请填写结束原因').max(200, '结束原因不超过200字')) });
export type EndReportBody = z.infer<typeof EndReportBody>;

export const RecordServiceBody = z.object({
  servedOn: IsoDate,
  hours: z
    .number({ message: '请填写服务时长' })
    .min(0.5, '服务时长至少0.5小时')
    .max(10, '单次服务时长不超过10小时')
    .refine((h) => Number.isInteger(h * 2), '服务时长以0.5小时为单位'),
  content: Text.pipe(z.string().trim().min(2, '请填写服务内容').max(300, '服务内容不超过300字')),
});
export type RecordServiceBody = z.infer<typeof RecordServiceBody>;

export const EvaluateReportBody = z.object({
  year: z.number({ message: '请填写评价年度' }).int('年度须为整数').min(2000, '年度不早于2000年').max(2199, '年度不晚于2199年'),
  grade: z.enum(keysOf(EVALUATION_GRADES), { message: '请选择评价等次' }),
  comment: Text.pipe(z.string().trim().max(300, '评语不超过300字')).default(''),
});
export type EvaluateReportBody = z.infer<typeof EvaluateReportBody>;

export const ListReportsQuery = PageQuery.extend({
  orgId: Id('编号格式不正确').optional(),
  status: z.enum(keysOf(REPORT_STATUSES), { message: '状态不正确' }).optional(),
  kind: z.enum(keysOf(REPORT_KINDS), { message: '报到类型不正确' }).optional(),
});
export type ListReportsQuery = z.infer<typeof ListReportsQuery>;

export const BranchEvaluationsQuery = z.object({
  orgId: Id('请选择党支部'),
  year: z.coerce.number({ message: '请填写年度' }).int('年度须为整数').min(2000, '年度不早于2000年').max(2199, '年度不晚于2199年'),
});
export type BranchEvaluationsQuery = z.infer<typeof BranchEvaluationsQuery>;

export const CommunityReportView = z.object({
  id: z.uuid(),
  kind: z.enum(keysOf(REPORT_KINDS)),
  reporterOrgId: z.uuid(),
  reporterOrgName: Text,
  personId: z.uuid().nullable(),
  personName: Text.nullable(),
  communityOrgId: z.uuid(),
  communityName: Text,
  gridId: z.uuid().nullable(),
  gridName: Text.nullable(),
  address: Text.nullable(),
  note: Text,
  status: z.enum(keysOf(REPORT_STATUSES)),
  role: Text.nullable(),
  tasks: Text.nullable(),
  declineReason: Text.nullable(),
  reportedAt: Text,
  acceptedAt: Text.nullable(),
  endedAt: Text.nullable(),
  endReason: Text.nullable(),
  serviceCount: z.number().int(),
  serviceHours: z.number(),
  version: z.number().int(),
});
export type CommunityReportView = z.infer<typeof CommunityReportView>;

export const CommunityServiceView = z.object({ id: z.uuid(), servedOn: Text, hours: z.number(), content: Text, recordedAt: Text });
export type CommunityServiceView = z.infer<typeof CommunityServiceView>;

export const CommunityEvaluationView = z.object({ id: z.uuid(), year: z.number().int(), grade: z.enum(keysOf(EVALUATION_GRADES)), comment: Text, evaluatedAt: Text });
export type CommunityEvaluationView = z.infer<typeof CommunityEvaluationView>;

export const CommunityReportDetail = z.object({
  report: CommunityReportView,
  services: z.array(CommunityServiceView),
  evaluations: z.array(CommunityEvaluationView),
});
export type CommunityReportDetail = z.infer<typeof CommunityReportDetail>;

export const CommunityReportPage = pageOf(CommunityReportView);
export type CommunityReportPage = z.infer<typeof CommunityReportPage>;

/** The member's own reports, newest first, each with its services and evaluations. */
export const MyCommunityReport = z.object({ items: z.array(CommunityReportDetail) });
export type MyCommunityReport = z.infer<typeof MyCommunityReport>;

/** What the branch reads during 民主评议: each member's community, the year's grade, service hours. */
export const BranchCommunityEvaluation = z.object({
  personId: z.uuid(),
  personName: Text,
  reportId: z.uuid(),
  communityName: Text,
  status: z.enum(keysOf(REPORT_STATUSES)),
  role: Text.nullable(),
  grade: z.enum(keysOf(EVALUATION_GRADES)).nullable(),
  comment: Text.nullable(),
  serviceCount: z.number().int(),
  serviceHours: z.number(),
  yearServiceHours: z.number(),
});
export type BranchCommunityEvaluation = z.infer<typeof BranchCommunityEvaluation>;

export const BranchCommunityEvaluations = z.object({ year: z.number().int(), items: z.array(BranchCommunityEvaluation) });
export type BranchCommunityEvaluations = z.infer<typeof BranchCommunityEvaluations>;
