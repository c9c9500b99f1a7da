import { useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { CreateAccountBody } from '../../../contracts/admin';
import { DATA_SCOPES, ROLES, SELF_REGISTERED_ROLES, type DataScope, type Role } from '../../../contracts/permissions';
import { ApiError, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { zodRule } from '../../shared/zod-rule';
import { PasswordPolicy } from '../auth/ChangePasswordForm';
import { OrgTreeSelect } from '../org/OrgTreeSelect';
import { LinkAccountPersonBody } from '../../../contracts/activation';
import { useAccounts, useCreateAccount, useGrantRole, useLinkPerson, useRevokeRole, useUpdateAccount, type Account } from './api';

const roleOptions = (Object.keys(ROLES) as Role[]).filter((r) => !SELF_REGISTERED_ROLES.includes(r)).map((r) => ({ value: r, label: `${ROLES[r].label}${ROLES[r].admin ? '（全系统）' : ''}` }));

const passwordRules = (username: () => string) => [
  { required: true, message: '请设置密码' },
  { min: 8, message: '密码至少8位' },
  { max: 128, message: '密码不能超过128位' },
  {
    validator: async (_r: unknown, v: string | undefined) => {
      const u = username();
      if (v && u.length >= 3 && v.toLowerCase().includes(u.toLowerCase())) throw new Error('密码不能包含用户名');
    },
  },
];

function CreateAccountModal({ onClose, onCreated }: { onClose: () => void; onCreated: (a: { id: string; username: string; displayName: string }) => void }) {
  const [form] = Form.useForm<{ username: string; displayName: string; password: string }>();
  const create = useCreateAccount();
  const [error, setError] = useState<string | null>(null);
  const username = Form.useWatch('username', form) ?? '';
  const password = Form.useWatch('password', form) ?? '';
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setError(null);
    try {
      const r = await create.mutateAsync({ username: v.username.trim(), displayName: v.displayName.trim(), password: v.password });
      onCreated({ id: r.id, username: v.username.trim(), displayName: v.displayName.trim() });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'DUPLICATE_USERNAME') form.setFields([{ name: 'username', errors: [e.message] }]);
      else if (e instanceof ApiError && e.code === 'WEAK_PASSWORD') form.setFields([{ name: 'password', errors: [e.message] }]);
      else setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title="新建账号" onCancel={onClose} onOk={submit} okText="创建" confirmLoading={create.isPending} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item label="用户名" name="username" rules={[{ required: true, whitespace: true, message: '请填写用户名' }, zodRule(CreateAccountBody.shape.username)]}>
          <Input autoComplete="off" placeholder="字母开头，3–32位" />
        </Form.Item>
        <Form.Item label="姓名" name="displayName" rules={[{ required: true, whitespace: true, message: '请填写姓名' }, { max: 50, message: '姓名不能超过50个字' }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label="初始密码" name="password" rules={passwordRules(() => username)} extra={<PasswordPolicy password={password} username={username} />}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ResetPasswordModal({ account, onClose }: { account: Account; onClose: () => void }) {
  const [form] = Form.useForm<{ password: string }>();
  const { message } = App.useApp();
  const update = useUpdateAccount();
  const [error, setError] = useState<string | null>(null);
  const password = Form.useWatch('password', form) ?? '';
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setError(null);
    try {
      await update.mutateAsync({ id: account.id, password: v.password });
      message.success(`已重置 ${account.username} 的密码，该账号的登录已全部失效`);
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'WEAK_PASSWORD') form.setFields([{ name: 'password', errors: [e.message] }]);
      else setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`重置密码：${account.displayName}（${account.username}）`} onCancel={onClose} onOk={submit} okText="重置" confirmLoading={update.isPending} destroyOnHidden>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="重置后请通过安全渠道告知本人新密码，并提醒其登录后立即修改。" />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item label="新密码" name="password" rules={passwordRules(() => account.username)} extra={<PasswordPolicy password={password} username={account.username} />}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * Links an account to a member's record by exact name and ID number (the
 * member then sees their own record on the phone instead of
 * 您的账号未关联党员档案).
 */
function LinkPersonModal({ account, onClose }: { account: Account; onClose: () => void }) {
  const [form] = Form.useForm<{ name: string; idNumber: string }>();
  const { message } = App.useApp();
  const link = useLinkPerson();
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setError(null);
    try {
      const p = await link.mutateAsync({ id: account.id, body: v });
      message.success(`已将 ${account.username} 关联到党员 ${p.name}${p.orgName ? `（${p.orgName}）` : ''}`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`关联党员：${account.displayName}（${account.username}）`} onCancel={onClose} onOk={submit} okText="关联" confirmLoading={link.isPending} destroyOnHidden>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="按党员档案中的姓名和身份证号查找，两项都一致才会关联。关联后该账号在手机端看到本人的档案和党费。" />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form form={form} layout="vertical">
        <Form.Item label="党员姓名" name="name" rules={[{ required: true, message: '请填写党员姓名' }, zodRule(LinkAccountPersonBody.shape.name)]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item label="身份证号" name="idNumber" rules={[{ required: true, message: '请填写身份证号' }, zodRule(LinkAccountPersonBody.shape.idNumber)]}>
          <Input autoComplete="off" maxLength={18} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function GrantRoleModal({ account, onClose }: { account: { id: string; username: string; displayName: string }; onClose: () => void }) {
  const [form] = Form.useForm<{ role: Role; orgId?: string; scope: DataScope }>();
  const { message } = App.useApp();
  const grant = useGrantRole();
  const [error, setError] = useState<string | null>(null);
  const role = Form.useWatch('role', form);
  const isAdmin = role ? ROLES[role].admin : false;
  const scopeOptions = (role === 'member' ? (['self'] as DataScope[]) : isAdmin ? (['subtree'] as DataScope[]) : (['subtree', 'node'] as DataScope[])).map((s) => ({ value: s, label: DATA_SCOPES[s] }));
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    setError(null);
    try {
      await grant.mutateAsync({ id: account.id, body: { role: v.role, orgId: isAdmin ? null : v.orgId, scope: v.scope } });
      message.success(`已授予 ${account.displayName}：${ROLES[v.role].label}`);
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`授予角色：${account.displayName}（${account.username}）`} onCancel={onClose} onOk={submit} okText="授予" confirmLoading={grant.isPending} destroyOnHidden>
      <Alert type="info" showIcon style={{ marginBottom: 16 }} title="系统管理员、安全管理员、审计管理员三个角色相互分离，不能由同一账号兼任，且不设组织范围。" />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        onValuesChange={(changed: { role?: Role }) => {
          if (changed.role) form.setFieldValue('scope', changed.role === 'member' ? 'self' : 'subtree');
        }}
      >
        <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]}>
          <Select options={roleOptions} placeholder="请选择角色" />
        </Form.Item>
        {!isAdmin && (
          <Form.Item label="所在组织" name="orgId" rules={[{ required: true, message: '请选择角色所在的组织' }]} extra="该角色可管理的数据从这个组织开始">
            <OrgTreeSelect style={{ width: '100%' }} />
          </Form.Item>
        )}
        <Form.Item label="数据范围" name="scope" rules={[{ required: true, message: '请选择数据范围' }]}>
          <Select options={scopeOptions} placeholder="请选择数据范围" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AccountsPage() {
  usePageTitle('账号与角色');
  const me = useMe().data!;
  const { message, modal } = App.useApp();
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useAccounts(q, page, pageSize);
  const update = useUpdateAccount();
  const revoke = useRevokeRole();
  const [creating, setCreating] = useState(false);
  const [granting, setGranting] = useState<{ id: string; username: string; displayName: string } | null>(null);
  const [resetting, setResetting] = useState<Account | null>(null);
  const [linking, setLinking] = useState<Account | null>(null);
  const canGrant = can(me, 'role.grant');

  const toggleDisabled = (a: Account) =>
    modal.confirm({
      title: a.isDisabled ? `启用账号 ${a.username}？` : `停用账号 ${a.username}？`,
      content: a.isDisabled ? '启用后该账号可以重新登录。' : '停用后该账号立即退出登录，且不能再登录，数据和历史记录保留。',
      okText: a.isDisabled ? '启用' : '停用',
      okButtonProps: { danger: !a.isDisabled },
      onOk: async () => {
        try {
          await update.mutateAsync({ id: a.id, isDisabled: !a.isDisabled });
          message.success(a.isDisabled ? '账号已启用' : '账号已停用');
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });

  const resetTotp = (a: Account) =>
    modal.confirm({
      title: `重置 ${a.username} 的双因素认证？`,
      content: '用于手机丢失或更换。重置后该账号立即退出登录，下次登录后须重新绑定身份验证器。',
      okText: '重置',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await update.mutateAsync({ id: a.id, resetTotp: true });
          message.success('双因素认证已重置');
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });

  const revokeGrant = (a: Account, g: Account['grants'][number]) =>
    modal.confirm({
      title: `收回 ${a.displayName} 的“${ROLES[g.role].label}”角色？`,
      content: g.orgName ? `组织：${g.orgName}` : '全系统范围',
      okText: '收回',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await revoke.mutateAsync({ id: a.id, grantId: g.id });
          message.success('角色已收回');
        } catch (e) {
          message.error(errorMessage(e));
        }
      },
    });

  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>账号与角色</Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          新建账号
        </Button>
      </div>
      <Input.Search
        placeholder="用户名或姓名"
        allowClear
        onSearch={(v) => {
          setQ(v.trim());
          setPage(1);
        }}
        style={{ width: 280, marginBottom: 16 }}
        aria-label="按用户名或姓名查找账号"
      />
      {list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} title="账号列表加载失败" />
      ) : (
        <Table<Account>
          rowKey="id"
          loading={list.isFetching}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: list.isPending ? ' ' : <EmptyState description={q ? `没有用户名或姓名含“${q}”的账号。` : '还没有账号，点击“新建账号”创建。'} /> }}
          pagination={{ current: page, pageSize, total: list.data?.total ?? 0, showTotal: (t) => `共 ${t} 个账号`, onChange: (p, s) => (setPage(p), setPageSize(s)) }}
          columns={[
            { title: '用户名', dataIndex: 'username', width: 140 },
            { title: '姓名', dataIndex: 'displayName', width: 120 },
            {
              title: '状态',
              width: 150,
              render: (_: unknown, a) => (
                <Space size={[4, 4]} wrap>
                  {a.isDisabled ? <Tag>已停用</Tag> : a.isLocked ? <Tag color="orange">已锁定</Tag> : <Tag color="green">正常</Tag>}
                  {a.totpEnabled && <Tag color="blue">双因素</Tag>}
                  {a.personId && <Tag color="purple">已关联党员</Tag>}
                </Space>
              ),
            },
            {
              title: '角色',
              render: (_: unknown, a) =>
                a.grants.length === 0 ? (
                  <Typography.Text type="secondary">未授予角色（不能使用任何功能）</Typography.Text>
                ) : (
                  <Space size={[4, 4]} wrap>
                    {a.grants.map((g) => (
                      <Tag
                        key={g.id}
                        color={ROLES[g.role].admin ? 'gold' : 'red'}
                        closable={canGrant && a.id !== me.id}
                        onClose={(e) => {
                          e.preventDefault();
                          revokeGrant(a, g);
                        }}
                      >
                        {ROLES[g.role].label} · {ROLES[g.role].admin ? '全系统' : `${g.orgName ?? '（组织已不存在）'} · ${DATA_SCOPES[g.scope]}`}
                      </Tag>
                    ))}
                  </Space>
                ),
            },
            { title: '创建时间', dataIndex: 'createdAt', width: 150, render: (s: string) => formatDateTime(s) },
            {
              title: '操作',
              width: 220,
              render: (_: unknown, a) =>
                a.id === me.id ? (
                  <Typography.Text type="secondary">当前登录账号</Typography.Text>
                ) : (
                  <Space size={0} wrap>
                    {canGrant && (
                      <Button type="link" size="small" onClick={() => setGranting(a)}>
                        授予角色
                      </Button>
                    )}
                    <Button type="link" size="small" onClick={() => setResetting(a)}>
                      重置密码
                    </Button>
                    {!a.personId && (
                      <Button type="link" size="small" onClick={() => setLinking(a)}>
                        关联党员
                      </Button>
                    )}
                    {a.totpEnabled && (
                      <Button type="link" size="small" onClick={() => resetTotp(a)}>
                        重置双因素
                      </Button>
                    )}
                    <Button type="link" size="small" danger={!a.isDisabled} onClick={() => toggleDisabled(a)}>
                      {a.isDisabled ? '启用' : '停用'}
                    </Button>
                  </Space>
                ),
            },
          ]}
        />
      )}
      {creating && (
        <CreateAccountModal
          onClose={() => setCreating(false)}
          onCreated={(a) => {
            setCreating(false);
            message.success(`已新建账号 ${a.username}。请为其授予角色，否则无法使用任何功能。`);
            if (canGrant) setGranting(a);
          }}
        />
      )}
      {granting && <GrantRoleModal account={granting} onClose={() => setGranting(null)} />}
      {linking && <LinkPersonModal account={linking} onClose={() => setLinking(null)} />}
      {resetting && <ResetPasswordModal account={resetting} onClose={() => setResetting(null)} />}
    </Card>
  );
}
