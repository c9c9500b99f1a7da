// The system domain's only door: health, rule versions and the working-day calendar.
export { registerSystemRoutes } from './system.routes';
export { registerSystemJobs } from './system.jobs';
export { remindMissingCalendar, missingNextYear } from './calendar';
