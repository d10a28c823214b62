import type { AnomalySignals } from './baseline';
import type {
  LikelihoodLevel,
  LikelihoodTerm,
  ThreatPriority,
} from '@hostplane/plugin-hostplane-common';
import type { AuditFacts } from './facts';

/**
 * An alert's likelihood: how probable it is that it is a real attack, from the rule's priority,
 * how unusual the activity was, and its context. Each term is kept with why it counts, so the
 * report can show the sum.
 */

const PRIORITY_BASE: Record<ThreatPriority, number> = {
  info: 0.05,
  low: 0.15,
  medium: 0.35,
  high: 0.55,
  critical: 0.7,
};

/**
 * How much an anomaly adds, as a share of the priority's base: unusual activity makes a rule's
 * match more likely an attack, in proportion to how serious the rule is, so an unusual but
 * harmless action stays low.
 */
const ANOMALY_GAIN = 0.5;

export interface LikelihoodContext {
  /** Registries images may come from without counting as unknown (`docker.io/library`, ...). */
  trustedRegistries: string[];
  /** Identities known to hold cluster-admin (`User:x`, `ServiceAccount:ns/name`). */
  clusterAdmins: ReadonlySet<string>;
  /** How many times the alert has fired in its window, this event included. */
  occurrences: number;
}

/** `registry/path` of an image reference, Docker Hub's implicit names made explicit. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const name =
    colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  const first = name.split('/')[0];
  const hasRegistry =
    name.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return name;
  return name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
}

export function isTrustedImage(image: string, trusted: string[]): boolean {
  const repository = imageRepository(image);
  return trusted.some(
    prefix =>
      repository === prefix ||
      repository.startsWith(`${prefix.replace(/\/$/, '')}/`),
  );
}

/** The identity of the facts' actor in the `Kind:name` form bindings use. */
export function actorRef(facts: AuditFacts): string {
  return facts.serviceAccount.name
    ? `ServiceAccount:${facts.serviceAccount.namespace}/${facts.serviceAccount.name}`
    : `User:${facts.user}`;
}

export function likelihoodOf(
  priority: ThreatPriority,
  facts: AuditFacts,
  anomaly: AnomalySignals,
  context: LikelihoodContext,
): { likelihood: number; level: LikelihoodLevel; terms: LikelihoodTerm[] } {
  const terms: LikelihoodTerm[] = [
    {
      term: 'priority',
      value: PRIORITY_BASE[priority],
      why: `the rule's priority is ${priority}`,
    },
  ];
  if (anomaly.score > 0) {
    terms.push({
      term: 'anomaly',
      value: round(PRIORITY_BASE[priority] * ANOMALY_GAIN * anomaly.score),
      why: `unusual against the cluster's baseline (anomaly score ${anomaly.score.toFixed(
        2,
      )}), raising the priority's base by half that share`,
    });
  }
  const unknownImages = facts.pod.images.filter(
    image => !isTrustedImage(image, context.trustedRegistries),
  );
  if (unknownImages.length) {
    terms.push({
      term: 'unknownRegistry',
      value: 0.1,
      why: `image from a registry not in the trusted list: ${unknownImages.join(
        ', ',
      )}`,
    });
  }
  const actor = actorRef(facts);
  if (context.clusterAdmins.has(actor)) {
    terms.push({
      term: 'clusterAdmin',
      value: 0.15,
      why: `${actor} holds cluster-admin`,
    });
  }
  if (
    facts.pod.serviceAccount &&
    context.clusterAdmins.has(
      `ServiceAccount:${facts.namespace}/${facts.pod.serviceAccount}`,
    )
  ) {
    terms.push({
      term: 'podWithClusterAdmin',
      value: 0.15,
      why: `the pod runs as service account ${facts.pod.serviceAccount}, which holds cluster-admin`,
    });
  }
  if (facts.anonymous) {
    terms.push({
      term: 'anonymous',
      value: 0.1,
      why: 'the request carried no credential',
    });
  }
  if (
    facts.serviceAccount.name &&
    /^(kubectl|curl|python|Go-http-client)/i.test(facts.userAgent)
  ) {
    terms.push({
      term: 'tokenOutsideWorkload',
      value: 0.1,
      why: `a service account token used by an interactive client (${
        facts.userAgent.split(' ')[0]
      })`,
    });
  }
  if (context.occurrences >= 3) {
    terms.push({
      term: 'repeated',
      value: 0.1,
      why: `${context.occurrences} occurrences within the alert's window`,
    });
  }
  const likelihood = round(
    Math.min(
      1,
      terms.reduce((sum, t) => sum + t.value, 0),
    ),
  );
  return { likelihood, level: levelOf(likelihood), terms };
}

export function levelOf(likelihood: number): LikelihoodLevel {
  if (likelihood >= 0.8) return 'critical';
  if (likelihood >= 0.55) return 'high';
  if (likelihood >= 0.3) return 'medium';
  return 'low';
}

function round(value: number) {
  return Math.round(value * 1000) / 1000;
}
