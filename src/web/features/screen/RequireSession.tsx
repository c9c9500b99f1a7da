import { useEffect, type CSSProperties, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { errorMessage } from '../../shared/api';
import { can, consoleRedirect, useMe } from '../../shared/session';
import { leaveFor } from './leave';

// The admin layout's session check (consoleRedirect) for a page that stands
// outside it (the big screen, /screen: no sidebar, no header). Loaded with
// the router (small, inline styles), so the dark screen does not flash white.

const FULL: CSSProperties = {
  position: 'fixed',
  inset: 0,
  display: 'flex',
  flexDirection: 'column',
  gap: 16,
  alignItems: 'center',
  justifyContent: 'center',
  background: 'linear-gradient(180deg, #3d0609 0%, #1c0305 60%, #0d0203 100%)',
  color: '#f5e6c8',
  fontSize: 20,
};
const BUTTON: CSSProperties = { padding: '8px 28px', fontSize: 18, color: '#2a0508', background: '#ffc53d', border: 0, borderRadius: 6, cursor: 'pointer' };

/** The screen's 正在加载… before its code and data arrive: dark, as the screen will be. */
export function ScreenLoading() {
  return (
    <div style={FULL} role="status" aria-live="polite">
      正在加载…
    </div>
  );
}

/** Goes to the console's page at once (a full load: the login lives in the console's entry, not here). */
function LeaveTo({ url }: { url: string }) {
  useEffect(() => leaveFor(url), [url]);
  return <ScreenLoading />;
}

export function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <ScreenLoading />;
  const away = consoleRedirect(me, location);
  if (away) return <LeaveTo url={away} />;
  if (me.isError) {
    return (
      <div style={FULL} role="alert">
        <div>{errorMessage(me.error)}</div>
        <button type="button" style={BUTTON} onClick={() => void me.refetch()}>
          重试
        </button>
      </div>
    );
  }
  return <>{children}</>;
}

/** The screen's permission check, dark like the screen (its own entry carries no antd). */
export function RequireScreenPermission({ children }: { children: ReactNode }) {
  const me = useMe();
  if (!me.data) return null;
  if (!can(me.data, 'member.read')) {
    return (
      <div style={FULL} role="alert">
        <div>没有访问权限：您的角色不能查看党建大屏。如确需使用，请联系安全管理员为您授予相应角色。</div>
        <a href="/admin" style={{ ...BUTTON, textDecoration: 'none' }}>
          返回工作台
        </a>
      </div>
    );
  }
  return <>{children}</>;
}
