import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Dashboard, DashboardFigure, DashboardSeries, DashboardTile } from '../../../contracts/dashboard';
import { api } from '../../shared/api';

// The big screen's one source (getDashboard, GET /api/v1/dashboard): an org's
// tiles, children and warnings, refreshed every 30 s. The last answer stays on
// the screen while a newer one loads or when a refresh fails.

export type { Dashboard, DashboardFigure, DashboardSeries, DashboardTile };
export type DashboardChild = Dashboard['children'][number];
export type DashboardTickerItem = Dashboard['ticker'][number];
export type DashboardTrailOrg = Dashboard['trail'][number];

export const DASHBOARD_REFRESH_MS = 30_000;

/** getDashboard of one org as a query (also started early by the screen's own entry). */
export function dashboardQuery(orgId: string | undefined) {
  return { queryKey: ['dashboard', orgId], queryFn: () => api.get<Dashboard>('/api/v1/dashboard', { orgId }) };
}

/** The screen of one org (undefined: the viewer's top org in scope). */
export function useDashboard(orgId: string | undefined) {
  return useQuery({
    ...dashboardQuery(orgId),
    refetchInterval: DASHBOARD_REFRESH_MS,
    placeholderData: keepPreviousData,
  });
}
