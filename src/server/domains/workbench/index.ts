// The 工作台's only door: the registry other domains add their sources to, and the route.
export { registerWorkbenchSource, type WorkbenchSource, type WorkbenchOrg } from './workbench.registry';
export { registerWorkbenchRoutes } from './workbench.routes';
