import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Steps, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import type { ActivationRequestAnswer, ActivationResult } from '../../../contracts/activation';
import { api, errorMessage } from '../../shared/api';
import { usePageTitle } from '../../shared/use-title';

// 党员首次使用: verify against the member record (name, ID number, phone), then
// set a password with the SMS code; the member lands on the phone pages (/m).
export function ActivatePage() {
  usePageTitle('激活党员账号');
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [step, setStep] = useState(0);
  const [who, setWho] = useState<{ idNumber: string; phone: string } | null>(null);
  const [answer, setAnswer] = useState<ActivationRequestAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const requestCode = async (v: { name: string; idNumber: string; phone: string }) => {
    setBusy(true);
    setError(null);
    try {
      const a = await api.post<ActivationRequestAnswer>('/api/v1/auth/activation/request', { name: v.name.trim(), idNumber: v.idNumber.trim().toUpperCase(), phone: v.phone.trim() });
      setWho({ idNumber: v.idNumber.trim().toUpperCase(), phone: v.phone.trim() });
      setAnswer(a);
      setStep(1);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const activate = async (v: { code: string; password: string }) => {
    if (!who) return;
    setBusy(true);
    setError(null);
    try {
      await api.post<ActivationResult>('/api/v1/auth/activation/activate', { ...who, code: v.code.trim(), password: v.password });
      qc.clear();
      navigate('/m', { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <div className="login-box">
        <Card variant="borderless" style={{ boxShadow: '0 6px 24px rgba(0,0,0,0.08)' }}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            激活党员账号
          </Typography.Title>
          <Steps size="small" responsive={false} current={step} items={[{ title: '核对身份' }, { title: '设置密码' }]} style={{ marginBottom: 16 }} />
          {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} role="alert" />}
          {step === 0 ? (
            <Form layout="vertical" onFinish={requestCode} requiredMark={false} size="large">
              <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: '请填写姓名' }]}>
                <Input placeholder="与党员档案一致" autoComplete="name" />
              </Form.Item>
              <Form.Item label="身份证号" name="idNumber" rules={[{ required: true, pattern: /^\d{17}[\dXx]$/, message: '身份证号应为18位' }]}>
                <Input placeholder="18位身份证号" maxLength={18} />
              </Form.Item>
              <Form.Item label="手机号" name="phone" rules={[{ required: true, pattern: /^1[3-9]\d{9}$/, message: '手机号码应为11位数字，以1开头' }]}>
                <Input placeholder="党员档案中登记的手机号" inputMode="numeric" maxLength={11} autoComplete="tel" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                获取验证码
              </Button>
            </Form>
          ) : (
            <Form layout="vertical" onFinish={activate} requiredMark={false} size="large">
              {answer && <Alert type="info" title={answer.message} showIcon style={{ marginBottom: 16 }} />}
              {answer?.demoCode && <Alert type="warning" title={`演示模式：验证码 ${answer.demoCode}`} showIcon style={{ marginBottom: 16 }} />}
              <Form.Item label="验证码" name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: '验证码为6位数字' }]}>
                <Input placeholder="短信中的6位数字" inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
              </Form.Item>
              <Form.Item label="设置密码" name="password" extra="至少8位，包含字母、数字、符号中的多类；激活后用手机号和此密码登录" rules={[{ required: true, message: '请设置密码' }]}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                激活并登录
              </Button>
              <Button type="link" block onClick={() => setStep(0)}>
                重新获取验证码
              </Button>
            </Form>
          )}
          <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
            <Link to="/login">返回登录</Link>
          </Typography.Paragraph>
        </Card>
      </div>
    </div>
  );
}
