import { InfoCard } from '@backstage/core-components';
import Divider from '@material-ui/core/Divider';
import { ClusterFrame } from '../common/ClusterFrame';
import { OperationBanner } from '../common/OperationBanner';
import { DeleteClusterSetting } from './DeleteClusterSetting';
import { DeletionProtectionSetting } from './DeletionProtectionSetting';
import { HibernationSetting } from './HibernationSetting';
import { RotateCredentialsSetting } from './RotateCredentialsSetting';

/** The settings tab: hibernation, deletion protection, credential rotation, deletion. */
export function SettingsContent() {
  return (
    <ClusterFrame>
      <OperationBanner />
      <InfoCard title="Settings">
        <HibernationSetting />
        <Divider />
        <DeletionProtectionSetting />
        <Divider />
        <RotateCredentialsSetting />
        <Divider />
        <DeleteClusterSetting />
      </InfoCard>
    </ClusterFrame>
  );
}
