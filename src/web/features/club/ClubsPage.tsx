import { useState } from 'react';
import { Alert, App, Breadcrumb, Button, Card, Descriptions, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { CLUB_CATEGORIES, CLUB_STATUSES, type ClubStatus } from '../../../contracts/club';
import { errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageOrg } from '../../shared/current-org';
import { formatDateTime } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { activityTime } from '../volunteer/api';
import { CLUB_STATUS_COLORS, useClub, useClubs, useDissolveClub, useReviewClub, type ClubDetail, type ClubView } from './api';

// 社团 (console): the clubs of the communities in the caller's scope, the
// applications waiting first; a row opens the club — its founder and
// description, members, activities — where the community approves or refuses
// an application (with a reason) and dissolves a club that no longer meets.

const statusOptions = (Object.keys(CLUB_STATUSES) as ClubStatus[]).map((k) => ({ value: k, label: CLUB_STATUSES[k] }));

function ClubStatusTag({ status }: { status: ClubStatus }) {
  return (
    <Tag color={CLUB_STATUS_COLORS[status]} data-testid="club-status" style={{ marginInlineEnd: 0 }}>
      {CLUB_STATUSES[status]}
    </Tag>
  );
}

const kindTag = (kind: 'member' | 'resident') => (kind === 'member' ? <Tag color="red">党员</Tag> : <Tag>群众</Tag>);

export function ClubsPage() {
  const { id } = useParams();
  return id ? <ClubDetailPage id={id} /> : <ClubListPage />;
}

function ClubListPage() {
  usePageTitle('社团');
  const orgId = usePageOrg();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status');
  const status = statusParam && statusParam in CLUB_STATUSES ? (statusParam as ClubStatus) : undefined;
  const [q, setQ] = useState(params.get('q') ?? '');
  const [page, setPage] = useState(1);
  const list = useClubs({ orgId, status, q: params.get('q') || undefined, page, pageSize: 20 });

  const setParam = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
    setPage(1);
  };

  const columns: ColumnsType<ClubView> = [
    {
      title: '社团',
      key: 'name',
      width: 220,
      render: (_: unknown, c) => (
        <Space orientation="vertical" size={0}>
          <Typography.Link onClick={() => navigate(`/admin/clubs/${c.id}`)}>{c.name}</Typography.Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {CLUB_CATEGORIES[c.category]}
          </Typography.Text>
        </Space>
      ),
    },
    { title: '村（社区）', dataIndex: 'communityName', key: 'community', width: 200 },
    { title: '发起人', key: 'founder', width: 140, render: (_: unknown, c) => <Space size={4}>{c.founderName}{kindTag(c.founderKind)}</Space> },
    { title: '状态', key: 'status', width: 90, render: (_: unknown, c) => <ClubStatusTag status={c.status} /> },
    { title: '成员', dataIndex: 'memberCount', key: 'members', width: 70, align: 'right' },
    { title: '活动', dataIndex: 'activityCount', key: 'activities', width: 70, align: 'right' },
    { title: '申请时间', key: 'createdAt', width: 140, render: (_: unknown, c) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(c.createdAt)}</span> },
  ];

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>社团</Typography.Title>
          <Typography.Text type="secondary">党员和群众在手机上申请成立兴趣社团，由所在村（社区）审核；成立后邻居可加入，负责人发布社团活动，成员报名参加。</Typography.Text>
        </Space>
        <OrgTreeSelect value={orgId} onChange={(v) => setParam({ orgId: v })} style={{ width: 260, minWidth: 0 }} placeholder="全部组织（可选择村、社区）" aria-label="组织" />
      </div>
      <Space wrap style={{ marginBottom: 16 }} role="search" aria-label="筛选社团">
        <Select<ClubStatus> value={status} onChange={(v) => setParam({ status: v ?? null })} options={statusOptions} allowClear placeholder="全部状态" style={{ width: 120 }} aria-label="社团状态" />
        <Input.Search value={q} onChange={(e) => setQ(e.target.value)} onSearch={(v) => setParam({ q: v.trim() || null })} allowClear placeholder="社团名称或发起人" style={{ width: 240 }} aria-label="搜索社团" />
      </Space>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="社团加载失败" />
      ) : (
        <Table<ClubView>
          rowKey="id"
          size="middle"
          data-testid="clubs"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 940 }}
          onRow={(c) => ({ onClick: () => navigate(`/admin/clubs/${c.id}`), style: { cursor: 'pointer' } })}
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState description={status || q ? '没有符合条件的社团。请调整筛选条件。' : '还没有社团。党员和群众可在手机“社团”页申请成立。'} /> }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 个社团`, showSizeChanger: false }}
        />
      )}
    </Card>
  );
}

type Action = 'review' | 'dissolve' | null;

function ClubDetailPage({ id }: { id: string }) {
  const q = useClub(id);
  usePageTitle(q.data ? q.data.club.name : '社团');
  const me = useMe().data;
  const manage = can(me, 'volunteer.manage');
  const [action, setAction] = useState<Action>(null);
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="社团加载失败" />;
  const d = q.data;
  const c = d.club;
  return (
    <Card>
      <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/admin/clubs">社团</Link> }, { title: c.name }]} />
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>
            {c.name} <ClubStatusTag status={c.status} />
          </Typography.Title>
          <Typography.Text type="secondary">{c.description}</Typography.Text>
        </Space>
        {manage && (
          <Space wrap>
            {c.status === 'pending' && (
              <Button type="primary" onClick={() => setAction('review')} data-testid="club-review">
                审核申请
              </Button>
            )}
            {c.status === 'active' && (
              <Button danger onClick={() => setAction('dissolve')}>
                解散社团
              </Button>
            )}
          </Space>
        )}
      </div>
      {c.status === 'rejected' && <Alert type="warning" showIcon title={`申请未通过：${c.reviewNote ?? ''}`} style={{ marginBottom: 16 }} />}
      {c.status === 'dissolved' && <Alert type="warning" showIcon title={`社团已解散：${c.dissolveReason ?? ''}`} style={{ marginBottom: 16 }} />}
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} style={{ marginBottom: 16 }} data-testid="club-facts">
        <Descriptions.Item label="类别">{CLUB_CATEGORIES[c.category]}</Descriptions.Item>
        <Descriptions.Item label="村（社区）">{c.communityName}</Descriptions.Item>
        <Descriptions.Item label="发起人">
          <Space size={4}>
            {c.founderName}
            {kindTag(c.founderKind)}
          </Space>
        </Descriptions.Item>
        <Descriptions.Item label="申请时间">{formatDateTime(c.createdAt)}</Descriptions.Item>
        <Descriptions.Item label="审核时间">{formatDateTime(c.reviewedAt)}</Descriptions.Item>
        {c.reviewNote && c.status !== 'rejected' && <Descriptions.Item label="审核意见">{c.reviewNote}</Descriptions.Item>}
      </Descriptions>
      <Typography.Title level={4}>成员（{c.memberCount}）</Typography.Title>
      <Table
        rowKey="id"
        size="small"
        data-testid="club-members"
        dataSource={d.members}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: c.status === 'pending' ? '审核通过后，发起人成为负责人，邻居即可加入' : '暂无成员' }}
        columns={[
          { title: '姓名', dataIndex: 'name', key: 'name', width: 120 },
          { title: '身份', key: 'kind', width: 80, render: (_: unknown, m: ClubDetail['members'][number]) => kindTag(m.kind) },
          { title: '角色', key: 'role', width: 90, render: (_: unknown, m: ClubDetail['members'][number]) => (m.role === 'leader' ? <Tag color="gold">负责人</Tag> : '成员') },
          { title: '加入时间', key: 'joinedAt', width: 150, render: (_: unknown, m: ClubDetail['members'][number]) => formatDateTime(m.joinedAt) },
        ]}
        scroll={{ x: 440 }}
        style={{ marginBottom: 24 }}
      />
      <Typography.Title level={4}>社团活动（{c.activityCount}）</Typography.Title>
      <Table
        rowKey="id"
        size="small"
        data-testid="club-activities"
        dataSource={d.activities}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: '负责人还没有发布活动' }}
        columns={[
          { title: '活动', dataIndex: 'title', key: 'title', width: 200 },
          { title: '时间', key: 'time', width: 200, render: (_: unknown, a: ClubDetail['activities'][number]) => activityTime(a) },
          { title: '地点', dataIndex: 'place', key: 'place', width: 160 },
          { title: '报名', key: 'signedUp', width: 90, align: 'right', render: (_: unknown, a: ClubDetail['activities'][number]) => `${a.signedUp} / ${a.capacity}` },
          { title: '状态', key: 'status', width: 160, render: (_: unknown, a: ClubDetail['activities'][number]) => (a.status === 'cancelled' ? <Tag>已取消{a.cancelReason ? `：${a.cancelReason}` : ''}</Tag> : <Tag color="blue">报名中</Tag>) },
        ]}
        scroll={{ x: 810 }}
      />
      <ClubActionModal action={action} club={c} onClose={() => setAction(null)} />
    </Card>
  );
}

function ClubActionModal({ action, club, onClose }: { action: Action; club: ClubView; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const review = useReviewClub();
  const dissolve = useDissolveClub();
  const decision = Form.useWatch('decision', form) as 'approve' | 'reject' | undefined;
  const submit = async () => {
    setError(null);
    let v: Record<string, unknown>;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      if (action === 'review') {
        await review.mutateAsync({ id: club.id, body: { decision: v.decision as 'approve' | 'reject', note: String(v.note ?? '') } });
        void message.success(v.decision === 'approve' ? '已通过，已告知发起人' : '已退回，已告知发起人');
      } else {
        await dissolve.mutateAsync({ id: club.id, body: { reason: String(v.reason) } });
        void message.success('社团已解散，已告知成员');
      }
      form.resetFields();
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e) ?? errorMessage(e));
    }
  };
  return (
    <Modal
      open={action !== null}
      title={action === 'review' ? `审核社团申请：${club.name}` : `解散社团：${club.name}`}
      onCancel={onClose}
      onOk={() => void submit()}
      okText="确定"
      cancelText="取消"
      confirmLoading={review.isPending || dissolve.isPending}
      destroyOnHidden
      forceRender
    >
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ decision: 'approve' }}>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        {action === 'review' && (
          <>
            <Form.Item name="decision" label="审核结果">
              <Radio.Group
                options={[
                  { value: 'approve', label: '通过' },
                  { value: 'reject', label: '不通过' },
                ]}
              />
            </Form.Item>
            <Form.Item name="note" label={decision === 'reject' ? '不通过的原因' : '审核意见（可选）'} rules={decision === 'reject' ? [{ required: true, min: 2, message: '不通过时请写明原因' }] : []}>
              <Input.TextArea maxLength={200} rows={3} />
            </Form.Item>
          </>
        )}
        {action === 'dissolve' && (
          <>
            <Typography.Paragraph type="secondary">解散后成员不能再参加活动，尚未开始的社团活动将一并取消，并通知成员和已报名的人。</Typography.Paragraph>
            <Form.Item name="reason" label="解散原因" rules={[{ required: true, min: 2, message: '请填写解散原因（至少2个字）' }]}>
              <Input.TextArea maxLength={200} rows={3} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
