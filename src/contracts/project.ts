import { z } from 'zod';
import { IsoDate, PageQuery, Text, keysOf, pageOf } from './common';
import { WorkbenchLevel } from './workbench';

// Key projects (重点项目, issue 15): 书记项目, 创新项目 and 重大工程 of an org,
// broken into a roadmap of milestones (时间表, 路线图) with dates, weights and
// the branches and members responsible; progress reports with evidence; the
// superior's acceptance (验收) and assessment. Early warning compares the
// planned progress at the business date with the reported one (rule version
// `project.warning`).

export const PROJECT_TYPES = { secretary: '书记项目', innovation: '创新项目', major: '重大工程' } as const;
export type ProjectType = keyof typeof PROJECT_TYPES;
export const ProjectTypeEnum = z.enum(keysOf(PROJECT_TYPES), { message: '请选择项目类型' });

export const PROJECT_STATUSES = { active: '推进中', accepted: '已验收' } as const;
export type ProjectStatus = keyof typeof PROJECT_STATUSES;
export const ProjectStatusEnum = z.enum(keysOf(PROJECT_STATUSES));

/** The superior's assessment at acceptance; 不合格 keeps the project in progress (整改). */
export const PROJECT_GRADES = { excellent: '优秀', good: '良好', qualified: '合格', unqualified: '不合格（限期整改）' } as const;
export type ProjectGrade = keyof typeof PROJECT_GRADES;
export const ProjectGradeEnum = z.enum(keysOf(PROJECT_GRADES), { message: '请选择考评等次' });

/** The warning level of a project: 红 / 黄 / 蓝, or none (on track). */
export const PROJECT_LEVELS = { error: '红色预警', warning: '黄色预警', info: '蓝色提示', none: '正常' } as const;
export type ProjectLevelFilter = keyof typeof PROJECT_LEVELS;

/** The rule version's body (`project.warning`): the thresholds of the early warning. */
export interface ProjectWarningRule {
  /** a milestone not done within this many days of its date: blue */
  milestoneNoticeDays: number;
  /** behind plan by at least this many percentage points: yellow */
  yellowGap: number;
  /** behind plan by more than this many points: red (an overdue milestone is red too) */
  redGap: number;
}

const Name = Text.pipe(z.string().trim().min(2, '项目名称至少2个字').max(60, '项目名称不超过60字'));
const Rationale = Text.pipe(z.string().trim().min(2, '请填写立项依据（至少2个字）').max(1000, '立项依据不超过1000字'));
const Goals = Text.pipe(z.string().trim().min(2, '请填写项目目标（至少2个字）').max(1000, '项目目标不超过1000字'));
const MilestoneTitle = Text.pipe(z.string().trim().min(2, '节点名称至少2个字').max(100, '节点名称不超过100字'));

export const MilestoneInput = z.object({
  /** an existing milestone (kept, with its reports); absent: a new one */
  id: z.uuid({ message: '节点编号格式不正确' }).optional(),
  title: MilestoneTitle,
  dueOn: IsoDate,
  /** its share of the whole project (weights are relative: 1–100 each) */
  weight: z.number({ message: '权重应为数字' }).int('权重应为整数').min(1, '权重至少为1').max(100, '权重不超过100'),
  responsibleOrgId: z.uuid({ message: '请选择责任组织' }),
  responsiblePersonId: z.uuid({ message: '责任人编号格式不正确' }).nullish(),
});
export type MilestoneInput = z.infer<typeof MilestoneInput>;

const Milestones = z.array(MilestoneInput).max(30, '路线图最多30个节点');

/** The dates of a roadmap lie within the project's term (checked on the body, and again on save against the stored term). */
function checkTerm(b: { startOn: string; endOn: string; milestones?: MilestoneInput[] }, c: z.RefinementCtx) {
  if (b.endOn < b.startOn) c.addIssue({ code: 'custom', path: ['endOn'], message: '结束日期不能早于开始日期' });
  (b.milestones ?? []).forEach((m, i) => {
    if (m.dueOn < b.startOn || m.dueOn > b.endOn) c.addIssue({ code: 'custom', path: ['milestones', i, 'dueOn'], message: `节点计划完成日期应在项目起止日期（${b.startOn} 至 ${b.endOn}）之内` });
  });
}

