import { ConflictError } from '@backstage/errors';
import {
  ClusterChange,
  ClusterSpec,
  ProviderCapabilities,
} from '@hostplane/plugin-hostplane-common';
import { HostedControlPlaneProvider } from '@hostplane/plugin-hostplane-node';
import { ValidationError } from './ValidationError';

/** What the API answers about a provider: its features, under its id. */
export function capabilitiesOf(
  provider: HostedControlPlaneProvider,
): ProviderCapabilities {
  return {
    provider: provider.id,
    credentialRotation: provider.capabilities.credentialRotation,
    hibernation: provider.capabilities.hibernation,
    etcdOperations: provider.capabilities.etcdOperations,
    availabilityPolicies: [...provider.capabilities.availabilityPolicies],
  };
}

/** The feature each change needs beyond the basics every provider has. */
const featureOf: Partial<
  Record<
    ClusterChange['action'],
    {
      feature: 'credentialRotation' | 'hibernation' | 'etcdOperations';
      what: string;
    }
  >
> = {
  rotateCredentials: {
    feature: 'credentialRotation',
    what: 'rotate credentials',
  },
  hibernate: { feature: 'hibernation', what: 'hibernate and resume clusters' },
  resume: { feature: 'hibernation', what: 'hibernate and resume clusters' },
  backup: { feature: 'etcdOperations', what: 'back up etcd' },
  configureBackups: { feature: 'etcdOperations', what: 'back up etcd' },
  restore: { feature: 'etcdOperations', what: 'restore etcd' },
  defragment: { feature: 'etcdOperations', what: 'maintain etcd' },
  recoverEtcdSpace: { feature: 'etcdOperations', what: 'maintain etcd' },
  replaceEtcdMember: { feature: 'etcdOperations', what: 'maintain etcd' },
};

/**
 * Refuses, with 409, a change the cluster's provider does not support: the request is well
 * formed, it conflicts with where the cluster runs.
 */
export function refuseUnsupportedChange(
  provider: HostedControlPlaneProvider,
  hub: string,
  change: ClusterChange,
): void {
  const needed = featureOf[change.action];
  if (needed && !provider.capabilities[needed.feature]) {
    throw new ConflictError(
      `The provider of hub '${hub}' (${provider.id}) cannot ${needed.what}, so '${change.action}' is not available for its clusters`,
    );
  }
}

/** Refuses, with 400 on the field, a new cluster asking for what its hub's provider cannot run. */
export function refuseUnsupportedSpec(
  provider: HostedControlPlaneProvider,
  spec: ClusterSpec,
): void {
  if (spec.restoreFrom && !provider.capabilities.etcdOperations) {
    throw new ValidationError([
      {
        path: ['restoreFrom'],
        message: `the provider of hub '${spec.hub}' (${provider.id}) cannot restore etcd from a backup`,
      },
    ]);
  }
  const offered = provider.capabilities.availabilityPolicies;
  if (!offered.includes(spec.availability)) {
    throw new ValidationError([
      {
        path: ['availability'],
        message: `the provider of hub '${spec.hub}' (${provider.id}) offers ${
          offered.join(' or ') || 'no availability policy'
        }, not ${spec.availability}`,
      },
    ]);
  }
}
