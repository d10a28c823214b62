import { hostplaneNodePoolsFilter } from './nodePools';
import { hostplaneRestoreFromFilter } from './restoreFrom';

export { hostplaneNodePoolsFilter, nodePoolsFromForm } from './nodePools';
export { hostplaneRestoreFromFilter, restoreFromForm } from './restoreFrom';

/** The template filters Hostplane's templates use, for `scaffolderTemplatingExtensionPoint`. */
export const hostplaneTemplateFilters = [
  hostplaneNodePoolsFilter,
  hostplaneRestoreFromFilter,
];
