import {
  ClusterStatus,
  logSearchQuerySchema,
  logTenantOf,
} from '@hostplane/plugin-hostplane-common';
import {
  SearchLimits,
  auditRequest,
  clusterStreamFilter,
  histogramStep,
  levelFilter,
  quoteLogsql,
  searchRange,
  searchRequest,
} from './logsQuery';

const cluster = {
  hub: 'local',
  namespace: 'clusters',
  name: 'team-a-app',
} as ClusterStatus;
const limits: SearchLimits = {
  maxRangeMs: 7 * 24 * 3600_000,
  maxLines: 1000,
  queryTimeoutMs: 20_000,
};
const now = new Date('2026-12-08T12:00:00Z');
const search = (query: Record<string, string>) =>
  searchRequest(cluster, logSearchQuerySchema.parse(query), limits, now);
const param = (request: { params: Array<[string, string]> }, name: string) =>
  request.params.filter(([key]) => key === name).map(([, value]) => value);

describe('quoteLogsql', () => {
  it.each([
    ['plain', '"plain"'],
    ['a "quoted" word', '"a \\"quoted\\" word"'],
    ['back\\slash"', '"back\\\\slash\\""'],
    ['two\nlines', '"two\\nlines"'],
  ])('quotes %j so that it stays one string', (value, quoted) => {
    expect(quoteLogsql(value)).toBe(quoted);
  });
});

describe('searchRequest', () => {
  it("holds every search to the cluster's tenant and streams, apart from the query text", () => {
    const request = search({ query: 'cluster:=team-b-app', mode: 'logsql' });
    const tenant = logTenantOf(cluster);

    expect(request.headers).toEqual({
      AccountID: String(tenant.accountId),
      ProjectID: String(tenant.projectId),
    });
    expect(param(request, 'extra_stream_filters')).toEqual([
      '{hub="local",namespace="clusters",cluster="team-a-app"}',
    ]);
    expect(param(request, 'query')).toEqual(['cluster:=team-b-app']);
    expect(param(request, 'ignore_pipes')).toEqual(['1']);
    expect(param(request, 'extra_filters')).toEqual(['component:!="audit"']);
  });

  it('quotes text-mode words, so that no text is read as LogsQL', () => {
    const request = search({ query: 'error ") or (*' });

    expect(param(request, 'query')).toEqual(['"error" "\\")" "or" "(*"']);
  });

  it('adds component, pod and level filters where the text cannot undo them', () => {
    const request = search({
      component: 'etcd',
      pod: 'etcd-1',
      level: 'warning',
    });

    expect(param(request, 'query')).toEqual(['*']);
    expect(param(request, 'extra_filters')).toEqual([
      `component:="etcd" pod:="etcd-1" ${levelFilter('warning')}`,
    ]);
  });

  it('covers the last hour by default, and the line limit is capped', () => {
    const request = search({ limit: '50000' });

    expect(param(request, 'start')).toEqual(['2026-12-08T11:00:00.000Z']);
    expect(param(request, 'end')).toEqual(['2026-12-08T12:00:00.000Z']);
    expect(request.limit).toBe(1000);
    expect(param(request, 'timeout')).toEqual(['20s']);
  });

  it('refuses the audit component (searched apart)', () => {
    expect(() => search({ component: 'audit' })).toThrow(/logs\/audit/);
  });
});

describe('levelFilter', () => {
  it('matches the level and those more severe, in klog and JSON lines', () => {
    expect(levelFilter('error')).toBe(
      '(_msg:~"^[FE][0-9]{4} " or level:in("fatal","panic","dpanic","critical","error","err"))',
    );
    expect(levelFilter('fatal')).toBe(
      '(_msg:~"^[F][0-9]{4} " or level:in("fatal","panic","dpanic","critical"))',
    );
  });
});

describe('clusterStreamFilter', () => {
  it('quotes each value', () => {
    expect(clusterStreamFilter({ ...cluster, name: 'x",cluster=~".*' })).toBe(
      '{hub="local",namespace="clusters",cluster="x\\",cluster=~\\".*"}',
    );
  });
});

describe('searchRange', () => {
  it('refuses a range beyond the cap with how far it may go', () => {
    expect(() =>
      searchRange(
        { start: '2026-11-01T00:00:00Z', end: '2026-12-08T00:00:00Z' },
        limits,
        now,
      ),
    ).toThrow(
      'The time range is 37 days; a search covers at most 7 days: narrow it',
    );
  });

  it('refuses a start after the end', () => {
    expect(() =>
      searchRange(
        { start: '2026-12-08T11:00:00Z', end: '2026-12-08T10:00:00Z' },
        limits,
        now,
      ),
    ).toThrow('start must be before end');
  });
});

describe('auditRequest', () => {
  it('filters audit events by exact fields', () => {
    const request = auditRequest(
      cluster,
      {
        user: 'user:default/alice',
        verb: 'list',
        resource: 'pods',
        namespace: 'default',
        code: 200,
      },
      limits,
      now,
    );

    expect(param(request, 'extra_filters')).toEqual([
      'component:="audit" stage:=ResponseComplete user.username:="user:default/alice" verb:="list" objectRef.resource:="pods" objectRef.namespace:="default" responseStatus.code:="200"',
    ]);
    expect(param(request, 'extra_stream_filters')).toHaveLength(1);
  });
});

describe('histogramStep', () => {
  it('gives about 60 buckets in round units', () => {
    expect(histogramStep(15 * 60_000)).toBe('30s');
    expect(histogramStep(3600_000)).toBe('1m');
    expect(histogramStep(24 * 3600_000)).toBe('30m');
    expect(histogramStep(7 * 24 * 3600_000)).toBe('3h');
  });
});
