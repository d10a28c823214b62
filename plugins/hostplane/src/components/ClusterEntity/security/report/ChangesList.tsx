import { ResponseChange } from '@hostplane/plugin-hostplane-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';

const OPERATION_LABELS: Record<ResponseChange['operation'], string> = {
  apply: 'Apply',
  delete: 'Delete',
  scale: 'Scale',
  rotateCredentials: 'Rotate the credentials of',
};

/** The objects an action changes in the tenant, each with the state it leaves. */
export function ChangesList({ changes }: { changes: ResponseChange[] }) {
  if (changes.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing in the tenant changes.
      </Typography>
    );
  }
  return (
    <Box component="ul" pl={2} m={0} aria-label="Changes">
      {changes.map((change, index) => (
        <li key={index}>
          <Typography variant="body2">
            {OPERATION_LABELS[change.operation]} {change.kind}{' '}
            {change.namespace ? `${change.namespace}/` : ''}
            {change.name}{' '}
            <Typography
              component="span"
              variant="caption"
              color="textSecondary"
            >
              ({change.apiVersion})
            </Typography>
          </Typography>
          {change.after !== undefined && change.after !== null && (
            <Box
              component="pre"
              fontSize={12}
              maxHeight={240}
              overflow="auto"
              bgcolor="action.hover"
              p={1}
              m={0}
            >
              {JSON.stringify(change.after, null, 2)}
            </Box>
          )}
        </li>
      ))}
    </Box>
  );
}
