import { createRouteRef } from '@backstage/frontend-plugin-api';

export const rootRouteRef = createRouteRef();

/** The Security page: threat alerts across every cluster the user may read. */
export const securityRouteRef = createRouteRef();
