// The residents domain's only door (群众 registration and profile, issue 17).
export { registerResidentRoutes } from './resident.routes';
