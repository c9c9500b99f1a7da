import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { MeView } from '../../../contracts/auth';
import { api, ApiError, errorMessage } from '../../shared/api';
import { homePathFor, isPhoneOnly, ME_KEY } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { login, LOGIN_NOTICES } from './api';

function loginErrorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'INVALID_CREDENTIALS') return '用户名或密码错误，请核对后重试。连续输错5次，账号将被锁定15分钟。';
    if (e.code === 'ACCOUNT_LOCKED') return '登录失败次数过多，账号已被锁定15分钟，请稍后再试；如忘记密码，请联系安全管理员重置。';
    if (e.code === 'RATE_LIMITED') return '登录尝试过于频繁，请1分钟后再试。';
    if (e.code === 'INVALID_TOTP') return '动态验证码不正确或已使用过，请等身份验证器显示下一个验证码后重新输入。';
    if (e.code === 'VALIDATION_FAILED') return e.message;
  }
  return errorMessage(e);
}

/** A next path is followed only when it is a local path the user may open. */
function safeNext(next: string | null, me: MeView): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return null;
  if (isPhoneOnly(me)) return next.startsWith('/m') ? next : null;
  return next;
}

export function LoginPage() {
  usePageTitle('登录');
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [needTotp, setNeedTotp] = useState(false);
  const notice = LOGIN_NOTICES[params.get('reason') ?? ''];

  const onFinish = async (v: { username: string; password: string; totpCode?: string }) => {
    setSubmitting(true);
    setError(null);
    try {
      await login(v.username.trim(), v.password, needTotp ? v.totpCode : undefined);
      qc.clear();
      const me = await qc.fetchQuery({ queryKey: ME_KEY, queryFn: () => api.get<MeView>('/api/v1/me') });
      navigate(safeNext(params.get('next'), me) ?? homePathFor(me), { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTP_REQUIRED') {
        setNeedTotp(true); // the password was right: ask for the second factor
        return;
      }
      setError(loginErrorText(e));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-box">
        <div className="login-brand">
          <div className="login-logo" aria-hidden>
            党
          </div>
          <Typography.Title level={2} style={{ margin: 0 }}>
            智慧党建云平台
          </Typography.Title>
          <Typography.Text type="secondary">基层党组织、党员管理与服务</Typography.Text>
        </div>
        <Card variant="borderless" style={{ boxShadow: '0 6px 24px rgba(0,0,0,0.08)' }}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            登录
          </Typography.Title>
          {notice && !error && <Alert type={notice.type} title={notice.text} showIcon style={{ marginBottom: 16 }} />}
          {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} role="alert" />}
          {needTotp && !error && <Alert type="info" title="该账号已开启双因素认证，请输入手机身份验证器中显示的6位动态验证码。" showIcon style={{ marginBottom: 16 }} />}
          <Form layout="vertical" onFinish={onFinish} requiredMark={false} size="large" autoComplete="on">
            <Form.Item label="用户名" name="username" rules={[{ required: true, whitespace: true, message: '请输入用户名' }]}>
              <Input prefix={<UserOutlined />} placeholder="请输入用户名" autoComplete="username" autoFocus />
            </Form.Item>
            <Form.Item label="密码" name="password" rules={[{ required: true, message: '请输入密码' }]}>
              <Input.Password prefix={<LockOutlined />} placeholder="请输入密码" autoComplete="current-password" />
            </Form.Item>
            {needTotp && (
              <Form.Item label="动态验证码" name="totpCode" rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入6位数字动态验证码' }]}>
                <Input prefix={<SafetyOutlined />} placeholder="6位数字" inputMode="numeric" maxLength={6} autoComplete="one-time-code" autoFocus />
              </Form.Item>
            )}
            <Button type="primary" htmlType="submit" block loading={submitting}>
              登录
            </Button>
          </Form>
          <Typography.Paragraph className="login-links" style={{ marginTop: 16, marginBottom: 0 }}>
            <Link to="/activate">党员首次使用？激活账号</Link>
            <Link to="/register">群众注册</Link>
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 13 }}>
            忘记密码请联系本单位安全管理员重置。请勿在公共电脑上保存密码。
          </Typography.Paragraph>
        </Card>
      </div>
    </div>
  );
}
