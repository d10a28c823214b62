import { useMemo, useState } from 'react';
import {
  EmptyState,
  LogViewer,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { LiveLogRequest, LogLevel } from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { downloadFile } from '../access/downloadFile';
import { useClusterView } from '../common/ClusterViewContext';
import { ServerErrorPanel } from '../common/ServerErrorPanel';
import { LevelSelect, OptionSelect } from './LogFilters';
import { linesText, passesLevel, permalink } from './logLines';
import { useLiveLog } from './useLiveLog';

const TAIL_OPTIONS = ['100', '1000', '10000'];

/** The selection a permalink carries, read from the page's address. */
function selectionFromLocation(): { component?: string; pod?: string } {
  const params = new URLSearchParams(window.location.search);
  return {
    component: params.get('component') ?? undefined,
    pod: params.get('pod') ?? undefined,
  };
}

/** Follow a control-plane container's log: pick the pod, pause, filter, wrap, link, download. */
export function LiveLogView() {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const pods = useAsync(
    () => api.listLogPods(clusterRef.hub, clusterRef.name),
    [api, clusterRef.hub, clusterRef.name],
  );
  const initial = useMemo(selectionFromLocation, []);
  const [chosen, setChosen] = useState<string>();
  const [tailLines, setTailLines] = useState('1000');
  const [previous, setPrevious] = useState(false);
  const [paused, setPaused] = useState(false);
  const [level, setLevel] = useState<LogLevel | ''>('');
  const [wrap, setWrap] = useState(false);
  const [copied, setCopied] = useState(false);

  const items = pods.value?.items ?? [];
  const keyOf = (p: { component: string; pod: string }) =>
    `${p.component}/${p.pod}`;
  const selected =
    items.find(p => keyOf(p) === chosen) ??
    items.find(
      p => p.component === initial.component && p.pod === initial.pod,
    ) ??
    items.find(p => p.component === 'kube-apiserver') ??
    items[0];
  const request: LiveLogRequest | undefined = selected
    ? {
        component: selected.component,
        pod: selected.pod,
        tailLines: Number(tailLines),
        ...(previous ? { previous: true } : {}),
      }
    : undefined;
  const { lines, state } = useLiveLog(request, paused);
  const shown = useMemo(
    () => lines.filter(line => passesLevel(line, level || undefined)),
    [lines, level],
  );
  const text = useMemo(() => linesText(shown), [shown]);

  if (pods.error) return <ServerErrorPanel error={pods.error} />;
  if (pods.loading && !pods.value) return <Progress />;
  if (items.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No control-plane pods"
        description="The hub runs no control-plane pods for this cluster yet: there is no log to follow."
      />
    );
  }

  const copyLink = async () => {
    const line = /^#line-(\d+)/.exec(window.location.hash)?.[1];
    await window.navigator.clipboard?.writeText(
      permalink(
        window.location,
        { component: selected?.component, pod: selected?.pod },
        Number(line ?? 1),
      ),
    );
    setCopied(true);
  };

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="flex-end"
        style={{ gap: 16 }}
      >
        <OptionSelect
          id="log-pod"
          label="Component and pod"
          minWidth={280}
          value={selected ? keyOf(selected) : ''}
          options={items.map(p => ({
            value: keyOf(p),
            label: `${p.component} · ${p.pod} (${p.phase})`,
          }))}
          onChange={setChosen}
        />
        <OptionSelect
          id="log-tail"
          label="Last lines"
          value={tailLines}
          options={TAIL_OPTIONS.map(n => ({ value: n, label: n }))}
          onChange={setTailLines}
        />
        <LevelSelect value={level} onChange={setLevel} />
        <FormControlLabel
          control={
            <Switch
              checked={previous}
              onChange={event => setPrevious(event.target.checked)}
              disabled={!selected || selected.restarts === 0}
            />
          }
          label="Previous container"
        />
        <FormControlLabel
          control={
            <Switch
              checked={wrap}
              onChange={event => setWrap(event.target.checked)}
            />
          }
          label="Wrap lines"
        />
        <Button
          variant="outlined"
          onClick={() => setPaused(!paused)}
          disabled={state.kind !== 'following'}
        >
          {paused ? 'Follow' : 'Pause'}
        </Button>
        <Button variant="outlined" onClick={copyLink}>
          {copied ? 'Link copied' : 'Copy link'}
        </Button>
      </Box>
      <Typography variant="body2" color="textSecondary">
        {describeState(state.kind, paused)} · {shown.length} of {lines.length}{' '}
        lines shown
      </Typography>
      {state.kind === 'failed' && (
        <WarningPanel
          severity="error"
          title="The live log stopped"
          message={state.message}
        />
      )}
      {state.kind !== 'connecting' && lines.length === 0 && (
        <Typography>No lines yet.</Typography>
      )}
      <div style={{ height: 560 }}>
        <LogViewer
          text={text}
          textWrap={wrap}
          onDownloadLog={() =>
            downloadFile(
              `${clusterRef.name}-${selected?.pod ?? 'log'}.log`,
              text,
              'text/plain',
            )
          }
        />
      </div>
    </Box>
  );
}

function describeState(kind: string, paused: boolean): string {
  if (kind === 'connecting') return 'Connecting';
  if (kind === 'following') return paused ? 'Paused' : 'Following';
  if (kind === 'ended') return 'Ended';
  if (kind === 'failed') return 'Stopped';
  return 'Idle';
}
