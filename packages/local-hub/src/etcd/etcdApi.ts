/**
 * The few calls of etcd's v3 API the stand-in makes, through its JSON gateway on a member's
 * loopback client port (plain HTTP, as kwokctl runs etcd).
 */

/** An answer of etcd other than 2xx. */
export class EtcdApiError extends Error {
  constructor(route: string, readonly status: number, body: string) {
    super(`etcd ${route} answered ${status}: ${body}`);
  }
}

export interface EtcdApiMember {
  /** The member's id: a uint64, as the gateway writes it (a decimal string). */
  ID: string;
  /** Empty until the member has started. */
  name?: string;
  peerURLs?: string[];
  isLearner?: boolean;
}

async function post(
  clientPort: number,
  route: string,
  body: object,
): Promise<any> {
  const response = await fetch(`http://127.0.0.1:${clientPort}${route}`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new EtcdApiError(route, response.status, text);
  return JSON.parse(text);
}

export async function memberList(clientPort: number): Promise<EtcdApiMember[]> {
  return (await post(clientPort, '/v3/cluster/member/list', {})).members ?? [];
}

/** Removes a member; its process stops by itself once it learns it. */
export async function memberRemove(
  clientPort: number,
  id: string,
): Promise<void> {
  await post(clientPort, '/v3/cluster/member/remove', { ID: id });
}

/**
 * Adds a member by its peer URL and returns the members the cluster then has. etcd refuses (503,
 * "unhealthy cluster") until every member has been connected to the others for a few seconds;
 * that refusal is waited out, up to a minute.
 */
export async function memberAdd(
  clientPort: number,
  peerURL: string,
): Promise<EtcdApiMember[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const answer = await post(clientPort, '/v3/cluster/member/add', {
        peerURLs: [peerURL],
      });
      return answer.members ?? [];
    } catch (error) {
      const unhealthy =
        error instanceof EtcdApiError &&
        error.status === 503 &&
        /unhealthy cluster/.test(error.message);
      if (!unhealthy || Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 1_000));
    }
  }
}

/** The member's view of the cluster's revision, or undefined when it does not answer. */
export async function memberRevision(
  clientPort: number,
): Promise<number | undefined> {
  try {
    const status = await post(clientPort, '/v3/maintenance/status', {});
    const revision = Number(status.header?.revision);
    return Number.isFinite(revision) ? revision : undefined;
  } catch {
    return undefined;
  }
}
