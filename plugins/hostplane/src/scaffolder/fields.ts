import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { HostplaneClusterNamePicker } from './HostplaneClusterNamePicker';
import { HostplaneHubPicker } from './HostplaneHubPicker';
import { HostplaneOwnerPicker } from './HostplaneOwnerPicker';
import { HostplaneVersionPicker } from './HostplaneVersionPicker';
import { validateClusterName } from './clusterName';
import { validateHubVersion } from './versions';

/*
 * The scaffolder form fields of Hostplane's templates (templates/new-cluster/template.yaml), by
 * their `ui:field` names. Loaded only when a template form opens (see ./extensions.ts).
 */

const hubDependentSchema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      hub: z
        .string()
        .optional()
        .describe(
          "The hub to use while the form's 'hub' field is empty or absent",
        ),
    }),
});

export const hubPickerField = createFormField({
  name: 'HostplaneHubPicker',
  component: HostplaneHubPicker,
  schema: makeFieldSchema({ output: z => z.string() }),
});

export const ownerPickerField = createFormField({
  name: 'HostplaneOwnerPicker',
  component: HostplaneOwnerPicker,
  schema: makeFieldSchema({ output: z => z.string() }),
});

export const versionPickerField = createFormField({
  name: 'HostplaneVersionPicker',
  component: HostplaneVersionPicker,
  validation: validateHubVersion,
  schema: hubDependentSchema,
});

export const clusterNamePickerField = createFormField({
  name: 'HostplaneClusterNamePicker',
  component: HostplaneClusterNamePicker,
  validation: validateClusterName,
  schema: hubDependentSchema,
});
