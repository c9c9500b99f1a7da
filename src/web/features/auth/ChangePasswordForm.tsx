import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { CheckCircleFilled, MinusCircleOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { ApiError } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { changePassword } from './api';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

const CLASSES: Array<[RegExp, string]> = [
  [/[a-z]/, '小写字母'],
  [/[A-Z]/, '大写字母'],
  [/\d/, '数字'],
  [/[^A-Za-z0-9\s]/, '符号'],
];

export function classCount(pw: string) {
  return CLASSES.filter(([re]) => re.test(pw)).length;
}

/** The password policy, as the server applies it (platform/password.ts). */
export function PasswordPolicy({ password, username }: { password: string; username: string }) {
  const checks: Array<[boolean, string]> = [
    [password.replace(/\s+/g, ' ').length >= 8, '至少8位（连续空格只算一位）'],
    [classCount(password) >= 3, `包含大写字母、小写字母、数字、符号中的至少3类（已包含${classCount(password)}类）`],
    [!(username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())), '不包含用户名'],
  ];
  return (
    <ul style={{ listStyle: 'none', padding: 0, margin: '0 0 16px' }} aria-label="密码要求">
      {checks.map(([ok, text]) => (
        <li key={text} style={{ color: ok && password ? '#389e0d' : '#8c8c8c', lineHeight: '24px' }}>
          {ok && password ? <CheckCircleFilled /> : <MinusCircleOutlined />} {text}
        </li>
      ))}
      <li style={{ color: '#8c8c8c', lineHeight: '24px' }}>
        <MinusCircleOutlined /> 不能是常见密码或常见词加数字符号（如 Aa123456、Admin@123、Dangjian@2026），也不能与当前密码相同
      </li>
    </ul>
  );
}

export function ChangePasswordForm({ username, size = 'medium' }: { username: string; size?: 'medium' | 'large' }) {
  const [form] = Form.useForm<Values>();
  const newPassword = Form.useWatch('newPassword', form) ?? '';
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const qc = useQueryClient();
  const navigate = useNavigate();

  const onFinish = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      await changePassword(v.currentPassword, v.newPassword);
      navigate('/login?reason=password', { replace: true });
      qc.clear();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'INVALID_CREDENTIALS') form.setFields([{ name: 'currentPassword', errors: [e.message] }]);
      else if (e instanceof ApiError && e.code === 'WEAK_PASSWORD') form.setFields([{ name: 'newPassword', errors: [e.message] }]);
      else setError(applyServerErrors(form, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={onFinish} size={size} style={{ maxWidth: 480 }} requiredMark={false}>
      <Alert type="info" showIcon title="修改成功后，您在所有设备上的登录都会失效，需要用新密码重新登录。" style={{ marginBottom: 16 }} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form.Item label="当前密码" name="currentPassword" rules={[{ required: true, message: '请输入当前密码' }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        label="新密码"
        name="newPassword"
        rules={[
          { required: true, message: '请输入新密码' },
          { min: 8, message: '密码至少8位' },
          { max: 128, message: '密码不能超过128位' },
          {
            validator: async (_r, v: string | undefined) => {
              if (v && username.length >= 3 && v.toLowerCase().includes(username.toLowerCase())) throw new Error('密码不能包含用户名');
            },
          },
        ]}
        extra={<PasswordPolicy password={newPassword} username={username} />}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label="确认新密码"
        name="confirm"
        dependencies={['newPassword']}
        rules={[
          { required: true, message: '请再次输入新密码' },
          ({ getFieldValue }) => ({
            validator: async (_r, v: string | undefined) => {
              if (v && v !== getFieldValue('newPassword')) throw new Error('两次输入的新密码不一致');
            },
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={busy} block={size === 'large'}>
        修改密码
      </Button>
    </Form>
  );
}
