// The report builder (自定义报表, issue 16).
export { registerReportRoutes } from './reports.routes';
export { runReport, listReportSubjects } from './reports.service';
export { registerReportJobs, deliverScheduledReports } from './reports.schedule';
