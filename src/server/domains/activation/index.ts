// The member activation domain's only door (phone login for members, issue 11).
export { registerActivationRoutes } from './activation.routes';
export { disablePersonAccounts } from './activation.service';
export { CODE_TTL_MINUTES, CODE_MAX_ATTEMPTS, CODES_PER_HOUR } from './activation.service';
