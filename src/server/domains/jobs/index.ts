// The job-history domain's only door (the runner lives in platform/jobs).
export { registerJobRoutes } from './jobs.routes';
export { listJobsWithCreator, findJobWithCreator, type JobWithCreatorRow } from './jobs.repo';
