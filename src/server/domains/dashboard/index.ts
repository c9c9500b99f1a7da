// The decision platform's big screen (党建大屏, issue 15).
export { registerDashboardRoutes } from './dashboard.routes';
export { dashboardTiles, sharedReads, registerDashboardTile, type DashboardTileSource, type DashboardOrgRef, type SharedReads } from './dashboard.registry';
export { getDashboard } from './dashboard.service';
