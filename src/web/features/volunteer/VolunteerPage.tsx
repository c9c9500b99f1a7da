import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useNavigate, useSearchParams } from 'react-router';
import { ACTIVITY_STATUSES, CreateVolunteerActivityBody, VOLUNTEER_SKILLS, type VolunteerSkill } from '../../../contracts/volunteer';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageOrg, usePrefilledOrg } from '../../shared/current-org';
import { enterConfirmsField } from '../../shared/long-form';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { zodRule } from '../../shared/zod-rule';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { activityTime, hoursText, useCreateActivity, useVolunteerActivities, type VolunteerActivityView } from './api';
import './volunteer.css';

// 志愿服务 (console): the activities published by the orgs of the caller's
// scope (or of the org chosen), upcoming or past, with sign-ups and hours
// attested; 发布活动 with volunteer.manage. A row opens the activity's detail.

type Status = keyof typeof ACTIVITY_STATUSES;
type When = 'upcoming' | 'past' | 'all';

export const skillOptions = (Object.keys(VOLUNTEER_SKILLS) as VolunteerSkill[]).map((k) => ({ value: k, label: VOLUNTEER_SKILLS[k] }));
const statusOptions = (Object.keys(ACTIVITY_STATUSES) as Status[]).map((k) => ({ value: k, label: ACTIVITY_STATUSES[k] }));

/** A picked wall-clock time taken as Beijing time: ISO with +08:00. */
export const beijingIso = (d: Dayjs) => `${d.format('YYYY-MM-DDTHH:mm')}:00+08:00`;

export function ActivityStatusTag({ a }: { a: Pick<VolunteerActivityView, 'status' | 'endsAt'> }) {
  if (a.status === 'cancelled') return <Tag data-testid="activity-status">{ACTIVITY_STATUSES.cancelled}</Tag>;
  const ended = Date.parse(a.endsAt) <= Date.now();
  return (
    <Tag color={ended ? 'default' : 'success'} data-testid="activity-status">
      {ended ? '已结束' : ACTIVITY_STATUSES.open}
    </Tag>
  );
}

export function SkillTags({ skills }: { skills: VolunteerSkill[] }) {
  return (
    <>
      {skills.map((s) => (
        <Tag key={s} color="blue" style={{ marginBottom: 2 }}>
          {VOLUNTEER_SKILLS[s]}
        </Tag>
      ))}
    </>
  );
}

interface CreateValues {
  orgId?: string;
  audienceOrgId?: string | null;
  title?: string;
  description?: string;
  place?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  capacity?: number | null;
  skills?: VolunteerSkill[];
}

const SHAPE = CreateVolunteerActivityBody.shape;

function CreateActivityModal({ orgId, onClose }: { orgId: string | undefined; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateValues>();
  const create = useCreateActivity();
  const [error, setError] = useState<string | null>(null);
  usePrefilledOrg(form, 'orgId', orgId);

  const submit = async () => {
    setError(null);
    let v: CreateValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    const [from, to] = v.range ?? [null, null];
    try {
      await create.mutateAsync({
        orgId: v.orgId!,
        audienceOrgId: v.audienceOrgId ?? null,
        title: (v.title ?? '').trim(),
        description: (v.description ?? '').trim(),
        place: (v.place ?? '').trim(),
        startsAt: beijingIso(from!),
        endsAt: beijingIso(to!),
        capacity: v.capacity!,
        skills: v.skills ?? [],
      });
      message.success(`已发布：${(v.title ?? '').trim()}`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e, { startsAt: 'range', endsAt: 'range' }));
    }
  };

  return (
    <Modal open title="发布活动" onCancel={onClose} onOk={() => void submit()} okText="发布" cancelText="取消" confirmLoading={create.isPending} destroyOnHidden width={720}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">发布后，报名范围内的党员和群众可在手机上报名；活动结束后由组织单位登记签到、签退，认定服务时长。</Typography.Paragraph>
      <Form<CreateValues> form={form} layout="vertical" name="volunteer-create" onKeyDown={enterConfirmsField} requiredMark={false} initialValues={{ description: '', skills: [] }}>
        <div className="vol-form-row">
          <Form.Item name="orgId" label="组织单位" rules={[{ required: true, message: '请选择组织单位' }]} extra="发布活动、认定服务时长的党组织">
            <OrgTreeSelect style={{ width: '100%', minWidth: 0 }} placeholder="选择组织（可输入名称查找）" aria-label="组织单位" />
          </Form.Item>
          <Form.Item name="audienceOrgId" label="报名范围" extra="可报名的党员所在组织、群众所在社区（含下级）；不选则同组织单位">
            <OrgTreeSelect style={{ width: '100%', minWidth: 0 }} placeholder="同组织单位" aria-label="报名范围" />
          </Form.Item>
        </div>
        <Form.Item name="title" label="活动名称" rules={[{ required: true, whitespace: true, message: '请填写活动名称' }, zodRule(SHAPE.title)]}>
          <Input maxLength={60} showCount placeholder="如：关爱独居老人上门服务" aria-label="活动名称" />
        </Form.Item>
        <Form.Item name="description" label="活动说明" rules={[zodRule(SHAPE.description)]}>
          <Input.TextArea rows={3} maxLength={1000} showCount placeholder="服务内容、集合方式、注意事项等" aria-label="活动说明" />
        </Form.Item>
        <Form.Item name="place" label="地点" rules={[{ required: true, whitespace: true, message: '请填写活动地点' }, zodRule(SHAPE.place)]}>
          <Input maxLength={100} placeholder="如：和平社区党群服务中心" aria-label="地点" />
        </Form.Item>
        <Form.Item
          name="range"
          label="时间"
          rules={[
            {
              validator: async (_: unknown, r: CreateValues['range']) => {
                if (!r?.[0] || !r?.[1]) throw new Error('请选择活动的开始和结束时间');
                if (!r[1].isAfter(r[0])) throw new Error('结束时间须晚于开始时间');
              },
            },
          ]}
        >
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" placeholder={['开始时间', '结束时间']} style={{ width: '100%' }} aria-label="时间" />
        </Form.Item>
        <div className="vol-form-row">
          <Form.Item name="capacity" label="招募人数" rules={[{ required: true, message: '请填写招募人数' }, zodRule(SHAPE.capacity)]}>
            <InputNumber min={1} max={1000} precision={0} addonAfter="人" style={{ width: '100%' }} aria-label="招募人数" />
          </Form.Item>
          <Form.Item name="skills" label="所需技能" extra="最多选择5项，可不选" rules={[{ type: 'array', max: 5, message: '最多选择5项技能' }]}>
            <Select mode="multiple" options={skillOptions} maxCount={5} allowClear placeholder="不限" aria-label="所需技能" />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  );
}

