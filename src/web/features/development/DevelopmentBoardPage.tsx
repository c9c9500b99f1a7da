import { Button, Card, Col, Row, Space, Statistic, Table, Tooltip, Typography } from 'antd';
import { ClockCircleOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router';
import { DEVELOPMENT_STAGES } from '../../../contracts/development';
import { dayjs, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useDeadlines, useOverview, type DeadlineView, type OverviewView } from './api';
import { DaysLeftTag, STAGE_SHORT, useDevelopmentOrg, useForgetGoneOrg } from './ui';

// 发展看板: the pipeline of the current org (the header's org switcher) in five
// stages, what is overdue or falls due within 30 days, and the child orgs.

const STAGE_COLORS = ['#1677ff', '#13a8a8', '#d48806', '#d4380d', '#c8102e'];

function candidatesLink(orgId: string | undefined, extra: Record<string, string> = {}) {
  const p = new URLSearchParams({ ...(orgId ? { orgId } : {}), ...extra });
  const s = p.toString();
  return `/admin/development/candidates${s ? `?${s}` : ''}`;
}

function StageCards({ data, orgId }: { data: OverviewView; orgId: string | undefined }) {
  const navigate = useNavigate();
  return (
    <Row gutter={[12, 12]}>
      {data.stages.map((s) => (
        <Col key={s.stage} xs={24} sm={12} md={8} xl={{ flex: '1 1 0' }}>
          <Card
            hoverable
            size="small"
            role="link"
            tabIndex={0}
            aria-label={`第${s.stage}阶段 ${s.label} ${s.count} 人，查看名单`}
            data-testid={`stage-card-${s.stage}`}
            onClick={() => navigate(candidatesLink(orgId, { stage: String(s.stage) }))}
            onKeyDown={(e) => e.key === 'Enter' && navigate(candidatesLink(orgId, { stage: String(s.stage) }))}
            style={{ borderTop: `3px solid ${STAGE_COLORS[s.stage - 1]}`, height: '100%' }}
          >
            <Tooltip title={DEVELOPMENT_STAGES[s.stage as keyof typeof DEVELOPMENT_STAGES]}>
              <Typography.Text type="secondary">第{s.stage}阶段 · {s.label}</Typography.Text>
            </Tooltip>
            <Statistic value={s.count} suffix="人" styles={{ content: { color: STAGE_COLORS[s.stage - 1] } }} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

function ChildrenTable({ data }: { data: OverviewView }) {
  if (data.children.length === 0) return null;
  return (
    <Card title="下级组织" size="small">
      <Table
        rowKey="orgId"
        size="small"
        dataSource={data.children}
        pagination={data.children.length > 20 ? { pageSize: 20, showTotal: (t) => `共 ${t} 个组织` } : false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: '组织', dataIndex: 'orgName', key: 'orgName', render: (n: string, r) => <Link to={candidatesLink(r.orgId)}>{n}</Link> },
          { title: '进行中', dataIndex: 'open', key: 'open', align: 'right', sorter: (a, b) => a.open - b.open },
          ...[1, 2, 3, 4, 5].map((s) => ({
            title: STAGE_SHORT[s],
            key: `s${s}`,
            align: 'right' as const,
            render: (_: unknown, r: OverviewView['children'][number]) => r.byStage[s - 1] || <Typography.Text type="secondary">0</Typography.Text>,
          })),
          {
            title: '逾期',
            dataIndex: 'overdue',
            key: 'overdue',
            align: 'right',
            sorter: (a, b) => a.overdue - b.overdue,
            render: (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : <Typography.Text type="secondary">0</Typography.Text>),
          },
        ]}
      />
    </Card>
  );
}

function DueSoon({ orgId }: { orgId: string | undefined }) {
  const before = dayjs(todayShanghai()).add(30, 'day').format('YYYY-MM-DD');
  const q = useDeadlines({ orgId, before, limit: 100 });
  return (
    <Card title="近期到期（30天内及已逾期）" size="small" extra={q.data && q.data.total > q.data.items.length ? `共 ${q.data.total} 项，显示前 ${q.data.items.length} 项` : undefined}>
      {q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="期限加载失败" />
      ) : (
        <Table<DeadlineView>
          rowKey={(r) => `${r.fileId}-${r.kind}`}
          size="small"
          loading={q.isPending}
          dataSource={q.data?.items ?? []}
          pagination={false}
          scroll={{ x: 'max-content', y: 420 }}
          locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="30天内没有到期事项，也没有逾期事项。" /> }}
          columns={[
            { title: '姓名', dataIndex: 'personName', key: 'personName', width: 100, render: (n: string, r) => <Link to={`/admin/development/candidates/${r.fileId}`}>{n}</Link> },
            { title: '所在支部', dataIndex: 'orgName', key: 'orgName', width: 220, ellipsis: true },
            { title: '事项', dataIndex: 'label', key: 'label' },
            {
              title: '到期日',
              dataIndex: 'due',
              key: 'due',
              width: 110,
              render: (d: string, r) => <Typography.Text type={r.overdue ? 'danger' : undefined}>{d}</Typography.Text>,
            },
            { title: '剩余', key: 'left', width: 170, render: (_: unknown, r) => <DaysLeftTag d={r} /> },
          ]}
        />
      )}
    </Card>
  );
}

export function DevelopmentBoardPage() {
  usePageTitle('发展看板');
  const me = useMe().data;
  const orgId = useDevelopmentOrg();
  const q = useOverview(orgId);
  useForgetGoneOrg(orgId, q.error);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <div className="page-header" style={{ marginBottom: q.data ? 16 : 0 }}>
          <Space orientation="vertical" size={0}>
            <Typography.Title level={3}>发展看板</Typography.Title>
            <Typography.Text type="secondary">
              {q.data ? `${q.data.root.name}及下级组织 · 进行中的发展档案` : '进行中的发展档案'}
              {!orgId && '（可在页头切换组织）'}
            </Typography.Text>
          </Space>
          <Space wrap>
            <Link to={candidatesLink(orgId)}>
              <Button>发展对象档案</Button>
            </Link>
            {can(me, 'development.manage') && (
              <Link to="/admin/development/candidates/new">
                <Button type="primary" icon={<PlusOutlined />}>
                  受理入党申请
                </Button>
              </Link>
            )}
          </Space>
        </div>
        {q.isPending ? (
          <PageLoading />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} title="发展看板加载失败" />
        ) : (
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            {q.data.stages.every((s) => s.count === 0) && (
              <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
                {q.data.root.name}及下级组织目前没有进行中的发展档案。收到入党申请书后，点击“受理入党申请”建立档案。
              </Typography.Paragraph>
            )}
            <StageCards data={q.data} orgId={orgId} />
            <Row gutter={[12, 12]}>
              <Col xs={24} sm={12}>
                <Card size="small">
                  <Statistic
                    title={
                      <span>
                        <WarningOutlined /> 已逾期事项
                      </span>
                    }
                    value={q.data.overdue}
                    suffix="项"
                    styles={{ content: { color: q.data.overdue > 0 ? '#cf1322' : undefined } }}
                  />
                </Card>
              </Col>
              <Col xs={24} sm={12}>
                <Card size="small">
                  <Statistic
                    title={
                      <span>
                        <ClockCircleOutlined /> 30天内到期
                      </span>
                    }
                    value={q.data.dueIn30Days}
                    suffix="项"
                  />
                </Card>
              </Col>
            </Row>
          </Space>
        )}
      </Card>
      {q.data && <ChildrenTable data={q.data} />}
      {q.data && <DueSoon orgId={orgId} />}
    </Space>
  );
}
