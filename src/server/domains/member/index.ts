// The member domain's only door.
export { registerMemberRoutes } from './member.routes';
export { registerMemberJobs, actorOf } from './member.jobs';
export { prepareRecord, insertMember } from './member.service';
export { namePinyin, partyAgeYears } from './member.policy';
export { prepareExport, writeExport, EXPORT_COLUMNS } from './member.export';
export { runImport, buildTemplate, IMPORT_COLUMNS } from './member.import';
