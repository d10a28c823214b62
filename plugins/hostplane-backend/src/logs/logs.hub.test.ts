import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hubBinaries } from '@hostplane/local-hub';
import { parse as parseYaml } from 'yaml';
import {
  klogHeader,
  plant,
  unauthenticatedRequest,
  useLogsTestBed,
} from './__testUtils__/logsTestBed';
import { followLive } from './__testUtils__/serverSentEvents';
import { pemBegin, pemEnd } from './__fixtures__/pemArmor';

jest.setTimeout(600_000);

const ALICE = 'user:default/alice'; // in team-a
const BOB = 'user:default/bob'; // in team-b
const TEAM_A_CLUSTER = 'team-a-logs';
const TEAM_B_CLUSTER = 'team-b-logs';
/** How soon a line a tenant writes is found by search: the issue's bound. */
const SEARCH_DELAY_BOUND_MS = 10_000;

describe('control-plane logs of real tenants', () => {
  const bed = useLogsTestBed({
    name: 'logs',
    clusters: [
      { user: ALICE, name: TEAM_A_CLUSTER, owner: 'group:default/team-a' },
      { user: BOB, name: TEAM_B_CLUSTER, owner: 'group:default/team-b' },
    ],
    groups: {
      [ALICE]: ['group:default/team-a'],
      [BOB]: ['group:default/team-b'],
    },
  });
  const as = (user: string) => bed.as(user);
  const searchUntil: typeof bed.searchUntil = (...args) =>
    bed.searchUntil(...args);
  const live = (cluster: string, query: string) =>
    `${bed.baseUrl}/clusters/local/${cluster}/logs/live?${query}`;

  it("lists the control-plane pods, each etcd member's among them", async () => {
    const { status, body } = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/pods`,
    );

    expect(status).toBe(200);
    const components = new Set(
      body.items.map((i: { component: string }) => i.component),
    );
    expect([...components]).toEqual(
      expect.arrayContaining(['etcd', 'kube-apiserver']),
    );
    expect(body.items).toContainEqual(
      expect.objectContaining({ component: 'etcd', pod: 'etcd-0' }),
    );
  });

  it("shows a line the tenant's kube-apiserver writes in the live view within 2 s", async () => {
    const tenant = bed.tenants[TEAM_A_CLUSTER];
    const { body } = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/pods`,
    );
    const pod = body.items.find(
      (i: { component: string }) => i.component === 'kube-apiserver',
    ).pod;
    const followed = await followLive(
      live(TEAM_A_CLUSTER, `pod=${pod}&component=kube-apiserver&tailLines=0`),
      as(ALICE).auth,
    );
    try {
      const token = `logs-test-${Date.now()}`;
      const sentAt = Date.now();
      expect(await unauthenticatedRequest(tenant, token)).toBe(401);

      const line = await followed.waitForLine(
        l =>
          l.text.includes('Unable to authenticate the request') &&
          Date.parse(l.time!) >= sentAt - 1_000,
        2_000,
      );
      expect(line.receivedAt - sentAt).toBeLessThan(2_000);
      // The bearer token of the failed request is nowhere in what the browser got.
      expect(followed.lines.map(l => l.text).join('\n')).not.toContain(token);

      // The same line, found by search in the log store within the issue's 10 s.
      const found = await searchUntil(
        ALICE,
        TEAM_A_CLUSTER,
        {
          query: 'Unable to authenticate',
          component: 'kube-apiserver',
          start: new Date(sentAt - 5_000).toISOString(),
        },
        items => items.length > 0,
        SEARCH_DELAY_BOUND_MS,
      );
      expect(Date.now() - sentAt).toBeLessThan(SEARCH_DELAY_BOUND_MS);
      expect(found[0]).toMatchObject({
        component: 'kube-apiserver',
        pod: 'kube-apiserver',
        level: 'error',
      });
      expect(found[0].text).toContain('Unable to authenticate the request');
    } finally {
      followed.close();
    }
  });

  it('redacts secrets planted in a tenant log on the live path', async () => {
    const tenant = bed.tenants[TEAM_A_CLUSTER];
    const marker = `planted-${Date.now()}`;
    const secrets = {
      bearer: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      password: 'hunter2-planted',
      key: 'MIIEowIBAAKCAQEAplantedkeymaterial',
    };
    const followed = await followLive(
      live(TEAM_A_CLUSTER, 'pod=etcd-0&component=etcd&tailLines=0'),
      as(ALICE).auth,
    );
    try {
      plant(tenant, 'etcd', [
        `${marker} Authorization: Bearer ${secrets.bearer}`,
        `${marker} dialing https://admin:${secrets.password}@10.0.0.1:2379`,
        `${marker} ${pemBegin('RSA')}`,
        secrets.key,
        `${pemEnd('RSA')} ${marker} end`,
      ]);
      await followed.waitForLine(l => l.text.includes(`${marker} end`), 5_000);

      const text = followed.lines.map(l => l.text).join('\n');
      for (const secret of Object.values(secrets)) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain(`${marker} Authorization: Bearer [REDACTED]`);
      expect(text).toContain(`${marker} dialing https://admin:[REDACTED]@`);
    } finally {
      followed.close();
    }

    // Search: the planted lines are found, and come back redacted.
    const found = await searchUntil(
      ALICE,
      TEAM_A_CLUSTER,
      { query: marker, component: 'etcd' },
      items => items.length >= 4,
      SEARCH_DELAY_BOUND_MS,
    );
    const searched = JSON.stringify(found);
    for (const secret of Object.values(secrets)) {
      expect(searched).not.toContain(secret);
    }
    expect(found.map(l => l.text)).toContainEqual(
      `${marker} Authorization: Bearer [REDACTED]`,
    );
    expect(searched).not.toContain(`PRIVATE KEY${'-'.repeat(5)}\\n`);
  });

  it("refuses another team's live log and pods, whatever the query", async () => {
    for (const url of [
      `/clusters/local/${TEAM_A_CLUSTER}/logs/pods`,
      `/clusters/local/${TEAM_A_CLUSTER}/logs/live?pod=etcd-0&component=etcd&follow=false`,
    ]) {
      const { status } = await as(BOB).get(url);
      expect({ url, status }).toEqual({ url, status: 403 });
    }
    // A pod name is a name, not a path into another namespace.
    const crafted = await as(BOB).get(
      `/clusters/local/${TEAM_B_CLUSTER}/logs/live?pod=${encodeURIComponent(
        `../../${TEAM_A_CLUSTER}/pods/etcd-0`,
      )}&component=etcd&follow=false`,
    );
    expect(crafted.status).toBe(400);
  });

  it('answers a log that is not there with 404, and a finished log with an end event', async () => {
    const missing = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/live?pod=no-such-pod&component=etcd`,
    );
    expect(missing.status).toBe(404);

    const followed = await followLive(
      live(
        TEAM_A_CLUSTER,
        'pod=etcd-0&component=etcd&tailLines=5&follow=false',
      ),
      as(ALICE).auth,
    );
    await waitForEvents(followed.events, 1);
    expect(followed.events).toEqual([{ event: 'end', data: {} }]);
    expect(followed.lines.length).toBeGreaterThan(0);
    expect(followed.lines.length).toBeLessThanOrEqual(5);
  });

  it("never shows team A's lines to team B, whatever the query", async () => {
    const marker = `isolation-${Date.now()}`;
    plant(bed.tenants[TEAM_A_CLUSTER], 'kube-apiserver', [
      `${klogHeader('E')} 1 test.go:1] ${marker} team-a secret business`,
    ]);
    plant(bed.tenants[TEAM_B_CLUSTER], 'kube-apiserver', [
      `${klogHeader('I')} 1 test.go:1] ${marker} team-b own line`,
    ]);
    // Both are stored: each team finds its own.
    await searchUntil(
      ALICE,
      TEAM_A_CLUSTER,
      { query: marker },
      items => items.length === 1,
      SEARCH_DELAY_BOUND_MS,
    );
    await searchUntil(
      BOB,
      TEAM_B_CLUSTER,
      { query: marker },
      items => items.length === 1,
      SEARCH_DELAY_BOUND_MS,
    );

    const crafted: Array<Record<string, string>> = [
      { mode: 'logsql', query: `cluster:=${TEAM_A_CLUSTER}` },
      { mode: 'logsql', query: `{cluster="${TEAM_A_CLUSTER}"}` },
      { mode: 'logsql', query: `_stream:{cluster=~".*"} ${marker}` },
      { mode: 'logsql', query: `* or cluster:=${TEAM_A_CLUSTER}` },
      {
        mode: 'logsql',
        query: `${marker} | union (cluster:=${TEAM_A_CLUSTER})`,
      },
      { mode: 'logsql', query: `"${marker}" or (cluster:*)` },
      { mode: 'logsql', query: `_msg:~"team-a"` },
      { mode: 'text', query: `${marker}") or (cluster:=${TEAM_A_CLUSTER}` },
      { mode: 'text', query: 'team-a secret business' },
    ];
    for (const query of crafted) {
      const response = await as(BOB).get(
        `/clusters/local/${TEAM_B_CLUSTER}/logs/search?${new URLSearchParams({
          ...query,
          start: new Date(Date.now() - 3600_000).toISOString(),
        })}`,
      );
      // A query the store refuses is a 400; any answer holds team B's lines only.
      expect({ query, status: [200, 400].includes(response.status) }).toEqual({
        query,
        status: true,
      });
      expect({ query, leaked: response.text.includes('team-a') }).toEqual({
        query,
        leaked: false,
      });
      for (const line of response.body.items ?? []) {
        expect(line.text).not.toContain('team-a secret');
      }
    }
    // Team A's cluster itself is not Bob's to search, nor its audit or events.
    for (const what of ['search', 'hits', 'audit', 'events', 'store']) {
      const { status } = await as(BOB).get(
        `/clusters/local/${TEAM_A_CLUSTER}/logs/${what}`,
      );
      expect({ what, status }).toEqual({ what, status: 403 });
    }
  });

  it('counts matching lines over time (hits) and bounds a search', async () => {
    const { status, body } = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/hits?component=kube-apiserver`,
    );
    expect(status).toBe(200);
    expect(body.step).toBe('1m');
    expect(body.total).toBeGreaterThan(0);
    expect(body.total).toBe(
      body.buckets.reduce(
        (sum: number, b: { count: number }) => sum + b.count,
        0,
      ),
    );

    const tooWide = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/search?start=2026-01-01T00:00:00Z&end=2026-03-01T00:00:00Z`,
    );
    expect(tooWide.status).toBe(400);
    expect(tooWide.body.error.message).toMatch(
      /a search covers at most 7 days: narrow it/,
    );
    const limited = await as(ALICE).get(
      `/clusters/local/${TEAM_A_CLUSTER}/logs/search?limit=3`,
    );
    expect(limited.body).toMatchObject({ limit: 3, limited: true });
    expect(limited.body.items).toHaveLength(3);
  });

  it("lists a kubectl session's audit events under the issued kubeconfig's user", async () => {
    const issued = await as(ALICE).post(
      `/clusters/local/${TEAM_A_CLUSTER}/kubeconfig`,
      { ttlHours: 1 },
    );
    expect(issued.status).toBe(200);
    const kubeconfigPath = path.join(bed.context.workdir, 'alice.kubeconfig');
    fs.writeFileSync(kubeconfigPath, issued.body.kubeconfig, { mode: 0o600 });
    const kubeconfig = parseYaml(issued.body.kubeconfig);
    const certificate = new X509Certificate(
      Buffer.from(
        kubeconfig.users[0].user['client-certificate-data'],
        'base64',
      ),
    );
    const user = /CN=([^\n]+)/.exec(certificate.subject)![1];
    const startedAt = new Date(Date.now() - 1_000).toISOString();
    await new Promise<void>((resolve, reject) =>
      execFile(
        hubBinaries().kubectl,
        ['--kubeconfig', kubeconfigPath, 'get', 'pods', '-n', 'kube-system'],
        error => (error ? reject(error) : resolve()),
      ),
    );

    const deadline = Date.now() + SEARCH_DELAY_BOUND_MS;
    let events: Array<Record<string, unknown>> = [];
    while (Date.now() < deadline) {
      const response = await as(ALICE).get(
        `/clusters/local/${TEAM_A_CLUSTER}/logs/audit?${new URLSearchParams({
          user,
          verb: 'list',
          resource: 'pods',
          start: startedAt,
        })}`,
      );
      expect(response.status).toBe(200);
      events = response.body.items;
      if (events.length > 0) break;
      await new Promise(resolve => setTimeout(resolve, 300));
    }
    expect(events[0]).toMatchObject({
      user,
      verb: 'list',
      resource: 'pods',
      namespace: 'kube-system',
      code: 200,
    });
    expect(events[0].groups).toEqual(
      expect.arrayContaining(['group:default/team-a']),
    );
  });

  it('says when the log store is down, keeps the live path, and has the lines written meanwhile once it is back', async () => {
    const storeUrl = `/clusters/local/${TEAM_A_CLUSTER}/logs/store`;
    expect((await as(ALICE).get(storeUrl)).body).toMatchObject({
      configured: true,
      reachable: true,
    });
    await bed.logStore.stopStore();
    try {
      const down = await as(ALICE).get(storeUrl);
      expect(down.body).toMatchObject({ configured: true, reachable: false });
      expect(down.body.reason).toMatch(/does not answer/);
      const search = await as(ALICE).get(
        `/clusters/local/${TEAM_A_CLUSTER}/logs/search`,
      );
      expect(search.status).toBe(503);

      const marker = `while-down-${Date.now()}`;
      const followed = await followLive(
        live(TEAM_A_CLUSTER, 'pod=etcd-0&component=etcd&tailLines=0'),
        as(ALICE).auth,
      );
      try {
        plant(bed.tenants[TEAM_A_CLUSTER], 'etcd', [
          `${marker} written while down`,
        ]);
        await followed.waitForLine(l => l.text.includes(marker), 5_000);
      } finally {
        followed.close();
      }
      // Long enough for the collector to have read the line and failed to send it.
      await new Promise(resolve => setTimeout(resolve, 3_000));
      await bed.logStore.startStore();
      await searchUntil(
        ALICE,
        TEAM_A_CLUSTER,
        { query: marker },
        items => items.length === 1,
        SEARCH_DELAY_BOUND_MS,
      );
    } finally {
      // Whatever failed above, the store runs again for what follows.
      if (!(await as(ALICE).get(storeUrl)).body.reachable) {
        await bed.logStore.startStore();
      }
    }
  });
});

async function waitForEvents(events: unknown[], count: number) {
  const deadline = Date.now() + 10_000;
  while (events.length < count && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
