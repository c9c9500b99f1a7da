import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Radio, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table/interface';
import { Link, useSearchParams } from 'react-router';
import { WARNING_LEVELS, WARNING_MODULES, WARNING_STATUSES, type WarningModule } from '../../../contracts/warning';
import type { WorkbenchLevel } from '../../../contracts/workbench';
import { applyServerErrors } from '../../shared/form-errors';
import { formatDateTime } from '../../shared/dates';
import { usePageOrg } from '../../shared/current-org';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useHandleWarning, useWarnings, type WarningFilters, type WarningItem } from './api';

// 预警中心: every module's warnings in the caller's scope, red first, each with
// the rule it rests on and a link to the page that deals with it; 知悉 and
// 办结 (with a note) by those who handle the module. A warning whose fact
// changes clears itself at the next scan and moves to 已解除.

const LEVEL_COLORS: Record<WorkbenchLevel, string> = { error: 'red', warning: 'gold', info: 'blue' };
const STATUS_COLORS = { open: 'red', acknowledged: 'blue', resolved: 'green' } as const;

/** 「2 天 12 小时」: the time from the fact to the warning. */
function lag(seconds: number | null): string {
  if (seconds === null) return '—';
  const d = Math.floor(seconds / 86400);
  const hrs = Math.floor((seconds % 86400) / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  if (d > 0) return `${d} 天${hrs ? ` ${hrs} 小时` : ''}`;
  if (hrs > 0) return `${hrs} 小时${min ? ` ${min} 分` : ''}`;
  return `${min} 分钟`;
}

function HandleModal({ target, onClose }: { target: { item: WarningItem; action: 'acknowledge' | 'resolve' } | null; onClose: () => void }) {
  const { message } = App.useApp();
  const handle = useHandleWarning();
  const [form] = Form.useForm<{ note?: string }>();
  const [error, setError] = useState<string | null>(null);
  const resolve = target?.action === 'resolve';
  const submit = async () => {
    if (!target) return;
    const { note } = await form.validateFields();
    setError(null);
    try {
      await handle.mutateAsync({ id: target.item.id, action: target.action, note: note?.trim() || undefined });
      message.success(resolve ? '已办结' : '已确认知悉');
      form.resetFields();
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal
      open={!!target}
      title={resolve ? '办结预警' : '确认知悉'}
      okText={resolve ? '办结' : '确认知悉'}
      cancelText="取消"
      confirmLoading={handle.isPending}
      onOk={() => void submit()}
      onCancel={() => {
        form.resetFields();
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {target && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>
            {target.item.title}：{target.item.detail}
          </Typography.Text>
          {error && <Alert type="error" showIcon role="alert" title={error} />}
          <Form form={form} layout="vertical">
            <Form.Item
              name="note"
              label={resolve ? '处理说明' : '说明（可选）'}
              rules={resolve ? [{ required: true, whitespace: true, message: '办结时请填写处理说明' }, { min: 2, message: '办结时请填写处理说明（至少2个字）' }] : []}
            >
              <Input.TextArea rows={3} maxLength={500} showCount placeholder={resolve ? '写明已采取的措施，如“已召开支部委员会研究，下月完成换届”' : '如：已安排专人跟进'} />
            </Form.Item>
          </Form>
          {resolve && <Typography.Text type="secondary">办结后，如果情况仍未改变且预警级别升高，预警会重新打开。</Typography.Text>}
        </Space>
      )}
    </Modal>
  );
}

export function WarningsPage() {
  usePageTitle('预警中心');
  const orgId = usePageOrg();
  const [params] = useSearchParams();
  // a link from the 工作台 or the big screen's ticker may name the module
  const fromLink = params.get('module');
  const [f, setF] = useState<WarningFilters>({ status: 'live', page: 1, pageSize: 20, module: fromLink && fromLink in WARNING_MODULES ? (fromLink as WarningModule) : undefined });
  const [q, setQ] = useState('');
  const [target, setTarget] = useState<{ item: WarningItem; action: 'acknowledge' | 'resolve' } | null>(null);
  const list = useWarnings({ ...f, orgId });
  const data = list.data;
  const set = (patch: Partial<WarningFilters>) => setF((x) => ({ ...x, page: 1, ...patch }));
  const cleared = f.status === 'cleared';

  const columns: ColumnsType<WarningItem> = [
    { title: '级别', dataIndex: 'level', key: 'level', width: 72, render: (l: WorkbenchLevel) => <Tag color={LEVEL_COLORS[l]}>{WARNING_LEVELS[l]}</Tag> },
    {
      title: '预警事项',
      key: 'what',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Space size={4} wrap>
            <Tag>{WARNING_MODULES[r.module]}</Tag>
            <Typography.Text strong>{r.kindLabel}</Typography.Text>
          </Space>
          <span>
            <Link to={r.link}>{r.title}</Link>：{r.detail}
          </span>
          {r.source && (
            // the citation can be a whole rule's clauses: one line here, the whole on hover
            <Typography.Text type="secondary" style={{ fontSize: 12, maxWidth: 420 }} ellipsis={{ tooltip: r.source }}>
              依据：{r.source}
            </Typography.Text>
          )}
          {r.note && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              说明：{r.note}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: '所属组织', dataIndex: 'orgName', key: 'org', width: 180, ellipsis: true },
    { title: '期限', dataIndex: 'dueOn', key: 'due', width: 110, render: (d: string | null) => d ?? <Typography.Text type="secondary">—</Typography.Text> },
    {
      title: '发现时间',
      key: 'found',
      width: 170,
      render: (_: unknown, r) => (
        <Tooltip title={r.factAt ? `情况发生于 ${formatDateTime(r.factAt)}，发现用时 ${lag(r.discoverySeconds)}` : '情况发生时间无法确定'}>
          <Space orientation="vertical" size={0}>
            <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.discoveredAt)}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              用时 {lag(r.discoverySeconds)}
            </Typography.Text>
          </Space>
        </Tooltip>
      ),
    },
    {
      title: '状态',
      key: 'status',
      width: 150,
      render: (_: unknown, r) =>
        r.clearedAt ? (
          <Space orientation="vertical" size={0}>
            <Tag color="default">已解除</Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.resolvedBy ? `${r.resolvedBy} 办结` : '情况已变化，自动解除'}
            </Typography.Text>
          </Space>
        ) : (
          <Space orientation="vertical" size={0}>
            <Tag color={STATUS_COLORS[r.status]}>{WARNING_STATUSES[r.status]}</Tag>
            {r.status !== 'open' && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {r.status === 'resolved' ? r.resolvedBy : r.acknowledgedBy}
              </Typography.Text>
            )}
          </Space>
        ),
    },
    {
      title: '操作',
      key: 'act',
      width: 170,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          <Link to={r.link}>去处理</Link>
          {r.canHandle && r.status === 'open' && (
            <Button type="link" size="small" onClick={() => setTarget({ item: r, action: 'acknowledge' })} aria-label={`确认知悉：${r.title}`}>
              知悉
            </Button>
          )}
          {r.canHandle && r.status !== 'resolved' && (
            <Button type="link" size="small" onClick={() => setTarget({ item: r, action: 'resolve' })} aria-label={`办结：${r.title}`}>
              办结
            </Button>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0}>
          <Typography.Title level={3}>预警中心</Typography.Title>
          <Typography.Text type="secondary">
            发展党员期限、党费欠交、组织设置与换届、组织关系转接、组织生活、先锋指数等各模块的预警集中在此；情况改变后，下一次扫描自动解除。
            {data?.lastScanAt ? `最近扫描：${formatDateTime(data.lastScanAt)}` : '尚未完成首次扫描。'}
          </Typography.Text>
        </Space>
      </div>
      <Space wrap style={{ display: 'flex', marginBottom: 16 }}>
        <Radio.Group
          value={f.status}
          onChange={(e) => set({ status: e.target.value as WarningFilters['status'] })}
          optionType="button"
          aria-label="预警状态"
          options={[
            { value: 'live', label: '全部在办' },
            { value: 'open', label: `待处理 ${data?.counts.open ?? 0}` },
            { value: 'acknowledged', label: `已知悉 ${data?.counts.acknowledged ?? 0}` },
            { value: 'resolved', label: '已办结' },
            { value: 'cleared', label: '已解除' },
          ]}
        />
        <Select<WarningModule | 'all'>
          value={f.module ?? 'all'}
          onChange={(v) => set({ module: v === 'all' ? undefined : v })}
          style={{ width: 150 }}
          aria-label="模块"
          options={[{ value: 'all', label: '全部模块' }, ...(Object.keys(WARNING_MODULES) as WarningModule[]).map((m) => ({ value: m, label: WARNING_MODULES[m] }))]}
        />
        <Select<WorkbenchLevel | 'all'>
          value={f.level ?? 'all'}
          onChange={(v) => set({ level: v === 'all' ? undefined : v })}
          style={{ width: 130 }}
          aria-label="级别"
          options={[
            { value: 'all', label: '全部级别' },
            { value: 'error', label: `红色 ${data?.counts.error ?? 0}` },
            { value: 'warning', label: `黄色 ${data?.counts.warning ?? 0}` },
            { value: 'info', label: `蓝色 ${data?.counts.info ?? 0}` },
          ]}
        />
        <Input.Search
          allowClear
          placeholder="姓名、组织或内容"
          style={{ width: 220 }}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={(v) => set({ q: v.trim() || undefined })}
          aria-label="搜索预警"
        />
      </Space>
      {list.isError && !data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="预警加载失败" />
      ) : (
        <Table<WarningItem>
          rowKey="id"
          data-testid="warnings"
          loading={list.isFetching && !data}
          dataSource={data?.items ?? []}
          columns={columns}
          scroll={{ x: 1100 }}
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState description={cleared ? '暂无已解除的预警' : '管理范围内暂无预警'} /> }}
          pagination={{
            current: f.page,
            pageSize: f.pageSize,
            total: data?.total ?? 0,
            showSizeChanger: false,
            hideOnSinglePage: true,
            showTotal: (t) => `共 ${t} 条`,
            onChange: (page) => setF((x) => ({ ...x, page })),
          }}
        />
      )}
      <HandleModal target={target} onClose={() => setTarget(null)} />
    </Card>
  );
}
