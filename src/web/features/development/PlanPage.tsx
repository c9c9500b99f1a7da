import { useState } from 'react';
import { App, Button, Card, DatePicker, InputNumber, Progress, Space, Table, Tag, Typography } from 'antd';
import { SaveOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { dayjs, todayShanghai } from '../../shared/dates';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { usePlan, usePutPlan, type PlanTable } from './api';
import { errorMessage, useDevelopmentOrg, useForgetGoneOrg } from './ui';

// 发展计划: the year's planned admissions per org (the current org and its
// direct children) against those admitted (dated by the superior's approval),
// converted, and the pipeline behind them. Editable by the planning committee.

type Row = PlanTable['rows'][number];

function PlannedEditor({ row, year, canEdit }: { row: Row; year: number; canEdit: boolean }) {
  const { message } = App.useApp();
  const put = usePutPlan();
  const [value, setValue] = useState<number | null>(row.planned);
  if (!canEdit) return <span>{row.planned ?? <Typography.Text type="secondary">未制定</Typography.Text>}</span>;
  const changed = value !== row.planned && value !== null;
  const save = async () => {
    if (value === null) return;
    try {
      await put.mutateAsync({ orgId: row.orgId, year, planned: value });
      message.success(`已保存 ${row.orgName} ${year} 年发展计划：${value} 名`);
    } catch (e) {
      message.error(`保存失败：${errorMessage(e)}`);
    }
  };
  return (
    <Space.Compact>
      <InputNumber
        min={0}
        max={100000}
        precision={0}
        value={value}
        onChange={(v) => setValue(typeof v === 'number' ? v : null)}
        onPressEnter={() => changed && void save()}
        placeholder="未制定"
        style={{ width: 96 }}
        aria-label={`${row.orgName}计划数`}
      />
      <Button icon={<SaveOutlined />} type={changed ? 'primary' : 'default'} disabled={!changed || put.isPending} onClick={save} aria-label={`保存${row.orgName}计划数`}>
        保存
      </Button>
    </Space.Compact>
  );
}

export function PlanPage() {
  usePageTitle('发展计划');
  const [year, setYear] = useState(() => Number(todayShanghai().slice(0, 4)));
  const orgId = useDevelopmentOrg();
  const q = usePlan(orgId, year);
  useForgetGoneOrg(orgId, q.error);
  const rows = q.data?.rows ?? [];
  const root = rows.find((r) => r.isRoot);
  const childPlanned = rows.filter((r) => !r.isRoot).reduce((n, r) => n + (r.planned ?? 0), 0);
  const canEdit = !!q.data?.canEdit;

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>发展计划</Typography.Title>
          <Typography.Text type="secondary">
            {root ? `${root.orgName}及直属下级组织` : '本级及直属下级组织'} · 已发展按上级党委审批日期计入当年，转正按转正日期计入
          </Typography.Text>
        </Space>
        <Space wrap>
          <span>年度</span>
          <DatePicker
            picker="year"
            allowClear={false}
            value={dayjs(`${year}-01-01`)}
            onChange={(d) => d && setYear(d.year())}
            disabledDate={(d) => d.year() < 2000 || d.year() > 2100}
            aria-label="年度"
            style={{ width: 120 }}
          />
        </Space>
      </div>
      {q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="发展计划加载失败" />
      ) : (
        <>
          {canEdit && rows.some((r) => !r.isRoot) && (
            <Typography.Paragraph type="secondary">
              下级组织计划数合计 {childPlanned} 名{root?.planned != null ? `，本级计划 ${root.planned} 名` : ''}
              {root?.planned != null && childPlanned > root.planned && <Tag color="orange" style={{ marginLeft: 8 }}>下级合计超过本级计划</Tag>}
            </Typography.Paragraph>
          )}
          <Table<Row>
            rowKey="orgId"
            loading={q.isFetching}
            dataSource={rows}
            pagination={rows.length > 50 ? { pageSize: 50 } : false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="没有可显示的组织。" /> }}
            columns={[
              {
                title: '组织',
                dataIndex: 'orgName',
                key: 'orgName',
                fixed: 'left',
                render: (n: string, r) => (
                  <Space size={6}>
                    <Link to={`/admin/development/candidates?orgId=${r.orgId}`} style={{ fontWeight: r.isRoot ? 600 : undefined }}>
                      {n}
                    </Link>
                    {r.isRoot && <Tag>本级合计</Tag>}
                  </Space>
                ),
              },
              { title: '计划数', key: 'planned', width: canEdit ? 200 : 90, render: (_: unknown, r) => <PlannedEditor key={`${r.orgId}-${year}-${r.planned}`} row={r} year={year} canEdit={canEdit} /> },
              { title: '已发展', dataIndex: 'admitted', key: 'admitted', align: 'right', sorter: (a, b) => a.admitted - b.admitted },
              {
                title: '完成率',
                key: 'rate',
                width: 150,
                render: (_: unknown, r) =>
                  r.planned ? (
                    <Progress percent={Math.round((r.admitted / r.planned) * 100)} size="small" format={() => `${Math.round((r.admitted / r.planned!) * 100)}%`} status={r.admitted >= r.planned ? 'success' : 'normal'} />
                  ) : (
                    <Typography.Text type="secondary">—</Typography.Text>
                  ),
              },
              { title: '转正', dataIndex: 'converted', key: 'converted', align: 'right' },
              { title: '入党申请人', dataIndex: 'applicants', key: 'applicants', align: 'right' },
              { title: '入党积极分子', dataIndex: 'activists', key: 'activists', align: 'right' },
              { title: '发展对象', dataIndex: 'candidates', key: 'candidates', align: 'right' },
            ]}
          />
          {!canEdit && q.data && (
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
              发展计划由上级党委制定；您可以查看本组织的计划和完成情况。
            </Typography.Paragraph>
          )}
        </>
      )}
    </Card>
  );
}
