import { raw, sql } from '../../platform/sql';
import { DEVELOPMENT_STAGES, DEVELOPMENT_STEPS, FILE_STATES } from '../../../contracts/development';
import { EDUCATIONS, SEXES } from '../../../contracts/dict';
import { dimensionValues, type ReportPeriod, type ReportSubjectSource } from '../../platform/report-subjects';

// 发展党员 as a report-builder subject: the development files of the subtree's
// orgs that were open at some time in the period (applied by its end, not
// closed before its start), with the stage and state each had at the period's
// end, and the admissions (step 17, 上级党委审批) and conversions (step 24)
// recorded in the period.

/** The last step recorded by the period's end (a file's stage follows its last step). */
const lastStepAt = (p: ReportPeriod) => sql`(SELECT max(s.step_no) FROM dev_step s WHERE s.file_id = f.id AND s.step_date <= ${p.to}::date)`;

/** The stage of a step, as DEVELOPMENT_STEPS assigns it (1–5). */
const stageOfStep = (step: ReturnType<typeof lastStepAt>) => {
  const lastOfStage = [1, 2, 3, 4].map((stage) => ({ stage, last: Math.max(...DEVELOPMENT_STEPS.filter((s) => s.stage === stage).map((s) => s.no)) }));
  const whens = lastOfStage.map((x) => sql`WHEN ${step} <= ${x.last} THEN ${raw(`'${x.stage}'`)}`);
  return sql`CASE WHEN ${step} IS NULL THEN '1' ${whens.reduce((a, w) => sql`${a} ${w}`)} ELSE '5' END`;
};

const stepIn = (step: number, p: ReportPeriod) => sql`EXISTS (SELECT 1 FROM dev_step s WHERE s.file_id = f.id AND s.step_no = ${step} AND s.step_date BETWEEN ${p.from}::date AND ${p.to}::date)`;

/** The step a file is admitted at (上级党委审批 of the 预备党员的接收 stage) and converted at (its 转正 approval). */
const ADMISSION_STEP = 17;
const CONVERSION_STEP = 24;

export const developmentReportSubject: ReportSubjectSource = {
  key: 'development',
  label: '发展党员',
  description: '结束日期前已申请、且未在开始日期前结束的发展档案（记在档案所在党组织）；阶段、状态为结束日期当天的；新接收预备党员、转正按开始至结束日期之间上级党委审批的日期计。',
  permission: 'development.read',
  order: 15,
  from: (orgs) => sql`dev_file f JOIN ${orgs} ON o.id = f.org_id JOIN person p ON p.id = f.person_id`,
  where: (p) => sql`f.applied_on <= ${p.to}::date AND (f.closed_on IS NULL OR f.closed_on >= ${p.from}::date)`,
  dimensions: [
    { key: 'stage', label: '发展阶段', values: dimensionValues(DEVELOPMENT_STAGES), expr: (p) => (p.current ? sql`f.stage::text` : stageOfStep(lastStepAt(p))) },
    { key: 'state', label: '档案状态', values: dimensionValues(FILE_STATES), expr: (p) => sql`CASE WHEN f.closed_on IS NULL OR f.closed_on > ${p.to}::date THEN 'open' ELSE f.state END` },
    { key: 'sex', label: '性别', values: dimensionValues(SEXES), expr: () => sql`p.sex` },
    { key: 'education', label: '学历', values: dimensionValues(EDUCATIONS), expr: () => sql`p.education` },
    { key: 'applied_year', label: '申请年份', values: null, expr: () => sql`to_char(f.applied_on, 'YYYY')` },
  ],
  measures: [
    { key: 'files', label: '发展档案', kind: 'count', unit: '人', expr: sql`count(*)` },
    { key: 'applied', label: '新申请入党', kind: 'count', unit: '人', expr: (p) => sql`count(*) FILTER (WHERE f.applied_on >= ${p.from}::date)` },
    { key: 'admitted', label: '接收预备党员', kind: 'count', unit: '人', expr: (p) => sql`count(*) FILTER (WHERE ${stepIn(ADMISSION_STEP, p)})` },
    { key: 'converted', label: '预备党员转正', kind: 'count', unit: '人', expr: (p) => sql`count(*) FILTER (WHERE ${stepIn(CONVERSION_STEP, p)})` },
  ],
  link(v, orgId, p, today) {
    // 发展对象管理 lists the files as they are today, by org, stage and open or closed
    if (p.to < today || Object.keys(v).some((k) => !['org', 'stage', 'state'].includes(k)) || (v.state && v.state !== 'open')) return null;
    const q = new URLSearchParams({ orgId: v.org ?? orgId });
    if (v.stage) q.set('stage', v.stage);
    if (!v.state) q.set('state', 'all');
    return `/admin/development/candidates?${q}`;
  },
};
