import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { hostplaneClusterFilter } from '@hostplane/plugin-hostplane-react';

/**
 * The tabs of a Hostplane cluster's entity page (Resources of type `kubernetes-cluster` that the
 * catalog module made from a cluster), in the order they appear. Each loads on first visit.
 */
export const clusterEntityContents = [
  EntityContentBlueprint.make({
    name: 'cluster-overview',
    params: {
      path: '/cluster',
      title: 'Cluster',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/overview').then(m => (
          <m.ClusterOverviewContent />
        )),
    },
  }),
  EntityContentBlueprint.make({
    name: 'cluster-node-pools',
    params: {
      path: '/node-pools',
      title: 'Node pools',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/nodePools').then(m => (
          <m.NodePoolsContent />
        )),
    },
  }),
  EntityContentBlueprint.make({
    name: 'cluster-versions',
    params: {
      path: '/versions',
      title: 'Versions',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/versions').then(m => (
          <m.VersionsContent />
        )),
    },
  }),
  EntityContentBlueprint.make({
    name: 'cluster-access',
    params: {
      path: '/access',
      title: 'Access',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/access').then(m => (
          <m.AccessContent />
        )),
    },
  }),
  EntityContentBlueprint.make({
    name: 'cluster-backups',
    params: {
      path: '/backups',
      title: 'Backups',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/backups').then(m => (
          <m.BackupsContent />
        )),
    },
  }),
  EntityContentBlueprint.make({
    name: 'cluster-monitoring',
    params: {
      path: '/monitoring',
      title: 'Monitoring',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/monitoring').then(m => (
          <m.MonitoringContent />
        )),
    },
  }),
  EntityContentBlueprint.make({
    name: 'cluster-alerts',
    params: {
      path: '/alerts',
      title: 'Alerts',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/alerts').then(m => (
          <m.AlertsContent />
        )),
    },
  }),
  EntityContentBlueprint.make({
    name: 'cluster-security',
    params: {
      path: '/security',
      title: 'Security',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/security').then(m => (
          <m.SecurityContent />
        )),
    },
  }),
  EntityContentBlueprint.make({
    name: 'cluster-logs',
    params: {
      path: '/logs',
      title: 'Logs',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/logs').then(m => <m.LogsContent />),
    },
  }),
  // Monitoring, Logs and Alerts tabs go here, one entry each, with a folder of their
  // own under components/ClusterEntity; Settings stays last.
  EntityContentBlueprint.make({
    name: 'cluster-settings',
    params: {
      path: '/settings',
      title: 'Settings',
      filter: hostplaneClusterFilter,
      loader: () =>
        import('./components/ClusterEntity/settings').then(m => (
          <m.SettingsContent />
        )),
    },
  }),
];
