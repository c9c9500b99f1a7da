import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageOrg } from '../../shared/current-org';
import { formatDateTime } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { useCreateKiosk, useKiosks, useRevokeKiosk, type KioskCreated, type KioskView } from './api';

// 活动中心大屏 (console): the kiosk links of the centres in the caller's scope.
// A new link is shown once (the server keeps its hash): opened on the centre's
// touch screen it shows the centre's public data; a lost or replaced screen's
// link is stopped (停用) and a new one made.

export function KiosksPage() {
  usePageTitle('活动中心大屏');
  const orgId = usePageOrg();
  const me = useMe().data;
  const manage = can(me, 'volunteer.manage');
  const list = useKiosks(orgId);
  const revoke = useRevokeKiosk();
  const { message } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<KioskCreated | null>(null);

  const columns = [
    { title: '大屏名称', dataIndex: 'name', key: 'name', width: 200 },
    { title: '活动中心（组织）', dataIndex: 'orgName', key: 'org', width: 240 },
    { title: '状态', key: 'status', width: 90, render: (_: unknown, k: KioskView) => (k.revokedAt ? <Tag>已停用</Tag> : <Tag color="success">使用中</Tag>) },
    { title: '最近访问', key: 'seen', width: 150, render: (_: unknown, k: KioskView) => formatDateTime(k.lastSeenAt) },
    { title: '创建时间', key: 'created', width: 150, render: (_: unknown, k: KioskView) => formatDateTime(k.createdAt) },
    {
      title: '操作',
      key: 'actions',
      width: 100,
      render: (_: unknown, k: KioskView) =>
        manage && !k.revokedAt ? (
          <Popconfirm title="停用后这块大屏将无法显示，确定停用？" okText="停用" cancelText="取消" onConfirm={() => revoke.mutateAsync(k.id).then(() => void message.success('已停用'), (e: unknown) => void message.error(errorMessage(e)))}>
            <Button type="link" danger size="small">
              停用
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <Card>
      <div className="page-header">
        <Space orientation="vertical" size={0} style={{ minWidth: 0, flex: '1 1 320px' }}>
          <Typography.Title level={3}>活动中心大屏</Typography.Title>
          <Typography.Text type="secondary">
            为党群服务中心的触摸屏生成专用链接：大屏只显示本中心的公开信息——今日活动和签到二维码、待接单的需求（不显示姓名和地址）、可领取的积分商城物品。
          </Typography.Text>
        </Space>
        {manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="kiosk-new">
            新建大屏链接
          </Button>
        )}
      </div>
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} title="大屏链接加载失败" />
      ) : (
        <Table<KioskView>
          rowKey="id"
          size="middle"
          data-testid="kiosks"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          columns={columns}
          scroll={{ x: 930 }}
          pagination={false}
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState description="还没有大屏链接。为党群服务中心的触摸屏新建一个。" /> }}
        />
      )}
      <CreateModal open={creating} defaultOrg={orgId} onClose={() => setCreating(false)} onCreated={(c) => { setCreating(false); setCreated(c); }} />
      <Modal open={created !== null} title="大屏链接已生成" onCancel={() => setCreated(null)} footer={<Button type="primary" onClick={() => setCreated(null)}>完成</Button>} destroyOnHidden>
        {created && (
          <>
            <Alert type="warning" showIcon title="链接只显示这一次，请现在复制并在活动中心的触摸屏浏览器中打开（可设为首页）。链接即凭证，请勿外传；丢失时停用并重新生成。" style={{ marginBottom: 12 }} />
            <Typography.Paragraph copyable={{ text: `${window.location.origin}${created.url}` }} data-testid="kiosk-url" style={{ wordBreak: 'break-all' }}>
              {`${window.location.origin}${created.url}`}
            </Typography.Paragraph>
            <a href={created.url} target="_blank" rel="noreferrer">
              在新窗口打开大屏
            </a>
          </>
        )}
      </Modal>
    </Card>
  );
}

function CreateModal({ open, defaultOrg, onClose, onCreated }: { open: boolean; defaultOrg: string | undefined; onClose: () => void; onCreated: (c: KioskCreated) => void }) {
  const [form] = Form.useForm<{ orgId?: string; name?: string }>();
  const create = useCreateKiosk();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    let v: { orgId?: string; name?: string };
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    try {
      onCreated(await create.mutateAsync({ orgId: v.orgId!, name: v.name! }));
      form.resetFields();
    } catch (e) {
      setError(applyServerErrors(form, e) ?? errorMessage(e));
    }
  };
  return (
    <Modal open={open} title="新建大屏链接" onCancel={onClose} onOk={() => void submit()} okText="生成链接" cancelText="取消" confirmLoading={create.isPending} destroyOnHidden forceRender>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ orgId: defaultOrg, name: '一楼大厅触摸屏' }}>
        {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
        <Form.Item name="orgId" label="活动中心所在的组织（村、社区）" rules={[{ required: true, message: '请选择活动中心所在的组织' }]}>
          <OrgTreeSelect placeholder="选择村（社区）" aria-label="活动中心所在的组织" />
        </Form.Item>
        <Form.Item name="name" label="大屏名称" rules={[{ required: true, min: 2, message: '请填写大屏名称（至少2个字）' }]}>
          <Input maxLength={30} aria-label="大屏名称" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
