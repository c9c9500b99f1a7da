// The approver's queue (待我审批)'s only door.
export { registerApprovalRoutes } from './approvals.routes';
