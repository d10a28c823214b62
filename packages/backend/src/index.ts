/*
 * Hostplane's backend: the Hostplane API and lifecycle engine with its provider and its modules
 * for the catalog, scaffolder, Kubernetes and permission plugins, and the Backstage plugins the
 * portal is built on. README.md says how to start and configure it.
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// Hostplane's policy: owners operate their tenant clusters, `hostplane.permissions.platformGroups`
// operate all, others read them; every other permission is allowed.
backend.add(import('@hostplane/plugin-permission-backend-module-hostplane'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));
// Hostplane's tenant clusters in the Kubernetes plugin, with read-only credentials from Hostplane.
backend.add(import('@hostplane/plugin-kubernetes-backend-module-hostplane'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// Hostplane: hubs, tenant clusters and their lifecycle
backend.add(import('@hostplane/plugin-hostplane-backend'));
// The hosted-control-plane provider of the hubs: HyperShift with KubeVirt workers.
backend.add(import('@hostplane/plugin-hostplane-backend-module-hypershift'));
// Every tenant cluster as a catalog Resource.
backend.add(import('@hostplane/plugin-catalog-backend-module-hostplane'));
// Scaffolder actions that create, scale, upgrade and delete tenant clusters.
backend.add(import('@hostplane/plugin-scaffolder-backend-module-hostplane'));

backend.start();