const ProjectFields = z.object({
  type: ProjectTypeEnum,
  name: Name,
  rationale: Rationale,
  goals: Goals,
  startOn: IsoDate,
  endOn: IsoDate,
  ownerPersonId: z.uuid({ message: '请选择项目负责人' }),
});

export const CreateProjectBody = ProjectFields.extend({
  ownerOrgId: z.uuid({ message: '请选择牵头组织' }),
  milestones: Milestones.optional(),
}).superRefine(checkTerm);
export type CreateProjectBody = z.infer<typeof CreateProjectBody>;

export const UpdateProjectBody = ProjectFields.extend({ version: z.number().int() }).superRefine(checkTerm);
export type UpdateProjectBody = z.infer<typeof UpdateProjectBody>;

export const SaveMilestonesBody = z.object({
  version: z.number().int(),
  milestones: Milestones.min(1, '路线图至少需要1个节点'),
});
export type SaveMilestonesBody = z.infer<typeof SaveMilestonesBody>;

export const RecordProgressBody = z.object({
  /** the milestone the report is about (its completion); required once the project has a roadmap */
  milestoneId: z.uuid({ message: '节点编号格式不正确' }).nullish(),
  reportedOn: IsoDate,
  /** the milestone's completion, or (a project without a roadmap) the project's */
  percent: z.number({ message: '完成比例应为数字' }).int('完成比例应为整数').min(0, '完成比例应在 0 至 100 之间').max(100, '完成比例应在 0 至 100 之间'),
  note: Text.pipe(z.string().trim().min(2, '请填写进展情况（至少2个字）').max(500, '进展情况不超过500字')),
  /** files uploaded to the project (uploadProjectFile) */
  evidenceIds: z.array(z.uuid({ message: '佐证材料编号格式不正确' })).max(10, '佐证材料最多10个').default([]),
});
export type RecordProgressBody = z.infer<typeof RecordProgressBody>;

export const AcceptProjectBody = z.object({
  version: z.number().int(),
  acceptedOn: IsoDate,
  grade: ProjectGradeEnum,
  score: z.number({ message: '考评得分应为数字' }).int('考评得分应为整数').min(0, '考评得分应在 0 至 100 之间').max(100, '考评得分应在 0 至 100 之间'),
  opinion: Text.pipe(z.string().trim().min(2, '请填写验收意见（至少2个字）').max(1000, '验收意见不超过1000字')),
});
export type AcceptProjectBody = z.infer<typeof AcceptProjectBody>;

export const ListProjectsQuery = PageQuery.extend({
  /** narrow to an org's subtree (within the caller's scope) */
  orgId: z.uuid({ message: '组织编号格式不正确' }).optional(),
  type: ProjectTypeEnum.optional(),
  status: ProjectStatusEnum.optional(),
  level: z.enum(keysOf(PROJECT_LEVELS)).optional(),
  /** words of the project's name */
  q: Text.pipe(z.string().trim().max(50, '查找条件不超过50字')).optional(),
});
export type ListProjectsQuery = z.infer<typeof ListProjectsQuery>;

export const ExportProjectsQuery = ListProjectsQuery.omit({ page: true, pageSize: true });
export type ExportProjectsQuery = z.infer<typeof ExportProjectsQuery>;

/** Where a project stands against its plan on the business day. */
const Standing = z.object({
  /** planned progress today (0–100, one decimal) */
  planned: z.number(),
  /** reported progress today (0–100, one decimal) */
  actual: z.number(),
  /** planned − actual: points behind plan (negative: ahead) */
  gap: z.number(),
  /** the warning level, null: on track (or accepted) */
  level: WorkbenchLevel.nullable(),
  /** why, one line each (逾期的节点, 落后计划的点数, 临近的节点) */
  reasons: z.array(Text),
});

