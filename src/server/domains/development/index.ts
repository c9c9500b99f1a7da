// The member-development domain's only door (issue 3, in progress: the rules
// of RULES §1 and the working-day calendar; routes and pages follow).
export * from './development.policy';
export { loadCalendar } from './development.repo';
