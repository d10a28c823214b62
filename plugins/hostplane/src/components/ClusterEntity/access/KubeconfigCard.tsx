import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { kubeconfigIssuePermission } from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { useClusterView } from '../common/ClusterViewContext';
import { formatTime } from '../common/formatTime';
import { GuardedButton } from '../common/GuardedButton';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { usePermissionBlock } from '../common/useActionBlock';
import { downloadFile } from './downloadFile';

const TTL_HOURS = [1, 4, 8, 24];

/** What is kept of a download: when it expires and its certificate, never the kubeconfig. */
interface Issued {
  filename: string;
  expiresAt: string;
  serial: string;
}

/** Issues a short-lived kubeconfig for the user and downloads it as a file. */
export function KubeconfigCard({ onIssued }: { onIssued(): void }) {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const blockedReason = usePermissionBlock(kubeconfigIssuePermission);
  const [ttlHours, setTtlHours] = useState(8);
  const [pending, setPending] = useState(false);
  const [issued, setIssued] = useState<Issued>();
  const [error, setError] = useState<Error>();

  const download = async () => {
    setPending(true);
    setError(undefined);
    try {
      const response = await api.issueKubeconfig(
        clusterRef.hub,
        clusterRef.name,
        { ttlHours },
      );
      const filename = `${clusterRef.name}.${clusterRef.hub}.kubeconfig`;
      downloadFile(filename, response.kubeconfig, 'application/yaml');
      setIssued({
        filename,
        expiresAt: response.expiresAt,
        serial: response.issuance.serial,
      });
      onIssued();
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };

  return (
    <InfoCard title="Kubeconfig">
      <Typography paragraph>
        A kubeconfig with a client certificate in your name and your groups,
        valid for the time you choose. Keep it to yourself; download a new one
        when it expires.
      </Typography>
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <TextField
          id="hostplane-kubeconfig-ttl"
          select
          label="Valid for"
          value={ttlHours}
          onChange={event => setTtlHours(Number(event.target.value))}
          disabled={!!blockedReason}
          variant="outlined"
          size="small"
          style={{ minWidth: 140 }}
        >
          {TTL_HOURS.map(hours => (
            <MenuItem key={hours} value={hours}>
              {hours === 1 ? '1 hour' : `${hours} hours`}
            </MenuItem>
          ))}
        </TextField>
        <GuardedButton
          variant="contained"
          color="primary"
          blockedReason={blockedReason}
          disabled={pending}
          onClick={download}
        >
          Download kubeconfig
        </GuardedButton>
      </Box>
      {issued && (
        <Box mt={2}>
          <Typography>
            Downloaded {issued.filename}: valid until{' '}
            {formatTime(issued.expiresAt)} (certificate serial {issued.serial}
            ).
          </Typography>
        </Box>
      )}
      {error && (
        <Box mt={2}>
          <ServerErrorPanel error={error} />
        </Box>
      )}
    </InfoCard>
  );
}
