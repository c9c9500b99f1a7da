export { registerAuthRoutes } from './auth.routes';
export { MAX_FAILURES, LOCK_MINUTES } from './auth.service';
