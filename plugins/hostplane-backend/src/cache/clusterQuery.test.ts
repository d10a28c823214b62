import { listClustersQuerySchema } from '@hostplane/plugin-hostplane-common';
import { clusterStatus as cluster } from '../__testUtils__/clusterStatus';
import { ClusterIndex } from './clusterQuery';

const clusters = [
  cluster('payments-prod', 'team-a', 'Ready', 'v1.37.2'),
  cluster('payments-staging', 'team-a', 'Updating', 'v1.9.0'),
  cluster('search-prod', 'team-b', 'Degraded', 'v1.10.1'),
  cluster('ads', 'team-c', 'Ready', 'v1.36.4'),
  // A namesake of team-a in another catalog namespace: a name matches both, a full ref one.
  {
    ...cluster('ledger', 'team-a', 'Ready', 'v1.37.2'),
    owner: 'group:finance/team-a',
  },
];

const query = (q: object) =>
  new ClusterIndex(() => [...clusters]).query(
    listClustersQuerySchema.parse(q),
    () => true,
  );
const names = (q: object) => query(q).items.map(c => c.name);

describe('ClusterIndex', () => {
  it.each([
    [{}, ['ads', 'ledger', 'payments-prod', 'payments-staging', 'search-prod']],
    [
      { order: 'desc' },
      ['search-prod', 'payments-staging', 'payments-prod', 'ledger', 'ads'],
    ],
    [{ owner: 'team-a' }, ['ledger', 'payments-prod', 'payments-staging']],
    [{ owner: 'group:default/team-a' }, ['payments-prod', 'payments-staging']],
    [{ owner: 'group:finance/team-a' }, ['ledger']],
    [{ owner: 'group:default/team-b' }, ['search-prod']],
    [{ owner: 'team-z' }, []],
    [{ phase: 'Ready' }, ['ads', 'ledger', 'payments-prod']],
    [{ version: 'v1.37' }, ['ledger', 'payments-prod']],
    [{ text: 'prod' }, ['payments-prod', 'search-prod']],
    // ads and ledger by their env label
    [{ text: 'staging' }, ['ads', 'ledger', 'payments-staging']],
    [
      { sort: 'version' },
      ['payments-staging', 'search-prod', 'ads', 'ledger', 'payments-prod'],
    ],
    [
      { sort: 'owner', order: 'desc' },
      ['ledger', 'ads', 'search-prod', 'payments-staging', 'payments-prod'],
    ],
    [{ offset: 1, limit: 2 }, ['ledger', 'payments-prod']],
  ])('%j', (q, expected) => {
    expect(names(q)).toEqual(expected);
  });

  it('counts all matches and phases apart from the phase filter', () => {
    expect(query({ owner: 'team-a', phase: 'Ready', limit: 1 })).toMatchObject({
      totalCount: 2,
      phaseCounts: { Ready: 2, Updating: 1 },
    });
  });

  it('leaves out what the caller may not see, in the counts too', () => {
    const index = new ClusterIndex(() => [...clusters]);
    const result = index.query(listClustersQuerySchema.parse({}), c =>
      c.owner.endsWith('team-b'),
    );
    expect(result).toMatchObject({
      totalCount: 1,
      phaseCounts: { Degraded: 1 },
    });
  });

  it('sorts again after a change', () => {
    const all = [...clusters];
    const index = new ClusterIndex(() => [...all]);
    const list = () =>
      index
        .query(listClustersQuerySchema.parse({}), () => true)
        .items.map(c => c.name);
    expect(list()[0]).toBe('ads');
    all.push(cluster('aaa', 'team-d', 'Pending', 'v1.37.2'));
    expect(list()[0]).toBe('ads');
    index.invalidate();
    expect(list()[0]).toBe('aaa');
  });
});
