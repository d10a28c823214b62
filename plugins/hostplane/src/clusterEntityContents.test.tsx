import { Entity } from '@backstage/catalog-model';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { ExtensionDefinition } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import {
  CLUSTER_ANNOTATION,
  HUB_ANNOTATION,
} from '@hostplane/plugin-hostplane-common';
import { clusterEntityContents } from './clusterEntityContents';

const entity = (
  kind: string,
  type: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'payments.local', annotations },
  spec: { type },
});

/** What an entity content extension tells the entity page: its title and its filter. */
function tab(extension: ExtensionDefinition<any>) {
  const tester = createExtensionTester(extension);
  return {
    title: tester.get(EntityContentBlueprint.dataRefs.title) as string,
    filter: tester.get(EntityContentBlueprint.dataRefs.filterFunction) as (
      entity: Entity,
    ) => boolean,
  };
}

const hostplane = {
  [HUB_ANNOTATION]: 'local',
  [CLUSTER_ANNOTATION]: 'payments',
};

describe('clusterEntityContents', () => {
  it('adds the cluster tabs, in order, to Hostplane clusters only', () => {
    const tabs = clusterEntityContents.map(tab);
    expect(tabs.map(t => t.title)).toEqual([
      'Cluster',
      'Node pools',
      'Versions',
      'Access',
      'Backups',
      'Monitoring',
      'Alerts',
      'Security',
      'Logs',
      'Settings',
    ]);
    for (const { filter } of tabs) {
      expect(filter(entity('Resource', 'kubernetes-cluster', hostplane))).toBe(
        true,
      );
      // A cluster from elsewhere, a cluster of another type, another kind.
      expect(
        filter(
          entity('Resource', 'kubernetes-cluster', {
            [HUB_ANNOTATION]: 'local',
          }),
        ),
      ).toBe(false);
      expect(filter(entity('Resource', 'database', hostplane))).toBe(false);
      expect(filter(entity('Component', 'kubernetes-cluster', hostplane))).toBe(
        false,
      );
    }
  });
});
