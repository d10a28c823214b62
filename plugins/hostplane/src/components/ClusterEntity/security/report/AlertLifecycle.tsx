import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  AlertStatusChange,
  ThreatAlert,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { formatTime } from '../../common/formatTime';
import { GuardedButton } from '../../common/GuardedButton';
import { ServerErrorPanel } from '../../common/ServerErrorPanel';
import { ALERT_STATUS_LABELS } from '../threatPresentation';
import { FalsePositiveDialog } from './FalsePositiveDialog';

/**
 * The moves an alert may make from where it is (acknowledge, resolve, reopen, false positive),
 * for whoever may change the cluster, and the moves it has made.
 */
export function AlertLifecycle({
  alert,
  changeBlock,
  onChanged,
}: {
  alert: ThreatAlert;
  changeBlock?: string;
  onChanged(): void;
}) {
  const api = useApi(hostplaneApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [markingFalse, setMarkingFalse] = useState(false);
  const closed =
    alert.status === 'resolved' || alert.status === 'falsePositive';

  const move = async (status: AlertStatusChange['status']) => {
    setBusy(true);
    setError(undefined);
    try {
      await api.changeThreatAlertStatus(alert.hub, alert.cluster, alert.id, {
        status,
      });
      onChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
        {alert.status === 'open' && (
          <GuardedButton
            variant="outlined"
            blockedReason={changeBlock}
            disabled={busy}
            onClick={() => move('acknowledged')}
          >
            Acknowledge
          </GuardedButton>
        )}
        {!closed && (
          <GuardedButton
            variant="outlined"
            blockedReason={changeBlock}
            disabled={busy}
            onClick={() => move('resolved')}
          >
            Resolve
          </GuardedButton>
        )}
        {!closed && (
          <GuardedButton
            variant="outlined"
            blockedReason={changeBlock}
            disabled={busy}
            onClick={() => setMarkingFalse(true)}
          >
            False positive…
          </GuardedButton>
        )}
        {closed && (
          <GuardedButton
            variant="outlined"
            blockedReason={changeBlock}
            disabled={busy}
            onClick={() => move('open')}
          >
            Reopen
          </GuardedButton>
        )}
      </Box>
      {error && <ServerErrorPanel error={error} />}
      {alert.history.length > 0 && (
        <Box component="ul" pl={2} mb={0} aria-label="Status history">
          {alert.history.map((entry, index) => (
            <li key={index}>
              <Typography variant="caption">
                {ALERT_STATUS_LABELS[entry.status]} by {entry.by},{' '}
                {formatTime(entry.at)}
                {entry.note ? `: ${entry.note}` : ''}
              </Typography>
            </li>
          ))}
        </Box>
      )}
      <FalsePositiveDialog
        open={markingFalse}
        ruleTitle={alert.title}
        onMark={async request => {
          await api.markThreatAlertFalsePositive(
            alert.hub,
            alert.cluster,
            alert.id,
            request,
          );
          onChanged();
        }}
        onClose={() => setMarkingFalse(false)}
      />
    </>
  );
}
