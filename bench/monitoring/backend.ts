/**
 * The backend this benchmark measures: guest sign-in and Hostplane with its HyperShift provider,
 * without the catalog and the other plugins of packages/backend, which would share the cores with
 * the stores being measured. The permission framework is off in this benchmark's config: every
 * request is allowed. bench/logs starts it too.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@hostplane/plugin-hostplane-backend'));
backend.add(import('@hostplane/plugin-hostplane-backend-module-hypershift'));
backend.start();
