// The volunteer service domain's only door (志愿服务, issue 17).
export { registerVolunteerRoutes } from './volunteer.routes';
export { volunteerPointSource, verifyVolunteer, rebuildVolunteerCounters } from './volunteer.service';
export { volunteerWarningDetector } from './volunteer.warnings';
