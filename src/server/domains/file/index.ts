// The file domain's only door (storage lives in platform/files).
export { registerFileRoutes } from './file.routes';
