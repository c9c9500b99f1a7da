import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Radio, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { useSearchParams } from 'react-router';
import { REDUCTION_KINDS, REDUCTION_STATUSES } from '../../../contracts/dues';
import { enterConfirmsField } from '../../shared/long-form';
import { api, errorMessage } from '../../shared/api';
import { dayjs, formatDateTime } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { AttachmentUpload, useAttachments } from '../../shared/attachments';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useDecideReduction, useProposeReduction, useReductions, type Reduction } from './api';
import { currentMonth, ReductionStatusTag, useDuesOrg, yuan, yuanRule, yuanToFen } from './ui';
import { MemberSearchSelect } from '../member/MemberSearchSelect';

// 减免审批: the branch proposes 少交 / 免交 for a member in difficulty; the
// next-level committee approves (unpaid bills of the months are corrected).

type Status = 'all' | 'proposed' | 'approved' | 'rejected';

interface ProposeForm {
  personId?: string;
  kind: 'reduce' | 'exempt';
  range?: [dayjs.Dayjs, dayjs.Dayjs];
  monthlyYuan?: string;
  reason?: string;
}

function ProposeModal({ orgId, onClose }: { orgId: string | undefined; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ProposeForm>();
  const propose = useProposeReduction();
  const [error, setError] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form);
  const personId = Form.useWatch('personId', form);
  const evidence = useAttachments();
  const submit = async (v: ProposeForm) => {
    setError(null);
    if (evidence.uploading) {
      setError('证明材料正在上传，请稍候再提交');
      return;
    }
    try {
      await propose.mutateAsync({
        personId: v.personId!,
        kind: v.kind,
        fromMonth: v.range![0].format('YYYY-MM'),
        toMonth: v.range![1].format('YYYY-MM'),
        monthlyFen: v.kind === 'reduce' ? yuanToFen(v.monthlyYuan) : null,
        reason: (v.reason ?? '').trim(),
        evidenceIds: evidence.storedIds,
      });
      message.success('已提出减免申请，待上一级党组织审批');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e, { monthlyFen: 'monthlyYuan', fromMonth: 'range', toMonth: 'range' }));
    }
  };
  return (
    <Modal open title="提出少交、免交党费申请" okText="提交" onOk={() => form.submit()} confirmLoading={propose.isPending} onCancel={onClose} destroyOnHidden width={560}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form<ProposeForm> onKeyDown={enterConfirmsField} form={form} layout="vertical" name="dues-reduction" initialValues={{ kind: 'reduce', range: [dayjs(`${currentMonth()}-01`), dayjs(`${currentMonth()}-01`).add(11, 'month')] }} onFinish={submit}>
        <Form.Item name="personId" label="党员" rules={[{ required: true, message: '请选择党员' }]}>
          <MemberSearchSelect orgId={orgId} aria-label="减免党员" onChange={() => evidence.setFiles([])} />
        </Form.Item>
        <Form.Item name="kind" label="减免方式" rules={[{ required: true, message: '请选择少交或免交' }]}>
          <Radio.Group options={(Object.keys(REDUCTION_KINDS) as Array<keyof typeof REDUCTION_KINDS>).map((k) => ({ value: k, label: REDUCTION_KINDS[k] }))} />
        </Form.Item>
        <Form.Item name="range" label="起止月份" rules={[{ required: true, message: '请选择起止月份' }]}>
          <DatePicker.RangePicker picker="month" format="YYYY-MM" aria-label="起止月份" />
        </Form.Item>
        {kind === 'reduce' && (
          <Form.Item name="monthlyYuan" label="每月实交金额（元）" rules={[yuanRule({ required: '请填写每月实交金额', positive: true })]} extra="全部免除请选择“免交”">
            <Input inputMode="decimal" suffix="元" maxLength={13} aria-label="每月实交金额" style={{ width: 200 }} />
          </Form.Item>
        )}
        <Form.Item name="reason" label="理由" rules={[{ required: true, whitespace: true, message: '请写明减免的理由' }, { min: 4, message: '请写明减免的理由（至少4个字）' }, { max: 1000, message: '不超过1000个字' }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount aria-label="理由" placeholder="如 因病长期住院，家庭收入明显减少，经支部委员会研究…" />
        </Form.Item>
        <Form.Item label="证明材料" extra={personId ? '如 诊断证明、低保证、支部委员会会议记录（PDF、PNG、JPG、DOCX、XLSX），存入该党员档案' : '请先选择党员'}>
          <AttachmentUpload personId={personId} state={evidence} label="上传证明材料" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Decide({ r }: { r: Reduction }) {
  const { message, modal } = App.useApp();
  const decide = useDecideReduction();
  const ask = (approve: boolean) => {
    let note = '';
    modal.confirm({
      title: `${approve ? '批准' : '不批准'} ${r.name} 的${REDUCTION_KINDS[r.kind]}申请？`,
      content: <Input.TextArea rows={2} maxLength={500} placeholder="审批意见（可选）" onChange={(e) => (note = e.target.value)} aria-label="审批意见" />,
      okText: approve ? '批准' : '不批准',
      okButtonProps: { danger: !approve },
      onOk: async () => {
        try {
          const res = await decide.mutateAsync({ id: r.id, body: { approve, note: note.trim() || null } });
          message.success(res.status === 'approved' ? `已批准；已更正 ${res.correctedBills} 张未交账单` : '已不批准');
        } catch (e) {
          message.error(`审批失败：${errorMessage(e)}`);
        }
      },
    });
  };
  return (
    <Space size={4}>
      <Button size="small" type="primary" onClick={() => ask(true)}>
        批准
      </Button>
      <Button size="small" danger onClick={() => ask(false)}>
        不批准
      </Button>
    </Space>
  );
}

export function ReductionsPage() {
  usePageTitle('减免审批');
  const { message } = App.useApp();
  const me = useMe().data;
  const defaultOrg = useDuesOrg();
  const [picked, setPicked] = useState<string | undefined>();
  const orgId = picked ?? defaultOrg;
  // 待我审批 links here with ?status=proposed&focus=<id>: the pending ones, that request marked
  const [params] = useSearchParams();
  const linked = params.get('status');
  const focus = params.get('focus');
  const [status, setStatus] = useState<Status>(linked === 'proposed' || linked === 'approved' || linked === 'rejected' ? linked : 'all');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [proposing, setProposing] = useState(false);
  const q = useReductions({ orgId, status, ...page });
  const approve = can(me, 'dues.approve');

  const columns: ColumnsType<Reduction> = [
    { title: '姓名', dataIndex: 'name', key: 'name', width: 76, fixed: 'left' },
    { title: '支部', dataIndex: 'orgName', key: 'orgName', width: 140, ellipsis: true },
    { title: '方式', dataIndex: 'kind', key: 'kind', width: 68, render: (k: Reduction['kind']) => REDUCTION_KINDS[k] },
    { title: '起止月份', key: 'months', width: 168, render: (_: unknown, r) => <span style={{ whiteSpace: 'nowrap' }}>{`${r.fromMonth} 至 ${r.toMonth}`}</span> },
    { title: '每月实交（元）', dataIndex: 'monthlyFen', key: 'monthlyFen', width: 110, align: 'right', render: (v: number, r) => (r.kind === 'exempt' ? '—' : yuan(v)) },
    { title: '理由', dataIndex: 'reason', key: 'reason', ellipsis: true },
    {
      title: '证明材料',
      key: 'evidence',
      width: 100,
      render: (_: unknown, r) =>
        r.evidence.length ? (
          <Space orientation="vertical" size={0}>
            {r.evidence.map((f) => (
              <Typography.Link key={f.id} ellipsis style={{ maxWidth: 84 }} onClick={() => api.download(`/api/v1/files/${f.id}`, undefined, f.fileName).catch((e: unknown) => message.error(`下载失败：${errorMessage(e)}`))}>
                {f.fileName}
              </Typography.Link>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">无</Typography.Text>
        ),
    },
    { title: '状态', dataIndex: 'status', key: 'status', width: 76, render: (s: Reduction['status']) => <ReductionStatusTag status={s} /> },
    {
      title: '提出 / 审批',
      key: 'dates',
      width: 120,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span style={{ whiteSpace: 'nowrap' }}>提出 {formatDateTime(r.proposedAt).slice(0, 10)}</span>
          {r.decidedAt && <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>审批 {formatDateTime(r.decidedAt).slice(0, 10)}</Typography.Text>}
          {r.decisionNote && <Typography.Text type="secondary">{r.decisionNote}</Typography.Text>}
        </Space>
      ),
    },
    ...(approve ? [{ title: '操作', key: 'actions', width: 140, fixed: 'right' as const, render: (_: unknown, r: Reduction) => (r.canDecide && r.status === 'proposed' ? <Decide r={r} /> : null) }] : []),
  ];

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>减免审批</Typography.Title>
          <Typography.Text type="secondary">确有困难的党员，经党支部研究提出，报上一级党组织批准后少交或免交党费</Typography.Text>
        </Space>
        {can(me, 'dues.manage') && (
          <Button type="primary" onClick={() => setProposing(true)}>
            提出减免
          </Button>
        )}
      </div>
      <Space wrap style={{ display: 'flex', marginBottom: 16 }} role="search" aria-label="筛选减免申请">
        <OrgTreeSelect
          value={orgId}
          onChange={(id) => {
            setPicked(id ?? undefined);
            setPage((p) => ({ ...p, page: 1 }));
          }}
          style={{ width: 260 }}
          aria-label="组织"
          allowClear={false}
        />
        <Select<Status>
          value={status}
          onChange={(s) => {
            setStatus(s);
            setPage((p) => ({ ...p, page: 1 }));
          }}
          style={{ width: 120 }}
          aria-label="审批状态"
          options={[{ value: 'all', label: '全部' }, ...(['proposed', 'approved', 'rejected'] as const).map((k) => ({ value: k, label: REDUCTION_STATUSES[k] }))]}
        />
      </Space>
      {q.isError && !q.data ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} title="减免申请加载失败" />
      ) : (
        <Table<Reduction>
          rowKey="id"
          loading={q.isFetching}
          dataSource={q.data?.items ?? []}
          columns={columns}
          rowClassName={(r) => (r.id === focus ? 'row-focus' : '')}
          scroll={{ x: approve ? 1100 : 970 }}
          locale={{ emptyText: q.isPending ? ' ' : <EmptyState description="没有少交、免交申请。" /> }}
          pagination={{ current: page.page, pageSize: page.pageSize, total: q.data?.total ?? 0, showSizeChanger: true, showTotal: (t) => `共 ${t} 条` }}
          onChange={(p) => setPage({ page: p.current ?? 1, pageSize: p.pageSize ?? 20 })}
        />
      )}
      {proposing && <ProposeModal orgId={orgId} onClose={() => setProposing(false)} />}
    </Card>
  );
}
