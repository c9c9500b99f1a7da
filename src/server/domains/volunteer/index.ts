// The volunteer service domain's only door (志愿服务, issue 17).
export { registerVolunteerRoutes } from './volunteer.routes';
export { volunteerPointSource, verifyVolunteer, rebuildVolunteerCounters } from './volunteer.service';
export { volunteerWarningDetector } from './volunteer.warnings';
/** The caller as a volunteer: their current member record or their resident profile. */
export { volunteerOf, type Volunteer } from './volunteer.repo';
