// The 双报到 domain's only door (community reports, issue 17).
export { registerCommunityReportRoutes } from './community-report.routes';
export { communityEvaluationPointSource, verifyCommunityReports, rebuildCommunityReportCounters } from './community-report.service';
