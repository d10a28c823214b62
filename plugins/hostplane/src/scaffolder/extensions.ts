import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/*
 * Hostplane's scaffolder form fields as extensions: each attaches to the scaffolder's form-fields
 * API and loads its code (./fields) when a template form first needs it.
 */

export const hubPickerFormField = FormFieldBlueprint.make({
  name: 'hub-picker',
  params: {
    field: () => import('./fields').then(m => m.hubPickerField),
  },
});

export const ownerPickerFormField = FormFieldBlueprint.make({
  name: 'owner-picker',
  params: {
    field: () => import('./fields').then(m => m.ownerPickerField),
  },
});

export const versionPickerFormField = FormFieldBlueprint.make({
  name: 'version-picker',
  params: {
    field: () => import('./fields').then(m => m.versionPickerField),
  },
});

export const clusterNamePickerFormField = FormFieldBlueprint.make({
  name: 'cluster-name-picker',
  params: {
    field: () => import('./fields').then(m => m.clusterNamePickerField),
  },
});

/** For the plugin's `extensions`. */
export const hostplaneFormFields = [
  hubPickerFormField,
  ownerPickerFormField,
  versionPickerFormField,
  clusterNamePickerFormField,
];
