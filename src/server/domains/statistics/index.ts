// The annual Party statistics forms (党内统计, issue 16).
export { registerStatisticsRoutes } from './statistics.routes';
export { getStatisticsForm } from './statistics.service';
export { closeStatisticsYear, getStatisticsReconciliation } from './statistics.closing';
