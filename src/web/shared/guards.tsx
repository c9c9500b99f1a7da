import type { ReactNode } from 'react';
import { Button, Result } from 'antd';
import { Link } from 'react-router';
import type { Permission } from '../../contracts/permissions';
import { can, useMe } from './session';

/** Shows the page only to users holding every listed permission (with `anyOf`, any one of them). */
export function RequirePermission({ perm, anyOf = false, children }: { perm: Permission | Permission[]; anyOf?: boolean; children: ReactNode }) {
  const me = useMe();
  const perms = Array.isArray(perm) ? perm : [perm];
  if (!me.data) return null;
  if (!(anyOf ? perms.some((p) => can(me.data, p)) : can(me.data, ...perms))) {
    return (
      <Result
        status="403"
        title="没有访问权限"
        subTitle="您的角色不能使用此功能。如确需使用，请联系安全管理员为您授予相应角色。"
        extra={
          <Link to="/admin">
            <Button type="primary">返回工作台</Button>
          </Link>
        }
      />
    );
  }
  return <>{children}</>;
}
