import { z } from 'zod';

/** The upstream API groups a hub must serve for Hostplane to run tenant clusters on it. */
export const REQUIRED_HUB_APIS = [
  {
    group: 'hypershift.openshift.io',
    resource: 'hostedclusters',
    project: 'HyperShift',
  },
  {
    group: 'hypershift.openshift.io',
    resource: 'nodepools',
    project: 'HyperShift',
  },
  { group: 'kubevirt.io', resource: 'virtualmachines', project: 'KubeVirt' },
  {
    group: 'kubevirt.io',
    resource: 'virtualmachineinstances',
    project: 'KubeVirt',
  },
] as const;

export const hubStatusSchema = z
  .object({
    name: z.string(),
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
