// The meeting domain's only door (三会一课, RULES §3 and §8).
export { registerMeetingRoutes } from './meeting.routes';
export { registerMeetingJobs } from './meeting.jobs';
export { registerMeetingsWorkbench } from './meeting.workbench';
export { rebuildMeetingRollups, rebuildAllMeetingRollups, meetingRollupDifferences, remindMeetings } from './meeting.compliance';
// the cadence's slots of a year (the demo data plans and holds meetings by them)
export { planSlots } from './meeting.policy';
export { meetingPointSource } from './meeting.points';
export { meetingIndexCalculators, meetingIndexFlags } from './meeting.index';
export { meetingWarningDetector } from './meeting.warnings';
export { meetingTile } from './meeting.dashboard';
export { meetingReportSubject } from './meeting.report.repo';
