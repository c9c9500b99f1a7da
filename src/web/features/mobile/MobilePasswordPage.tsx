import { Alert, Button } from 'antd';
import { LeftOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { ChangePasswordForm } from '../auth/ChangePasswordForm';

export function MobilePasswordPage() {
  usePageTitle('修改密码');
  const me = useMe().data!;
  const navigate = useNavigate();
  return (
    <section className="m-card">
      {!me.passwordChangeRequired && (
        <Button type="link" icon={<LeftOutlined />} onClick={() => navigate('/m/me')} style={{ padding: 0, height: 44, marginBottom: 4 }}>
          返回我的
        </Button>
      )}
      <h2>修改密码</h2>
      {me.passwordChangeRequired && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="password-change-required" title="您的初始密码由管理员设置，请先设置您自己的新密码。" />
      )}
      <ChangePasswordForm username={me.username} size="large" />
    </section>
  );
}
