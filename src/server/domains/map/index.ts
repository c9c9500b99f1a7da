// The party-building map (党建云图, issue 15).
export { registerMapRoutes } from './map.routes';
export { tileOrigin } from './map.policy';
export { mapWarningDetector } from './map.warnings';
// geometry the demo data uses to lay out its grids and units
export { boundsOf, labelPointOf, creditCodeCheck } from './map.policy';