export const ProjectListItem = Standing.extend({
  id: z.uuid(),
  type: ProjectTypeEnum,
  name: Text,
  status: ProjectStatusEnum,
  ownerOrgId: z.uuid(),
  ownerOrgName: Text,
  ownerPersonName: Text,
  startOn: IsoDate,
  endOn: IsoDate,
  milestones: z.number().int(),
  milestonesDone: z.number().int(),
  /** the next milestone not done, by date */
  nextMilestone: z.object({ title: Text, dueOn: IsoDate }).nullable(),
  acceptedOn: IsoDate.nullable(),
  grade: ProjectGradeEnum.nullable(),
});
export type ProjectListItem = z.infer<typeof ProjectListItem>;

export const ProjectPage = pageOf(ProjectListItem).extend({
  /** the projects in the caller's scope (the org narrowing applied) by level, before the other filters */
  counts: z.object({ error: z.number().int(), warning: z.number().int(), info: z.number().int(), none: z.number().int() }),
  asOf: IsoDate,
});
export type ProjectPage = z.infer<typeof ProjectPage>;

export const MILESTONE_STATES = { done: '已完成', overdue: '已逾期', due_soon: '临近期限', pending: '推进中' } as const;
export type MilestoneState = keyof typeof MILESTONE_STATES;

export const MilestoneView = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  title: Text,
  dueOn: IsoDate,
  weight: z.number().int(),
  responsibleOrgId: z.uuid(),
  responsibleOrgName: Text,
  responsiblePersonId: z.uuid().nullable(),
  responsiblePersonName: Text.nullable(),
  doneOn: IsoDate.nullable(),
  /** the latest reported completion (0–100) */
  percent: z.number().int(),
  /** planned completion of this milestone today */
  planned: z.number(),
  state: z.enum(keysOf(MILESTONE_STATES)),
  reports: z.number().int(),
  /** the caller may report progress on it */
  canRecord: z.boolean(),
});
export type MilestoneView = z.infer<typeof MilestoneView>;

export const ProgressView = z.object({
  id: z.uuid(),
  milestoneId: z.uuid().nullable(),
  milestoneTitle: Text.nullable(),
  reportedOn: IsoDate,
  percent: z.number().int(),
  note: Text,
  evidence: z.array(z.object({ id: z.uuid(), fileName: Text, mime: Text })),
  reportedBy: Text,
  recordedAt: Text,
});
export type ProgressView = z.infer<typeof ProgressView>;

export const ProjectDetail = ProjectListItem.extend({
  rationale: Text,
  goals: Text,
  ownerOrgPath: Text,
  ownerPersonId: z.uuid(),
  createdBy: Text,
  createdAt: Text,
  acceptance: z.object({
    acceptedOn: IsoDate,
    grade: ProjectGradeEnum,
    score: z.number().int(),
    opinion: Text,
    byOrgName: Text,
    by: Text,
  }).nullable(),
  roadmap: z.array(MilestoneView),
  /** the plan as a line: the planned progress at the start, at every milestone date and at the end */
  plan: z.array(z.object({ on: IsoDate, planned: z.number() })),
  reports: z.array(ProgressView),
  rule: z.object({ milestoneNoticeDays: z.number().int(), yellowGap: z.number(), redGap: z.number(), source: Text }),
  /** what the caller may do now */
  can: z.object({ edit: z.boolean(), record: z.boolean(), accept: z.boolean() }),
  version: z.number().int(),
});
export type ProjectDetail = z.infer<typeof ProjectDetail>;

/** A project on the map: where it stands, never a person. */
export interface ProjectMarker {
  id: string;
  name: string;
  type: ProjectType;
  level: WorkbenchLevel | null;
  orgId: string;
}
