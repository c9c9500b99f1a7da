// The member domain's only door.
export { registerMemberRoutes } from './member.routes';
export { registerMemberJobs, actorOf } from './member.jobs';
export { prepareRecord, insertMember, earlierRecordView, listMembers } from './member.service';
export { namePinyin, partyAgeYears, validateIdNumber, masks } from './member.policy';
// the earlier record of a person (one identity across the installation; read-only for other domains)
export { findEarlierRecord, earlierRecordOf, type EarlierRecordRow } from './member.repo';
// a member on the roll in the caller's scope, with their branch (transfers start from it)
export { findMemberInScope } from './member.repo';
// the transitions of a person's Party status: person, formal relation and member event together
// (development writes person rows only through these: an applicant on to membership)
export { registerApplicant, setPipelineStatus, admitMember, convertMember, extendProbation, cancelProbation, transferMember, transferOutOfInstallation, leaveRoll, type ApplicantRecord } from './member.transitions';
export { prepareExport, writeExport, EXPORT_COLUMNS } from './member.export';
export { runImport, buildTemplate, IMPORT_COLUMNS } from './member.import';
// member rollups (per org subtree; kept by triggers, migration 0017)
export { getOrgMemberStats, memberRollupDifferences, rebuildAllMemberRollups, statsFromRollup, type MemberRollupVerification } from './member.rollups';
export { rebuildMemberRollups, rawSubtreeCounts, subtreeRollup } from './member.rollup.repo';
export { memberBasicsTile, memberStructureTile, screenMemberStats, screenJoinedInYear } from './member.dashboard';
export { drillMembers, exportDrill } from './member.drill';
export { memberReportSubject } from './member.report.repo';
