export { HubsPage } from './HubsPage';
