// The clubs domain's only door (社团, issue 17).
export { registerClubRoutes } from './club.routes';
export { verifyClubs, rebuildClubCounters } from './club.service';
export { clubWarningDetector } from './club.warnings';
