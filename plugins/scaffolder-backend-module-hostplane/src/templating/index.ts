import { hostplaneNodePoolsFilter } from './nodePools';

export { hostplaneNodePoolsFilter, nodePoolsFromForm } from './nodePools';

/** The template filters Hostplane's templates use, for `scaffolderTemplatingExtensionPoint`. */
export const hostplaneTemplateFilters = [hostplaneNodePoolsFilter];
