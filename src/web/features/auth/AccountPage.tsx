import { useEffect } from 'react';
import { Alert, Card, Descriptions, Space, Tag } from 'antd';
import { useLocation } from 'react-router';
import { DATA_SCOPES, ROLES } from '../../../contracts/permissions';
import { useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { ChangePasswordForm } from './ChangePasswordForm';
import { TotpCard } from './TotpCard';

export function AccountPage() {
  usePageTitle('我的账号');
  const me = useMe().data!;
  const { hash } = useLocation();
  useEffect(() => {
    if (hash === '#password') document.getElementById('password')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [hash]);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title="我的账号">
        <Descriptions column={2} bordered size="medium">
          <Descriptions.Item label="用户名">{me.username}</Descriptions.Item>
          <Descriptions.Item label="姓名">{me.displayName}</Descriptions.Item>
          <Descriptions.Item label="角色" span={2}>
            <Space wrap>
              {me.grants.map((g) => (
                <Tag key={g.id} color={ROLES[g.role].admin ? 'gold' : 'red'}>
                  {ROLES[g.role].label} · {ROLES[g.role].admin ? '全系统' : `${g.orgName ?? '（组织已不存在）'} · ${DATA_SCOPES[g.scope]}`}
                </Tag>
              ))}
              {me.grants.length === 0 && '未授予角色，请联系安全管理员'}
            </Space>
          </Descriptions.Item>
          <Descriptions.Item label="无操作自动退出">{Math.round(me.idleTimeoutSeconds / 60)} 分钟</Descriptions.Item>
          <Descriptions.Item label="账号类型">{me.isDemo ? '演示账号' : '正式账号'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <TotpCard />
      <Card title="修改密码" id="password">
        {me.passwordChangeRequired && (
          <Alert type="warning" showIcon style={{ marginBottom: 16 }} data-testid="password-change-required" title="您的密码由安全管理员设置，请先设置您自己的新密码，完成后才能使用其他功能。" />
        )}
        <ChangePasswordForm username={me.username} />
      </Card>
    </Space>
  );
}
