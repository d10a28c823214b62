export { VersionsContent } from './VersionsContent';
