import { useState } from 'react';
import { Alert, App, Breadcrumb, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { StopOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { Link, useParams } from 'react-router';
import { CancelVolunteerActivityBody, SIGNUP_STATUSES } from '../../../contracts/volunteer';
import { applyServerErrors } from '../../shared/form-errors';
import { dayjs, formatDateTime } from '../../shared/dates';
import { errorMessage } from '../../shared/api';
import { can, useMe } from '../../shared/session';
import { ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { zodRule } from '../../shared/zod-rule';
import { activityTime, hoursText, useAttestHours, useCancelActivity, useVolunteerActivity, type VolunteerActivityDetail, type VolunteerActivityView, type VolunteerSignupView } from './api';
import { ActivityStatusTag, beijingIso, SkillTags } from './VolunteerPage';
import './volunteer.css';

// 志愿服务 activity (console): its facts, 取消活动 (with a reason; not once
// anyone is attested) and the 报名名单, where the organiser records each
// volunteer's check-in and check-out (认定时长) or 未到场 after the activity.

type SignupStatus = keyof typeof SIGNUP_STATUSES;
const SIGNUP_COLORS: Record<SignupStatus, string> = { signed_up: 'processing', withdrawn: 'default', attested: 'success', absent: 'warning' };

/** A server timestamp as the Beijing wall-clock time a picker shows. */
const toPicker = (iso: string) => dayjs(formatDateTime(iso).replace(' ', 'T'));

function CancelModal({ a, onClose }: { a: VolunteerActivityView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason?: string }>();
  const cancel = useCancelActivity();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    let v: { reason?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      await cancel.mutateAsync({ id: a.id, body: { reason: (v.reason ?? '').trim() } });
      message.success('活动已取消，已通知报名的志愿者');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`取消活动：${a.title}`} onCancel={onClose} onOk={() => void submit()} okText="确认取消活动" okButtonProps={{ danger: true }} cancelText="返回" confirmLoading={cancel.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">取消后不能再报名，已报名的 {a.signedUp} 名志愿者会收到通知（含取消原因）。</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} name="volunteer-cancel">
        <Form.Item name="reason" label="取消原因" rules={[{ required: true, whitespace: true, message: '请填写取消原因' }, zodRule(CancelVolunteerActivityBody.shape.reason)]}>
          <Input.TextArea rows={3} maxLength={200} showCount placeholder="如：天气原因，活动延期另行通知" aria-label="取消原因" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface AttestValues {
  checkInAt?: Dayjs | null;
  checkOutAt?: Dayjs | null;
}

function AttestModal({ d, s, onClose }: { d: VolunteerActivityDetail; s: VolunteerSignupView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<AttestValues>();
  const attest = useAttestHours();
  const [error, setError] = useState<string | null>(null);
  const a = d.activity;
  const checkIn = Form.useWatch('checkInAt', form);
  const checkOut = Form.useWatch('checkOutAt', form);
  const hours = checkIn && checkOut && checkOut.isAfter(checkIn) ? Math.min(d.maxHoursPerActivity, checkOut.diff(checkIn, 'minute') / 60) : null;
  const submit = async () => {
    setError(null);
    let v: AttestValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      await attest.mutateAsync({ id: a.id, body: { signupId: s.id, checkInAt: beijingIso(v.checkInAt!), checkOutAt: beijingIso(v.checkOutAt!) } });
      message.success(`已认定：${s.name}`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`认定时长：${s.name}`} onCancel={onClose} onOk={() => void submit()} okText="认定" cancelText="取消" confirmLoading={attest.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">
        活动时间 {activityTime(a)}。签到、签退时间须在活动时间之内；单次活动最多认定 {d.maxHoursPerActivity} 小时。
        {s.arrivedAt ? `${s.name}于 ${formatDateTime(s.arrivedAt)} 在活动中心大屏扫码签到。` : ''}
      </Typography.Paragraph>
      <Form<AttestValues> form={form} layout="vertical" requiredMark={false} name="volunteer-attest" initialValues={{ checkInAt: toPicker(s.arrivedAt && s.arrivedAt > a.startsAt ? s.arrivedAt : a.startsAt), checkOutAt: toPicker(a.endsAt) }}>
        <div className="vol-form-row">
          <Form.Item name="checkInAt" label="签到时间" rules={[{ required: true, message: '请选择签到时间' }]}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} allowClear={false} aria-label="签到时间" />
          </Form.Item>
          <Form.Item
            name="checkOutAt"
            label="签退时间"
            dependencies={['checkInAt']}
            rules={[
              { required: true, message: '请选择签退时间' },
              ({ getFieldValue }) => ({
                validator: async (_: unknown, out: Dayjs | null | undefined) => {
                  const inAt = getFieldValue('checkInAt') as Dayjs | null | undefined;
                  if (out && inAt && !out.isAfter(inAt)) throw new Error('签退时间须晚于签到时间');
                },
              }),
            ]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} allowClear={false} aria-label="签退时间" />
          </Form.Item>
        </div>
      </Form>
      <Typography.Text data-testid="attest-hours-preview">{hours === null ? '—' : `认定时长：${hoursText(hours)} 小时`}</Typography.Text>
    </Modal>
  );
}

export function VolunteerDetailPage() {
  const { id } = useParams();
  const q = useVolunteerActivity(id);
  usePageTitle(q.data ? q.data.activity.title : '志愿服务活动');
  const me = useMe().data;
  const manage = can(me, 'volunteer.manage');
  const { modal, message } = App.useApp();
  const attest = useAttestHours();
  const [cancelling, setCancelling] = useState(false);
  const [attesting, setAttesting] = useState<VolunteerSignupView | null>(null);

  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="活动加载失败" />;
  const d = q.data;
  const a = d.activity;
  const started = Date.parse(a.startsAt) <= Date.now();
  const ended = Date.parse(a.endsAt) <= Date.now();
  const cancelBlocked = a.status === 'cancelled' ? '活动已取消' : a.attested > 0 ? '已有志愿者认定时长，不能取消' : ended ? '活动已结束' : null;

  const markAbsent = (s: VolunteerSignupView) =>
    modal.confirm({
      title: `登记 ${s.name} 未到场？`,
      content: '登记后不再认定该志愿者本次活动的服务时长。',
      okText: '未到场',
      cancelText: '取消',
      onOk: async () => {
        try {
          await attest.mutateAsync({ id: a.id, body: { signupId: s.id, absent: true } });
          message.success(`已登记未到场：${s.name}`);
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });

  const columns: ColumnsType<VolunteerSignupView> = [
    { title: '姓名', dataIndex: 'name', key: 'name', width: 100 },
    { title: '身份', key: 'kind', width: 70, render: (_: unknown, s) => (s.kind === 'member' ? <Tag color="red">党员</Tag> : <Tag>群众</Tag>) },
    { title: '所在组织', key: 'org', width: 200, render: (_: unknown, s) => s.orgName ?? '—' },
    {
      title: '状态',
      key: 'status',
      width: 100,
      render: (_: unknown, s) => (
        <Tag color={SIGNUP_COLORS[s.status]} data-testid="signup-status">
          {SIGNUP_STATUSES[s.status]}
        </Tag>
      ),
    },
    { title: '大屏扫码到场', key: 'arrived', width: 140, render: (_: unknown, s) => <span data-testid="signup-arrived">{formatDateTime(s.arrivedAt)}</span> },
    { title: '签到', key: 'in', width: 140, render: (_: unknown, s) => formatDateTime(s.checkInAt) },
    { title: '签退', key: 'out', width: 140, render: (_: unknown, s) => formatDateTime(s.checkOutAt) },
    {
      title: '认定时长',
      key: 'hours',
      width: 170,
      render: (_: unknown, s) =>
        s.hours !== null ? (
          <strong data-testid="signup-hours">{hoursText(s.hours)} 小时</strong>
        ) : s.status === 'signed_up' && manage && a.status === 'open' ? (
          <div className="vol-actions">
            <Tooltip title={started ? undefined : '活动开始后才能认定'}>
              <Button size="small" type="link" disabled={!started} onClick={() => setAttesting(s)} aria-label={`认定时长：${s.name}`}>
                认定时长
              </Button>
            </Tooltip>
            <Button size="small" type="link" danger disabled={!started} onClick={() => markAbsent(s)} aria-label={`未到场：${s.name}`}>
              未到场
            </Button>
          </div>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
  ];

  return (
    <Card>
      <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/admin/volunteer">志愿服务</Link> }, { title: a.title }]} />
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>
            {a.title} <ActivityStatusTag a={a} />
          </Typography.Title>
          {a.description && <Typography.Text type="secondary">{a.description}</Typography.Text>}
        </Space>
        {manage && (
          <Tooltip title={cancelBlocked ?? undefined}>
            <Button danger icon={<StopOutlined />} disabled={!!cancelBlocked} onClick={() => setCancelling(true)}>
              取消活动
            </Button>
          </Tooltip>
        )}
      </div>
      {a.status === 'cancelled' && <Alert type="warning" showIcon title={`活动已取消${a.cancelReason ? `：${a.cancelReason}` : ''}`} style={{ marginBottom: 16 }} />}
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} style={{ marginBottom: 16 }} data-testid="volunteer-activity-facts">
        <Descriptions.Item label="组织单位">{a.orgName}</Descriptions.Item>
        <Descriptions.Item label="报名范围">{a.audienceOrgName}</Descriptions.Item>
        <Descriptions.Item label="时间">{activityTime(a)}</Descriptions.Item>
        <Descriptions.Item label="地点">{a.place}</Descriptions.Item>
        <Descriptions.Item label="报名">{`${a.signedUp}/${a.capacity} 人`}</Descriptions.Item>
        <Descriptions.Item label="已认定">{`${a.attested} 人 / ${hoursText(a.attestedHours)} 小时`}</Descriptions.Item>
        <Descriptions.Item label="所需技能">{a.skills.length ? <SkillTags skills={a.skills} /> : '不限'}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={4}>报名名单</Typography.Title>
      {manage && a.status === 'open' && <Typography.Paragraph type="secondary">活动开始后，为到场的志愿者登记签到、签退时间认定服务时长（单次活动最多认定 {d.maxHoursPerActivity} 小时），未到场的登记未到场。</Typography.Paragraph>}
      <Table<VolunteerSignupView>
        rowKey="id"
        size="middle"
        data-testid="volunteer-signups"
        dataSource={d.signups}
        columns={columns}
        scroll={{ x: 1060 }}
        loading={q.isFetching}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: '还没有人报名' }}
      />
      {cancelling && <CancelModal a={a} onClose={() => setCancelling(false)} />}
      {attesting && <AttestModal d={d} s={attesting} onClose={() => setAttesting(null)} />}
    </Card>
  );
}
