import { resolvePackagePath } from '@backstage/backend-plugin-api';

/** The plugin's knex migrations (shipped in the package, outside src). */
export const migrationsDirectory = resolvePackagePath(
  '@hostplane/plugin-hostplane-backend',
  'migrations',
);
