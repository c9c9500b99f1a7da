// The volunteer service domain's only door (志愿服务, issue 17).
export { registerVolunteerRoutes } from './volunteer.routes';
export { volunteerPointSource, verifyVolunteer, rebuildVolunteerCounters } from './volunteer.service';
export { volunteerWarningDetector } from './volunteer.warnings';
/** The caller as a volunteer: their current member record or their resident profile. */
export { volunteerOf, type Volunteer } from './volunteer.repo';
/** A club's activities are volunteer activities (社团活动, club_id set): the club domain writes them through these. */
export { insertActivity as insertVolunteerActivity, cancelActivity as cancelVolunteerActivity, signedUpAccounts as volunteerSignedUpAccounts } from './volunteer.repo';
