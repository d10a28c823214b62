import { useEffect, useState } from 'react';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  ClusterResponsePolicy,
  RESPONSE_MODES,
  ResponseMode,
  clusterUpdatePermission,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { useClusterView } from '../common/ClusterViewContext';
import { formatTime } from '../common/formatTime';
import { GuardedButton } from '../common/GuardedButton';
import { NumberField } from '../common/NumberField';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { usePermissionBlock } from '../common/useActionBlock';

const MODE_TEXT: Record<ResponseMode, { label: string; help: string }> = {
  off: {
    label: 'Off',
    help: 'Alerts only: nothing is suggested or done.',
  },
  suggest: {
    label: 'Suggest',
    help: 'Each report offers actions, applied by a person after a dry run.',
  },
  auto: {
    label: 'Automatic',
    help: "A rule's own response is carried out at once for alerts at or above the threshold; the rest are suggested.",
  },
};

/** Where the policy comes from: the hub's default, or who set it and when. */
function policyOrigin(policy: ClusterResponsePolicy): string {
  if (policy.isDefault) {
    return "This cluster follows the hub's default; saving makes the policy its own.";
  }
  return `Set by ${policy.updatedBy ?? 'someone'} ${formatTime(
    policy.updatedAt,
  )}.`;
}

/**
 * The cluster's response policy, changed by whoever may change the cluster: off, suggest, or
 * automatic from a likelihood threshold. `onSaved` lets the reports follow the new policy.
 */
export function ResponsePolicyCard({ onSaved }: { onSaved?(): void }) {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const changeBlock = usePermissionBlock(clusterUpdatePermission);
  const [policy, setPolicy] = useState<ClusterResponsePolicy>();
  const loaded = useAsync(
    () => api.getThreatResponsePolicy(clusterRef.hub, clusterRef.name),
    [api, clusterRef.hub, clusterRef.name],
  );
  useEffect(() => setPolicy(loaded.value), [loaded.value]);
  const [mode, setMode] = useState<ResponseMode>();
  const [thresholdPercent, setThresholdPercent] = useState<number>();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<Error>();

  if (!policy) {
    return (
      <InfoCard title="Response policy">
        {loaded.error ? (
          <ServerErrorPanel error={loaded.error} />
        ) : (
          <Progress />
        )}
      </InfoCard>
    );
  }

  const chosenMode = mode ?? policy.mode;
  const chosenPercent =
    thresholdPercent ?? Math.round(policy.autoThreshold * 100);
  const invalid =
    !Number.isInteger(chosenPercent) || chosenPercent < 0 || chosenPercent > 100
      ? 'The threshold is a whole percentage from 0 to 100'
      : undefined;
  const changed =
    chosenMode !== policy.mode ||
    chosenPercent !== Math.round(policy.autoThreshold * 100);

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = await api.setThreatResponsePolicy(
        clusterRef.hub,
        clusterRef.name,
        { mode: chosenMode, autoThreshold: chosenPercent / 100 },
      );
      setPolicy(saved);
      setMode(undefined);
      setThresholdPercent(undefined);
      onSaved?.();
    } catch (e) {
      setSaveError(e as Error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <InfoCard title="Response policy">
      <Typography variant="body2" color="textSecondary" paragraph>
        How this cluster answers its threat alerts. {policyOrigin(policy)}
      </Typography>
      <RadioGroup
        aria-label="Response mode"
        value={chosenMode}
        onChange={event => setMode(event.target.value as ResponseMode)}
      >
        {RESPONSE_MODES.map(candidate => (
          <FormControlLabel
            key={candidate}
            value={candidate}
            disabled={!!changeBlock}
            control={<Radio size="small" />}
            label={
              <>
                <Typography variant="body2">
                  {MODE_TEXT[candidate].label}
                </Typography>
                <Typography variant="caption" color="textSecondary">
                  {MODE_TEXT[candidate].help}
                </Typography>
              </>
            }
          />
        ))}
      </RadioGroup>
      {chosenMode === 'auto' && (
        <Box maxWidth={260}>
          <NumberField
            label="Act automatically from a likelihood of (%)"
            value={chosenPercent}
            onChange={setThresholdPercent}
            min={0}
            max={100}
          />
        </Box>
      )}
      {invalid && <FormHelperText error>{invalid}</FormHelperText>}
      {saveError && <ServerErrorPanel error={saveError} />}
      <Box mt={1}>
        <GuardedButton
          variant="contained"
          color="primary"
          blockedReason={changeBlock}
          disabled={(!changed && !policy.isDefault) || !!invalid || saving}
          onClick={save}
        >
          Save policy
        </GuardedButton>
      </Box>
    </InfoCard>
  );
}
