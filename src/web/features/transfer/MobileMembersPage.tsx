import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Segmented, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { PlusOutlined } from '@ant-design/icons';
import { FLOW_ACTIONS, FLOW_STATUSES } from '../../../contracts/transfer';
import { ApiError, errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { afterToday, dayjs, formatDate, fromDayjs, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { MemberSearchSelect } from '../member/MemberSearchSelect';
import { ReceivingBranchSelect } from './ReceivingBranchSelect';
import { useFlowAction, useIssueFlowCertificate, useMobileMembers, type MobileMemberItem, type MobileMembersFilters } from './api';
import { StaleRowAlert } from './ui';

// 流动党员: the 活动证 of members away from the viewer's branches (外出党员)
// and of members taking part in them (在本支部活动). The home branch issues,
// renews, records the yearly report and takes the certificate back; the
// arrival is registered by the host branch (or by home when the place is
// outside the installation). The server says 403 to the wrong side.

type Direction = MobileMembersFilters['direction'];
type Status = MobileMembersFilters['status'];
type FlowAction = 'register' | 'renew' | 'report' | 'return';

const ACTION_LABELS: Record<FlowAction, string> = { register: '流入地登记', renew: '续期', report: '登记报告', return: '收回' };
const ACTION_TITLES: Record<FlowAction, string> = { register: '流入地登记', renew: '活动证续期', report: '登记向原党组织的报告', return: '收回活动证' };
const DATE_LABELS: Record<FlowAction, string> = { register: '登记日期', renew: '续期日期', report: '报告日期', return: '收回日期' };
const FLAG_TAGS = {
  expired: { color: 'volcano', text: '已过期' },
  report_overdue: { color: 'orange', text: '逾期未报告' },
  should_transfer: { color: 'red', text: '外出超过6个月，应转移组织关系' },
} as const;
const STATUS_COLORS = { issued: 'blue', registered: 'green', returned: 'default' } as const;

/** What this side may do with the certificate now. */
function actionsFor(r: MobileMemberItem, direction: Direction): FlowAction[] {
  if (r.status === 'returned') return [];
  if (direction === 'incoming') return r.status === 'issued' ? ['register'] : [];
  return [...(r.status === 'issued' && !r.hostOrgId ? (['register'] as const) : []), 'renew', 'report', 'return'];
}

function FlowActionModal({ r, action, onClose }: { r: MobileMemberItem; action: FlowAction; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ date?: dayjs.Dayjs; note?: string }>();
  const act = useFlowAction();
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const submit = async (v: { date?: dayjs.Dayjs; note?: string }) => {
    setError(null);
    setConflict(false);
    try {
      await act.mutateAsync({ id: r.id, body: { version: r.version, action, date: fromDayjs(v.date)!, note: v.note?.trim() || null } });
      message.success(`已${ACTION_LABELS[action]}`);
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONFLICT') setConflict(true);
      else setError(applyServerErrors(form, e) ?? errorMessage(e));
    }
  };
  return (
    <Modal open title={`${ACTION_TITLES[action]}：${r.personName}`} okText={ACTION_LABELS[action]} okButtonProps={{ danger: action === 'return' }} onOk={() => form.submit()} confirmLoading={act.isPending} onCancel={onClose} destroyOnHidden width={480}>
      {conflict && <StaleRowAlert what="活动证" onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">
        {r.certificateCode}，外出地点 {r.destination}，有效期至 {formatDate(r.validUntil)}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" name={`flow-${action}`} initialValues={{ date: dayjs(todayShanghai()) }} onFinish={submit}>
        <Form.Item
          name="date"
          label={DATE_LABELS[action]}
          rules={[{ required: true, message: `请选择${DATE_LABELS[action]}` }]}
          extra={action === 'renew' ? '自原有效期届满日与该日中较晚者起续期' : undefined}
        >
          <DatePicker disabledDate={(d) => afterToday(d) || d.isBefore(dayjs(r.issuedOn), 'day')} aria-label={DATE_LABELS[action]} allowClear={false} />
        </Form.Item>
        <Form.Item name="note" label={action === 'report' ? '报告内容' : '说明'} rules={[{ max: 500, message: '不超过500字' }]}>
          <Input.TextArea rows={3} maxLength={500} showCount aria-label={action === 'report' ? '报告内容' : '说明'} placeholder={action === 'report' ? '如 在当地参加组织生活、交纳党费情况' : '可选'} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface IssueForm {
  personId?: string;
  destination?: string;
  hostOrgId?: string;
  reason?: string;
  issuedOn?: dayjs.Dayjs;
}

function IssueModal({ onClose }: { onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<IssueForm>();
  const issue = useIssueFlowCertificate();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: IssueForm) => {
    setError(null);
    try {
      await issue.mutateAsync({ personId: v.personId!, destination: (v.destination ?? '').trim(), hostOrgId: v.hostOrgId ?? null, reason: (v.reason ?? '').trim(), issuedOn: fromDayjs(v.issuedOn)! });
      message.success('已发放流动党员活动证');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title="发放流动党员活动证" okText="发放" onOk={() => form.submit()} confirmLoading={issue.isPending} onCancel={onClose} destroyOnHidden width={560}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<IssueForm> form={form} layout="vertical" name="flow-issue" initialValues={{ issuedOn: dayjs(todayShanghai()) }} onFinish={submit}>
        <Form.Item name="personId" label="党员" rules={[{ required: true, message: '请选择外出的党员' }]}>
          <MemberSearchSelect orgId={undefined} aria-label="党员" />
        </Form.Item>
        <Form.Item name="destination" label="外出地点" rules={[{ required: true, whitespace: true, message: '请填写外出地点' }, { min: 2, message: '请填写外出地点' }, { max: 100, message: '不超过100字' }]}>
          <Input maxLength={100} aria-label="外出地点" placeholder="如 广东省深圳市宝安区" />
        </Form.Item>
        <Form.Item name="hostOrgId" label="流入地党支部" extra="流入地有本系统内的党支部时选择，由其登记；否则留空，由本支部登记">
          <ReceivingBranchSelect aria-label="流入地党支部" />
        </Form.Item>
        <Form.Item name="reason" label="外出原因" rules={[{ required: true, whitespace: true, message: '请填写外出原因' }, { min: 2, message: '请填写外出原因' }, { max: 200, message: '不超过200字' }]}>
          <Input.TextArea rows={2} maxLength={200} showCount aria-label="外出原因" placeholder="如 外出务工、经商、求学" />
        </Form.Item>
        <Form.Item name="issuedOn" label="发证日期" rules={[{ required: true, message: '请选择发证日期' }]}>
          <DatePicker disabledDate={afterToday} aria-label="发证日期" allowClear={false} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Events({ r }: { r: MobileMemberItem }) {
  return (
    <Timeline
      style={{ marginTop: 8, marginBottom: -16 }}
      items={r.events.map((e) => ({
        content: (
          <span>
            <Typography.Text strong>{FLOW_ACTIONS[e.action]}</Typography.Text> {formatDate(e.date)}
            {e.orgName && <Typography.Text type="secondary"> · {e.orgName}</Typography.Text>}
            {e.note && <div style={{ color: 'rgba(0,0,0,0.65)' }}>{e.note}</div>}
          </span>
        ),
      }))}
    />
  );
}

export function MobileMembersPage() {
  usePageTitle('流动党员');
  const me = useMe().data;
  const manage = can(me, 'transfer.manage');
  const [direction, setDirection] = useState<Direction>('outgoing');
  const [status, setStatus] = useState<Status>('open');
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [issuing, setIssuing] = useState(false);
  const [acting, setActing] = useState<{ r: MobileMemberItem; action: FlowAction } | null>(null);
  const list = useMobileMembers({ direction, status, ...paging });
  const suggestions = list.data?.temporaryBranchSuggestions ?? [];

  const columns: ColumnsType<MobileMemberItem> = [
    { title: '活动证编号', dataIndex: 'certificateCode', key: 'certificateCode', width: 136, render: (c: string) => <span style={{ whiteSpace: 'nowrap' }}>{c}</span> },
    { title: '党员', dataIndex: 'personName', key: 'personName', width: 76 },
    { title: '所在支部', dataIndex: 'orgName', key: 'orgName', width: 120, ellipsis: true },
    { title: '外出地点', dataIndex: 'destination', key: 'destination', width: 120, ellipsis: true },
    { title: '流入地党支部', dataIndex: 'hostOrgName', key: 'hostOrgName', width: 110, ellipsis: true, render: (n: string | null) => n ?? <Typography.Text type="secondary">本系统以外</Typography.Text> },
    { title: '发证日期', dataIndex: 'issuedOn', key: 'issuedOn', width: 96, render: formatDate },
    { title: '有效期至', dataIndex: 'validUntil', key: 'validUntil', width: 96, render: formatDate },
    { title: '状态', dataIndex: 'status', key: 'status', width: 96, render: (s: MobileMemberItem['status']) => <Tag color={STATUS_COLORS[s]} style={{ whiteSpace: 'normal' }}>{FLOW_STATUSES[s]}</Tag> },
    {
      title: '提醒',
      key: 'flags',
      width: 124,
      render: (_: unknown, r) =>
        r.flags.length ? (
          <Space size={[0, 4]} wrap>
            {r.flags.map((f) => (
              <Tag key={f} color={FLAG_TAGS[f].color} style={{ whiteSpace: 'normal' }}>
                {FLAG_TAGS[f].text}
              </Tag>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    ...(manage
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 130,
            fixed: 'right' as const,
            render: (_: unknown, r: MobileMemberItem) => (
              <Space size={[8, 0]} wrap>
                {actionsFor(r, direction).map((a) => (
                  <Button key={a} type="link" size="small" autoInsertSpace={false} style={{ padding: 0 }} onClick={() => setActing({ r, action: a })} aria-label={`${ACTION_LABELS[a]} ${r.personName}`}>
                    {ACTION_LABELS[a]}
                  </Button>
                ))}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>流动党员</Typography.Title>
          <Typography.Text type="secondary">外出党员持流动党员活动证参加流入地组织生活，组织关系仍在原支部</Typography.Text>
        </Space>
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setIssuing(true)}>
            发放活动证
          </Button>
        )}
      </div>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, marginBottom: 16 }} role="search" aria-label="筛选流动党员">
        <Segmented<Direction>
          value={direction}
          onChange={(d) => {
            setDirection(d);
            setPaging((p) => ({ ...p, page: 1 }));
          }}
          options={[
            { value: 'outgoing', label: '外出党员' },
            { value: 'incoming', label: '在本支部活动' },
          ]}
          aria-label="流动方向"
        />
        <Segmented<Status>
          value={status}
          onChange={(s) => {
            setStatus(s);
            setPaging((p) => ({ ...p, page: 1 }));
          }}
          options={[
            { value: 'open', label: '在外' },
            { value: 'returned', label: '已收回' },
            { value: 'all', label: '全部' },
          ]}
          aria-label="活动证状态"
        />
      </div>
      {direction === 'outgoing' && suggestions.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="temporary-branch"
          title="可成立临时党支部"
          description={suggestions.map((s) => (
            <div key={`${s.issuerOrgName}-${s.destination}`}>
              {s.issuerOrgName}：{s.count} 名党员同在 {s.destination} 外出，可按规定成立临时党支部或党小组
            </div>
          ))}
        />
      )}
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="流动党员加载失败" />
      ) : (
        <Table<MobileMemberItem>
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          size="middle"
          scroll={{ x: manage ? 1144 : 1014 }}
          expandable={{ expandedRowRender: (r) => <Events r={r} />, rowExpandable: (r) => r.events.length > 0, columnWidth: 40 }}
          locale={{
            emptyText: list.isPending ? ' ' : <EmptyState description={direction === 'outgoing' ? '没有外出的流动党员。' : '没有在本支部参加组织生活的流动党员。'} />,
          }}
          pagination={{
            current: paging.page,
            pageSize: paging.pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (t) => `共 ${t} 人`,
            onChange: (page, pageSize) => setPaging({ page: pageSize !== paging.pageSize ? 1 : page, pageSize }),
          }}
        />
      )}
      {issuing && <IssueModal onClose={() => setIssuing(false)} />}
      {acting && <FlowActionModal r={acting.r} action={acting.action} onClose={() => setActing(null)} />}
    </Card>
  );
}
