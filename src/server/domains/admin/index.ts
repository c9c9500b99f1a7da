// The admin (accounts and roles) domain's only door.
export { registerAdminRoutes } from './admin.routes';
export { insertAccount, insertGrant, personExists, findAccountByUsername, lockAccountByUsername, findOtherAdminRole, disableDemoAccounts, listTakenUsernames, listAccountsWithGrants } from './admin.repo';
export { validateGrant } from './admin.service';
