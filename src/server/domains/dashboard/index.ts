// The decision platform's big screen (党建大屏, issue 15).
export { registerDashboardRoutes } from './dashboard.routes';
export { registerDashboardTile, type DashboardTileSource, type DashboardOrgRef } from './dashboard.registry';
export { getDashboard } from './dashboard.service';
