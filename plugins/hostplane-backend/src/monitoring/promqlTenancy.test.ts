import { parser } from '@prometheus-io/lezer-promql';
import { UnenforceableQueryError, enforceMatchers } from './promqlTenancy';

const TENANT = { hostplane_hub: 'local', hostplane_cluster: 'shop' };
const enforced = 'hostplane_hub="local", hostplane_cluster="shop"';

/** Every selector's text in a query, from the same grammar. */
function selectors(query: string): string[] {
  const found: string[] = [];
  parser.parse(query).iterate({
    enter: node => {
      if (node.name === 'VectorSelector') {
        found.push(query.slice(node.from, node.to));
        return false;
      }
      return undefined;
    },
  });
  return found;
}

describe('enforceMatchers', () => {
  it.each([
    ['up', `up{${enforced}}`],
    ['up{}', `up{${enforced}}`],
    ['up{job="etcd"}', `up{job="etcd", ${enforced}}`],
    ['up{job="etcd",}', `up{job="etcd", ${enforced}}`],
    ['{__name__=~".+"}', `{__name__=~".+", ${enforced}}`],
    [
      'rate(apiserver_request_total[5m])',
      `rate(apiserver_request_total{${enforced}}[5m])`,
    ],
    [
      'sum by (code) (rate(a{code=~"5.."}[5m])) / sum(rate(a[5m]))',
      `sum by (code) (rate(a{code=~"5..", ${enforced}}[5m])) / sum(rate(a{${enforced}}[5m]))`,
    ],
    [
      'up or {__name__="up"}',
      `up{${enforced}} or {__name__="up", ${enforced}}`,
    ],
    [
      'max_over_time(rate(up[1m])[1h:5m])',
      `max_over_time(rate(up{${enforced}}[1m])[1h:5m])`,
    ],
    ['up offset 5m', `up{${enforced}} offset 5m`],
    ['up @ start()', `up{${enforced}} @ start()`],
    ['vector(1)', 'vector(1)'],
    [
      'label_replace(up, "hostplane_cluster", "other", "", "")',
      `label_replace(up{${enforced}}, "hostplane_cluster", "other", "", "")`,
    ],
  ])('%s', (query, expected) => {
    expect(enforceMatchers(query, TENANT)).toBe(expected);
  });

  it("ANDs a query's own tenant matcher with the enforced one, so it can only narrow", () => {
    expect(enforceMatchers('up{hostplane_cluster="billing"}', TENANT)).toBe(
      `up{hostplane_cluster="billing", ${enforced}}`,
    );
    expect(enforceMatchers('up{hostplane_cluster=~".*"}', TENANT)).toBe(
      `up{hostplane_cluster=~".*", ${enforced}}`,
    );
  });

  it('quotes the enforced values, whatever they hold', () => {
    expect(enforceMatchers('up', { hostplane_cluster: 'a"} or {x="' })).toBe(
      'up{hostplane_cluster="a\\"} or {x=\\""}',
    );
  });

  it('leaves no selector of a rewritten query without the tenant matchers', () => {
    const queries = [
      'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > on() group_left up',
      '(sum(rate(a{code=~"5.."}[2m])) or vector(0)) / sum(rate(a[2m]))',
      'topk(3, sum by (instance) ({job!=""}))',
      'count({__name__=~".+"}) + absent(nothing) unless {x="y"}[5m:] ',
    ];
    for (const query of queries) {
      const rewritten = enforceMatchers(query, TENANT);
      const found = selectors(rewritten);
      expect(found.length).toBeGreaterThan(0);
      for (const selector of found) expect(selector).toContain(enforced);
    }
  });

  it.each([
    ['up{', 'does not parse'],
    ['sum(', 'does not parse'],
    ['up}', 'does not parse'],
    ['info(up)', 'selects series by itself'],
  ])('refuses %s', (query, reason) => {
    expect(() => enforceMatchers(query, TENANT)).toThrow(
      UnenforceableQueryError,
    );
    expect(() => enforceMatchers(query, TENANT)).toThrow(reason);
  });
});
