// The global search's only door.
export { registerSearchRoutes } from './search.routes';
