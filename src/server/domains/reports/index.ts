// The report builder (自定义报表, issue 16).
export { registerReportRoutes } from './reports.routes';
export { runReport, listReportSubjects, saveReport } from './reports.service';
export { registerReportJobs, deliverScheduledReports, scheduleReport } from './reports.schedule';
