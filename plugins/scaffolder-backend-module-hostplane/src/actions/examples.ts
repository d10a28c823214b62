import { TemplateExample } from '@backstage/plugin-scaffolder-node';

export const createClusterExamples: TemplateExample[] = [
  {
    description:
      'Create a small cluster from the form values and wait until it is Ready',
    example: `steps:
  - id: cluster
    name: Create the cluster
    action: hostplane:cluster:create
    input:
      name: \${{ parameters.name }}
      owner: \${{ parameters.owner }}
      hub: local
      version: v1.37.2
      nodePools:
        - name: workers
          replicas: 2
          vcpu: 4
          memoryGiB: 16
          diskGiB: 64
      waitForReady: true
output:
  links:
    - title: The cluster in the catalog
      entityRef: \${{ steps.cluster.output.entityRef }}
`,
  },
  {
    description:
      'Create a highly available cluster with an autoscaled pool, its own networks and labels; the SSH public key for the nodes comes from the secrets the form collected (secrets.sshPublicKey)',
    example: `steps:
  - id: cluster
    name: Create the cluster
    action: hostplane:cluster:create
    input:
      name: payments-prod
      owner: group:default/team-a
      hub: local
      version: v1.37.2
      availability: HighlyAvailable
      network:
        podCidr: 10.128.0.0/14
        serviceCidr: 172.30.0.0/16
      etcd:
        storageGiB: 16
        backup:
          schedule: 0 */4 * * *
          retention: 14
      deletionProtection: true
      labels:
        lifecycle: production
        system: payments
      nodePools:
        - name: workers
          replicas: 3
          vcpu: 4
          memoryGiB: 16
          diskGiB: 64
        - name: batch
          autoscaling:
            min: 1
            max: 5
          vcpu: 16
          memoryGiB: 64
          diskGiB: 200
          labels:
            workload: batch
          taints:
            - key: dedicated
              value: batch
              effect: NoSchedule
`,
  },
  {
    description:
      "Create a cluster whose etcd starts from a backup of another cluster (HyperShift's restoreSnapshotURL): its objects are there from the start",
    example: `steps:
  - id: cluster
    name: Restore into a new cluster
    action: hostplane:cluster:create
    input:
      name: payments-restored
      owner: group:default/team-a
      hub: local
      version: v1.37.2
      nodePools:
        - name: workers
          replicas: 2
          vcpu: 4
          memoryGiB: 16
          diskGiB: 64
      restoreFrom:
        hub: local
        cluster: payments-prod
        backupId: 20261208T101500Z-a1b2c3
      waitForReady: true
`,
  },
];

export const scaleClusterExamples: TemplateExample[] = [
  {
    description: 'Scale the workers pool to 5 machines and wait for them',
    example: `steps:
  - id: scale
    name: Scale the workers
    action: hostplane:cluster:scale
    input:
      hub: local
      name: payments-prod
      pool: workers
      replicas: 5
      waitForReady: true
`,
  },
];

export const upgradeClusterExamples: TemplateExample[] = [
  {
    description:
      'Upgrade a cluster to the next minor version without waiting for it',
    example: `steps:
  - id: upgrade
    name: Upgrade the cluster
    action: hostplane:cluster:upgrade
    input:
      hub: local
      name: payments-dev
      version: v1.37.2
`,
  },
];

export const deleteClusterExamples: TemplateExample[] = [
  {
    description: 'Delete a cluster and wait until it is gone',
    example: `steps:
  - id: delete
    name: Delete the cluster
    action: hostplane:cluster:delete
    input:
      hub: local
      name: payments-dev
      waitForDeletion: true
`,
  },
];

export const backupClusterExamples: TemplateExample[] = [
  {
    description:
      'Back up a cluster before a risky change and wait until the backup is verified',
    example: `steps:
  - id: backup
    name: Back up etcd
    action: hostplane:cluster:backup
    input:
      hub: local
      name: payments-prod
      waitForCompletion: true
output:
  text:
    - title: Backup
      content: Backup \${{ steps.backup.output.backupId }} of payments-prod
`,
  },
  {
    description: 'Start a backup and let it run without waiting',
    example: `steps:
  - id: backup
    name: Back up etcd
    action: hostplane:cluster:backup
    input:
      hub: local
      name: \${{ parameters.name }}
`,
  },
];
