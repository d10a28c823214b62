import fs from 'node:fs';
import path from 'node:path';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import { parse } from 'yaml';
import { hostplanePlugin } from '../plugin';
import {
  clusterNamePickerFormField,
  hostplaneFormFields,
  hubPickerFormField,
  ownerPickerFormField,
  versionPickerFormField,
} from './extensions';
import * as fields from './fields';

/** Every `ui:field` a schema (with its nested properties, items and dependencies) names. */
function uiFields(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(uiFields);
  if (typeof schema !== 'object' || schema === null) return [];
  return Object.entries(schema).flatMap(([key, value]) =>
    key === 'ui:field' ? [value as string] : uiFields(value),
  );
}

const loader = FormFieldBlueprint.dataRefs.formFieldLoader;

describe("Hostplane's scaffolder form fields", () => {
  it('are extensions of the plugin that load the fields', async () => {
    expect(hostplaneFormFields).toHaveLength(4);
    for (const id of [
      'scaffolder-form-field:hostplane/hub-picker',
      'scaffolder-form-field:hostplane/owner-picker',
      'scaffolder-form-field:hostplane/version-picker',
      'scaffolder-form-field:hostplane/cluster-name-picker',
    ] as const) {
      expect(hostplanePlugin.getExtension(id)).toBeDefined();
    }
    await expect(
      createExtensionTester(hubPickerFormField).get(loader)(),
    ).resolves.toBe(fields.hubPickerField);
    await expect(
      createExtensionTester(ownerPickerFormField).get(loader)(),
    ).resolves.toBe(fields.ownerPickerField);
    await expect(
      createExtensionTester(versionPickerFormField).get(loader)(),
    ).resolves.toBe(fields.versionPickerField);
    await expect(
      createExtensionTester(clusterNamePickerFormField).get(loader)(),
    ).resolves.toBe(fields.clusterNamePickerField);
  });

  it("cover every Hostplane field the New Cluster template uses, each with the template's name for it", () => {
    const template = parse(
      fs.readFileSync(
        path.resolve(
          __dirname,
          '../../../../templates/new-cluster/template.yaml',
        ),
        'utf8',
      ),
    );
    const used = uiFields(template.spec.parameters).filter(name =>
      name.startsWith('Hostplane'),
    );
    // Form fields are opaque to their users; the name is what a template refers to.
    const names = Object.values(fields).map(field => (field as any).name);
    expect(used.sort()).toEqual(names.sort());
    expect(names.sort()).toEqual([
      'HostplaneClusterNamePicker',
      'HostplaneHubPicker',
      'HostplaneOwnerPicker',
      'HostplaneVersionPicker',
    ]);
  });
});
