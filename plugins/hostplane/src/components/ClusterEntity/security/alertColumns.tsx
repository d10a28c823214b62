import { ReactNode } from 'react';
import { TableColumn } from '@backstage/core-components';
import {
  LIKELIHOOD_LEVELS,
  THREAT_PRIORITIES,
  ThreatAlert,
} from '@hostplane/plugin-hostplane-common';
import Typography from '@material-ui/core/Typography';
import { formatTime } from '../common/formatTime';
import {
  AlertStatusText,
  LikelihoodChip,
  PriorityStatus,
  subjectText,
} from './threatPresentation';

/**
 * The columns of a threat alert table. The portal-wide page puts the cluster first; a cluster's
 * tab has no need of it.
 */
export function threatAlertColumns(
  options: { cluster?: (alert: ThreatAlert) => ReactNode } = {},
): TableColumn<ThreatAlert>[] {
  return [
    ...(options.cluster
      ? [
          {
            title: 'Cluster',
            field: 'cluster',
            render: options.cluster,
          } as TableColumn<ThreatAlert>,
        ]
      : []),
    {
      title: 'Likelihood',
      field: 'likelihood',
      render: alert => <LikelihoodChip alert={alert} />,
      customSort: (a, b) =>
        LIKELIHOOD_LEVELS.indexOf(a.level) -
          LIKELIHOOD_LEVELS.indexOf(b.level) || a.likelihood - b.likelihood,
    },
    {
      title: 'Priority',
      field: 'priority',
      render: alert => <PriorityStatus priority={alert.priority} />,
      customSort: (a, b) =>
        THREAT_PRIORITIES.indexOf(a.priority) -
        THREAT_PRIORITIES.indexOf(b.priority),
    },
    {
      title: 'Rule',
      field: 'title',
      highlight: true,
      render: alert => (
        <>
          <Typography variant="body2">{alert.title}</Typography>
          <Typography variant="caption" color="textSecondary">
            {alert.ruleId} · {alert.mitre.id}
          </Typography>
        </>
      ),
    },
    {
      title: 'Subject',
      sorting: false,
      render: alert => subjectText(alert.subject),
    },
    {
      title: 'First seen',
      field: 'firstSeen',
      render: alert => formatTime(alert.firstSeen),
    },
    {
      title: 'Last seen',
      field: 'lastSeen',
      defaultSort: 'desc',
      render: alert => formatTime(alert.lastSeen),
    },
    { title: 'Count', field: 'count', type: 'numeric' },
    {
      title: 'Status',
      field: 'status',
      render: alert => <AlertStatusText status={alert.status} />,
    },
  ];
}
