import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Dropdown, Empty, List, Row, Select, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router';
import type { IndexAdjustment, IndexItem, SubIndex } from '../../../contracts/branch-index';
import { periodLabel, periodOf } from '../../../contracts/meeting';
import { formatDateTime, todayShanghai } from '../../shared/dates';
import { usePageOrg } from '../../shared/current-org';
import { can, useMe } from '../../shared/session';
import { ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { api, errorMessage } from '../../shared/api';
import { useBranchIndex, useOrgPortrait, useRecomputeIndex, type BranchIndex } from './api';
import { RadarPortrait, TrendChart } from './IndexCharts';
import { BranchAssessmentCard, SchemeCard } from './AssessmentCards';

// 先锋指数: for a branch, the composite with its band, each sub-index with the
// items behind it (a figure, its numerator and denominator, and a link to the
// facts), deductions and vetoes, the trend over eight quarters, and the
// portrait against the peers under the same superior. For a committee, the
// bands of its branches, in the order of the tree — never sorted by score
// (RULES §8). 无数据 where the platform has no source yet.

const BAND_COLOR: Record<string, string> = { advanced: 'red', good: 'gold', fair: 'blue', lagging: 'default' };

/** The last eight quarters and three years, newest first. */
function periodOptions(today: string) {
  const q = periodOf('quarter', today);
  let idx = Number(q.slice(0, 4)) * 4 + Number(q.slice(6)) - 1;
  const quarters: string[] = [];
  for (let i = 0; i < 8; i++, idx--) quarters.push(`${Math.floor(idx / 4)}-Q${(idx % 4) + 1}`);
  const y = Number(today.slice(0, 4));
  return [
    { label: '季度', options: quarters.map((p) => ({ value: p, label: periodLabel(p) })) },
    { label: '年度', options: [y, y - 1, y - 2].map((n) => ({ value: String(n), label: `${n}年` })) },
  ];
}

const pct = (v: number | null) => (v === null ? '无数据' : `${Math.round(v * 1000) / 10}%`);

function ItemRow({ it }: { it: IndexItem }) {
  return (
    <List.Item
      actions={it.link ? [<Link key="src" to={it.link}>查看来源</Link>] : []}
      style={{ paddingInline: 0 }}
    >
      <List.Item.Meta
        title={
          <Space size={8} wrap>
            <span>{it.label}</span>
            {it.value === null ? <Tag>无数据</Tag> : <Typography.Text strong>{pct(it.value)}</Typography.Text>}
            {it.value !== null && it.numerator !== null && it.denominator !== null && (
              <Typography.Text type="secondary">
                （{it.numerator.toLocaleString('zh-CN')} / {it.denominator.toLocaleString('zh-CN')}）
              </Typography.Text>
            )}
          </Space>
        }
        description={it.measure}
      />
    </List.Item>
  );
}

function SubIndexCard({ s }: { s: SubIndex }) {
  return (
    <Card size="small" title={s.label} extra={s.score === null ? <Tag>无数据</Tag> : <Typography.Text strong style={{ fontSize: 18 }}>{s.score}</Typography.Text>} style={{ height: '100%' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        权重 {s.weight}
        {s.score === null ? '，暂无数据来源，不计入综合指数' : ''}
      </Typography.Text>
      <List size="small" dataSource={s.items} renderItem={(it) => <ItemRow it={it} />} />
    </Card>
  );
}

function Adjustments({ list }: { list: IndexAdjustment[] }) {
  return (
    <List
      size="small"
      dataSource={list}
      renderItem={(a) => (
        <List.Item style={{ paddingInline: 0 }}>
          <Space wrap>
            <Tag color={a.kind === 'veto' ? 'volcano' : 'orange'}>{a.kind === 'veto' ? '否决项' : `扣${a.points}分`}</Tag>
            <span>{a.label}</span>
            {!a.hasData ? <Tag>无数据</Tag> : a.applied ? <Typography.Text type="danger">{a.detail}</Typography.Text> : <Typography.Text type="success">未发生</Typography.Text>}
          </Space>
        </List.Item>
      )}
    />
  );
}

function BranchView({ data, period }: { data: BranchIndex; period: string }) {
  const cur = data.current!;
  const portrait = useOrgPortrait(data.org.id, period, true);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={10}>
          <Card style={{ height: '100%' }}>
            <Space size={24} wrap align="start">
              <Statistic title={`${cur.periodLabel}综合指数`} value={cur.composite ?? '无数据'} suffix={cur.composite === null ? undefined : '分'} />
              <div>
                <div style={{ color: 'rgba(0,0,0,0.45)', marginBottom: 4 }}>档次</div>
                {cur.bandLabel ? <Tag color={BAND_COLOR[cur.band ?? ''] ?? 'default'} style={{ fontSize: 16, padding: '4px 12px' }}>{cur.bandLabel}</Tag> : <Tag>无数据</Tag>}
              </div>
              <Tooltip title={`支部积分 = 本年党员人均获得积分 ${data.points.averageMemberPoints} + 上级考核得分 ${data.points.assessmentPoints ?? '（未评分）'}`}>
                <div>
                  <Statistic title="支部积分" value={data.points.total} suffix="分" />
                </div>
              </Tooltip>
            </Space>
            {cur.vetoed && <Alert type="error" showIcon style={{ marginTop: 12 }} title="存在否决项，档次定为后进" />}
            <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
              <Descriptions.Item label="基础分">{cur.base ?? '无数据'}（各分项指数按权重平均，无数据的分项不计入）</Descriptions.Item>
              <Descriptions.Item label="统计截至">{cur.asOf}</Descriptions.Item>
              <Descriptions.Item label="计算时间">{formatDateTime(cur.computedAt)}</Descriptions.Item>
            </Descriptions>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>
              依据：{cur.source}
            </Typography.Paragraph>
          </Card>
        </Col>
        <Col xs={24} md={14}>
          <Card title="综合指数趋势" size="small" style={{ height: '100%' }}>
            <TrendChart points={data.trend.map((t) => ({ label: t.periodLabel.replace('年第', '年\n第'), value: t.composite }))} />
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        {cur.subIndices.map((s) => (
          <Col key={s.key} xs={24} md={12} xl={8}>
            <SubIndexCard s={s} />
          </Col>
        ))}
      </Row>
      <Card title="扣分项与否决项" size="small">
        <Adjustments list={cur.adjustments} />
      </Card>
      <BranchAssessmentCard orgId={data.org.id} year={Number(period.slice(0, 4))} />
      <Card title="支部画像" size="small" loading={portrait.isLoading}>
        {portrait.isError ? (
          <ErrorState error={portrait.error} onRetry={() => portrait.refetch()} />
        ) : portrait.data ? (
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <RadarPortrait axes={portrait.data.axes} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                对比范围：{portrait.data.peerDescription}
              </Typography.Text>
            </Col>
            <Col xs={24} lg={12}>
              <Typography.Title level={5}>优势</Typography.Title>
              {portrait.data.strengths.length ? <ul>{portrait.data.strengths.map((s) => <li key={s}>{s}</li>)}</ul> : <Typography.Paragraph type="secondary">暂无明显优势项</Typography.Paragraph>}
              <Typography.Title level={5}>短板</Typography.Title>
              {portrait.data.weaknesses.length ? <ul>{portrait.data.weaknesses.map((s) => <li key={s}>{s}</li>)}</ul> : <Typography.Paragraph type="secondary">暂无明显短板</Typography.Paragraph>}
              <Typography.Title level={5}>整改建议</Typography.Title>
              {portrait.data.suggestions.length ? (
                <ol>
                  {portrait.data.suggestions.map((s) => (
                    <li key={s.item}>
                      <Typography.Text strong>{s.label}：</Typography.Text>
                      {s.text}
                    </li>
                  ))}
                </ol>
              ) : (
                <Typography.Paragraph type="secondary">各项均达到要求</Typography.Paragraph>
              )}
            </Col>
          </Row>
        ) : null}
      </Card>
    </Space>
  );
}

function CommitteeView({ data, period, onPick }: { data: BranchIndex; period: string; onPick: (orgId: string) => void }) {
  const order = ['advanced', 'good', 'fair', 'lagging'] as const;
  const labels = { advanced: '先进', good: '较好', fair: '一般', lagging: '后进' };
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title="所辖支部档次分布">
        <Space size={32} wrap>
          {order.map((b) => (
            <Statistic key={b} title={labels[b]} value={data.bandCounts[b] ?? 0} suffix="个" />
          ))}
          <Statistic title="本年党员人均获得积分" value={data.points.averageMemberPoints} suffix="分" />
        </Space>
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          按组织顺序列出，不按分数排名。点击支部查看分项指数、数据来源和画像。
        </Typography.Paragraph>
      </Card>
      <SchemeCard orgId={data.org.id} year={Number(period.slice(0, 4))} />
      <Card size="small" styles={{ body: { overflowX: 'auto' } }} data-testid="index-branches">
        <Table
          rowKey="orgId"
          size="small"
          dataSource={data.branches}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          scroll={{ x: 480 }}
          locale={{ emptyText: <Empty description="该组织下没有党支部" /> }}
          columns={[
            { title: '党支部', dataIndex: 'orgName', render: (v: string, r) => <a onClick={() => onPick(r.orgId)}>{v}</a> },
            { title: '综合指数', dataIndex: 'composite', width: 100, render: (v: number | null) => v ?? <Tag>未计算</Tag> },
            { title: '档次', dataIndex: 'bandLabel', width: 90, render: (v: string | null, r) => (v ? <Tag color={BAND_COLOR[r.band ?? ''] ?? 'default'}>{v}</Tag> : '—') },
          ]}
        />
      </Card>
    </Space>
  );
}

export function BranchIndexPage() {
  usePageTitle('先锋指数');
  const { message } = App.useApp();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const orgId = usePageOrg();
  const today = todayShanghai();
  const options = useMemo(() => periodOptions(today), [today]);
  const asked = params.get('period');
  const period = asked && /^\d{4}(-Q[1-4])?$/.test(asked) ? asked : periodOf('quarter', today);
  const q = useBranchIndex(orgId, period);
  const recompute = useRecomputeIndex();
  const set = (patch: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) next.set(k, v);
    setParams(next);
  };
  const [downloading, setDownloading] = useState(false);
  const download = async (format: 'docx' | 'pdf') => {
    if (!q.data) return;
    setDownloading(true);
    try {
      await api.download('/api/v1/index/report', { orgId: q.data.org.id, period, format }, `${q.data.org.name}先锋指数报告.${format}`);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setDownloading(false);
    }
  };
  const run = async () => {
    if (!q.data) return;
    try {
      const r = await recompute.mutateAsync({ orgId: q.data.org.id, period });
      message.success(`已按最新数据重新计算 ${r.branches} 个支部`);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          先锋指数{q.data ? ` · ${q.data.org.name}` : ''}
        </Typography.Title>
        <Space wrap>
          <Select aria-label="统计期" value={period} options={options} onChange={(v) => set({ period: v })} style={{ width: 180 }} />
          {q.data?.current && (
            <Dropdown
              menu={{
                items: [
                  { key: 'docx', label: 'Word（.docx）' },
                  { key: 'pdf', label: 'PDF' },
                ],
                onClick: ({ key }) => void download(key as 'docx' | 'pdf'),
              }}
            >
              <Button icon={<DownloadOutlined />} loading={downloading}>
                支部报告
              </Button>
            </Dropdown>
          )}
          {can(me, 'points.manage') && (
            <Tooltip title="指数每天自动计算一次；刚录入的会议、党费等可点此立即重算">
              <Button icon={<ReloadOutlined />} onClick={run} loading={recompute.isPending} disabled={!q.data}>
                重新计算
              </Button>
            </Tooltip>
          )}
        </Space>
      </Space>
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : !q.data ? (
        <Card loading />
      ) : q.data.current ? (
        <BranchView data={q.data} period={period} />
      ) : (
        <CommitteeView data={q.data} period={period} onPick={(id) => set({ orgId: id })} />
      )}
    </Space>
  );
}
