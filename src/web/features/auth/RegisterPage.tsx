import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Form, Input, Steps, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import type { ResidentCodeAnswer } from '../../../contracts/resident';
import { ApiError, errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { usePageTitle } from '../../shared/use-title';
import { registerResident, requestResidentCode, type CommunityOption } from '../resident/api';
import { CommunitySelect, GridSelect } from '../resident/CommunityFields';

// 群众注册: a resident (not a Party member) proves their phone number with an
// SMS code, sets a password and says where they live (村/社区, 网格, 地址);
// they are then signed in and land on the phone pages (/m).

interface Details {
  code: string;
  name: string;
  password: string;
  communityId: string;
  gridId?: string;
  address: string;
}

export function RegisterPage() {
  usePageTitle('群众注册');
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [form] = Form.useForm<Details>();
  const [step, setStep] = useState(0);
  const [phone, setPhone] = useState('');
  const [answer, setAnswer] = useState<ResidentCodeAnswer | null>(null);
  const [community, setCommunity] = useState<CommunityOption | null>(null);
  const [error, setError] = useState<{ text: string; newCode?: boolean; login?: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const errorRef = useRef<HTMLDivElement>(null);

  // a problem shown above the form is brought into view (on a phone the submit button is far below it)
  useEffect(() => {
    if (error) errorRef.current?.scrollIntoView({ block: 'center' });
  }, [error]);

  const requestCode = async (v: { phone: string }) => {
    setBusy(true);
    setError(null);
    try {
      const a = await requestResidentCode(v.phone.trim());
      setPhone(v.phone.trim());
      setAnswer(a);
      setStep(1);
    } catch (e) {
      setError({ text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  };

  const register = async (v: Details) => {
    setBusy(true);
    setError(null);
    try {
      await registerResident({ phone, code: v.code.trim(), password: v.password, name: v.name.trim(), communityId: v.communityId, gridId: v.gridId ?? null, address: v.address.trim() });
      qc.clear();
      navigate('/m', { replace: true });
    } catch (e) {
      const onField = (name: 'password' | 'code', message: string) => {
        form.setFields([{ name, errors: [message] }]);
        form.scrollToField(name, { block: 'center', focus: true });
      };
      if (e instanceof ApiError && e.code === 'WEAK_PASSWORD') onField('password', e.message);
      else if (e instanceof ApiError && e.code === 'ACTIVATION_CODE_INVALID') onField('code', e.message);
      else if (e instanceof ApiError && e.code === 'ACTIVATION_CODE_EXPIRED') setError({ text: e.message, newCode: true });
      else if (e instanceof ApiError && e.code === 'RESIDENT_ALREADY_REGISTERED') setError({ text: e.message, login: true });
      else {
        const rest = applyServerErrors(form, e);
        if (rest) setError({ text: rest });
      }
    } finally {
      setBusy(false);
    }
  };

  const again = () => {
    setError(null);
    setStep(0);
  };

  return (
    <div className="login-page">
      <div className="login-box">
        <Card variant="borderless" style={{ boxShadow: '0 6px 24px rgba(0,0,0,0.08)' }}>
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            群众注册
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
            本村（社区）的居民用手机号注册，登记所在村（社区）和居住地址。党员请返回登录页激活党员账号。
          </Typography.Paragraph>
          <Steps size="small" responsive={false} current={step} items={[{ title: '验证手机号' }, { title: '填写资料' }]} style={{ marginBottom: 16 }} />
          {error && (
            <div ref={errorRef}>
              <Alert
                type="error"
                title={error.text}
                showIcon
                style={{ marginBottom: 16 }}
                role="alert"
                action={
                  error.newCode ? (
                    <Button size="small" onClick={again}>
                      重新获取
                    </Button>
                  ) : error.login ? (
                    <Link to="/login">去登录</Link>
                  ) : undefined
                }
              />
            </div>
          )}
          {step === 0 ? (
            // keyed: the two steps are two forms (a Form keeps the store it was first rendered with)
            <Form key="phone" layout="vertical" onFinish={requestCode} requiredMark={false} size="large" initialValues={{ phone }}>
              <Form.Item label="手机号" name="phone" rules={[{ required: true, pattern: /^1[3-9]\d{9}$/, message: '手机号码应为11位数字，以1开头' }]} extra="注册后用此手机号登录">
                <Input placeholder="11位手机号" inputMode="numeric" maxLength={11} autoComplete="tel" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                获取验证码
              </Button>
            </Form>
          ) : (
            <Form key="details" form={form} layout="vertical" onFinish={register} requiredMark={false} size="large">
              {answer && <Alert type="info" title={answer.message} showIcon style={{ marginBottom: 16 }} />}
              {answer?.demoCode && <Alert type="warning" title={`演示模式：验证码 ${answer.demoCode}`} showIcon style={{ marginBottom: 16 }} data-testid="demo-code" />}
              <Form.Item label="手机号">
                <Input value={phone} disabled />
              </Form.Item>
              <Form.Item label="验证码" name="code" rules={[{ required: true, pattern: /^\d{6}$/, message: '验证码为6位数字' }]}>
                <Input placeholder="短信中的6位数字" inputMode="numeric" maxLength={6} autoComplete="one-time-code" />
              </Form.Item>
              <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: '请填写姓名' }, { max: 30, message: '姓名不能超过30个字' }]}>
                <Input placeholder="真实姓名" autoComplete="name" maxLength={30} />
              </Form.Item>
              <Form.Item label="设置密码" name="password" extra="至少8位，包含字母、数字、符号中的多类；注册后用手机号和此密码登录" rules={[{ required: true, message: '请设置密码' }]}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
              <Form.Item label="所在村（社区）" name="communityId" rules={[{ required: true, message: '请选择所在村（社区）' }]}>
                <CommunitySelect
                  initial={community ?? undefined}
                  onPicked={(c) => {
                    if (c?.id !== community?.id) form.setFieldValue('gridId', undefined);
                    setCommunity(c);
                  }}
                />
              </Form.Item>
              <Form.Item label="网格" name="gridId" extra={community?.grids.length ? '不清楚所在网格的可以不选' : undefined}>
                <GridSelect community={community} />
              </Form.Item>
              <Form.Item label="居住地址" name="address" rules={[{ required: true, whitespace: true, message: '请填写居住地址' }, { max: 120, message: '地址不能超过120个字' }]}>
                <Input.TextArea placeholder="如：幸福路12号3单元502室" autoSize={{ minRows: 2, maxRows: 4 }} maxLength={120} autoComplete="street-address" />
              </Form.Item>
              <Button type="primary" htmlType="submit" block loading={busy}>
                注册并登录
              </Button>
              <Button type="link" block onClick={again}>
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
