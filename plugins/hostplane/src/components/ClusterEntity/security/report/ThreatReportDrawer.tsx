import { useReducer } from 'react';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { clusterUpdatePermission } from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import useAsync from 'react-use/esm/useAsync';
import { useClusterView } from '../../common/ClusterViewContext';
import { formatTime } from '../../common/formatTime';
import { ServerErrorPanel } from '../../common/ServerErrorPanel';
import { usePermissionBlock } from '../../common/useActionBlock';
import {
  AlertStatusText,
  LikelihoodChip,
  PriorityStatus,
  subjectText,
} from '../threatPresentation';
import { AlertLifecycle } from './AlertLifecycle';
import { ReportContext } from './ReportContext';
import { ReportReasons } from './ReportReasons';
import { ReportResponse } from './ReportResponse';
import { ReportSection } from './ReportSection';
import { ReportTimeline } from './ReportTimeline';

/**
 * The report of one threat alert of the cluster, in a drawer over its Security tab: what
 * happened, why it is suspicious, the context, what was done or is suggested, and the alert's
 * lifecycle. `onChanged` tells the tab that the alert or its actions changed.
 */
export function ThreatReportDrawer({
  alertId,
  onClose,
  onChanged,
}: {
  alertId: string;
  onClose(): void;
  onChanged(): void;
}) {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const changeBlock = usePermissionBlock(clusterUpdatePermission);
  const [loads, reload] = useReducer((n: number) => n + 1, 0);
  const report = useAsync(
    () => api.getThreatReport(clusterRef.hub, clusterRef.name, alertId),
    [api, clusterRef.hub, clusterRef.name, alertId, loads],
  );
  const changed = () => {
    reload();
    onChanged();
  };
  const alert = report.value?.alert;

  return (
    <Drawer
      anchor="right"
      open
      onClose={onClose}
      PaperProps={{
        role: 'dialog',
        'aria-label': 'Threat report',
        style: { width: 'min(880px, 100vw)' },
      }}
    >
      <Box p={3}>
        <Box display="flex" alignItems="flex-start">
          <Box flexGrow={1}>
            <Typography variant="overline">Threat report</Typography>
            <Typography variant="h5" component="h2">
              {alert?.title ?? alertId}
            </Typography>
          </Box>
          <IconButton aria-label="Close the report" onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </Box>
        {report.error && <ServerErrorPanel error={report.error} />}
        {!report.value && !report.error && <Progress />}
        {report.value && alert && (
          <>
            <Box
              display="flex"
              flexWrap="wrap"
              alignItems="center"
              my={1}
              style={{ gap: 16 }}
            >
              <LikelihoodChip alert={alert} />
              <PriorityStatus priority={alert.priority} />
              <AlertStatusText status={alert.status} />
            </Box>
            <Typography variant="body2">
              {subjectText(alert.subject)} · seen {alert.count}{' '}
              {alert.count === 1 ? 'time' : 'times'}, first{' '}
              {formatTime(alert.firstSeen)}, last {formatTime(alert.lastSeen)}
            </Typography>
            <Box mt={2}>
              <AlertLifecycle
                alert={alert}
                changeBlock={changeBlock}
                onChanged={changed}
              />
            </Box>
            <ReportSection title="What happened">
              <ReportTimeline events={alert.timeline} count={alert.count} />
            </ReportSection>
            <ReportSection title="Why it is suspicious">
              <ReportReasons alert={alert} />
            </ReportSection>
            <ReportSection title="Context">
              <ReportContext context={report.value.context} />
            </ReportSection>
            <ReportSection title="Response">
              <ReportResponse
                report={report.value}
                changeBlock={changeBlock}
                onChanged={changed}
              />
            </ReportSection>
          </>
        )}
      </Box>
    </Drawer>
  );
}
