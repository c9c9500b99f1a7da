// The member domain's only door.
export { registerMemberRoutes } from './member.routes';
export { registerMemberJobs, actorOf } from './member.jobs';
export { prepareRecord, insertMember, earlierRecordView } from './member.service';
export { namePinyin, partyAgeYears, validateIdNumber, masks } from './member.policy';
// person records for the development pipeline (the same person row carries an applicant on to membership)
export { insertPerson, updatePerson, openMembership, closeMembership, insertEvent as insertMemberEvent, findEarlierRecord, earlierRecordOf, type EarlierRecordRow } from './member.repo';
export { prepareExport, writeExport, EXPORT_COLUMNS } from './member.export';
export { runImport, buildTemplate, IMPORT_COLUMNS } from './member.import';
