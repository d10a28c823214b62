import { useState } from 'react';
import { LogViewer, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import {
  LogLevel,
  LogSearchRequest,
  LogStoreStatus,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { downloadFile } from '../access/downloadFile';
import { useClusterView } from '../common/ClusterViewContext';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { HitsChart } from './HitsChart';
import {
  FilterBar,
  LevelSelect,
  LogStoreUnavailable,
  OptionSelect,
  TimeRangeSelect,
  rangeEndingNow,
} from './LogFilters';
import { linesText } from './logLines';

const COMPONENTS = [
  'kube-apiserver',
  'etcd',
  'kube-controller-manager',
  'kube-scheduler',
];

/** Search the log store: time range, component, level, text or LogsQL; hits and lines. */
export function SearchView({ store }: { store: LogStoreStatus }) {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const [range, setRange] = useState('1h');
  const [component, setComponent] = useState('');
  const [level, setLevel] = useState<LogLevel | ''>('');
  const [mode, setMode] = useState<'text' | 'logsql'>('text');
  const [query, setQuery] = useState('');
  const [wrap] = useState(true);

  const [result, run] = useAsyncFn(async () => {
    const request: LogSearchRequest = {
      ...rangeEndingNow(range),
      mode,
      ...(query ? { query } : {}),
      ...(component ? { component } : {}),
      ...(level ? { level } : {}),
    };
    const [lines, hits] = await Promise.all([
      api.searchLogs(clusterRef.hub, clusterRef.name, request),
      api.getLogHits(clusterRef.hub, clusterRef.name, request),
    ]);
    return { lines, hits };
  }, [
    api,
    clusterRef.hub,
    clusterRef.name,
    range,
    component,
    level,
    mode,
    query,
  ]);

  if (!store.configured || !store.reachable) {
    return <LogStoreUnavailable store={store} />;
  }
  const text = result.value
    ? linesText(
        // Oldest first, as a log reads.
        [...result.value.lines.items].reverse().map(line => ({
          time: line.time,
          text: line.text,
          source: line.pod,
        })),
      )
    : '';

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <FilterBar
        submitLabel="Search"
        onSubmit={run}
        actions={
          result.value && (
            <Button
              variant="outlined"
              onClick={() =>
                downloadFile(
                  `${clusterRef.name}-search.log`,
                  text,
                  'text/plain',
                )
              }
            >
              Download
            </Button>
          )
        }
      >
        <TimeRangeSelect
          id="search-range"
          value={range}
          onChange={setRange}
          store={store}
        />
        <OptionSelect
          id="search-component"
          label="Component"
          value={component}
          options={[
            { value: '', label: 'All components' },
            ...COMPONENTS.map(c => ({ value: c, label: c })),
          ]}
          onChange={setComponent}
        />
        <LevelSelect value={level} onChange={setLevel} />
        <OptionSelect
          id="search-mode"
          label="Search"
          value={mode}
          options={[
            { value: 'text', label: 'Words' },
            { value: 'logsql', label: 'LogsQL' },
          ]}
          onChange={value => setMode(value as 'text' | 'logsql')}
        />
        <TextField
          id="search-query"
          label={mode === 'text' ? 'Words to find' : 'LogsQL filter'}
          value={query}
          onChange={event => setQuery(event.target.value)}
          style={{ minWidth: 320 }}
        />
      </FilterBar>
      {result.loading && <Progress />}
      {result.error && <ServerErrorPanel error={result.error} />}
      {result.value && (
        <>
          <HitsChart hits={result.value.hits} />
          <Typography variant="body2" color="textSecondary">
            {result.value.lines.items.length === 0
              ? 'No lines match.'
              : `${result.value.lines.items.length} lines${
                  result.value.lines.limited
                    ? ` (the newest ${result.value.lines.limit}: narrow the search for the rest)`
                    : ''
                } of ${result.value.hits.total} matching`}
          </Typography>
          {result.value.lines.items.length > 0 && (
            <div style={{ height: 480 }}>
              <LogViewer text={text} textWrap={wrap} />
            </div>
          )}
        </>
      )}
    </Box>
  );
}