export function VolunteerPage() {
  usePageTitle('志愿服务');
  const me = useMe().data;
  const manage = can(me, 'volunteer.manage');
  const orgId = usePageOrg();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const whenParam = params.get('when');
  const when: When = whenParam === 'past' || whenParam === 'all' ? whenParam : 'upcoming';
  const [status, setStatus] = useState<Status | undefined>();
  const [page, setPage] = useState(1);
  const [creating, setCreating] = useState(false);
  const list = useVolunteerActivities({ orgId, status, when: when === 'all' ? undefined : when, page, pageSize: 20 });

  const setParam = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
    setPage(1);
  };

  const columns: ColumnsType<VolunteerActivityView> = [
    {
      title: '活动名称',
      key: 'title',
      width: 220,
      render: (_: unknown, a) => (
        <div className="vol-title-cell">
          <Typography.Link className="vol-title" onClick={() => navigate(`/admin/volunteer/${a.id}`)}>
            {a.title}
          </Typography.Link>
          {a.skills.length > 0 && (
            <div>
              <SkillTags skills={a.skills} />
            </div>
          )}
        </div>
      ),
    },
    {
      title: '组织单位',
      key: 'org',
      width: 180,
      render: (_: unknown, a) => (
        <Space orientation="vertical" size={0}>
          <span>{a.orgName}</span>
          {a.audienceOrgId !== a.orgId && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              报名范围：{a.audienceOrgName}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '时间', key: 'time', width: 190, render: (_: unknown, a) => <span style={{ whiteSpace: 'nowrap' }}>{activityTime(a)}</span> },
    { title: '地点', dataIndex: 'place', key: 'place', width: 180 },
    { title: '报名', key: 'signedUp', width: 70, align: 'right', render: (_: unknown, a) => `${a.signedUp}/${a.capacity}` },
    { title: '已认定', key: 'attested', width: 110, align: 'right', render: (_: unknown, a) => (a.attested ? `${a.attested} 人 / ${hoursText(a.attestedHours)} 小时` : <Typography.Text type="secondary">—</Typography.Text>) },
    { title: '状态', key: 'status', width: 80, render: (_: unknown, a) => <ActivityStatusTag a={a} /> },
  ];

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>志愿服务</Typography.Title>
          <Typography.Text type="secondary">党组织发布志愿服务活动，党员和群众在手机上报名；活动结束后登记签到、签退，认定服务时长，志愿者可下载志愿服务记录证明。</Typography.Text>
        </Space>
        <OrgTreeSelect value={orgId} onChange={(id) => setParam({ orgId: id })} style={{ width: 260, minWidth: 0 }} placeholder="全部组织（可选择组织单位）" aria-label="组织" />
      </div>
      <div className="vol-filters" role="search" aria-label="筛选活动">
        <Segmented<When>
          value={when}
          onChange={(v) => setParam({ when: v === 'upcoming' ? null : v })}
          options={[
            { value: 'upcoming', label: '即将开始' },
            { value: 'past', label: '已结束' },
            { value: 'all', label: '全部' },
          ]}
          aria-label="活动时间"
        />
        <Select<Status>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setPage(1);
          }}
          options={statusOptions}
          allowClear
          placeholder="全部状态"
          style={{ width: 120 }}
          aria-label="活动状态"
        />
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} className="vol-create">
            发布活动
          </Button>
        )}
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="活动加载失败" />
      ) : (
        <Table<VolunteerActivityView>
          rowKey="id"
          size="middle"
          className="vol-table"
          data-testid="volunteer-activities"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 1030 }}
          onRow={(a) => ({ onClick: () => navigate(`/admin/volunteer/${a.id}`) })}
          locale={{
            emptyText: list.isPending ? (
              ' '
            ) : (
              <EmptyState
                description={
                  status ? '没有符合条件的活动。请调整筛选条件。' : when === 'past' ? '还没有已结束的活动。' : manage ? '暂无即将开始的活动。可点击“发布活动”，组织党员和群众参加志愿服务。' : '暂无即将开始的活动。'
                }
              />
            ),
          }}
          pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 项活动`, showSizeChanger: false }}
        />
      )}
      {creating && <CreateActivityModal orgId={orgId} onClose={() => setCreating(false)} />}
    </Card>
  );
}
