// The points mall's only door (积分商城, issue 17).
export { registerMallRoutes } from './mall.routes';
export { registerMallJobs } from './mall.jobs';
export { mallWarningDetector } from './mall.warnings';
export { registerMallWorkbench } from './mall.workbench';
export { verifyMall, rebuildMallCounters, expireOverdueRedemptions, writeRedemption, closeRedemption } from './mall.service';
