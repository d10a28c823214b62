import { z } from 'zod';
import { availabilitySchema } from './clusterSpec';

/**
 * What a hub's hosted-control-plane provider can do. The portal offers only these, and the API
 * refuses the others with the reason.
 */
export const providerCapabilitiesSchema = z
  .object({
    provider: z
      .string()
      .describe('The provider id, such as `hypershift-kubevirt`.'),
    credentialRotation: z
      .boolean()
      .describe(
        "Whether a cluster's root CA and admin credential can be rotated.",
      ),
    hibernation: z
      .boolean()
      .describe(
        'Whether a cluster can be hibernated (every pool at zero) and resumed.',
      ),
    etcdOperations: z
      .boolean()
      .describe(
        "Whether the hub's tenant etcd can be backed up, restored (into a new cluster and in place), defragmented and have members replaced through the portal.",
      ),
    availabilityPolicies: z
      .array(availabilitySchema)
      .describe(
        'The control-plane availability policies a new cluster may ask for.',
      ),
  })
  .describe('What the hosted-control-plane provider of a hub supports.');
export type ProviderCapabilities = z.output<typeof providerCapabilitiesSchema>;

export const hubStatusSchema = z
  .object({
    name: z.string(),
    capabilities: providerCapabilitiesSchema,
    server: z.string().describe('The API server URL.'),
    reachable: z.boolean(),
    kubernetesVersion: z
      .string()
      .optional()
      .describe(
        "The hub's Kubernetes version (`/version`'s gitVersion) when reachable.",
      ),
    missingApis: z
      .array(z.string())
      .describe('Required APIs the hub does not serve, as `resource.group`.'),
    error: z
      .string()
      .optional()
      .describe('Why the hub could not be reached or checked.'),
  })
  .describe(
    'What the portal shows about one configured hub. Never carries credentials.',
  );
export type HubStatus = z.output<typeof hubStatusSchema>;

export const hubListResponseSchema = z.object({
  items: z.array(hubStatusSchema),
});
export type HubListResponse = z.output<typeof hubListResponseSchema>;
