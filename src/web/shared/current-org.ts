import { useEffect, useSyncExternalStore } from 'react';
import type { FormInstance } from 'antd';
import { useSearchParams } from 'react-router';
import { useMe } from './session';

// The org chosen in the header's org switcher (UI.md: "an org switcher at the
// top, the user's scope root and below"), remembered per user in this browser.
// null means the user's whole scope.

const listeners = new Set<() => void>();
const keyOf = (username: string) => `dj.currentOrg.${username}`;

function read(username: string): string | null {
  try {
    return localStorage.getItem(keyOf(username));
  } catch {
    return null;
  }
}

export function setCurrentOrg(username: string, orgId: string | null) {
  try {
    if (orgId) localStorage.setItem(keyOf(username), orgId);
    else localStorage.removeItem(keyOf(username));
  } catch {
    /* storage unavailable: the choice lasts for this page only */
  }
  listeners.forEach((l) => l());
}

export function useCurrentOrg(username: string): string | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => read(username),
  );
}

/**
 * The org a list page shows: ?orgId= (a link from a reminder or a drill-down),
 * else the header's org switcher, else the user's whole scope (undefined: the
 * server starts from the top org in scope).
 */
export function usePageOrg(): string | undefined {
  const me = useMe().data;
  const [params] = useSearchParams();
  const current = useCurrentOrg(me?.username ?? '');
  return params.get('orgId') || current || undefined;
}

/** The org a new record is for by default: the one the page shows, or the user's only scope root. */
export function useSuggestedOrg(pageOrgId: string | null | undefined): string | undefined {
  const me = useMe().data;
  return pageOrgId ?? (me?.scopeRoots.length === 1 ? me.scopeRoots[0].id : undefined);
}

/** Fills a form's empty org field with the suggested org once it is known. */
export function usePrefilledOrg(form: FormInstance, field: string, pageOrgId: string | null | undefined): void {
  const suggested = useSuggestedOrg(pageOrgId);
  useEffect(() => {
    if (suggested && !form.getFieldValue(field)) form.setFieldValue(field, suggested);
  }, [suggested, form, field]);
}
