import { useState } from 'react';
import { Alert, App, Breadcrumb, Button, Card, DatePicker, Descriptions, Form, Input, Modal, Space, Timeline, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { TRANSFER_ACTIONS } from '../../../contracts/transfer';
import { ApiError, errorMessage } from '../../shared/api';
import { afterToday, dayjs, formatDate, formatDateTime, fromDayjs, todayShanghai } from '../../shared/dates';
import { ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useTransfer, useTransferAction, type TransferAction, type TransferDetail } from './api';
import { monthText, scopeLabel, TRANSFER_STATUS_COLORS, TransferStatusTag } from './ui';

// A letter of introduction (介绍信): what it says, what happened to it, and
// what the viewer may do with it now (`can` from the server). Every action
// carries the version the page shows; a letter changed meanwhile is refused
// (409) and the page offers to reload it.

type ModalAction = Extract<TransferAction, 'accept' | 'reject' | 'revoke'>;

const SEX = { male: '男', female: '女' } as const;
const MEMBER_STATUS = { full: '正式党员', probationary: '预备党员' } as const;

function ConflictAlert({ id, onRefreshed }: { id: string; onRefreshed: () => void }) {
  const qc = useQueryClient();
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title="该介绍信刚被他人办理"
      description="请刷新后核对当前状态，再办理。已填写的内容会保留。"
      action={
        <Button size="small" onClick={() => void qc.invalidateQueries({ queryKey: ['transfers', 'detail', id] }).then(onRefreshed)}>
          刷新
        </Button>
      }
    />
  );
}

