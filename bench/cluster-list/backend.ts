/**
 * The backend this benchmark measures: Backstage's auth (guest sign-in) and permission plugins
 * and Hostplane, without the other plugins of packages/backend (the catalog, busy ingesting
 * 10,000 cluster entities after a cold start, would otherwise share the two cores with the
 * requests being timed). `bench/catalog-ingest` measures that part.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@hostplane/plugin-permission-backend-module-hostplane'));
backend.add(import('@hostplane/plugin-hostplane-backend'));
backend.add(import('@hostplane/plugin-hostplane-backend-module-hypershift'));
backend.start();
