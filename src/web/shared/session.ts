import { useQuery } from '@tanstack/react-query';
import type { MeView } from '../../contracts/auth';
import type { Permission, Role } from '../../contracts/permissions';
import { api } from './api';

export const ME_KEY = ['me'] as const;

export function useMe() {
  return useQuery({ queryKey: ME_KEY, queryFn: () => api.get<MeView>('/api/v1/me'), staleTime: 5 * 60_000, retry: false });
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
