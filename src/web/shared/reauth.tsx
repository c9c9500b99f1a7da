import { useState, useSyncExternalStore } from 'react';
import { Alert, Button, Form, Input, Modal, Space, Typography } from 'antd';
import { LockOutlined, SafetyOutlined } from '@ant-design/icons';
import { ApiError, api, errorMessage } from './api';

// Signing in again in place when the session ends under an open page: the
// request that found the session gone waits for this dialog and is sent again
// after the user signs in, so a filled form is saved instead of emptied by a
// trip to /login. Only the account that was signed in may continue here;
// 退出 goes to /login as before.

interface Pending {
  username: string;
  expired: boolean;
  promise: Promise<boolean>;
  resolve: (ok: boolean) => void;
}

let pending: Pending | null = null;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

/** Asks the user to sign in again as `username`; resolves true once they did, false if they leave. */
export function requestReauth(username: string, expired: boolean): Promise<boolean> {
  if (pending) return pending.promise;
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  pending = { username, expired, promise, resolve };
  emit();
  return promise;
}

function settle(ok: boolean) {
  const p = pending;
  pending = null;
  emit();
  p?.resolve(ok);
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function ReauthDialog() {
  const p = useSyncExternalStore(subscribe, () => pending);
  if (!p) return null;
  return <ReauthForm key={p.username} pending={p} />;
}

function ReauthForm({ pending: p }: { pending: Pending }) {
  const [form] = Form.useForm<{ password: string; totpCode?: string }>();
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { password: string; totpCode?: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/v1/auth/login', { username: p.username, password: v.password, ...(needTotp && v.totpCode ? { totpCode: v.totpCode } : {}) });
      settle(true);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTP_REQUIRED') setNeedTotp(true);
      else if (e instanceof ApiError && e.code === 'INVALID_CREDENTIALS') setError('密码不正确，请重新输入。连续输错5次，账号将被锁定15分钟。');
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title="请重新登录" closable={false} maskClosable={false} keyboard={false} footer={null} destroyOnHidden>
      <Typography.Paragraph>
        {p.expired ? '登录已超时。' : '登录已失效。'}页面上填写的内容仍然保留，重新登录后将继续刚才的操作。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label="用户名">
          <Input value={p.username} disabled aria-label="用户名" />
        </Form.Item>
        <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" autoFocus aria-label="密码" />
        </Form.Item>
        {needTotp && (
          <Form.Item label="动态验证码" name="totpCode" rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入6位数字动态验证码' }]}>
            <Input prefix={<SafetyOutlined />} placeholder="6位数字" inputMode="numeric" maxLength={6} autoComplete="one-time-code" autoFocus />
          </Form.Item>
        )}
        <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
          <Button onClick={() => settle(false)}>退出，转到登录页</Button>
          <Button type="primary" htmlType="submit" loading={busy}>
            登录并继续
          </Button>
        </Space>
      </Form>
    </Modal>
  );
}
