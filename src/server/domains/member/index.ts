// The member domain's only door.
export { registerMemberRoutes } from './member.routes';
export { registerMemberJobs, actorOf } from './member.jobs';
export { prepareRecord, insertMember, earlierRecordView, listMembers } from './member.service';
export { namePinyin, partyAgeYears, validateIdNumber, masks } from './member.policy';
// person records for the development pipeline (the same person row carries an applicant on to membership)
export { insertPerson, updatePerson, findEarlierRecord, earlierRecordOf, type EarlierRecordRow } from './member.repo';
// the transitions of a person's Party status: person, formal relation and member event together
export { setPipelineStatus, admitMember, convertMember, extendProbation, cancelProbation } from './member.transitions';
export { prepareExport, writeExport, EXPORT_COLUMNS } from './member.export';
export { runImport, buildTemplate, IMPORT_COLUMNS } from './member.import';
// member rollups (per org subtree; kept by triggers, migration 0017)
export { getOrgMemberStats, memberRollupDifferences, rebuildAllMemberRollups, statsFromRollup, type MemberRollupVerification } from './member.rollups';
export { rebuildMemberRollups, rawSubtreeCounts, subtreeRollup } from './member.rollup.repo';
