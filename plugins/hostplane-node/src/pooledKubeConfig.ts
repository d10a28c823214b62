import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

/** How long an idle connection is kept for the next request. */
const IDLE_CONNECTION_TIMEOUT_MS = 30_000;

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

/**
 * A KubeConfig whose API clients reuse their TLS connections. The client gives every request an
 * agent of its own, so each request opens a connection and does a TLS handshake with a client
 * certificate: seeding a local hub, that was a fifth of the API server's CPU and two thirds of
 * the caller's. Requests that share the same TLS settings share one keep-alive agent, and so do
 * `getRaw`'s; watches go through another path of the client and keep their own connections.
 */
export class PooledKubeConfig extends KubeConfig {
  private readonly agents = new Map<string, https.Agent>();

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const agent = context.getAgent();
    if (agent) {
      context.setAgent(this.pooledAgent(agent));
    }
  }

  /**
   * The keep-alive agent shared by requests with the TLS settings of `agent`, a fresh one that
   * the client made for a single request. Proxies keep their own agents; plain HTTP has no
   * handshake to save.
   */
  pooledAgent<Fresh>(agent: Fresh): Fresh | https.Agent {
    if (this.getCurrentCluster()?.proxyUrl || !(agent instanceof https.Agent)) {
      return agent;
    }
    const { ca, cert, key, pfx, passphrase, servername, rejectUnauthorized } =
      agent.options;
    const settings = JSON.stringify(
      [ca, cert, key, pfx, passphrase, servername, rejectUnauthorized].map(
        value => (Buffer.isBuffer(value) ? value.toString('base64') : value),
      ),
    );
    let pooled = this.agents.get(settings);
    if (!pooled) {
      pooled = new https.Agent({
        ...agent.options,
        keepAlive: true,
        // Idle connections are closed by us before the API server's own idle timeout (90 s) or a
        // load balancer's (often 60 s) can, so a request never goes out on one being closed.
        timeout: IDLE_CONNECTION_TIMEOUT_MS,
      });
      this.agents.set(settings, pooled);
    }
    return pooled;
  }
}
