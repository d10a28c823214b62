/**
 * A deterministic plan of status-only tenants for scale tests and benchmarks: who owns each, which
 * version it runs, what state it is in and which node pools it has. The same seed gives the same
 * plan, so benchmark runs compare like with like.
 */
export type TenantPhase =
  | 'Ready'
  | 'Provisioning'
  | 'Updating'
  | 'Degraded'
  | 'Hibernated';

export interface TenantPlan {
  namespace: string;
  name: string;
  /** The owning team's group name. */
  owner: string;
  kubernetesVersion: string;
  /** For Updating tenants: the version they are moving from. */
  previousVersion?: string;
  phase: TenantPhase;
  highlyAvailable: boolean;
  pools: Array<{ name: string; replicas: number }>;
}

export interface PlanOptions {
  count: number;
  /** How many teams share the tenants; defaults to about 33 tenants a team. */
  teams?: number;
  seed?: number;
}

/** Weighted choices: roughly what a fleet looks like on an ordinary day. */
const VERSIONS: Array<[string, number]> = [
  ['v1.37.2', 40],
  ['v1.36.4', 35],
  ['v1.35.6', 20],
  ['v1.34.8', 5],
];
const PHASES: Array<[TenantPhase, number]> = [
  ['Ready', 80],
  ['Provisioning', 5],
  ['Updating', 5],
  ['Degraded', 4],
  ['Hibernated', 6],
];
const POOL_SIZES: Array<[number, number]> = [
  [1, 15],
  [2, 30],
  [3, 30],
  [5, 15],
  [10, 10],
];

/** mulberry32: a tiny, well-distributed PRNG; Math.random cannot be seeded. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(random: () => number, choices: Array<[T, number]>): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let pick = random() * total;
  for (const [value, weight] of choices) {
    pick -= weight;
    if (pick < 0) return value;
  }
  return choices[choices.length - 1][0];
}

export function teamName(index: number): string {
  return `team-${String(index + 1).padStart(3, '0')}`;
}

/** Status-only tenants live in one namespace per team. */
export function teamNamespace(team: string): string {
  return `tenants-${team}`;
}

export function planTenants({
  count,
  teams,
  seed = 1,
}: PlanOptions): TenantPlan[] {
  const random = prng(seed);
  const teamCount = Math.max(1, teams ?? Math.ceil(count / 33));
  return Array.from({ length: count }, (_, index) => {
    const owner = teamName(index % teamCount);
    const kubernetesVersion = weighted(random, VERSIONS);
    const phase = weighted(random, PHASES);
    const olderVersions = VERSIONS.map(([v]) => v).filter(
      v => v < kubernetesVersion,
    );
    const poolCount = 1 + Math.floor(random() * 3);
    return {
      namespace: teamNamespace(owner),
      name: `cluster-${String(index + 1).padStart(5, '0')}`,
      owner,
      kubernetesVersion,
      previousVersion:
        phase === 'Updating' && olderVersions.length > 0
          ? olderVersions[0]
          : undefined,
      phase,
      highlyAvailable: random() < 0.3,
      pools: Array.from({ length: poolCount }, (__, p) => ({
        name: ['workers', 'batch', 'gpu'][p],
        replicas: weighted(random, POOL_SIZES),
      })),
    };
  });
}
