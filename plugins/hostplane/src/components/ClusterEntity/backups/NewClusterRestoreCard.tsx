import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import {
  Operation,
  clusterEntityRef,
} from '@hostplane/plugin-hostplane-common';
import { useLiveOperation } from '@hostplane/plugin-hostplane-react';
import { OperationProgress } from '../common/OperationProgress';
import { ServerErrorPanel } from '../common/ServerErrorPanel';

/** The new cluster a backup is being restored into, followed until it is created. */
export function NewClusterRestoreCard({
  operation: started,
}: {
  operation: Operation;
}) {
  const { operation = started, error } = useLiveOperation(started);
  return (
    <InfoCard title={`Restoring into ${operation.cluster}`}>
      {error && <ServerErrorPanel error={error} />}
      <Typography variant="body2" paragraph>
        The new cluster appears in the catalog as{' '}
        <EntityRefLink
          entityRef={clusterEntityRef(operation.hub, operation.cluster)}
        >
          {operation.cluster}
        </EntityRefLink>{' '}
        once it exists; its page follows the rest.
      </Typography>
      <OperationProgress operation={operation} />
    </InfoCard>
  );
}
