export { NodePoolsContent } from './NodePoolsContent';
