import {
  createContext,
  useCallback,
  useContext,
  useRef,
  useState,
} from 'react';
import {
  Content,
  ContentHeader,
  ResponseErrorPanel,
  SupportButton,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  CLUSTER_PHASES,
  CLUSTER_SORT_FIELDS,
  ClusterPhase,
  ClusterSortField,
  ClusterSummary,
  ListClustersResponse,
  clusterEntityRef,
} from '@hostplane/plugin-hostplane-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { useSearchParams } from 'react-router-dom';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { AlertBadges } from './AlertBadges';
import { PhaseStatus } from './PhaseChip';
import { AlertSummaries, useAlertSummaries } from './useAlertSummaries';

const PAGE_SIZE = 50;

/**
 * The page's one alert summary, read by each row's cell: the columns stay the same object when it
 * changes, so a new summary redraws the badges without the table asking for its page again.
 */
const AlertSummariesContext = createContext<AlertSummaries | undefined>(
  undefined,
);

function AlertsCell({ cluster }: { cluster: ClusterSummary }) {
  const summaries = useContext(AlertSummariesContext);
  return <AlertBadges summary={summaries?.of(cluster.hub, cluster.name)} />;
}

const columns: TableColumn<ClusterSummary>[] = [
  {
    title: 'Cluster',
    field: 'name',
    highlight: true,
    render: cluster => (
      <EntityRefLink entityRef={clusterEntityRef(cluster.hub, cluster.name)}>
        {cluster.name}
      </EntityRefLink>
    ),
  },
  {
    title: 'Alerts',
    sorting: false,
    render: cluster => <AlertsCell cluster={cluster} />,
  },
  { title: 'Owner', field: 'owner' },
  {
    title: 'Phase',
    field: 'phase',
    render: cluster => (
      <Tooltip
        title={[cluster.reason, cluster.message].filter(Boolean).join(': ')}
      >
        <span>
          <PhaseStatus phase={cluster.phase} />
        </span>
      </Tooltip>
    ),
  },
  {
    title: 'Version',
    field: 'version',
    render: cluster =>
      cluster.desiredVersion
        ? `${cluster.version ?? '—'} → ${cluster.desiredVersion}`
        : cluster.version ?? '—',
  },
  {
    title: 'Nodes',
    sorting: false,
    render: cluster =>
      cluster.nodePools.reduce((sum, pool) => sum + pool.currentReplicas, 0),
  },
  { title: 'Hub', field: 'hub' },
  { title: 'Created', field: 'createdAt', type: 'datetime' },
];

const isSortField = (field: unknown): field is ClusterSortField =>
  CLUSTER_SORT_FIELDS.includes(field as ClusterSortField);

const isPhase = (phase: unknown): phase is ClusterPhase =>
  CLUSTER_PHASES.includes(phase as ClusterPhase);

/**
 * Every tenant cluster the user may see. Paging, filtering and sorting are the server's: a page
 * asks for 50 clusters however many there are. The filters live in the address (`?phase=`,
 * `?owner=`, `?q=`), so a filtered view can be shared and a cluster's catalog entity links here.
 */
export function ClustersPage() {
  const api = useApi(hostplaneApiRef);
  const tableRef = useRef<any>();
  const [searchParams, setSearchParams] = useSearchParams();
  const [phase, setPhase] = useState<ClusterPhase | undefined>(() => {
    const initial = searchParams.get('phase');
    return isPhase(initial) ? initial : undefined;
  });
  const [owner, setOwner] = useState(() => searchParams.get('owner') ?? '');
  const [initialText] = useState(() => searchParams.get('q') ?? '');
  const remember = useCallback(
    (name: 'phase' | 'owner' | 'q', value: string | undefined) =>
      setSearchParams(
        current => {
          const next = new URLSearchParams(current);
          if (value) next.set(name, value);
          else next.delete(name);
          return next;
        },
        { replace: true },
      ),
    [setSearchParams],
  );
  const [error, setError] = useState<Error | undefined>();
  const [counts, setCounts] = useState<ListClustersResponse['phaseCounts']>({});
  const alertSummaries = useAlertSummaries();

  // A new filter starts again at the first page.
  const refresh = useCallback(
    () => tableRef.current?.onQueryChange({ page: 0 }),
    [],
  );

  return (
    <Content>
      <ContentHeader title="Clusters">
        <SupportButton>
          Tenant clusters: hosted control planes on the hubs, with KubeVirt
          virtual machines as workers.
        </SupportButton>
      </ContentHeader>
      {error && <ResponseErrorPanel error={error} />}
      {alertSummaries.error && (
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Alert badges are not shown: {alertSummaries.error.message}
        </Typography>
      )}
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        mb={2}
        style={{ gap: 8 }}
      >
        {CLUSTER_PHASES.map(candidate => (
          <Chip
            key={candidate}
            label={`${candidate} ${counts[candidate] ?? 0}`}
            color={phase === candidate ? 'primary' : 'default'}
            onClick={() => {
              const next = phase === candidate ? undefined : candidate;
              setPhase(next);
              remember('phase', next);
              setTimeout(refresh);
            }}
            aria-pressed={phase === candidate}
          />
        ))}
        <TextField
          label="Owner"
          size="small"
          variant="outlined"
          value={owner}
          onChange={event => {
            setOwner(event.target.value);
            remember('owner', event.target.value);
            setTimeout(refresh);
          }}
        />
      </Box>
      <AlertSummariesContext.Provider value={alertSummaries}>
        <Table<ClusterSummary>
          tableRef={tableRef}
          title="Clusters"
          columns={columns}
          options={{
            pageSize: PAGE_SIZE,
            pageSizeOptions: [20, 50, 100],
            padding: 'dense',
            search: true,
            searchText: initialText,
            debounceInterval: 300,
            emptyRowsWhenPaging: false,
          }}
          onSearchChange={text => remember('q', text)}
          data={async query => {
            const field = query.orderBy?.field;
            try {
              const page = await api.listClusters({
                offset: query.page * query.pageSize,
                limit: query.pageSize,
                ...(query.search ? { text: query.search } : {}),
                ...(phase ? { phase } : {}),
                ...(owner ? { owner } : {}),
                ...(isSortField(field)
                  ? {
                      sort: field,
                      order: query.orderDirection === 'desc' ? 'desc' : 'asc',
                    }
                  : {}),
              });
              setError(undefined);
              setCounts(page.phaseCounts);
              return {
                data: page.items,
                page: query.page,
                totalCount: page.totalCount,
              };
            } catch (e) {
              setError(e as Error);
              return { data: [], page: 0, totalCount: 0 };
            }
          }}
        />
      </AlertSummariesContext.Provider>
    </Content>
  );
}
