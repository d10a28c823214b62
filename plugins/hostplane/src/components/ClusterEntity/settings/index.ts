export { SettingsContent } from './SettingsContent';
