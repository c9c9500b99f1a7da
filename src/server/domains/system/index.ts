// The system domain's only door: health and rule versions.
export { registerSystemRoutes } from './system.routes';
