import os from 'node:os';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import versions from '../versions.json';

export { versions };

/** Where built binaries, generated CRDs and hub working folders live; outside the repo so clones share it. */
export function cacheDir(): string {
  return (
    process.env.HOSTPLANE_CACHE ??
    path.join(os.homedir(), '.cache', 'hostplane')
  );
}

export interface HubBinaries {
  etcd: string;
  etcdctl: string;
  etcdutl: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubectl: string;
  kwok: string;
  kwokctl: string;
}

export function hubBinaries(cache = cacheDir()): HubBinaries {
  const bin = (component: string, name: string) =>
    path.join(cache, 'bin', component, name);
  const kubernetes = `kubernetes-${versions.kubernetes}`;
  const etcd = `etcd-${versions.etcd}`;
  const kwok = `kwok-${versions.kwok}`;
  return {
    etcd: bin(etcd, 'etcd'),
    etcdctl: bin(etcd, 'etcdctl'),
    etcdutl: bin(etcd, 'etcdutl'),
    kubeApiserver: bin(kubernetes, 'kube-apiserver'),
    kubeControllerManager: bin(kubernetes, 'kube-controller-manager'),
    kubeScheduler: bin(kubernetes, 'kube-scheduler'),
    kubectl: bin(kubernetes, 'kubectl'),
    kwok: bin(kwok, 'kwok'),
    kwokctl: bin(kwok, 'kwokctl'),
  };
}

/** The upstream CRD manifests, each taken from its project's own Go module at the pinned version. */
export function upstreamCrdFiles(cache = cacheDir()): string[] {
  const crds = (project: string, version: string, file: string) =>
    path.join(cache, 'crds', `${project}-${version}`, file);
  return [
    crds('hypershift', versions.hypershift, 'hostedclusters.yaml'),
    crds('hypershift', versions.hypershift, 'nodepools.yaml'),
    crds('hypershift', versions.hypershift, 'hostedcontrolplanes.yaml'),
    crds('kubevirt', versions.kubevirt, 'kubevirt.yaml'),
    crds('kamaji', versions.kamaji, 'tenantcontrolplanes.yaml'),
    crds('kamaji', versions.kamaji, 'datastores.yaml'),
  ];
}

export const BUILD_SCRIPT = resolvePackagePath(
  '@hostplane/local-hub',
  'scripts',
  'build-binaries.sh',
);
