import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useSearchParams } from 'react-router';
import { CONTACT_METHODS, LOST_CONTACT_DECISIONS } from '../../../contracts/transfer';
import { ApiError, errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { afterToday, dayjs, formatDate, formatDateTime, fromDayjs, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import {
  useDecideLostContact, useLostContactDecisions, useLostContactMembers, useProposeLostContactDecision, useRecordContact, type LostContactDecision, type LostContactItem,
} from './api';
import { StaleRowAlert } from './ui';

// 失联党员: the members whose last sign of contact is over 6 months old, or
// who owe 6 months of dues in a row, with the facts behind the flag. Nothing
// happens by itself: the branch records its contacts and, when it comes to
// that, its resolution, which the committee above approves (处理决定 below;
// 待我审批 links here with ?decision=<id>).

type Method = keyof typeof CONTACT_METHODS;
type Kind = keyof typeof LOST_CONTACT_DECISIONS;

const CONTACT_KINDS = { contact: '联系上', dues: '交纳党费', relation: '组织关系转入或建档' } as const;
const DECISION_STATUS = { proposed: { color: 'orange', text: '待上级审批' }, approved: { color: 'green', text: '已批准' }, rejected: { color: 'default', text: '未批准' } } as const;

function ContactModal({ r, onClose }: { r: LostContactItem; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ contactOn?: dayjs.Dayjs; method?: Method; reached?: boolean; note?: string }>();
  const record = useRecordContact();
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal open title={`登记联系：${r.name}`} okText="登记" onOk={() => form.submit()} confirmLoading={record.isPending} onCancel={onClose} destroyOnHidden width={480}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        name="lost-contact-contact"
        initialValues={{ contactOn: dayjs(todayShanghai()), method: 'phone', reached: false }}
        onFinish={async (v) => {
          setError(null);
          try {
            await record.mutateAsync({ personId: r.personId, body: { contactOn: fromDayjs(v.contactOn)!, method: v.method!, reached: !!v.reached, note: v.note?.trim() || null } });
            message.success(v.reached ? '已登记，已联系上' : '已登记联系尝试');
            onClose();
          } catch (e) {
            setError(applyServerErrors(form, e));
          }
        }}
      >
        <Form.Item name="contactOn" label="联系日期" rules={[{ required: true, message: '请选择联系日期' }]}>
          <DatePicker disabledDate={afterToday} aria-label="联系日期" allowClear={false} />
        </Form.Item>
        <Form.Item name="method" label="联系方式" rules={[{ required: true, message: '请选择联系方式' }]}>
          <Select aria-label="联系方式" options={(Object.keys(CONTACT_METHODS) as Method[]).map((k) => ({ value: k, label: CONTACT_METHODS[k] }))} />
        </Form.Item>
        <Form.Item name="reached" label="是否联系上">
          <Radio.Group
            options={[
              { value: true, label: '已联系上' },
              { value: false, label: '未联系上' },
            ]}
          />
        </Form.Item>
        <Form.Item name="note" label="说明" rules={[{ max: 500, message: '不超过500字' }]}>
          <Input.TextArea rows={3} maxLength={500} showCount aria-label="说明" placeholder="如 电话停机、家属告知外出务工" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ProposeModal({ r, onClose }: { r: LostContactItem; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ kind?: Kind; resolutionOn?: dayjs.Dayjs; resolution?: string }>();
  const propose = useProposeLostContactDecision();
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal open title={`支部处理决议：${r.name}`} okText="报上级党委审批" onOk={() => form.submit()} confirmLoading={propose.isPending} onCancel={onClose} destroyOnHidden width={520}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        name="lost-contact-decision"
        initialValues={{ kind: r.lapseCandidate ? 'lapse' : 'suspend', resolutionOn: dayjs(todayShanghai()) }}
        onFinish={async (v) => {
          setError(null);
          try {
            await propose.mutateAsync({ personId: r.personId, body: { kind: v.kind!, resolutionOn: fromDayjs(v.resolutionOn)!, resolution: (v.resolution ?? '').trim() } });
            message.success('已报上级党委审批');
            onClose();
          } catch (e) {
            setError(applyServerErrors(form, e));
          }
        }}
      >
        <Form.Item name="kind" label="处理方式" rules={[{ required: true, message: '请选择处理方式' }]}>
          <Radio.Group options={(Object.keys(LOST_CONTACT_DECISIONS) as Kind[]).map((k) => ({ value: k, label: LOST_CONTACT_DECISIONS[k] }))} />
        </Form.Item>
        <Form.Item name="resolutionOn" label="决议日期" rules={[{ required: true, message: '请选择决议日期' }]}>
          <DatePicker disabledDate={afterToday} aria-label="决议日期" allowClear={false} />
        </Form.Item>
        <Form.Item name="resolution" label="决议内容" rules={[{ required: true, whitespace: true, message: '请填写支部决议内容' }, { min: 4, message: '请填写支部决议内容' }, { max: 1000, message: '不超过1000字' }]}>
          <Input.TextArea rows={4} maxLength={1000} showCount aria-label="决议内容" placeholder="如 经支部大会讨论，多次联系未果，决定停止其党籍" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function DecideModal({ d, approve, onClose }: { d: LostContactDecision; approve: boolean; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note?: string }>();
  const decide = useDecideLostContact();
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  return (
    <Modal
      open
      title={`${approve ? '批准' : '不批准'}：${d.personName}（${LOST_CONTACT_DECISIONS[d.kind]}）`}
      okText={approve ? '批准' : '不批准'}
      okButtonProps={{ danger: !approve }}
      onOk={() => form.submit()}
      confirmLoading={decide.isPending}
      onCancel={onClose}
      destroyOnHidden
      width={480}
    >
      {conflict && <StaleRowAlert what="处理决定" onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph>
        {d.orgName} {formatDate(d.resolutionOn)} 决议：{d.resolution}
      </Typography.Paragraph>
      {approve && d.kind !== 'restore' && <Typography.Paragraph type="warning">批准后，{d.personName} 自决议日期起{d.kind === 'suspend' ? '停止党籍' : '按自行脱党除名'}，移出党员名册。</Typography.Paragraph>}
      <Form
        form={form}
        layout="vertical"
        name="lost-contact-decide"
        onFinish={async (v) => {
          setError(null);
          setConflict(false);
          try {
            await decide.mutateAsync({ id: d.id, body: { version: d.version, approve, note: v.note?.trim() || null } });
            message.success(approve ? '已批准' : '已不批准');
            onClose();
          } catch (e) {
            if (e instanceof ApiError && e.code === 'CONFLICT') setConflict(true);
            else setError(errorMessage(e));
          }
        }}
      >
        <Form.Item name="note" label="审批意见" rules={[{ max: 500, message: '不超过500字' }]}>
          <Input.TextArea rows={2} maxLength={500} aria-label="审批意见" placeholder="可选" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** `ready`: the list above has its rows, so the marked decision stays where it was scrolled to. */
function Decisions({ focus, ready }: { focus: string | null; ready: boolean }) {
  const q = useLostContactDecisions();
  const [deciding, setDeciding] = useState<{ d: LostContactDecision; approve: boolean } | null>(null);
  const items = q.data?.items ?? [];
  const focused = !!focus && items.some((d) => d.id === focus);
  useEffect(() => {
    if (focused && ready) document.querySelector('.ant-table-row.row-focus')?.scrollIntoView({ block: 'center' });
  }, [focused, ready]);
  const columns: ColumnsType<LostContactDecision> = [
    { title: '党员', dataIndex: 'personName', key: 'personName', width: 90 },
    { title: '支部', dataIndex: 'orgName', key: 'orgName', width: 170, ellipsis: true },
    { title: '处理方式', dataIndex: 'kind', key: 'kind', width: 150, render: (k: Kind) => LOST_CONTACT_DECISIONS[k] },
    { title: '决议日期', dataIndex: 'resolutionOn', key: 'resolutionOn', width: 110, render: formatDate },
    { title: '决议内容', dataIndex: 'resolution', key: 'resolution', ellipsis: true },
    { title: '报送时间', dataIndex: 'createdAt', key: 'createdAt', width: 150, render: (t: string) => formatDateTime(t) },
    { title: '状态', dataIndex: 'status', key: 'status', width: 110, render: (s: LostContactDecision['status']) => <Tag color={DECISION_STATUS[s].color}>{DECISION_STATUS[s].text}</Tag> },
    {
      title: '审批',
      key: 'actions',
      width: 150,
      hidden: !items.some((d) => d.canDecide),
      render: (_: unknown, d) =>
        d.canDecide ? (
          <Space size={8}>
            <Button size="small" type="primary" onClick={() => setDeciding({ d, approve: true })}>
              批准
            </Button>
            <Button size="small" onClick={() => setDeciding({ d, approve: false })}>
              不批准
            </Button>
          </Space>
        ) : null,
    },
  ];
  return (
    <Card title="处理决定" style={{ marginTop: 16 }} data-testid="lost-contact-decisions">
      {q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="处理决定加载失败" />
      ) : (
        <Table<LostContactDecision>
          rowKey="id"
          loading={q.isFetching}
          dataSource={items}
          columns={columns}
          rowClassName={(d) => (d.id === focus ? 'row-focus' : '')}
          scroll={{ x: 1060 }}
          locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="没有失联党员处理决定。" /> }}
          pagination={items.length > 20 ? { pageSize: 20, showTotal: (t) => `共 ${t} 项` } : false}
        />
      )}
      {deciding && <DecideModal d={deciding.d} approve={deciding.approve} onClose={() => setDeciding(null)} />}
    </Card>
  );
}

export function LostContactPage() {
  usePageTitle('失联党员');
  const me = useMe().data;
  const manage = can(me, 'transfer.manage');
  const [params] = useSearchParams();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const list = useLostContactMembers(paging.page, paging.pageSize);
  const [contacting, setContacting] = useState<LostContactItem | null>(null);
  const [proposing, setProposing] = useState<LostContactItem | null>(null);

  const columns: ColumnsType<LostContactItem> = [
    { title: '党员', dataIndex: 'name', key: 'name', width: 90 },
    { title: '支部', dataIndex: 'orgName', key: 'orgName', width: 170, ellipsis: true },
    {
      title: '最后联系',
      key: 'lastContact',
      width: 150,
      render: (_: unknown, r) =>
        r.lastContactOn ? (
          <Space orientation="vertical" size={0}>
            <span>{formatDate(r.lastContactOn)}</span>
            {r.lastContactKind && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{CONTACT_KINDS[r.lastContactKind]}</Typography.Text>}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: '联系尝试',
      key: 'attempts',
      width: 130,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.attempts} 次</span>
          {r.lastAttemptOn && <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>最近 {formatDate(r.lastAttemptOn)}</Typography.Text>}
        </Space>
      ),
    },
    { title: '连续未交党费', dataIndex: 'unpaidMonths', key: 'unpaidMonths', width: 120, render: (n: number) => (n > 0 ? `${n} 个月` : '—') },
    {
      title: '标记',
      key: 'flags',
      width: 150,
      render: (_: unknown, r) => (
        <Space size={[0, 4]} wrap>
          {r.lostContact && <Tag color="red">失联</Tag>}
          {r.lapseCandidate && <Tag color="volcano">可能自行脱党</Tag>}
        </Space>
      ),
    },
    {
      title: '处理',
      key: 'decision',
      width: 150,
      render: (_: unknown, r) =>
        r.openDecision ? (
          <Space orientation="vertical" size={0}>
            <Tag color="orange">{LOST_CONTACT_DECISIONS[r.openDecision.kind]}</Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>{formatDate(r.openDecision.resolutionOn)} 决议</Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>待上级审批</Typography.Text>
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
            width: 170,
            render: (_: unknown, r: LostContactItem) => (
              <Space size={[12, 0]} wrap>
                <Button type="link" size="small" autoInsertSpace={false} style={{ padding: 0 }} onClick={() => setContacting(r)} aria-label={`登记联系 ${r.name}`}>
                  登记联系
                </Button>
                {!r.openDecision && (
                  <Button type="link" size="small" autoInsertSpace={false} style={{ padding: 0 }} onClick={() => setProposing(r)} aria-label={`支部处理决议 ${r.name}`}>
                    支部处理决议
                  </Button>
                )}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Card data-testid="lost-contact-list">
        <div className="page-header">
          <Typography.Title level={3}>失联党员</Typography.Title>
        </div>
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title="失联：超过6个月与党组织失去联系；自行脱党：连续6个月不参加组织生活、不交纳党费或不做党所分配的工作（党章第九条）；名单只列依据，处理须支部决议并报上级党委批准"
        />
        {list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} title="失联党员加载失败" />
        ) : (
          <Table<LostContactItem>
            rowKey="personId"
            loading={list.isFetching}
            dataSource={list.data?.items ?? []}
            columns={columns}
            scroll={{ x: manage ? 1130 : 960 }}
            locale={{ emptyText: list.isPending ? ' ' : <EmptyState description="没有失联或可能自行脱党的党员。" /> }}
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
        {contacting && <ContactModal r={contacting} onClose={() => setContacting(null)} />}
        {proposing && <ProposeModal r={proposing} onClose={() => setProposing(null)} />}
      </Card>
      <Decisions focus={params.get('decision')} ready={!list.isPending} />
    </>
  );
}
