// The points domain's only door (积分, RULES §7 and §8).
export { registerPointsRoutes } from './points.routes';
export { registerPointsJobs } from './points.jobs';
export { registerPointSource, runAwards, awardFact, awardFacts, awardFactsIn, pointSources, type PointSource, type PointFact } from './points.sources';
export { verifyPoints } from './points.verify';
export { expirePoints, releaseStaleReservations, listPendingAwardApprovals, reserveIn, settleIn, MALL_SOURCE } from './points.service';
export { lockMember as lockMemberPoints } from './points.ledger';
export { rebuildRollup as rebuildPointRollup, balances as pointBalancesOf } from './points.repo';
export { assessmentTotal } from './points.assessment';
export { registerPointsWorkbench } from './points.workbench';
export { pointsReportSubject } from './points.report.repo';
