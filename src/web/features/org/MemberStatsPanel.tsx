import { useState } from 'react';
import { Card, Col, Row, Select, Space, Statistic, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { EDUCATIONS, MEMBER_STATUSES, OCCUPATIONS, ORG_TYPES, PIPELINE_STATUSES, SEXES } from '../../../contracts/dict';
import { AGE_BANDS, JOIN_PERIODS, JOIN_PERIOD_UNKNOWN_LABEL, type MemberStats, type StatsCount } from '../../../contracts/member-stats';
import { todayShanghai } from '../../shared/dates';
import { ErrorState, PageLoading } from '../../shared/states';
import { api } from '../../shared/api';

// 「党员统计」 on the org detail page: counts of the org's whole subtree read
// from the member rollups (GET /orgs/:id/member-stats). Ages are counted as
// reached in the chosen year (as the annual statistics do) or today.

const LABELS: Record<string, Record<string, string>> = {
  status: { ...MEMBER_STATUSES, ...PIPELINE_STATUSES },
  sex: SEXES,
  age: Object.fromEntries(AGE_BANDS.map((b) => [b.key, b.label])),
  education: EDUCATIONS,
  occupation: OCCUPATIONS,
  join: { ...Object.fromEntries(JOIN_PERIODS.map((p) => [p.key, p.label])), unknown: JOIN_PERIOD_UNKNOWN_LABEL },
  orgType: ORG_TYPES,
};

function BarList({ title, items, labels, testId }: { title: string; items: StatsCount[]; labels: Record<string, string>; testId: string }) {
  const max = Math.max(1, ...items.map((i) => i.n));
  const total = items.reduce((s, i) => s + i.n, 0);
  return (
    <div data-testid={testId}>
      <Typography.Text strong>{title}</Typography.Text>
      <div style={{ marginTop: 6 }}>
        {items.map((i) => (
          <div key={i.key} style={{ display: 'flex', alignItems: 'center', gap: 8, fontSize: 12, lineHeight: '20px' }}>
            <span style={{ width: 112, flex: 'none', overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={labels[i.key] ?? i.key}>
              {labels[i.key] ?? i.key}
            </span>
            <span style={{ flex: 1, background: '#f5f5f5', height: 10, borderRadius: 2 }}>
              <span style={{ display: 'block', width: `${(100 * i.n) / max}%`, height: 10, borderRadius: 2, background: '#c8102e', opacity: i.n ? 0.85 : 0 }} />
            </span>
            <span style={{ width: 84, flex: 'none', textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>
              {i.n}
              <Typography.Text type="secondary" style={{ fontSize: 11 }}>
                {' '}
                {total ? `${((100 * i.n) / total).toFixed(1)}%` : ''}
              </Typography.Text>
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}

/** 汉族, the five largest minorities, and the rest summed. */
function ethnicityItems(s: MemberStats): StatsCount[] {
  const minorities = s.ethnicity.byName.filter((e) => e.key !== '汉族' && e.n > 0);
  const rest = minorities.slice(5).reduce((a, e) => a + e.n, 0);
  return [{ key: 'han', n: s.ethnicity.han }, ...minorities.slice(0, 5), ...(rest ? [{ key: 'others', n: rest }] : [])];
}

const find = (xs: StatsCount[], key: string) => xs.find((x) => x.key === key)?.n ?? 0;

export function MemberStatsPanel({ orgId }: { orgId: string }) {
  const today = todayShanghai();
  const year = Number(today.slice(0, 4));
  const [asOf, setAsOf] = useState(today);
  const q = useQuery({
    queryKey: ['orgs', 'member-stats', orgId, asOf],
    queryFn: () => api.get<MemberStats>(`/api/v1/orgs/${orgId}/member-stats`, { asOf }),
  });
  const options = [{ value: today, label: `截至今日（${today}）` }, ...[year, year - 1, year - 2].map((y) => ({ value: `${y}-12-31`, label: `${y} 年度（年龄算至 ${y}-12-31）` }))];

  return (
    <Card
      title="党员统计"
      size="small"
      data-testid="member-stats"
      extra={<Select size="small" style={{ width: 250 }} value={asOf} options={options} onChange={setAsOf} aria-label="统计口径" />}
    >
      {q.isPending ? (
        <PageLoading />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="党员统计加载失败" />
      ) : (
        <Stats s={q.data} />
      )}
    </Card>
  );
}

function Stats({ s }: { s: MemberStats }) {
  const women = find(s.bySex, 'female');
  const pct = (n: number) => (s.members ? `${((100 * n) / s.members).toFixed(1)}%` : '—');
  const upto35 = s.byAgeBand.filter((b) => ['upto25', '26_30', '31_35'].includes(b.key)).reduce((a, b) => a + b.n, 0);
  const college = ['postgraduate', 'bachelor', 'college'].reduce((a, k) => a + find(s.byEducation, k), 0);
  const pipeline = s.byStatus.filter((x) => x.key in PIPELINE_STATUSES && x.key !== 'masses');
  const orgs = s.orgsByType.filter((x) => x.n > 0);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {s.coverage === 'subtree' ? '本级及全部下级组织' : '仅本级组织（您的权限不含下级）'}，党员指在册的正式党员和预备党员。
      </Typography.Text>
      <Row gutter={16}>
        <Col span={4}><Statistic title="党员总数" value={s.members} suffix="名" /></Col>
        <Col span={4}><Statistic title="正式党员" value={find(s.byStatus, 'full')} suffix="名" /></Col>
        <Col span={4}><Statistic title="预备党员" value={find(s.byStatus, 'probationary')} suffix="名" /></Col>
        <Col span={4}><Statistic title="女党员" value={women} suffix={<span style={{ fontSize: 12 }}>名 {pct(women)}</span>} /></Col>
        <Col span={4}><Statistic title="少数民族党员" value={s.ethnicity.minority} suffix={<span style={{ fontSize: 12 }}>名 {pct(s.ethnicity.minority)}</span>} /></Col>
        <Col span={4}><Statistic title="35岁及以下" value={upto35} suffix={<span style={{ fontSize: 12 }}>名 {pct(upto35)}</span>} /></Col>
      </Row>
      <Row gutter={[24, 16]}>
        <Col xs={24} xl={12}><BarList title="年龄" items={s.byAgeBand} labels={LABELS.age} testId="stats-age" /></Col>
        <Col xs={24} xl={12}>
          <BarList title={`学历（大专及以上 ${pct(college)}）`} items={s.byEducation} labels={LABELS.education} testId="stats-education" />
        </Col>
        <Col xs={24} xl={12}><BarList title="入党时间" items={s.byJoinPeriod} labels={LABELS.join} testId="stats-join" /></Col>
        <Col xs={24} xl={12}><BarList title="职业（人员类别）" items={s.byOccupation} labels={LABELS.occupation} testId="stats-occupation" /></Col>
        <Col xs={24} xl={12}>
          <BarList title="民族" items={ethnicityItems(s)} labels={{ han: '汉族', others: '其他少数民族' }} testId="stats-ethnicity" />
        </Col>
        <Col xs={24} xl={12}>
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <BarList title="发展党员工作" items={pipeline} labels={LABELS.status} testId="stats-pipeline" />
            <BarList title="党组织" items={orgs.length ? orgs : [{ key: 'none', n: 0 }]} labels={{ ...LABELS.orgType, none: '无' }} testId="stats-orgs" />
          </Space>
        </Col>
      </Row>
    </Space>
  );
}
