import { useState } from 'react';
import { Alert, App, Breadcrumb, Button, Card, Descriptions, Grid, Space, Tabs, Tag, Tooltip, Typography } from 'antd';
import { DownloadOutlined, EditOutlined, NotificationOutlined, QrcodeOutlined, StopOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { reportUrl, useMeeting, useSendNotice, type MeetingDetail } from './api';
import { AttendanceTab } from './AttendanceTab';
import { FilesTab } from './FilesTab';
import { KeywordsTab } from './KeywordsTab';
import { CancelMeetingModal, ConflictAlert, EditMeetingModal, isConflict, SignInQrModal } from './MeetingModals';
import { MinutesTab } from './MinutesTab';
import { ReviewsTab } from './ReviewsTab';
import { TranscriptTab } from './TranscriptTab';
import { MeetingStatusTag, MeetingTypeTag, pct, timeRange } from './ui';
import './meeting.css';

// A meeting: its arrangement and what the viewer may do with it (the header),
// then attendance, minutes, attachments, the transcript, keywords and, for a
// 民主评议党员, the grades. Every change carries the version the page shows;
// one made meanwhile by someone else is refused (409) and the page offers to reload.

type Open = 'edit' | 'cancel' | 'qr' | null;
type Tab = 'attendance' | 'minutes' | 'files' | 'transcript' | 'keywords' | 'reviews';

function useNotice(m: MeetingDetail | undefined, onConflict: () => void) {
  const { message, modal } = App.useApp();
  const send = useSendNotice(m?.id ?? '');
  return () => {
    if (!m) return;
    modal.confirm({
      title: m.noticeSentAt ? '再次发送会议通知？' : '发送会议通知？',
      content: `通过站内消息和短信通知应参会人员${m.attendeeList.length ? `（${m.attendeeList.length}人）` : '（参会名单按党员名册生成）'}。`,
      okText: '发送',
      onOk: async () => {
        try {
          await send.mutateAsync(m.version);
          message.success('已发送会议通知');
        } catch (e) {
          if (isConflict(e)) onConflict();
          else message.error(errorMessage(e));
        }
      },
    });
  };
}

function Header({ m, onOpen, onConflict }: { m: MeetingDetail; onOpen: (o: Open) => void; onConflict: () => void }) {
  const { message } = App.useApp();
  const notice = useNotice(m, onConflict);
  const [downloading, setDownloading] = useState(false);
  const navigate = useNavigate();
  const locked = !!m.minutes?.lockedAt;
  const manage = m.me.canManage;
  const download = async () => {
    setDownloading(true);
    try {
      await api.download(reportUrl(m.id), undefined, `${m.title}会议报告.docx`);
    } catch (e) {
      message.error(`下载失败：${errorMessage(e)}`);
    } finally {
      setDownloading(false);
    }
  };
  return (
    <div className="page-header" style={{ marginBottom: 0 }}>
      <Space size={10} wrap align="center">
        <Typography.Title level={3} data-testid="meeting-title">
          {m.title}
        </Typography.Title>
        <MeetingTypeTag type={m.type} />
        <span data-testid="meeting-status">
          <MeetingStatusTag status={m.status} />
        </span>
        {locked && <Tag color="green">记录已锁定</Tag>}
      </Space>
      <Space wrap>
        {manage && m.status !== 'cancelled' && !locked && (
          <Button icon={<EditOutlined />} onClick={() => onOpen('edit')}>
            编辑
          </Button>
        )}
        {manage && m.status === 'planned' && (
          <Tooltip title={m.startsAt ? undefined : '请先点击“编辑”填写开始时间'}>
            <Button icon={<NotificationOutlined />} onClick={notice} disabled={!m.startsAt}>
              {m.noticeSentAt ? '再次发送通知' : '发送通知'}
            </Button>
          </Tooltip>
        )}
        {manage && m.status !== 'cancelled' && !locked && (
          <Tooltip title={m.startsAt ? undefined : '会议确定开始时间后才能签到'}>
            <Button icon={<QrcodeOutlined />} onClick={() => onOpen('qr')} disabled={!m.startsAt}>
              签到二维码
            </Button>
          </Tooltip>
        )}
        {m.status !== 'cancelled' && !locked && (
          <Tooltip title={m.startsAt ? undefined : '会议确定开始时间后才能进入视频会议室'}>
            <Button icon={<VideoCameraOutlined />} onClick={() => void navigate(`/admin/meetings/${m.id}/room`)} disabled={!m.startsAt}>
              视频会议室
            </Button>
          </Tooltip>
        )}
        {m.status === 'held' && (
          <Button icon={<DownloadOutlined />} onClick={() => void download()} loading={downloading}>
            下载会议报告
          </Button>
        )}
        {manage && m.status === 'planned' && (
          <Button danger icon={<StopOutlined />} onClick={() => onOpen('cancel')}>
            取消会议
          </Button>
        )}
      </Space>
    </div>
  );
}

function Facts({ m }: { m: MeetingDetail }) {
  // on a phone the labels go above their values (side by side they wrap one character a line)
  const narrow = Grid.useBreakpoint().sm === false;
  return (
    <Descriptions layout={narrow ? 'vertical' : 'horizontal'} bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 3, xl: 3, xxl: 3 }} data-testid="meeting-facts" style={{ marginTop: 16 }}>
      <Descriptions.Item label="召开组织">{m.orgName}</Descriptions.Item>
      <Descriptions.Item label={m.heldOn ? '召开日期' : '计划日期'}>
        {m.heldOn ?? m.plannedDate}
        {m.heldOn && m.heldOn !== m.plannedDate && <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>（计划 {m.plannedDate}）</Typography.Text>}
      </Descriptions.Item>
      <Descriptions.Item label="时间">{timeRange(m.startsAt, m.endsAt) || '待定'}</Descriptions.Item>
      <Descriptions.Item label="地点">{m.location ?? '—'}</Descriptions.Item>
      <Descriptions.Item label="主持人">{m.hostName ?? '—'}</Descriptions.Item>
      <Descriptions.Item label="记录人">{m.recorderName ?? '—'}</Descriptions.Item>
      {m.type === 'party_lecture' && <Descriptions.Item label="授课人">{m.lecturer ?? '—'}</Descriptions.Item>}
      {m.type === 'party_lecture' && <Descriptions.Item label="党课主题">{m.topic ?? '—'}</Descriptions.Item>}
      <Descriptions.Item label="出席">
        {m.summary.expected ? `实到 ${m.summary.present}/${m.summary.netExpected}（请假 ${m.summary.onLeave}），出席率 ${pct(m.summary.rate)}` : '—'}
      </Descriptions.Item>
      <Descriptions.Item label="会议通知">{m.noticeSentAt ? `已于 ${formatDateTime(m.noticeSentAt)} 发送` : '未发送'}</Descriptions.Item>
      {m.externalUrl && (
        <Descriptions.Item label="线上会议">
          <a href={m.externalUrl} target="_blank" rel="noopener noreferrer">
            {m.externalUrl}
          </a>
        </Descriptions.Item>
      )}
      {m.fromPlan && <Descriptions.Item label="来源">年度计划</Descriptions.Item>}
    </Descriptions>
  );
}

