// The residents domain's only door (群众 registration and profile, issue 17).
export { registerResidentRoutes } from './resident.routes';
/** A 村/社区 a resident may live in (or a volunteer serve), by id; null when it is not one. */
export { findCommunity, gridOfCommunity, residentOfAccount } from './resident.repo';
