import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Remembers each caller's conditional decision for a permission for a few seconds. A page view
 * would otherwise ask the permission backend (an HTTP round trip and a policy evaluation) on every
 * request; the cost is that a policy change takes up to `ttlMs` to reach a signed-in user.
 */
export class DecisionCache {
  private readonly decisions = new Map<
    string,
    { expires: number; decision: Promise<PolicyDecision> }
  >();

  constructor(
    private readonly permissions: PermissionsService,
    private readonly ttlMs = 5_000,
  ) {}

  decide(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<PolicyDecision> {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    const key = `${principal.type}:${
      principal.userEntityRef ?? principal.subject
    }:${permission.name}`;
    const now = Date.now();
    const cached = this.decisions.get(key);
    if (cached && cached.expires > now) return cached.decision;
    const decision = this.permissions
      .authorizeConditional([{ permission }], { credentials })
      .then(([result]) => result);
    // A failed check is not remembered.
    decision.catch(() => this.decisions.delete(key));
    this.decisions.set(key, { expires: now + this.ttlMs, decision });
    if (this.decisions.size > 10_000) this.evictExpired(now);
    return decision;
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.decisions) {
      if (entry.expires <= now) this.decisions.delete(key);
    }
  }
}
