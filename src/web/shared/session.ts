import { useQuery } from '@tanstack/react-query';
import type { MeView } from '../../contracts/auth';
import type { Permission, Role } from '../../contracts/permissions';
import { api, ApiError } from './api';

export const ME_KEY = ['me'] as const;

/** The signed-in user (GET /api/v1/me), as useMe and the screen's early start ask for it. */
export const meQuery = { queryKey: ME_KEY, queryFn: () => api.get<MeView>('/api/v1/me'), staleTime: 5 * 60_000, retry: false } as const;

export function useMe() {
  return useQuery(meQuery);
}

export function can(me: MeView | undefined, ...perms: Permission[]): boolean {
  return !!me && perms.every((p) => me.permissions.includes(p));
}

export function hasRole(me: MeView | undefined, role: Role): boolean {
  return !!me && me.grants.some((g) => g.role === role);
}

/** A plain member: the only permission is reading their own record. */
export function isMemberOnly(me: MeView): boolean {
  return me.permissions.length > 0 && me.permissions.every((p) => p === 'self.read');
}

/** Where a user lands after login. */
export function homePathFor(me: MeView): string {
  if (me.passwordChangeRequired) return isMemberOnly(me) ? '/m/password' : '/admin/account#password';
  if (isMemberOnly(me)) return '/m';
  if (me.totpEnrollmentRequired) return '/admin/account#totp';
  if (hasRole(me, 'secadmin')) return '/admin/accounts';
  if (hasRole(me, 'auditor')) return '/admin/audit';
  if (hasRole(me, 'sysadmin')) return '/admin/rules';
  return '/admin';
}

/**
 * Where a console page (the admin layout, the big screen) sends its visitor
 * instead of showing itself, or null to show it: no session → the login (which
 * brings them back), a plain member → the phone pages, a password or a second
 * factor still to set up → the account page.
 */
export function consoleRedirect(me: { data?: MeView; error: unknown; isError: boolean }, at: { pathname: string; search: string }): string | null {
  if (me.isError && me.error instanceof ApiError && me.error.status === 401) {
    return `/login?${me.error.code === 'SESSION_EXPIRED' ? 'reason=expired&' : ''}next=${encodeURIComponent(at.pathname + at.search)}`;
  }
  const user = me.data;
  if (!user) return null;
  if (isMemberOnly(user)) return '/m';
  // a password set by the security administrator must be replaced before anything else
  if (user.passwordChangeRequired && at.pathname !== '/admin/account') return '/admin/account#password';
  // an administrator who must enrol a second factor can use only the account page until done
  if (user.totpEnrollmentRequired && at.pathname !== '/admin/account') return '/admin/account#totp';
  return null;
}
