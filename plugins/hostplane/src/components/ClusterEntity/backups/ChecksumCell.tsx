import { CopyTextButton } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';

/** How many hex digits of a checksum the table shows: enough to tell backups apart by eye. */
const SHOWN = 12;

/** A SHA-256 shortened for the table, the whole of it in a tooltip and a copy button. */
export function ChecksumCell({
  sha256,
  backupId,
}: {
  sha256: string;
  backupId: string;
}) {
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <Tooltip title={sha256}>
        <Typography variant="body2" component="code">
          {sha256.slice(0, SHOWN)}…
        </Typography>
      </Tooltip>
      <CopyTextButton
        text={sha256}
        tooltipText="SHA-256 copied"
        aria-label={`Copy the checksum of backup ${backupId}`}
      />
    </span>
  );
}
