import { ScrapedTenant, renderScrapeConfig } from './scrapeConfig';

const tenant = (cluster: string, port: number): ScrapedTenant => ({
  hub: 'local',
  cluster,
  owner: 'group:default/team-a',
  kubeApiserver: {
    address: `127.0.0.1:${port}`,
    caFile: `/t/${cluster}/pki/ca.crt`,
    certFile: `/t/${cluster}/pki/admin.crt`,
    keyFile: `/t/${cluster}/pki/admin.key`,
  },
  etcd: [`127.0.0.1:${port + 1}`, `127.0.0.1:${port + 2}`],
  kubeControllerManager: `127.0.0.1:${port + 3}`,
  kubeScheduler: `127.0.0.1:${port + 4}`,
});

describe('renderScrapeConfig', () => {
  it('scrapes each component of each tenant with the tenant labels on its targets', () => {
    const config = renderScrapeConfig(
      [tenant('shop', 20000), tenant('billing', 30000)],
      { scrapeIntervalSeconds: 5 },
    );
    expect(config.global).toEqual({
      scrape_interval: '5s',
      scrape_timeout: '4s',
    });
    expect(config.scrape_configs.map(j => j.job_name)).toEqual([
      'local/billing/kube-apiserver',
      'local/billing/etcd',
      'local/billing/kube-controller-manager',
      'local/billing/kube-scheduler',
      'local/shop/kube-apiserver',
      'local/shop/etcd',
      'local/shop/kube-controller-manager',
      'local/shop/kube-scheduler',
    ]);
    const shopApi = config.scrape_configs[4];
    expect(shopApi).toEqual({
      job_name: 'local/shop/kube-apiserver',
      scheme: 'https',
      tls_config: {
        ca_file: '/t/shop/pki/ca.crt',
        cert_file: '/t/shop/pki/admin.crt',
        key_file: '/t/shop/pki/admin.key',
      },
      static_configs: [
        {
          targets: ['127.0.0.1:20000'],
          labels: {
            job: 'kube-apiserver',
            hostplane_hub: 'local',
            hostplane_cluster: 'shop',
            hostplane_owner: 'group:default/team-a',
          },
        },
      ],
    });
    expect(config.scrape_configs[5]).toMatchObject({
      scheme: 'http',
      static_configs: [{ targets: ['127.0.0.1:20001', '127.0.0.1:20002'] }],
    });
    // Nothing lets a scraped series set its own tenant labels.
    expect(config.scrape_configs.some(j => 'honor_labels' in j)).toBe(false);
  });

  it("scrapes a tenant's machines on the hub nodes they run on, keeping only theirs, named after the tenant nodes and their pools", () => {
    const config = renderScrapeConfig(
      [
        {
          ...tenant('shop', 20000),
          machines: {
            kwokController: '127.0.0.1:40000',
            namespace: 'tenants-team-a-shop',
            list: [
              { name: 'workers-1', pool: 'workers', hubNode: 'hub-node-2' },
              { name: 'workers-0', pool: 'workers', hubNode: 'hub-node-0' },
              { name: 'gpu.x-0', pool: 'gpu.x', hubNode: 'hub-node-0' },
            ],
          },
        },
        { ...tenant('billing', 30000), machines: undefined },
      ],
      { scrapeIntervalSeconds: 5 },
    );
    const jobs = config.scrape_configs.map(j => j.job_name);
    expect(jobs).toContain('local/shop/node-resources');
    expect(jobs).not.toContain('local/billing/node-resources');
    const job = config.scrape_configs.find(
      j => j.job_name === 'local/shop/node-resources',
    )!;
    expect(job.static_configs).toEqual(
      ['hub-node-0', 'hub-node-2'].map(hubNode => ({
        targets: ['127.0.0.1:40000'],
        labels: {
          job: 'node-resources',
          hostplane_hub: 'local',
          hostplane_cluster: 'shop',
          hostplane_owner: 'group:default/team-a',
          instance: hubNode,
          __metrics_path__: `/metrics/nodes/${hubNode}/metrics/resource`,
        },
      })),
    );
    const relabel = job.metric_relabel_configs as Array<Record<string, any>>;
    expect(relabel[0]).toEqual({
      source_labels: ['namespace'],
      regex: 'tenants-team-a-shop',
      action: 'keep',
    });
    // The pool's name is matched literally: a dot is no wildcard.
    expect(relabel).toContainEqual({
      source_labels: ['pod'],
      regex: 'virt-launcher-gpu\\.x-0',
      target_label: 'node_pool',
      replacement: 'gpu.x',
    });
    expect(relabel).toContainEqual({
      source_labels: ['pod'],
      regex: 'virt-launcher-workers-1',
      target_label: 'node',
      replacement: 'workers-1',
    });
    expect(relabel.slice(-2)).toEqual([
      { source_labels: ['node_pool'], regex: '.+', action: 'keep' },
      { regex: 'namespace|pod', action: 'labeldrop' },
    ]);
  });

  it('scrapes no machines of a tenant that has none running', () => {
    const config = renderScrapeConfig(
      [
        {
          ...tenant('shop', 20000),
          machines: {
            kwokController: '127.0.0.1:40000',
            namespace: 'tenants-team-a-shop',
            list: [],
          },
        },
      ],
      { scrapeIntervalSeconds: 5 },
    );
    expect(config.scrape_configs).toHaveLength(4);
  });

  it('has no jobs without tenants', () => {
    expect(
      renderScrapeConfig([], { scrapeIntervalSeconds: 15 }).scrape_configs,
    ).toEqual([]);
  });
});
