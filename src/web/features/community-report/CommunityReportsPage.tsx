import { useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, InputNumber, Modal, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { EVALUATION_GRADES, REPORT_KINDS, REPORT_STATUSES, type EvaluationGrade, type ReportKind } from '../../../contracts/community-report';
import { errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageOrg, useSuggestedOrg } from '../../shared/current-org';
import { formatDate, formatDateTime, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import {
  REPORT_STATUS_COLORS, useAcceptReport, useBranchEvaluations, useCommunityReport, useCommunityReports, useDeclineReport, useEndReport, useEvaluateReport, useRecordService,
  type BranchCommunityEvaluations, type CommunityReportView, type ReportStatus,
} from './api';

// 双报到 (console): the unit party organisations and in-service members who
// reported to the communities of the caller's scope (or of the org chosen), by
// status and kind. A row opens the detail drawer: 接收 (服务岗位, 认领任务) or
// 退回 while pending; 登记服务, 年度评价 and 结束报到 once accepted.
// The tab 支部评议参考 (member.read) is the branch's side: its members'
// reports, the year's evaluation and service hours, for 民主评议; the
// evaluation's notification links to ?evaluations=<branchId>.

const statusOptions = (Object.keys(REPORT_STATUSES) as ReportStatus[]).map((k) => ({ value: k, label: REPORT_STATUSES[k] }));
const kindOptions = (Object.keys(REPORT_KINDS) as ReportKind[]).map((k) => ({ value: k, label: REPORT_KINDS[k] }));
const gradeOptions = (Object.keys(EVALUATION_GRADES) as EvaluationGrade[]).map((k) => ({ value: k, label: EVALUATION_GRADES[k] }));

export function ReportStatusTag({ status }: { status: ReportStatus }) {
  return (
    <Tag color={REPORT_STATUS_COLORS[status]} data-testid="report-status" style={{ marginInlineEnd: 0 }}>
      {REPORT_STATUSES[status]}
    </Tag>
  );
}

const who = (r: CommunityReportView) => (r.kind === 'member' ? `${r.personName}（${r.reporterOrgName}）` : r.reporterOrgName);

type Tab = 'reports' | 'evaluations';

export function CommunityReportsPage() {
  usePageTitle('双报到');
  const me = useMe().data;
  const navigate = useNavigate();
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  const mayReports = can(me, 'volunteer.read');
  const mayEvaluations = can(me, 'member.read');
  // ?evaluations=<branchId> (the evaluation's notification) opens the branch's tab
  const tab: Tab = mayEvaluations && (params.has('evaluations') || !mayReports) ? 'evaluations' : 'reports';
  const setTab = (t: Tab) => {
    const next = new URLSearchParams();
    if (t === 'evaluations') next.set('evaluations', params.get('orgId') ?? '');
    setParams(next, { replace: true });
  };
  const items = [
    ...(mayReports ? [{ key: 'reports', label: '报到管理', children: tab === 'reports' ? <ReportsTab /> : null }] : []),
    ...(mayEvaluations ? [{ key: 'evaluations', label: '支部评议参考', children: tab === 'evaluations' ? <EvaluationsTab /> : null }] : []),
  ];
  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>双报到</Typography.Title>
          <Typography.Text type="secondary">单位党组织向所在村（社区）报到，在职党员向居住地村（社区）报到。村（社区）接收后分配网格、服务岗位和任务，登记服务情况，每年评价在职党员，评价结果自动推送至党员所在支部。</Typography.Text>
        </Space>
      </div>
      <Tabs activeKey={tab} onChange={(k) => setTab(k as Tab)} items={items} />
      {mayReports && <ReportDrawer id={id} onClose={() => navigate({ pathname: '/admin/community-reports', search: params.toString() })} />}
    </Card>
  );
}

function ReportsTab() {
  const orgId = usePageOrg();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = statusParam && statusParam in REPORT_STATUSES ? (statusParam as ReportStatus) : undefined;
  const kindParam = params.get('kind');
  const kind = kindParam && kindParam in REPORT_KINDS ? (kindParam as ReportKind) : undefined;
  const [page, setPage] = useState(1);
  const list = useCommunityReports({ orgId, status, kind, page, pageSize: 20 });

  const setParam = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
    setPage(1);
  };
  const open = (rid: string) => navigate({ pathname: `/admin/community-reports/${rid}`, search: params.toString() });

  const columns: ColumnsType<CommunityReportView> = [
    {
      title: '报到单位 / 党员',
      key: 'who',
      width: 240,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Link onClick={() => open(r.id)}>{who(r)}</Typography.Link>
          {r.address && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.address}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '类型', key: 'kind', width: 140, render: (_: unknown, r) => <Tag color={r.kind === 'org' ? 'purple' : 'blue'}>{REPORT_KINDS[r.kind]}</Tag> },
    { title: '村（社区）', key: 'community', width: 190, render: (_: unknown, r) => (r.gridName ? `${r.communityName} · ${r.gridName}` : r.communityName) },
    { title: '服务岗位', key: 'role', width: 120, render: (_: unknown, r) => r.role ?? '—' },
    { title: '状态', key: 'status', width: 90, render: (_: unknown, r) => <ReportStatusTag status={r.status} /> },
    { title: '服务', key: 'service', width: 110, align: 'right', render: (_: unknown, r) => <span data-testid="report-service">{`${r.serviceCount} 次 · ${r.serviceHours} 小时`}</span> },
    { title: '报到时间', key: 'reportedAt', width: 140, render: (_: unknown, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.reportedAt)}</span> },
  ];

  return (
    <>
      <div role="search" aria-label="筛选报到" style={{ display: 'flex', flexWrap: 'wrap', gap: 12, marginBottom: 16 }}>
        <OrgTreeSelect value={orgId} onChange={(v) => setParam({ orgId: v })} style={{ width: 260, minWidth: 0 }} placeholder="全部组织（可选择村、社区）" aria-label="组织" />
        <Select<ReportStatus> value={status} onChange={(v) => setParam({ status: v ?? null })} options={statusOptions} allowClear placeholder="全部状态" style={{ width: 120 }} aria-label="报到状态" />
        <Select<ReportKind> value={kind} onChange={(v) => setParam({ kind: v ?? null })} options={kindOptions} allowClear placeholder="全部类型" style={{ width: 160 }} aria-label="报到类型" />
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="报到加载失败" />
      ) : (
        <Table<CommunityReportView>
          rowKey="id"
          size="middle"
          data-testid="community-reports"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1030 }}
          onRow={(r) => ({ onClick: () => open(r.id), style: { cursor: 'pointer' } })}
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState description={status || kind ? '没有符合条件的报到。请调整筛选条件。' : '还没有单位党组织或在职党员报到。在职党员可在手机“我的”中的“双报到”报到。'} /> }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 项报到`, showSizeChanger: false }}
        />
      )}
    </>
  );
}

type BranchRow = BranchCommunityEvaluations['items'][number];

/** 支部评议参考: the branch's members who reported, the year's evaluation by their community and their service hours. */
function EvaluationsTab() {
  const [params, setParams] = useSearchParams();
  const suggested = useSuggestedOrg(usePageOrg());
  const orgId = params.get('evaluations') || suggested;
  const thisYear = Number(todayShanghai().slice(0, 4));
  const yearParam = Number(params.get('year'));
  const year = Number.isInteger(yearParam) && yearParam >= 2000 && yearParam <= thisYear ? yearParam : thisYear;
  const q = useBranchEvaluations(orgId, year);
  const set = (patch: { evaluations?: string; year?: number }) => {
    const next = new URLSearchParams(params);
    next.set('evaluations', patch.evaluations ?? orgId ?? '');
    if (patch.year !== undefined) {
      if (patch.year === thisYear) next.delete('year');
      else next.set('year', String(patch.year));
    }
    setParams(next, { replace: true });
  };
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i).map((y) => ({ value: y, label: `${y}年度` }));
  const columns: ColumnsType<BranchRow> = [
    { title: '党员', dataIndex: 'personName', key: 'personName', width: 120 },
    {
      title: '报到社区',
      key: 'community',
      width: 240,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.communityName}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[REPORT_STATUSES[r.status], r.role].filter(Boolean).join(' · ')}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: '年度评价',
      key: 'grade',
      width: 100,
      render: (_: unknown, r) =>
        r.grade ? <Tag color={r.grade === 'excellent' || r.grade === 'good' ? 'success' : 'default'}>{EVALUATION_GRADES[r.grade]}</Tag> : <Typography.Text type="secondary">未评价</Typography.Text>,
    },
    { title: '评语', key: 'comment', render: (_: unknown, r) => r.comment || '—' },
    { title: '本年服务时长', key: 'year', width: 120, align: 'right', render: (_: unknown, r) => `${r.yearServiceHours} 小时` },
    { title: '累计服务时长', key: 'total', width: 140, align: 'right', render: (_: unknown, r) => `${r.serviceHours} 小时（${r.serviceCount} 次）` },
  ];
  return (
    <>
      <div role="search" aria-label="选择支部和年度" style={{ display: 'flex', flexWrap: 'wrap', gap: 12, marginBottom: 16 }}>
        <OrgTreeSelect value={orgId} onChange={(v) => set({ evaluations: v ?? '' })} style={{ width: 260, minWidth: 0 }} placeholder="选择党支部" aria-label="党支部" />
        <Select<number> value={year} onChange={(y) => set({ year: y })} options={years} style={{ width: 120 }} aria-label="评价年度" />
      </div>
      <Typography.Paragraph type="secondary">本支部在职党员向居住地村（社区）报到的情况和村（社区）作出的年度评价，供民主评议党员时参考。</Typography.Paragraph>
      {!orgId ? (
        <EmptyState description="请选择党支部，查看本支部党员的双报到年度评价。" />
      ) : q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} title="年度评价加载失败" />
      ) : (
        <Table<BranchRow>
          rowKey="reportId"
          size="middle"
          data-testid="branch-evaluations"
          loading={q.isFetching}
          dataSource={q.data?.items ?? []}
          columns={columns}
          scroll={{ x: 900 }}
          pagination={false}
          locale={{ emptyText: q.isPending ? ' ' : <EmptyState description={`本支部还没有党员的报到被村（社区）接收，${year}年度暂无评价。`} /> }}
        />
      )}
    </>
  );
}

type Action = 'accept' | 'decline' | 'service' | 'evaluate' | 'end' | null;

function ReportDrawer({ id, onClose }: { id: string | undefined; onClose: () => void }) {
  const q = useCommunityReport(id);
  const me = useMe().data;
  const manage = can(me, 'volunteer.manage');
  const [action, setAction] = useState<Action>(null);
  const d = q.data;
  const r = d?.report;
  return (
    <Drawer open={!!id} onClose={onClose} size="large" title={r ? who(r) : '报到详情'} destroyOnHidden data-testid="report-drawer">
      {q.isError && <ErrorState error={q.error} onRetry={() => void q.refetch()} title="报到加载失败" />}
      {r && d && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {manage && (
            <Space wrap>
              {r.status === 'pending' && (
                <>
                  <Button type="primary" onClick={() => setAction('accept')} data-testid="report-accept">
                    接收
                  </Button>
                  <Button danger onClick={() => setAction('decline')} data-testid="report-decline">
                    退回
                  </Button>
                </>
              )}
              {r.status === 'accepted' && (
                <Button type="primary" onClick={() => setAction('service')} data-testid="report-service-add">
                  登记服务
                </Button>
              )}
              {r.status === 'accepted' && r.kind === 'member' && (
                <Button onClick={() => setAction('evaluate')} data-testid="report-evaluate">
                  年度评价
                </Button>
              )}
              {r.status === 'accepted' && (
                <Button danger onClick={() => setAction('end')} data-testid="report-end">
                  结束报到
                </Button>
              )}
            </Space>
          )}
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label="类型">{REPORT_KINDS[r.kind]}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <ReportStatusTag status={r.status} />
            </Descriptions.Item>
            <Descriptions.Item label="报到组织">{r.reporterOrgName}</Descriptions.Item>
            {r.personName && <Descriptions.Item label="在职党员">{r.personName}</Descriptions.Item>}
            {r.address && <Descriptions.Item label="居住地址">{r.address}</Descriptions.Item>}
            <Descriptions.Item label="村（社区）">{r.gridName ? `${r.communityName} · ${r.gridName}` : r.communityName}</Descriptions.Item>
            <Descriptions.Item label="报到时间">{formatDateTime(r.reportedAt)}</Descriptions.Item>
            {r.note && <Descriptions.Item label="说明">{r.note}</Descriptions.Item>}
            {r.role && <Descriptions.Item label="服务岗位">{r.role}</Descriptions.Item>}
            {r.tasks && <Descriptions.Item label="认领任务">{r.tasks}</Descriptions.Item>}
            {r.declineReason && <Descriptions.Item label="退回原因">{r.declineReason}</Descriptions.Item>}
            {r.endedAt && <Descriptions.Item label="结束时间">{formatDateTime(r.endedAt)}</Descriptions.Item>}
            {r.endReason && <Descriptions.Item label="结束原因">{r.endReason}</Descriptions.Item>}
            <Descriptions.Item label="服务合计">{`${r.serviceCount} 次，${r.serviceHours} 小时`}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ margin: 0 }}>
            服务记录
          </Typography.Title>
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={d.services}
            data-testid="report-services"
            locale={{ emptyText: '还没有服务记录' }}
            columns={[
              { title: '日期', key: 'servedOn', width: 110, render: (_: unknown, s) => formatDate(s.servedOn) },
              { title: '时长', key: 'hours', width: 80, render: (_: unknown, s) => `${s.hours} 小时` },
              { title: '内容', dataIndex: 'content', key: 'content' },
            ]}
          />
          <Typography.Title level={5} style={{ margin: 0 }}>
            年度评价
          </Typography.Title>
          {d.evaluations.length ? (
            d.evaluations.map((e) => (
              <div key={e.id} data-testid="report-evaluation">
                <Tag color={e.grade === 'excellent' || e.grade === 'good' ? 'success' : 'default'}>{`${e.year}年度 ${EVALUATION_GRADES[e.grade]}`}</Tag>
                {e.comment}
              </div>
            ))
          ) : (
            <Typography.Text type="secondary">还没有年度评价</Typography.Text>
          )}
          <ActionModal action={action} report={r} onClose={() => setAction(null)} />
        </Space>
      )}
    </Drawer>
  );
}

const TITLES: Record<Exclude<Action, null>, string> = { accept: '接收报到', decline: '退回报到', service: '登记服务', evaluate: '年度评价', end: '结束报到' };

function ActionModal({ action, report, onClose }: { action: Action; report: CommunityReportView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const accept = useAcceptReport();
  const decline = useDeclineReport();
  const service = useRecordService();
  const evaluate = useEvaluateReport();
  const end = useEndReport();
  const pending = accept.isPending || decline.isPending || service.isPending || evaluate.isPending || end.isPending;
  const today = todayShanghai();
  const thisYear = Number(today.slice(0, 4));

  const submit = async () => {
    setError(null);
    let v: Record<string, unknown>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      if (action === 'accept') await accept.mutateAsync({ id: report.id, body: { role: String(v.role), tasks: String(v.tasks), version: report.version } });
      if (action === 'decline') await decline.mutateAsync({ id: report.id, body: { reason: String(v.reason) } });
      if (action === 'service') await service.mutateAsync({ id: report.id, body: { servedOn: String(v.servedOn), hours: Number(v.hours), content: String(v.content) } });
      if (action === 'end') await end.mutateAsync({ id: report.id, body: { reason: String(v.reason) } });
      if (action === 'evaluate') await evaluate.mutateAsync({ id: report.id, body: { year: Number(v.year), grade: v.grade as EvaluationGrade, comment: String(v.comment ?? '') } });
      void message.success(action === 'evaluate' ? '已评价，结果已推送至党员所在支部' : '已保存');
      form.resetFields();
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e) ?? errorMessage(e));
    }
  };

  return (
    <Modal open={action !== null} title={action ? TITLES[action] : ''} onCancel={onClose} onOk={() => void submit()} okText="确定" cancelText="取消" confirmLoading={pending} destroyOnHidden forceRender>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ year: thisYear, hours: 1, servedOn: today }}>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        {action === 'accept' && (
          <>
            <Form.Item name="role" label="服务岗位" rules={[{ required: true, message: '请填写服务岗位' }]}>
              <Input maxLength={40} placeholder="如：楼栋长、网格员、政策宣讲员" />
            </Form.Item>
            <Form.Item name="tasks" label="认领任务 / 需求" rules={[{ required: true, message: '请填写认领的任务或需求' }]}>
              <Input.TextArea maxLength={300} rows={3} />
            </Form.Item>
          </>
        )}
        {action === 'decline' && (
          <Form.Item name="reason" label="退回原因" rules={[{ required: true, message: '请填写退回原因' }]}>
            <Input.TextArea maxLength={200} rows={3} />
          </Form.Item>
        )}
        {action === 'end' && (
          <>
            <Typography.Paragraph type="secondary">结束后不能再登记服务和评价；在职党员可重新向居住地村（社区）报到。</Typography.Paragraph>
            <Form.Item name="reason" label="结束原因" rules={[{ required: true, min: 2, message: '请填写结束原因（至少2个字）' }]}>
              <Input.TextArea maxLength={200} rows={3} placeholder="如：已搬离本社区、单位已撤销" />
            </Form.Item>
          </>
        )}
        {action === 'service' && (
          <>
            <Form.Item name="servedOn" label="服务日期" rules={[{ required: true, pattern: /^\d{4}-\d{2}-\d{2}$/, message: '请按 YYYY-MM-DD 填写服务日期' }]}>
              <Input placeholder="YYYY-MM-DD" />
            </Form.Item>
            <Form.Item name="hours" label="服务时长（小时，以0.5小时为单位）" rules={[{ required: true, message: '请填写服务时长' }]}>
              <InputNumber min={0.5} max={10} step={0.5} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="content" label="服务内容" rules={[{ required: true, message: '请填写服务内容' }]}>
              <Input.TextArea maxLength={300} rows={3} />
            </Form.Item>
          </>
        )}
        {action === 'evaluate' && (
          <>
            <Form.Item name="year" label="评价年度" rules={[{ required: true, message: '请填写评价年度' }]}>
              <InputNumber min={2000} max={thisYear} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="grade" label="评价等次" rules={[{ required: true, message: '请选择评价等次' }]}>
              <Select options={gradeOptions} />
            </Form.Item>
            <Form.Item name="comment" label="评语">
              <Input.TextArea maxLength={300} rows={3} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
