import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import { useEffect, useState } from 'react';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import {
  NameAvailability,
  checkClusterName,
  clusterNameFormatError,
} from './clusterName';
import { HubDependentUiOptions, chosenHub } from './formHub';

/** How long typing must pause before the name is looked up on the hub. */
export const NAME_CHECK_DELAY_MS = 400;

const useStyles = makeStyles(theme => ({
  free: { color: theme.palette.success.main },
}));

interface Checked {
  hub: string;
  name: string;
  availability: NameAvailability;
}

/**
 * `ui:field: HostplaneClusterNamePicker`: the cluster name, checked as the user types: its format
 * at once (the API's rule and message), and, once typing pauses, whether it is free on the chosen
 * hub (the form's `hub` field, else `ui:options.hub`). The same checks run when the user leaves
 * the step (`validateClusterName`).
 */
export function HostplaneClusterNamePicker(
  props: FieldExtensionComponentProps<string, HubDependentUiOptions>,
) {
  const {
    formData,
    onChange,
    required,
    disabled,
    rawErrors,
    idSchema,
    schema: { title = 'Name', description },
    uiSchema,
    formContext,
  } = props;
  const classes = useStyles();
  const api = useApi(hostplaneApiRef);
  const hub = chosenHub({ formData: formContext?.formData, uiSchema });
  const name = formData ?? '';
  const formatError = name ? clusterNameFormatError(name) : undefined;

  const [checked, setChecked] = useState<Checked>();
  useEffect(() => {
    if (!hub || !name || formatError) return undefined;
    let stale = false;
    const timer = setTimeout(() => {
      checkClusterName(api, hub, name).then(availability => {
        if (!stale) setChecked({ hub, name, availability });
      });
    }, NAME_CHECK_DELAY_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [api, hub, name, formatError]);
  const availability =
    checked && checked.hub === hub && checked.name === name
      ? checked.availability
      : undefined;

  let helperText: string | undefined = description;
  let problem = false;
  if (formatError) {
    problem = true;
    helperText = formatError;
  } else if (name && !hub) {
    helperText = 'Choose a hub to check that the name is free there.';
  } else if (name && hub && !availability) {
    helperText = `Checking whether '${name}' is free on hub '${hub}'…`;
  } else if (availability?.state === 'free') {
    helperText = `'${name}' is free on hub '${hub}'.`;
  } else if (availability) {
    problem = availability.state === 'taken';
    helperText = availability.message;
  }

  return (
    <TextField
      id={idSchema?.$id}
      fullWidth
      margin="normal"
      label={title}
      required={required}
      disabled={disabled}
      value={name}
      onChange={event => onChange(event.target.value || undefined)}
      error={problem || (rawErrors?.length ?? 0) > 0}
      helperText={helperText}
      inputProps={{
        autoFocus: uiSchema?.['ui:autofocus'],
        spellCheck: false,
        autoComplete: 'off',
      }}
      FormHelperTextProps={{ style: { marginLeft: 0 } }}
      InputProps={
        availability?.state === 'free'
          ? {
              endAdornment: (
                <InputAdornment position="end">
                  <CheckCircleIcon
                    className={classes.free}
                    titleAccess="The name is free"
                  />
                </InputAdornment>
              ),
            }
          : undefined
      }
    />
  );
}
