import { useState } from 'react';
import { Alert, App, Breadcrumb, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Popconfirm, Select, Space, Table, Tabs, Tag, Timeline, Typography, Upload } from 'antd';
import { EarlierRecordNote } from './EarlierRecordNote';
import { DownloadOutlined, EditOutlined, EyeOutlined, SwapOutlined, UploadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { Link, useParams } from 'react-router';
import { MEMBER_EVENT_REASONS, SENSITIVE_FIELDS, type MemberEventReason, type SensitiveField } from '../../../contracts/dict';
import { ApiError, errorMessage } from '../../shared/api';
import { afterToday, dayjs, formatDate, formatDateTime, fromDayjs } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { formatBytes, formatYuan } from '../../shared/format';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { downloadFile, revealField, useFiles, useMember, useRecordEvent, useResetActivation, useUploadFile, type MemberDetail, type StoredFile } from './api';
import { MemberTransfers } from '../transfer/MemberTransfers';
import { EDUCATIONS, label, MEMBER_STATUSES, OCCUPATIONS, SEXES, STATUS_COLORS } from './labels';

const DIRECTION: Record<string, { text: string; color: string }> = {
  increase: { text: '增加', color: 'green' },
  decrease: { text: '减少', color: 'volcano' },
  change: { text: '变动', color: 'blue' },
};

function RevealModal({ member, field, onClose, onRevealed }: { member: MemberDetail; field: SensitiveField; onClose: () => void; onRevealed: (v: string | null) => void }) {
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setBusy(true);
    setError(null);
    try {
      const r = await revealField(member.id, field, v.reason.trim());
      onRevealed(r.value);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={`查看完整${SENSITIVE_FIELDS[field]}`} onCancel={onClose} onOk={submit} okText="查看" confirmLoading={busy} destroyOnHidden>
      <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={`查看${member.name}的完整${SENSITIVE_FIELDS[field]}须填写事由。本次查看将记入审计日志（时间、账号、事由）。`} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item
          label="查看事由"
          name="reason"
          rules={[
            { required: true, whitespace: true, message: '请填写查看事由（至少4个字）' },
            { min: 4, message: '请填写查看事由（至少4个字）' },
            { max: 200, message: '事由不能超过200个字' },
          ]}
        >
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：办理组织关系转接，需核对身份证号" autoFocus />
        </Form.Item>
      </Form>
    </Modal>
  );
}

const EVENT_REASONS = ['converted', 'transfer_out', 'deceased', 'suspended', 'probation_cancelled', 'party_probation', 'party_probation_ended', 'expelled', 'removed', 'lapsed', 'withdrew'] as const;
type EventReason = (typeof EVENT_REASONS)[number];

function EventModal({ member, onClose }: { member: MemberDetail; onClose: () => void }) {
  const [form] = Form.useForm<{ reason: EventReason; eventDate: Dayjs; note?: string }>();
  const { message } = App.useApp();
  const record = useRecordEvent();
  const [error, setError] = useState<string | null>(null);
  const reason = Form.useWatch('reason', form);
  const probationaryOnly: EventReason[] = ['converted', 'probation_cancelled'];
  const fullOnly: EventReason[] = ['party_probation', 'party_probation_ended'];
  const reasons = EVENT_REASONS.filter((r) => (member.status === 'probationary' ? !fullOnly.includes(r) : !probationaryOnly.includes(r)));
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setError(null);
    try {
      await record.mutateAsync({ id: member.id, body: { reason: v.reason, eventDate: fromDayjs(v.eventDate)!, note: v.note?.trim() || null, version: member.version } });
      message.success(`已登记：${MEMBER_EVENT_REASONS[v.reason].label}`);
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONFLICT') setError('该党员档案刚被他人修改，请关闭后刷新页面再登记。');
      else setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`登记变动：${member.name}`} onCancel={onClose} onOk={submit} okText="登记" confirmLoading={record.isPending} destroyOnHidden>
      {reason && MEMBER_EVENT_REASONS[reason].direction === 'decrease' && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="登记后该党员从在册党员中减少，档案不能再编辑，变动记录永久保留。" />
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" initialValues={{ eventDate: dayjs(), reason: member.status === 'probationary' ? 'converted' : undefined }}>
        <Form.Item label="变动类型" name="reason" rules={[{ required: true, message: '请选择变动类型' }]}>
          <Select options={reasons.map((r) => ({ value: r, label: MEMBER_EVENT_REASONS[r].label }))} placeholder="请选择" />
        </Form.Item>
        <Form.Item label="变动日期" name="eventDate" rules={[{ required: true, message: '请选择变动日期' }]} extra={reason === 'converted' ? '转正日期为支部大会讨论通过之日起算的预备期满之日' : undefined}>
          <DatePicker disabledDate={afterToday} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label="说明" name="note" rules={[{ max: 500, message: '说明不能超过500个字' }]}>
          <Input.TextArea rows={3} maxLength={500} showCount placeholder="选填，如批准文号、转往的党组织" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Files({ member }: { member: MemberDetail }) {
  const me = useMe().data;
  const { message } = App.useApp();
  const files = useFiles('person', member.id, can(me, 'file.read'));
  const upload = useUploadFile('person', member.id);
  if (!can(me, 'file.read')) return <EmptyState description="您的角色不能查看附件。" />;
  return (
    <>
      {can(me, 'file.upload') && (
        <Space style={{ marginBottom: 12 }}>
          <Upload
            accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx"
            showUploadList={false}
            customRequest={async ({ file, onSuccess, onError }) => {
              try {
                const r = await upload.mutateAsync(file as File);
                message.success(`已上传：${r.fileName}`);
                onSuccess?.(r);
              } catch (e) {
                message.error(`上传失败：${errorMessage(e)}`);
                onError?.(e as Error);
              }
            }}
          >
            <Button icon={<UploadOutlined />} loading={upload.isPending}>
              上传附件
            </Button>
          </Upload>
          <Typography.Text type="secondary">支持 PDF、PNG、JPG、DOCX、XLSX</Typography.Text>
        </Space>
      )}
      {files.isError ? (
        <ErrorState error={files.error} onRetry={() => files.refetch()} title="附件加载失败" />
      ) : (
        <Table<StoredFile>
          rowKey="id"
          size="small"
          loading={files.isPending}
          dataSource={files.data ?? []}
          pagination={false}
          locale={{ emptyText: files.isPending ? ' ' : <EmptyState description={can(me, 'file.upload') ? '还没有附件。可上传入党志愿书、转正申请等材料的扫描件。' : '还没有附件。'} /> }}
          columns={[
            { title: '文件名', dataIndex: 'fileName' },
            { title: '大小', dataIndex: 'sizeBytes', width: 100, render: formatBytes },
            { title: '上传时间', dataIndex: 'createdAt', width: 170, render: (s: string) => formatDateTime(s) },
            {
              title: '操作',
              width: 90,
              render: (_: unknown, f) => (
                <Button
                  type="link"
                  size="small"
                  icon={<DownloadOutlined />}
                  onClick={() => downloadFile(f).catch((e: unknown) => message.error(`下载失败：${errorMessage(e)}`))}
                >
                  下载
                </Button>
              ),
            },
          ]}
        />
      )}
    </>
  );
}

export function EventTimeline({ events }: { events: MemberDetail['events'] }) {
  if (events.length === 0) return <EmptyState description="暂无变动记录。" />;
  const sorted = [...events].sort((a, b) => (a.eventDate === b.eventDate ? b.id - a.id : a.eventDate < b.eventDate ? 1 : -1));
  return (
    <Timeline
      items={sorted.map((e) => {
        const d = DIRECTION[e.direction] ?? DIRECTION.change;
        const reason = MEMBER_EVENT_REASONS[e.reason as MemberEventReason]?.label ?? e.reason;
        const from = e.fromStatus ? label(MEMBER_STATUSES, e.fromStatus) : null;
        const to = e.toStatus ? label(MEMBER_STATUSES, e.toStatus) : null;
        return {
          key: e.id,
          color: d.color === 'volcano' ? 'red' : d.color,
          content: (
            <div>
              <Space size={6} wrap>
                <Typography.Text strong>{e.eventDate}</Typography.Text>
                <Tag color={d.color}>{d.text}</Tag>
                <Typography.Text>{reason}</Typography.Text>
              </Space>
              <div style={{ color: '#595959', marginTop: 2 }}>
                {e.orgName ?? ''}
                {from || to ? `${e.orgName ? '，' : ''}${from ?? '—'} → ${to ?? '—'}` : ''}
              </div>
              {e.note && <div style={{ color: '#595959' }}>说明：{e.note}</div>}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                登记于 {formatDateTime(e.recordedAt)}
              </Typography.Text>
            </div>
          ),
        };
      })}
    />
  );
}

/**
 * 已激活/未激活, and for the branch a reset: the member's phone account is
 * disabled (a lost phone, a wrong number) and they activate again.
 */
function ActivationStatus({ member: m }: { member: MemberDetail }) {
  const { message } = App.useApp();
  const reset = useResetActivation();
  if (!m.activated) return <Tag>未激活</Tag>;
  return (
    <Space size={4}>
      <Tag color="green">已激活</Tag>
      {m.abilities.update && (
        <Popconfirm
          title="重置账号激活？"
          description="该党员的手机账号将被停用，需要重新激活后才能登录。"
          okText="重置"
          cancelText="取消"
          onConfirm={() =>
            reset.mutateAsync({ id: m.id }).then(
              () => void message.success('已重置，该党员需重新激活账号'),
              (e: unknown) => void message.error(errorMessage(e)),
            )
          }
        >
          <Button size="small" type="link" loading={reset.isPending}>
            重置激活
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}

export function MemberDetailPage() {
  const { id } = useParams();
  const q = useMember(id);
  const me = useMe().data;
  usePageTitle(q.data ? `党员档案：${q.data.name}` : '党员档案');
  const [revealing, setRevealing] = useState<SensitiveField | null>(null);
  const [revealed, setRevealed] = useState<Partial<Record<SensitiveField, string | null>>>({});
  const [eventOpen, setEventOpen] = useState(false);

  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="党员档案加载失败" extra={<Link to="/admin/members">返回党员名册</Link>} />;
  const m = q.data;

  const sensitive = (field: SensitiveField, masked: string | null) => {
    if (field in revealed) {
      const v = revealed[field];
      return <Typography.Text copyable={!!v}>{field === 'income' ? formatYuan(v) : (v ?? '未登记')}</Typography.Text>;
    }
    return (
      <Space size={8}>
        <span>{masked ?? '未登记'}</span>
        {m.abilities.reveal && masked && (
          <Button size="small" type="link" icon={<EyeOutlined />} onClick={() => setRevealing(field)} aria-label={`查看完整${SENSITIVE_FIELDS[field]}`}>
            查看
          </Button>
        )}
      </Space>
    );
  };

  const profile = (
    <Descriptions bordered column={3} size="small" styles={{ label: { width: 120 } }}>
      <Descriptions.Item label="姓名">{m.name}</Descriptions.Item>
      <Descriptions.Item label="性别">{label(SEXES, m.sex)}</Descriptions.Item>
      <Descriptions.Item label="民族">{m.ethnicity}</Descriptions.Item>
      <Descriptions.Item label="出生日期">{m.birthDate}</Descriptions.Item>
      <Descriptions.Item label="身份证号" span={2}>
        {sensitive('idNumber', m.idNumberMasked)}
      </Descriptions.Item>
      <Descriptions.Item label="学历">{label(EDUCATIONS, m.education)}</Descriptions.Item>
      <Descriptions.Item label="人员类别" span={2}>
        {label(OCCUPATIONS, m.occupation)}
      </Descriptions.Item>
      <Descriptions.Item label="党员类别">
        <Tag color={STATUS_COLORS[m.status]}>{MEMBER_STATUSES[m.status]}</Tag>
      </Descriptions.Item>
      <Descriptions.Item label="入党日期">{formatDate(m.joinDate)}</Descriptions.Item>
      <Descriptions.Item label="转正日期">{formatDate(m.conversionDate)}</Descriptions.Item>
      <Descriptions.Item label="所在党支部" span={2}>
        {m.orgName ?? '—'}
      </Descriptions.Item>
      <Descriptions.Item label="党龄">{m.partyAgeYears === null ? '—' : `${m.partyAgeYears} 年`}</Descriptions.Item>
      <Descriptions.Item label="手机号码">{sensitive('phone', m.phoneMasked)}</Descriptions.Item>
      <Descriptions.Item label="账号激活">
        <ActivationStatus member={m} />
      </Descriptions.Item>
      <Descriptions.Item label="工作单位" span={2}>
        {m.unitName ?? '—'}
      </Descriptions.Item>
      <Descriptions.Item label="家庭住址" span={2}>
        {m.address ?? '—'}
      </Descriptions.Item>
      <Descriptions.Item label="月收入">{sensitive('income', m.hasIncome ? '已登记（加密）' : null)}</Descriptions.Item>
    </Descriptions>
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/admin/members">党员名册</Link> }, ...m.orgPath.map((o) => ({ title: o.name })), { title: m.name }]} />
        <div className="page-header" style={{ marginBottom: 0 }}>
          <Space size={12} wrap align="center">
            <Typography.Title level={3} data-testid="member-name">
              {m.name}
            </Typography.Title>
            <Tag color={STATUS_COLORS[m.status]}>{MEMBER_STATUSES[m.status]}</Tag>
            <Typography.Text type="secondary">{m.orgName ?? '无所在组织'}</Typography.Text>
            <Typography.Text type="secondary">党龄 {m.partyAgeYears === null ? '—' : `${m.partyAgeYears} 年`}</Typography.Text>
          </Space>
          <Space>
            {m.abilities.update && (
              <Link to={`/admin/members/${m.id}/edit`}>
                <Button icon={<EditOutlined />}>编辑</Button>
              </Link>
            )}
            {m.abilities.changeStatus && (
              <Button type="primary" icon={<SwapOutlined />} onClick={() => setEventOpen(true)}>
                登记变动
              </Button>
            )}
          </Space>
        </div>
        {m.earlierRecord && <div style={{ marginTop: 12 }}><EarlierRecordNote record={m.earlierRecord} /></div>}
      </Card>
      <Card>
        <Tabs
          items={[
            { key: 'profile', label: '档案', children: profile },
            { key: 'events', label: `变动记录（${m.events.length}）`, children: <EventTimeline events={m.events} /> },
            { key: 'files', label: '附件', children: <Files member={m} /> },
            ...(can(me, 'transfer.read') ? [{ key: 'transfers', label: '组织关系转接', children: <MemberTransfers personId={m.id} /> }] : []),
          ]}
        />
      </Card>
      {revealing && <RevealModal member={m} field={revealing} onClose={() => setRevealing(null)} onRevealed={(v) => setRevealed((r) => ({ ...r, [revealing]: v }))} />}
      {eventOpen && <EventModal member={m} onClose={() => setEventOpen(false)} />}
    </Space>
  );
}
