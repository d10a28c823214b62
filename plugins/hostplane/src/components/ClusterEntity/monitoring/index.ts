export { MonitoringContent } from './MonitoringContent';
