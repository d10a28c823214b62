import { Fragment } from 'react';
import { InfoCard } from '@backstage/core-components';
import Divider from '@material-ui/core/Divider';
import { providerSupports } from '../common/capabilities';
import { ClusterFrame } from '../common/ClusterFrame';
import { useClusterView } from '../common/ClusterViewContext';
import { OperationBanner } from '../common/OperationBanner';
import { DeleteClusterSetting } from './DeleteClusterSetting';
import { DeletionProtectionSetting } from './DeletionProtectionSetting';
import { HibernationSetting } from './HibernationSetting';
import { RotateCredentialsSetting } from './RotateCredentialsSetting';

/** The settings the cluster's provider supports, one below the other. */
function Settings() {
  const { cluster } = useClusterView();
  const settings = [
    providerSupports(cluster, 'hibernation') && (
      <HibernationSetting key="hibernation" />
    ),
    <DeletionProtectionSetting key="deletion-protection" />,
    providerSupports(cluster, 'credentialRotation') && (
      <RotateCredentialsSetting key="rotate-credentials" />
    ),
    <DeleteClusterSetting key="delete" />,
  ].filter(setting => setting !== false);
  return (
    <InfoCard title="Settings">
      {settings.map((setting, index) => (
        <Fragment key={setting.key}>
          {index > 0 && <Divider />}
          {setting}
        </Fragment>
      ))}
    </InfoCard>
  );
}

/** The settings tab: hibernation, deletion protection, credential rotation, deletion. */
export function SettingsContent() {
  return (
    <ClusterFrame>
      <OperationBanner />
      <Settings />
    </ClusterFrame>
  );
}