export function MeetingDetailPage() {
  const { id } = useParams();
  const q = useMeeting(id);
  const m = q.data;
  usePageTitle(m ? m.title : '会议');
  const [params, setParams] = useSearchParams();
  const [open, setOpen] = useState<Open>(null);
  const [conflict, setConflict] = useState(false);

  if (q.isPending) return <PageLoading />;
  if (q.isError || !m) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="会议加载失败" />;

  const asked = params.get('tab') as Tab | null;
  const tabs = [
    { key: 'attendance', label: `出席${m.attendeeList.length ? `（${m.summary.present}/${m.summary.netExpected}）` : ''}`, children: <AttendanceTab m={m} /> },
    { key: 'minutes', label: `会议记录${m.minutes?.lockedAt ? '（已锁定）' : ''}`, children: <MinutesTab m={m} /> },
    { key: 'files', label: `附件${m.files.filter((f) => f.kind !== 'audio').length ? `（${m.files.filter((f) => f.kind !== 'audio').length}）` : ''}`, children: <FilesTab m={{ ...m, files: m.files.filter((f) => f.kind !== 'audio') }} /> },
    { key: 'transcript', label: '录音转写', children: <TranscriptTab m={m} /> },
    { key: 'keywords', label: '关键词', children: <KeywordsTab m={m} /> },
    ...(m.type === 'democratic_review' ? [{ key: 'reviews', label: '评议', children: <ReviewsTab m={m} /> }] : []),
  ];
  const tab = asked && tabs.some((t) => t.key === asked) ? asked : 'attendance';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: '组织生活' }, { title: <Link to="/admin/meetings">会议管理</Link> }, { title: m.title }]} />
        <Header m={m} onOpen={setOpen} onConflict={() => setConflict(true)} />
        {conflict && (
          <div style={{ marginTop: 12 }}>
            <ConflictAlert id={m.id} onRefreshed={() => setConflict(false)} />
          </div>
        )}
        {m.status === 'cancelled' && <Alert style={{ marginTop: 12 }} type="warning" showIcon title={`会议已取消${m.cancelledReason ? `：${m.cancelledReason}` : ''}`} />}
        <Facts m={m} />
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
          依据：{m.source}
        </Typography.Paragraph>
      </Card>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            const next = new URLSearchParams(params);
            if (k === 'attendance') next.delete('tab');
            else next.set('tab', k);
            setParams(next, { replace: true });
          }}
          items={tabs}
          destroyOnHidden
        />
      </Card>
      {open === 'edit' && <EditMeetingModal m={m} onClose={() => setOpen(null)} />}
      {open === 'cancel' && <CancelMeetingModal m={m} onClose={() => setOpen(null)} />}
      {open === 'qr' && <SignInQrModal m={m} onClose={() => setOpen(null)} />}
    </Space>
  );
}
