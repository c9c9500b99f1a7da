export { registerAuthRoutes, cookieOptions } from './auth.routes';
export { MAX_FAILURES, LOCK_MINUTES } from './auth.service';
