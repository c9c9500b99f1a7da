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

/**
 * A permission over the holder's own data only (本人: their member record, their
 * resident profile, their own part in a module, as `*.self`), never anyone else's.
 */
function isSelfService(p: Permission): boolean {
  return p === 'self.read' || p.endsWith('.self');
}

/** A plain member: reads their own record and holds nothing over anyone else's. */
export function isMemberOnly(me: MeView): boolean {
  return me.permissions.includes('self.read') && me.permissions.every(isSelfService);
}

/** A resident (群众, self-registered by phone): their own resident profile, no Party record, nothing over anyone else's. */
export function isResident(me: MeView | undefined): boolean {
  return !!me && me.permissions.includes('resident.self') && !me.permissions.includes('self.read') && me.permissions.every(isSelfService);
}

/** Someone who uses the phone pages (/m) only: a plain member or a resident. */
export function isPhoneOnly(me: MeView): boolean {
  return me.permissions.length > 0 && me.permissions.every(isSelfService);
}

/** Where a user lands after login. */
export function homePathFor(me: MeView): string {
  if (me.passwordChangeRequired) return isPhoneOnly(me) ? '/m/password' : '/admin/account#password';
  if (isPhoneOnly(me)) return '/m';
  if (me.totpEnrollmentRequired) return '/admin/account#totp';
  if (hasRole(me, 'secadmin')) return '/admin/accounts';
  if (hasRole(me, 'auditor')) return '/admin/audit';
  if (hasRole(me, 'sysadmin')) return '/admin/rules';
  return '/admin';
}

/**
 * Where a console page (the admin layout, the big screen) sends its visitor
 * instead of showing itself, or null to show it: no session → the login (which
 * brings them back), a plain member or a resident → the phone pages, a password or a second
 * factor still to set up → the account page.
 */
export function consoleRedirect(me: { data?: MeView; error: unknown; isError: boolean }, at: { pathname: string; search: string }): string | null {
  if (me.isError && me.error instanceof ApiError && me.error.status === 401) {
    return `/login?${me.error.code === 'SESSION_EXPIRED' ? 'reason=expired&' : ''}next=${encodeURIComponent(at.pathname + at.search)}`;
  }
  const user = me.data;
  if (!user) return null;
  if (isPhoneOnly(user)) return '/m';
  // a password set by the security administrator must be replaced before anything else
  if (user.passwordChangeRequired && at.pathname !== '/admin/account') return '/admin/account#password';
  // an administrator who must enrol a second factor can use only the account page until done
  if (user.totpEnrollmentRequired && at.pathname !== '/admin/account') return '/admin/account#totp';
  return null;
}
