import type { CSSProperties, ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError, errorMessage } from '../../shared/api';
import { isMemberOnly, useMe } from '../../shared/session';

// The session check of the admin layout for a page that stands outside it
// (the big screen, /screen: no sidebar, no header): without a session to the
// login (which brings the user back), a plain member to their phone pages, a
// password or second factor still to set up to the account page. Loaded with
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
  if (me.isError) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      return <Navigate to={`/login?${me.error.code === 'SESSION_EXPIRED' ? 'reason=expired&' : ''}next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
    }
    return (
      <div style={FULL} role="alert">
        <div>{errorMessage(me.error)}</div>
        <button type="button" style={BUTTON} onClick={() => void me.refetch()}>
          重试
        </button>
      </div>
    );
  }
  const user = me.data;
  if (isMemberOnly(user)) return <Navigate to="/m" replace />;
  if (user.passwordChangeRequired) return <Navigate to="/admin/account#password" replace />;
  if (user.totpEnrollmentRequired) return <Navigate to="/admin/account#totp" replace />;
  return <>{children}</>;
}
