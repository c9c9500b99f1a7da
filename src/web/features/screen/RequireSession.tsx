import type { CSSProperties, ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { errorMessage } from '../../shared/api';
import { consoleRedirect, useMe } from '../../shared/session';

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

export function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <ScreenLoading />;
  const away = consoleRedirect(me, location);
  if (away) return <Navigate to={away} replace />;
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
