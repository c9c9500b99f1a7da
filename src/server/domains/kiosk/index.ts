// The centre's kiosk domain's only door (智慧党群活动中心大屏, issue 17).
export { registerKioskRoutes } from './kiosk.routes';
