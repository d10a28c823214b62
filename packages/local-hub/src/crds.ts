import fs from 'node:fs';
import {
  ApiextensionsV1Api,
  KubeConfig,
  V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import {
  applyObjects,
  getRaw,
  waitFor,
} from '@hostplane/plugin-hostplane-node';

export function readCrds(files: string[]): V1CustomResourceDefinition[] {
  return files.flatMap(file =>
    parseAllDocuments(fs.readFileSync(file, 'utf8'))
      .map(document => document.toJS() as V1CustomResourceDefinition | null)
      .filter(
        (crd): crd is V1CustomResourceDefinition =>
          crd?.kind === 'CustomResourceDefinition',
      ),
  );
}

/**
 * Applies CRDs and returns once each is Established, its group-version is published in the
 * OpenAPI v3 discovery (KWOK resolves a Stage's resource through that document, and a Stage
 * applied before it is there is never picked up) and its objects can be listed.
 */
export async function installCrds(
  kubeConfig: KubeConfig,
  crds: V1CustomResourceDefinition[],
  fieldManager: string,
  timeoutMs = 120_000,
): Promise<void> {
  await applyObjects(kubeConfig, crds, fieldManager);
  const api = kubeConfig.makeApiClient(ApiextensionsV1Api);
  // Each CRD is established, and later listable, on its own: waiting for all at once takes as
  // long as the slowest instead of the sum.
  await Promise.all(
    crds.map(crd => {
      const name = crd.metadata!.name!;
      return waitFor(
        `CRD ${name} to be Established`,
        async () => {
          const current = await api.readCustomResourceDefinition({ name });
          const established = current.status?.conditions?.some(
            c => c.type === 'Established' && c.status === 'True',
          );
          return established ? true : undefined;
        },
        { timeoutMs },
      );
    }),
  );
  const groupVersions = new Set(
    crds.flatMap(crd =>
      crd.spec.versions
        .filter(v => v.served)
        .map(v => `${crd.spec.group}/${v.name}`),
    ),
  );
  await waitForOpenApiGroupVersions(kubeConfig, [...groupVersions], timeoutMs);
  await Promise.all(
    crds.map(crd => waitForListable(kubeConfig, crd, timeoutMs)),
  );
}

/**
 * Established is not enough to list: a restarted API server answers 429 "storage is
 * (re)initializing" for a custom resource until its watch cache has filled, and the first
 * client to list (the stand-in's informers, say) would fail on that.
 */
async function waitForListable(
  kubeConfig: KubeConfig,
  crd: V1CustomResourceDefinition,
  timeoutMs: number,
): Promise<void> {
  const version =
    crd.spec.versions.find(v => v.storage) ?? crd.spec.versions[0];
  const path = `/apis/${crd.spec.group}/${version.name}/${crd.spec.names.plural}?limit=1`;
  await waitFor(
    `${crd.metadata!.name} to be listed`,
    async () =>
      (await getRaw(kubeConfig, path)).status === 200 ? true : undefined,
    { timeoutMs },
  );
}

export async function waitForOpenApiGroupVersions(
  kubeConfig: KubeConfig,
  groupVersions: string[],
  timeoutMs = 120_000,
): Promise<void> {
  await waitFor(
    `OpenAPI v3 to publish ${groupVersions.join(', ')}`,
    async () => {
      const { status, body } = await getRaw(kubeConfig, '/openapi/v3');
      if (status !== 200) return undefined;
      const paths = Object.keys(JSON.parse(body).paths ?? {});
      return groupVersions.every(gv => paths.includes(`apis/${gv}`))
        ? true
        : undefined;
    },
    { timeoutMs },
  );
}
