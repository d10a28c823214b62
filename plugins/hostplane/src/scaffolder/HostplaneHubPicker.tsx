import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { HubStatus } from '@hostplane/plugin-hostplane-common';
import CircularProgress from '@material-ui/core/CircularProgress';
import InputAdornment from '@material-ui/core/InputAdornment';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { reasonOf } from './apiErrors';

/** Why no cluster can be created on the hub now, if so. */
export function hubProblem(hub: HubStatus): string | undefined {
  if (!hub.reachable) {
    return `unreachable${hub.error ? `: ${hub.error}` : ''}`;
  }
  if (hub.missingApis.length > 0) {
    return `missing APIs: ${hub.missingApis.join(', ')}`;
  }
  return undefined;
}

/**
 * `ui:field: HostplaneHubPicker`: the configured hubs (`GET /hubs`). Hubs that cannot take a
 * cluster now (unreachable, missing APIs) are shown with the reason but cannot be chosen; when
 * only one can, it is preselected.
 */
export function HostplaneHubPicker(
  props: FieldExtensionComponentProps<string>,
) {
  const {
    formData,
    onChange,
    required,
    disabled,
    rawErrors,
    idSchema,
    schema: { title = 'Hub', description },
  } = props;
  const api = useApi(hostplaneApiRef);
  const { value, loading, error } = useAsync(() => api.listHubs(), [api]);
  const hubs = value?.items ?? [];
  const usable = hubs.filter(hub => !hubProblem(hub));
  const onlyUsable = usable.length === 1 ? usable[0].name : undefined;

  useEffect(() => {
    if (!formData && onlyUsable) onChange(onlyUsable);
  }, [formData, onlyUsable, onChange]);

  let helperText: string | undefined = description;
  let problem = false;
  if (loading) {
    helperText = 'Loading the hubs…';
  } else if (error) {
    problem = true;
    helperText = `Could not load the hubs: ${reasonOf(error)}`;
  } else if (value && usable.length === 0) {
    problem = true;
    helperText =
      hubs.length === 0
        ? 'No hubs are configured (hostplane.hubs).'
        : 'No hub can take a cluster now.';
  }

  return (
    <TextField
      id={idSchema?.$id}
      select
      fullWidth
      margin="normal"
      label={title}
      required={required}
      disabled={disabled || loading || hubs.length === 0}
      value={hubs.some(hub => hub.name === formData) ? formData : ''}
      onChange={event => onChange(event.target.value as string)}
      error={problem || (rawErrors?.length ?? 0) > 0}
      helperText={helperText}
      FormHelperTextProps={{ style: { marginLeft: 0 } }}
      SelectProps={{ renderValue: selected => selected as string }}
      InputProps={
        loading
          ? {
              endAdornment: (
                <InputAdornment position="end" style={{ marginRight: 24 }}>
                  <CircularProgress size={20} aria-label="Loading hubs" />
                </InputAdornment>
              ),
            }
          : undefined
      }
    >
      {hubs.map(hub => {
        const why = hubProblem(hub);
        return (
          <MenuItem key={hub.name} value={hub.name} disabled={!!why}>
            <ListItemText
              primary={hub.name}
              secondary={
                why ??
                (hub.kubernetesVersion
                  ? `Kubernetes ${hub.kubernetesVersion}`
                  : undefined)
              }
            />
          </MenuItem>
        );
      })}
    </TextField>
  );
}
