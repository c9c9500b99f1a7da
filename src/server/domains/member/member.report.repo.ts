import { sql } from '../../platform/sql';
import { EDUCATIONS, MEMBER_STATUSES, OCCUPATIONS, SEXES } from '../../../contracts/dict';
import { AGE_BANDS, HAN_ETHNICITY, JOIN_PERIODS } from '../../../contracts/member-stats';
import { dimensionValues, type ReportSubjectSource } from '../../platform/report-subjects';
import { joinPeriod } from './member.drill.repo';

// 党员 as a report-builder subject: the members on the formal roll of the
// subtree at the period's end (their relation covering that day), by the
// dimensions of the member statistics.

export const memberReportSubject: ReportSubjectSource = {
  key: 'members',
  label: '党员',
  description: '结束日期当天组织关系在所选组织及以下的党员；年龄按结束日期所在年份的周岁计算。',
  permission: 'member.read',
  order: 10,
  // a period ending today or later counts the present roll (the members on it, from the drill's covering index)
  from: (orgs, p) => (p.current ? sql`person p JOIN ${orgs} ON o.id = p.org_id` : sql`membership m JOIN ${orgs} ON o.id = m.org_id JOIN person p ON p.id = m.person_id`),
  // on the roll at the end of the day (as the statistics count): a relation covering it that a 减少 that day did not close
  where: (p) =>
    p.current
      ? sql`p.is_current`
      : sql`m.valid_from <= ${p.to}::date AND (m.valid_to IS NULL OR m.valid_to > ${p.to}::date
    OR (m.valid_to = ${p.to}::date AND NOT EXISTS (SELECT 1 FROM member_event x WHERE x.person_id = m.person_id AND x.direction = 'decrease' AND x.event_date = ${p.to}::date)))`,
  dimensions: [
    { key: 'sex', label: '性别', values: dimensionValues(SEXES), expr: () => sql`p.sex` },
    {
      key: 'age', label: '年龄段', values: AGE_BANDS.map((b) => ({ value: b.key, label: b.label })),
      expr: (p) => {
        const year = Number(p.to.slice(0, 4));
        // the age reached in the year ≤ N ⇔ born on or after 1 January of (year − N)
        const whens = AGE_BANDS.filter((b) => b.max !== null).map((b) => sql`WHEN p.birth_date >= ${`${year - b.max!}-01-01`}::date THEN ${b.key}`);
        return sql`CASE ${whens.reduce((a, w) => sql`${a} ${w}`)} ELSE ${AGE_BANDS[AGE_BANDS.length - 1].key} END`;
      },
    },
    { key: 'education', label: '学历', values: dimensionValues(EDUCATIONS), expr: () => sql`p.education` },
    { key: 'occupation', label: '职业', values: dimensionValues(OCCUPATIONS), expr: () => sql`p.occupation` },
    {
      key: 'status', label: '正式/预备', values: [{ value: 'full', label: MEMBER_STATUSES.full }, { value: 'probationary', label: MEMBER_STATUSES.probationary }],
      expr: (p) => sql`CASE WHEN (p.conversion_date IS NOT NULL AND p.conversion_date <= ${p.to}::date) OR (p.conversion_date IS NULL AND p.status = 'full') THEN 'full' ELSE 'probationary' END`,
    },
    { key: 'minority', label: '民族', values: [{ value: 'han', label: HAN_ETHNICITY }, { value: 'minority', label: '少数民族' }], expr: () => sql`CASE WHEN p.ethnicity = ${HAN_ETHNICITY} THEN 'han' ELSE 'minority' END` },
    {
      key: 'join_period', label: '入党时间', values: [...JOIN_PERIODS.map((x) => ({ value: x.key, label: x.label })), { value: 'unknown', label: '未填写' }],
      expr: () => sql`CASE WHEN p.join_date IS NULL THEN 'unknown' ELSE ${joinPeriod} END`,
    },
  ],
  measures: [
    { key: 'count', label: '人数', kind: 'count', unit: '人', expr: sql`count(*)` },
    { key: 'female_rate', label: '女党员比例', kind: 'rate', unit: '%', expr: sql`count(*) FILTER (WHERE p.sex = 'female')`, denominator: sql`count(*)` },
    { key: 'minority_rate', label: '少数民族比例', kind: 'rate', unit: '%', expr: sql`count(*) FILTER (WHERE p.ethnicity <> ${HAN_ETHNICITY})`, denominator: sql`count(*)` },
  ],
  link(v, orgId, p, today) {
    // the roster lists the members on the roll today, filtered by org, sex, education and standing
    if (p.to < today || Object.keys(v).some((k) => !['org', 'sex', 'education', 'status'].includes(k))) return null;
    const q = new URLSearchParams({ orgId: v.org ?? orgId });
    for (const k of ['sex', 'education', 'status']) if (v[k]) q.set(k, v[k]);
    return `/admin/members?${q}`;
  },
};
