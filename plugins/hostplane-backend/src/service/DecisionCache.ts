import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

interface CachedDecision {
  /** When the decision stops being used: `ttlMs` after it was asked for. */
  expires: number;
  decision: Promise<PolicyDecision>;
  /** Whether a newer decision is being asked for while this one is still used. */
  refreshing: boolean;
}

/**
 * Remembers each caller's conditional decision for a permission for a few seconds. A page view
 * would otherwise ask the permission backend (an HTTP round trip and a policy evaluation) on every
 * request; the cost is that a policy change takes up to `ttlMs` to reach a signed-in user.
 *
 * A decision past half its life is still answered, and a newer one asked for beside it, so a
 * caller who keeps asking (a page polling, a user paging through clusters) never waits for the
 * permission backend once it has answered; no decision is used after `ttlMs`.
 */
export class DecisionCache {
  private readonly decisions = new Map<string, CachedDecision>();

  constructor(
    private readonly permissions: PermissionsService,
    private readonly ttlMs: number,
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
    if (!cached || cached.expires <= now) {
      const decision = this.ask(credentials, permission);
      // A failed check is not remembered.
      decision.catch(() => {
        if (this.decisions.get(key)?.decision === decision) {
          this.decisions.delete(key);
        }
      });
      this.remember(key, decision, now);
      if (this.decisions.size > 10_000) this.evictExpired(now);
      return decision;
    }
    if (!cached.refreshing && cached.expires - now < this.ttlMs / 2) {
      cached.refreshing = true;
      this.ask(credentials, permission).then(
        decision => {
          if (this.decisions.get(key) === cached) {
            this.remember(key, Promise.resolve(decision), now);
          }
        },
        // The decision in hand stays until it expires; the next caller after that asks again.
        () => undefined,
      );
    }
    return cached.decision;
  }

  /** Keeps a decision for `ttlMs` from when it was asked for. */
  private remember(
    key: string,
    decision: Promise<PolicyDecision>,
    askedAt: number,
  ): void {
    this.decisions.set(key, {
      expires: askedAt + this.ttlMs,
      decision,
      refreshing: false,
    });
  }

  private async ask(
    credentials: BackstageCredentials,
    permission: ResourcePermission,
  ): Promise<PolicyDecision> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return decision;
  }

  private evictExpired(now: number): void {
    for (const [key, entry] of this.decisions) {
      if (entry.expires <= now) this.decisions.delete(key);
    }
  }
}