function ActionModal({ t, action, onClose }: { t: TransferDetail; action: ModalAction; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ acceptedOn?: dayjs.Dayjs; reason?: string; note?: string }>();
  const act = useTransferAction();
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const receipt = t.kind === 'outgoing';
  const title = action === 'accept' ? (receipt ? '确认回执' : '接收组织关系') : action === 'reject' ? '退回介绍信' : '撤销介绍信';
  const submit = async (v: { acceptedOn?: dayjs.Dayjs; reason?: string; note?: string }) => {
    setError(null);
    setConflict(false);
    const body =
      action === 'accept'
        ? { version: t.version, acceptedOn: fromDayjs(v.acceptedOn)!, note: v.note?.trim() || null }
        : { version: t.version, reason: (v.reason ?? '').trim() };
    try {
      await act.mutateAsync({ id: t.id, action, body });
      message.success(action === 'accept' ? (receipt ? '已确认回执' : '已接收') : action === 'reject' ? '已退回' : '已撤销');
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONFLICT') setConflict(true);
      else setError(errorMessage(e));
    }
  };
  return (
    <Modal open title={title} okText={action === 'accept' ? (receipt ? '确认回执' : '接收') : action === 'reject' ? '退回' : '撤销'} okButtonProps={{ danger: action !== 'accept' }} onOk={() => form.submit()} confirmLoading={act.isPending} onCancel={onClose} destroyOnHidden width={480}>
      {conflict && <ConflictAlert id={t.id} onRefreshed={onClose} />}
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical" name={`transfer-${action}`} initialValues={{ acceptedOn: dayjs(todayShanghai()) }} onFinish={submit}>
        {action === 'accept' ? (
          <>
            <Form.Item name="acceptedOn" label={receipt ? '回执日期' : '报到日期'} rules={[{ required: true, message: receipt ? '请选择回执日期' : '请选择报到日期' }]} extra={receipt ? undefined : `${t.personName} 的组织关系自该日起转入 ${t.toOrgName}`}>
              <DatePicker disabledDate={afterToday} aria-label={receipt ? '回执日期' : '报到日期'} allowClear={false} />
            </Form.Item>
            <Form.Item name="note" label="说明" rules={[{ max: 200, message: '不超过200字' }]}>
              <Input.TextArea rows={2} maxLength={200} aria-label="说明" placeholder="可选" />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="reason" label={action === 'reject' ? '退回原因' : '撤销原因'} rules={[{ required: true, whitespace: true, message: action === 'reject' ? '请填写退回原因' : '请填写撤销原因' }, { min: 2, message: '至少2个字' }, { max: 200, message: '不超过200字' }]}>
            <Input.TextArea rows={3} maxLength={200} showCount aria-label={action === 'reject' ? '退回原因' : '撤销原因'} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** 开具 and 审批通过: one click, confirmed, with the page's version. */
function useQuickAction(t: TransferDetail | undefined, onConflict: () => void) {
  const { message, modal } = App.useApp();
  const act = useTransferAction();
  return (action: 'issue' | 'approve') => {
    if (!t) return;
    modal.confirm({
      title: action === 'issue' ? `开具 ${t.personName} 的组织关系介绍信？` : `审批通过 ${t.personName} 的组织关系介绍信？`,
      content: action === 'issue' && t.approvalsNeeded > 0 ? `该转接需上级审批 ${t.approvalsNeeded} 级，审批通过后介绍信方生效。` : undefined,
      okText: action === 'issue' ? '开具' : '审批通过',
      onOk: async () => {
        try {
          await act.mutateAsync({ id: t.id, action, body: { version: t.version } });
          message.success(action === 'issue' ? '已开具' : '已审批通过');
        } catch (e) {
          if (e instanceof ApiError && e.code === 'CONFLICT') onConflict();
          else message.error(errorMessage(e));
        }
      },
    });
  };
}

export function TransferDetailPage() {
  const { id } = useParams();
  const q = useTransfer(id);
  const t = q.data;
  usePageTitle(t ? `${t.personName} 的组织关系介绍信` : '组织关系介绍信');
  const [open, setOpen] = useState<ModalAction | null>(null);
  const [conflict, setConflict] = useState(false);
  const quick = useQuickAction(t, () => setConflict(true));

  if (q.isPending) return <PageLoading />;
  if (q.isError || !t) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="介绍信加载失败" />;

  const approvals = t.approvalsNeeded > 0 ? `${t.approvalsDone}/${t.approvalsNeeded}` : '无需审批';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: '组织关系转接' }, { title: <Link to="/admin/transfers">转接管理</Link> }, { title: t.personName }]} />
        <div className="page-header" style={{ marginBottom: 0 }}>
          <Space size={12} wrap align="center">
            <Typography.Title level={3} data-testid="transfer-title">
              {t.personName}
            </Typography.Title>
            <span data-testid="transfer-status">
              <TransferStatusTag status={t.status} />
            </span>
            {t.letterCode && <Typography.Text data-testid="letter-code">{t.letterCode}</Typography.Text>}
            <Typography.Text type="secondary">{scopeLabel(t.scope)}</Typography.Text>
          </Space>
          <Space wrap>
            {t.kind !== 'incoming' && t.letterCode && (
              <Button href={`/api/v1/transfers/${t.id}/letter`} target="_blank" rel="noopener" data-testid="print-letter">
                打印介绍信
              </Button>
            )}
            {t.can.issue && (
              <Button type="primary" onClick={() => quick('issue')}>
                开具
              </Button>
            )}
            {t.can.approve && (
              <Button type="primary" onClick={() => quick('approve')}>
                审批通过
              </Button>
            )}
            {t.can.accept && (
              <Button type="primary" onClick={() => setOpen('accept')}>
                {t.kind === 'outgoing' ? '确认回执' : '接收'}
              </Button>
            )}
            {t.can.reject && (
              <Button danger onClick={() => setOpen('reject')}>
                退回
              </Button>
            )}
            {t.can.revoke && (
              <Button danger onClick={() => setOpen('revoke')}>
                撤销
              </Button>
            )}
          </Space>
        </div>
        {conflict && (
          <div style={{ marginTop: 12 }}>
            <ConflictAlert id={t.id} onRefreshed={() => setConflict(false)} />
          </div>
        )}
        {t.closedReason && (t.status === 'rejected' || t.status === 'revoked') && (
          <Alert style={{ marginTop: 12 }} type="warning" showIcon title={`${t.status === 'rejected' ? '退回' : '撤销'}原因：${t.closedReason}`} />
        )}
      </Card>
      <Card title="介绍信">
        <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 3, xxl: 3 }} data-testid="letter">
          <Descriptions.Item label="党员">{t.personName}</Descriptions.Item>
          <Descriptions.Item label="性别">{t.sex ? SEX[t.sex] : '—'}</Descriptions.Item>
          <Descriptions.Item label="身份证号">{t.idMasked ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="党员身份">{MEMBER_STATUS[t.memberStatus]}</Descriptions.Item>
          <Descriptions.Item label="转出组织">{t.fromOrgName}</Descriptions.Item>
          <Descriptions.Item label="接收组织">{t.toOrgName}</Descriptions.Item>
          <Descriptions.Item label="开具党委">{t.issuerOrgName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="编号">{t.letterCode ?? '未开具'}</Descriptions.Item>
          <Descriptions.Item label="开具日期">{formatDate(t.issuedOn)}</Descriptions.Item>
          <Descriptions.Item label="有效期">{t.validDays ? `${t.validDays} 天${t.validUntil ? `，至 ${t.validUntil}` : ''}` : '—'}</Descriptions.Item>
          <Descriptions.Item label="党费交到">{monthText(t.duesPaidTo)}</Descriptions.Item>
          <Descriptions.Item label="审批">{approvals}</Descriptions.Item>
          {t.acceptedOn && <Descriptions.Item label={t.kind === 'outgoing' ? '回执日期' : '报到日期'}>{t.acceptedOn}</Descriptions.Item>}
          {t.kind === 'outgoing' && t.receiptDue && <Descriptions.Item label="回执期限">{t.receiptDue}</Descriptions.Item>}
          <Descriptions.Item label="转接原因" span="filled">
            {t.reason}
          </Descriptions.Item>
        </Descriptions>
        {t.ruleSource && (
          <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
            依据：{t.ruleSource}
          </Typography.Paragraph>
        )}
      </Card>
      <Card title="办理记录">
        <Timeline
          data-testid="transfer-events"
          items={t.events.map((e) => ({
            color: e.toStatus === 'rejected' || e.toStatus === 'expired' ? 'red' : TRANSFER_STATUS_COLORS[e.toStatus] === 'green' ? 'green' : 'blue',
            content: (
              <div>
                <Space size={8} wrap>
                  <Typography.Text strong>{TRANSFER_ACTIONS[e.action]}</Typography.Text>
                  <span>{e.eventDate}</span>
                  {e.orgName && <Typography.Text type="secondary">{e.orgName}</Typography.Text>}
                  {e.actorName && <Typography.Text type="secondary">{e.actorName}</Typography.Text>}
                </Space>
                {e.note && <div>{e.note}</div>}
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  记录于 {formatDateTime(e.recordedAt)}
                </Typography.Text>
              </div>
            ),
          }))}
        />
      </Card>
      {open && <ActionModal t={t} action={open} onClose={() => setOpen(null)} />}
    </Space>
  );
}
