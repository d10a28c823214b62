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

  it('has no jobs without tenants', () => {
    expect(
      renderScrapeConfig([], { scrapeIntervalSeconds: 15 }).scrape_configs,
    ).toEqual([]);
  });
});
