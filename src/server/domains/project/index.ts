// Key projects (重点项目: 书记项目, 创新项目, 重大工程; issue 15): the domain's only door.
export { registerProjectRoutes } from './project.routes';
export { projectWarningDetector } from './project.warnings';
export { projectTile } from './project.dashboard';
// the party-building map's 重点项目 layer: the caller's projects under a subtree with their warning level, never a person
export { projectMarkers } from './project.service';
