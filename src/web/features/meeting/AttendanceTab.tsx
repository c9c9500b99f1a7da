import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Radio, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { ATTENDANCE, ATTENDEE_KINDS, LEAVE_STATUSES, SIGN_METHODS, type AttendeeView } from '../../../contracts/meeting';
import { errorMessage } from '../../shared/api';
import { formatDateTime, todayShanghai } from '../../shared/dates';
import { EmptyState } from '../../shared/states';
import { useDecideLeave, useMarkAttendance, type MeetingDetail } from './api';
import { pct, timeOf } from './ui';

// 出席: the roll of the meeting (from the registry when the notice went out or
// attendance was first marked), marked by the recorder in bulk; leave asked
// for on the phone and decided here. The rate is net of approved leave.

const ATTENDANCE_COLORS = { expected: 'default', present: 'green', absent: 'red' } as const;
const LEAVE_COLORS = { requested: 'orange', approved: 'blue', rejected: 'default' } as const;

function LeaveModal({ m, a, onClose }: { m: MeetingDetail; a: AttendeeView; onClose: () => void }) {
  const { message } = App.useApp();
  const decide = useDecideLeave(m.id);
  const [form] = Form.useForm<{ approve: boolean; note?: string }>();
  const [error, setError] = useState<string | null>(null);
  const approve = Form.useWatch('approve', form) ?? true;
  const submit = async (v: { approve: boolean; note?: string }) => {
    setError(null);
    try {
      await decide.mutateAsync({ personId: a.personId, approve: v.approve, note: v.note?.trim() || null });
      message.success(v.approve ? `已准假：${a.name}` : `未准假：${a.name}`);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Modal open title={`审批请假：${a.name}`} okText={approve ? '准假' : '不准假'} okButtonProps={{ danger: !approve }} onOk={() => form.submit()} confirmLoading={decide.isPending} onCancel={onClose} destroyOnHidden width={480}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph>
        请假事由：{a.leaveReason ?? '—'}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" name="meeting-leave" initialValues={{ approve: true }} onFinish={submit}>
        <Form.Item name="approve" label="审批结果">
          <Radio.Group
            options={[
              { value: true, label: '准假' },
              { value: false, label: '不准假' },
            ]}
          />
        </Form.Item>
        <Form.Item name="note" label="说明" rules={[{ max: 200, message: '说明不超过200字' }]} extra="会通知本人；不填则按默认说明通知">
          <Input.TextArea rows={2} maxLength={200} aria-label="审批说明" placeholder={approve ? '如：已准假，请会后自学会议内容' : '如：请按时参加会议'} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AttendanceSummaryBar({ m }: { m: MeetingDetail }) {
  const s = m.summary;
  return (
    <div className="meeting-stats" data-testid="attendance-summary">
      <Statistic title="应到" value={s.expected} suffix="人" />
      <Statistic title="请假" value={s.onLeave} suffix="人" />
      <Statistic title="实到" value={s.present} suffix="人" />
      <Statistic title={<Tooltip title="实到 ÷（应到 − 请假）">出席率</Tooltip>} value={pct(s.rate)} />
      <Statistic title="有表决权实到" value={s.votingPresent} suffix="人" />
    </div>
  );
}

export function AttendanceTab({ m }: { m: MeetingDetail }) {
  const { message } = App.useApp();
  const mark = useMarkAttendance(m.id);
  const [picked, setPicked] = useState<string[]>([]);
  const [deciding, setDeciding] = useState<AttendeeView | null>(null);
  const locked = !!m.minutes?.lockedAt;
  const canMark = m.me.canManage && !locked && m.status !== 'cancelled';
  const early = m.status === 'planned' && m.plannedDate > todayShanghai();

  const markAs = async (attendance: 'present' | 'absent' | 'expected') => {
    try {
      await mark.mutateAsync({ marks: picked.map((personId) => ({ personId, attendance })) });
      message.success(`已将 ${picked.length} 人标记为${ATTENDANCE[attendance]}`);
      setPicked([]);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const columns: ColumnsType<AttendeeView> = [
    { title: '姓名', dataIndex: 'name', key: 'name', width: 100 },
    { title: '类别', dataIndex: 'kind', key: 'kind', width: 100, render: (k: AttendeeView['kind']) => ATTENDEE_KINDS[k] },
    { title: '表决权', dataIndex: 'canVote', key: 'canVote', width: 80, render: (v: boolean) => (v ? '有' : <Typography.Text type="secondary">无</Typography.Text>) },
    {
      title: '出席',
      dataIndex: 'attendance',
      key: 'attendance',
      width: 90,
      render: (a: AttendeeView['attendance'], r) =>
        r.leaveStatus === 'approved' && a !== 'present' ? <Tag color="blue">请假</Tag> : <Tag color={ATTENDANCE_COLORS[a]}>{ATTENDANCE[a]}</Tag>,
    },
    {
      title: '方式',
      dataIndex: 'method',
      key: 'method',
      width: 150,
      render: (meth: AttendeeView['method'], r) =>
        meth ? (
          <span>
            {SIGN_METHODS[meth]}
            {r.signedAt && <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>{timeOf(r.signedAt)}</Typography.Text>}
          </span>
        ) : (
          '—'
        ),
    },
    {
      title: '请假',
      key: 'leave',
      width: 260,
      render: (_: unknown, r) =>
        r.leaveStatus ? (
          <div>
            <Tag color={LEAVE_COLORS[r.leaveStatus]}>{LEAVE_STATUSES[r.leaveStatus]}</Tag>
            <span>{r.leaveReason}</span>
            {r.leaveNote && (
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  说明：{r.leaveNote}
                </Typography.Text>
              </div>
            )}
          </div>
        ) : (
          '—'
        ),
    },
    ...(canMark
      ? [
          {
            title: '操作',
            key: 'actions',
            width: 90,
            render: (_: unknown, r: AttendeeView) =>
              r.leaveStatus === 'requested' ? (
                <Button size="small" onClick={() => setDeciding(r)} aria-label={`审批 ${r.name} 的请假`}>
                  审批请假
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <AttendanceSummaryBar m={m} />
      {m.signInWindow && m.status !== 'cancelled' && (
        <Typography.Text type="secondary">
          扫码签到时间：{formatDateTime(m.signInWindow.opensAt)} 至 {formatDateTime(m.signInWindow.closesAt)}。扫码只是登记出席的一种方式，记录人可以直接标记。
        </Typography.Text>
      )}
      {locked && <Alert type="info" showIcon title="会议记录已锁定，出席情况不能再修改。" />}
      {canMark && m.attendeeList.length > 0 && (
        <Space wrap>
          <Button type="primary" disabled={picked.length === 0 || early} loading={mark.isPending} onClick={() => void markAs('present')}>
            标记出席{picked.length ? `（${picked.length}人）` : ''}
          </Button>
          <Button disabled={picked.length === 0 || early} loading={mark.isPending} onClick={() => void markAs('absent')}>
            标记缺席
          </Button>
          <Button type="text" disabled={picked.length === 0 || early} loading={mark.isPending} onClick={() => void markAs('expected')}>
            恢复为未到
          </Button>
          {early && <Typography.Text type="secondary">会议召开当天起可以登记出席。</Typography.Text>}
        </Space>
      )}
      <Table<AttendeeView>
        rowKey="personId"
        size="middle"
        dataSource={m.attendeeList}
        columns={columns}
        pagination={m.attendeeList.length > 50 ? { pageSize: 50, showTotal: (t) => `共 ${t} 人` } : false}
        scroll={{ x: 'max-content' }}
        data-testid="attendee-table"
        rowSelection={
          canMark
            ? { selectedRowKeys: picked, onChange: (keys) => setPicked(keys as string[]), getCheckboxProps: (r) => ({ 'aria-label': `选择 ${r.name}` }) }
            : undefined
        }
        locale={{
          emptyText: (
            <EmptyState
              description={
                m.status === 'cancelled'
                  ? '会议已取消。'
                  : '参会名单尚未生成：发送会议通知、登记出席或保存会议记录时，按党员名册生成应参会人员。'
              }
            />
          ),
        }}
      />
      {deciding && <LeaveModal m={m} a={deciding} onClose={() => setDeciding(null)} />}
    </Space>
  );
}
