import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import CloudQueueIcon from '@material-ui/icons/CloudQueue';
import SecurityIcon from '@material-ui/icons/Security';
import {
  HostplaneClient,
  hostplaneApiRef,
} from '@hostplane/plugin-hostplane-react';
import { clusterEntityContents } from './clusterEntityContents';
import { rootRouteRef, securityRouteRef } from './routes';
import { hostplaneFormFields } from './scaffolder/extensions';

const hostplaneApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: hostplaneApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new HostplaneClient(deps),
    }),
});

const hostplanePage = PageBlueprint.make({
  params: {
    path: '/hostplane',
    title: 'Hostplane',
    icon: <CloudQueueIcon fontSize="inherit" />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/HostplanePage').then(m => <m.HostplanePage />),
  },
});

const securityPage = PageBlueprint.make({
  name: 'security',
  params: {
    path: '/security',
    title: 'Security',
    icon: <SecurityIcon fontSize="inherit" />,
    routeRef: securityRouteRef,
    loader: () =>
      import('./components/SecurityPage').then(m => <m.SecurityPage />),
  },
});

export const hostplanePlugin = createFrontendPlugin({
  pluginId: 'hostplane',
  title: 'Hostplane',
  icon: <CloudQueueIcon fontSize="inherit" />,
  routes: { root: rootRouteRef, security: securityRouteRef },
  extensions: [
    hostplaneApi,
    hostplanePage,
    securityPage,
    ...hostplaneFormFields,
    ...clusterEntityContents,
  ],
});
