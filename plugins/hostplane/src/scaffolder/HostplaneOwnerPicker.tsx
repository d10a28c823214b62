import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  humanizeEntityRef,
} from '@backstage/plugin-catalog-react';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { reasonOf } from './apiErrors';

const YOUR_GROUPS = 'Your groups';
const OTHER_GROUPS = 'Other groups';

/** `group:default/team-a` as the catalog shows it: `team-a`. */
function groupLabel(ref: string): string {
  return humanizeEntityRef(parseEntityRef(ref), { defaultKind: 'group' });
}

/**
 * `ui:field: HostplaneOwnerPicker`: whom the cluster is for, as the API allows it (`GET /owners`):
 * the user's own groups whose clusters they may operate, or, for those who may operate anyone's (a
 * platform team), every group in the catalog, their own first. A single choice is made already;
 * the API checks the owner again when the cluster is created.
 */
export function HostplaneOwnerPicker(
  props: FieldExtensionComponentProps<string>,
) {
  const {
    formData,
    onChange,
    required,
    disabled,
    rawErrors,
    idSchema,
    schema: { title = 'Owner', description },
  } = props;
  const api = useApi(hostplaneApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(async () => {
    const choices = await api.listOwnerChoices();
    if (!choices.anyOwner) return { ...choices, options: choices.owners };
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.namespace', 'metadata.name'],
      order: { field: 'metadata.name', order: 'asc' },
    });
    const others = items
      .map(group => stringifyEntityRef(group))
      .filter(ref => !choices.owners.includes(ref));
    return { ...choices, options: [...choices.owners, ...others] };
  }, [api, catalogApi]);

  const ownGroup = value?.owners.length === 1 ? value.owners[0] : undefined;
  useEffect(() => {
    if (!formData && ownGroup) onChange(ownGroup);
  }, [formData, ownGroup, onChange]);

  let helperText: string | undefined = description;
  let problem = false;
  if (loading) {
    helperText = 'Loading whom you may create clusters for…';
  } else if (error) {
    problem = true;
    helperText = `Could not load whom you may create clusters for: ${reasonOf(
      error,
    )}`;
  } else if (value && value.options.length === 0) {
    problem = true;
    helperText =
      'You may not create clusters: you are in no group whose clusters you may operate.';
  }

  return (
    <Autocomplete
      id={idSchema?.$id}
      options={value?.options ?? []}
      value={formData || null}
      onChange={(_event, ref) => onChange(ref ?? undefined)}
      getOptionLabel={groupLabel}
      groupBy={
        value?.anyOwner
          ? ref => (value.owners.includes(ref) ? YOUR_GROUPS : OTHER_GROUPS)
          : undefined
      }
      loading={loading}
      disabled={
        disabled ||
        loading ||
        !value?.options.length ||
        (!value.anyOwner && value.owners.length === 1)
      }
      renderInput={params => (
        <TextField
          {...params}
          label={title}
          margin="normal"
          required={required}
          error={problem || (rawErrors?.length ?? 0) > 0}
          helperText={helperText}
          FormHelperTextProps={{ style: { marginLeft: 0 } }}
        />
      )}
    />
  );
}
