import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import CircularProgress from '@material-ui/core/CircularProgress';
import InputAdornment from '@material-ui/core/InputAdornment';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { reasonOf } from './apiErrors';
import { HubDependentUiOptions, chosenHub } from './formHub';
import { newestFirst } from './versions';

/**
 * `ui:field: HostplaneVersionPicker`: the Kubernetes versions the chosen hub offers
 * (`GET /hubs/:hub/versions`), newest first and preselected. The hub is the form's `hub` field,
 * else `ui:options.hub`.
 */
export function HostplaneVersionPicker(
  props: FieldExtensionComponentProps<string, HubDependentUiOptions>,
) {
  const {
    formData,
    onChange,
    required,
    disabled,
    rawErrors,
    idSchema,
    schema: { title = 'Kubernetes version', description },
    uiSchema,
    formContext,
  } = props;
  const api = useApi(hostplaneApiRef);
  const hub = chosenHub({ formData: formContext?.formData, uiSchema });

  const {
    value: versions,
    loading,
    error,
  } = useAsync(async () => {
    if (!hub) return undefined;
    const response = await api.listHubVersions(hub);
    return newestFirst(response.versions.map(v => v.version));
  }, [api, hub]);

  // The newest version unless one the hub offers is chosen already (a version chosen for
  // another hub is replaced).
  const ready = hub !== undefined && !loading && !error && versions;
  useEffect(() => {
    if (ready && versions.length > 0 && !versions.includes(formData ?? '')) {
      onChange(versions[0]);
    }
  }, [ready, versions, formData, onChange]);

  let helperText: string | undefined = description;
  let problem = false;
  if (!hub) {
    helperText = 'Choose a hub first: the versions are the ones it offers.';
  } else if (loading) {
    helperText = `Loading the versions hub '${hub}' offers…`;
  } else if (error) {
    problem = true;
    helperText = `Could not load the versions hub '${hub}' offers: ${reasonOf(
      error,
    )}`;
  } else if (versions && versions.length === 0) {
    problem = true;
    helperText = `Hub '${hub}' offers no Kubernetes versions (hostplane.hubs[].releases).`;
  }

  const options = ready ? versions : [];
  return (
    <TextField
      id={idSchema?.$id}
      select
      fullWidth
      margin="normal"
      label={title}
      required={required}
      disabled={disabled || !ready || options.length === 0}
      // Only a value the list holds: MUI warns about any other.
      value={formData && options.includes(formData) ? formData : ''}
      onChange={event => onChange(event.target.value as string)}
      error={problem || (rawErrors?.length ?? 0) > 0}
      helperText={helperText}
      FormHelperTextProps={{ style: { marginLeft: 0 } }}
      InputProps={
        loading
          ? {
              endAdornment: (
                <InputAdornment position="end" style={{ marginRight: 24 }}>
                  <CircularProgress size={20} aria-label="Loading versions" />
                </InputAdornment>
              ),
            }
          : undefined
      }
    >
      {options.map((version, index) => (
        <MenuItem key={version} value={version}>
          {index === 0 ? `${version} (newest)` : version}
        </MenuItem>
      ))}
    </TextField>
  );
}
