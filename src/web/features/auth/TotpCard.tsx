import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Steps, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../shared/api';
import { ME_KEY, useMe } from '../../shared/session';
import { enableTotp, setupTotp } from './api';

/** 双因素认证: bind an authenticator app (TOTP) to the account. */
export function TotpCard() {
  const me = useMe().data!;
  const qc = useQueryClient();
  const [setup, setSetup] = useState<{ secret: string; qrSvg: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ code: string }>();

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await setupTotp();
      setSetup({ secret: r.secret, qrSvg: r.qrSvg });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (v: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      await enableTotp(v.code.trim());
      setSetup(null);
      await qc.invalidateQueries({ queryKey: ME_KEY });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={<Space><SafetyCertificateOutlined />双因素认证</Space>} id="totp">
      {me.totpEnrollmentRequired && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title="管理员账号须先绑定身份验证器，完成后才能使用其他功能。" />
      )}
      {error && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={error} role="alert" />}
      {me.totpEnabled ? (
        <Alert type="success" showIcon title="已开启：登录时除密码外还需输入身份验证器中的动态验证码。" description="手机丢失时，请联系安全管理员重置双因素认证后重新绑定。" />
      ) : !setup ? (
        <Space orientation="vertical">
          <Typography.Text>开启后，登录时除密码外还需输入手机身份验证器（如 Microsoft Authenticator、Google Authenticator、FreeOTP）中的6位动态验证码。</Typography.Text>
          <Button type="primary" onClick={start} loading={busy}>
            开始绑定
          </Button>
        </Space>
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Steps size="small" current={1} items={[{ title: '扫描二维码' }, { title: '输入验证码' }, { title: '完成' }]} />
          <Space size={32} wrap align="start">
            <div role="img" aria-label="身份验证器绑定二维码" style={{ width: 180, height: 180 }} dangerouslySetInnerHTML={{ __html: setup.qrSvg }} />
            <Space orientation="vertical">
              <Typography.Text>1. 用身份验证器扫描左侧二维码；无法扫描时手动输入密钥：</Typography.Text>
              <Typography.Text code copyable>
                {setup.secret}
              </Typography.Text>
              <Typography.Text>2. 输入身份验证器显示的6位动态验证码：</Typography.Text>
              <Form form={form} layout="inline" onFinish={confirm}>
                <Form.Item name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: '请输入6位数字' }]}>
                  <Input placeholder="6位数字" inputMode="numeric" maxLength={6} autoComplete="one-time-code" style={{ width: 140 }} aria-label="动态验证码" />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={busy}>
                  完成绑定
                </Button>
              </Form>
            </Space>
          </Space>
        </Space>
      )}
    </Card>
  );
}
