// The notification domain's only door (delivery lives in platform/notify).
export { registerNotificationRoutes } from './notification.routes';
export { registerNotificationWorkbench } from './notification.workbench';
