import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  LiveLogRequest,
  parseLogLevel,
} from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '@hostplane/plugin-hostplane-react';
import { useClusterView } from '../common/ClusterViewContext';
import { MAX_LIVE_LINES, ShownLine, appendCapped } from './logLines';

export type LiveLogState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'following' }
  | { kind: 'ended' }
  | { kind: 'failed'; message: string };

/** How often arrived lines are rendered: one render per batch, not per line. */
const RENDER_INTERVAL_MS = 200;

/**
 * Follows a control-plane log while `request` is set. Paused, it stops reading the stream, so the
 * backend stops reading the hub until it resumes; lines are not lost, only held back upstream.
 */
export function useLiveLog(
  request: LiveLogRequest | undefined,
  paused: boolean,
): { lines: ShownLine[]; state: LiveLogState } {
  const api = useApi(hostplaneApiRef);
  const { clusterRef } = useClusterView();
  const [lines, setLines] = useState<ShownLine[]>([]);
  const [state, setState] = useState<LiveLogState>({ kind: 'idle' });
  const pausedRef = useRef(paused);
  const resumeRef = useRef<() => void>();
  pausedRef.current = paused;
  useEffect(() => {
    if (!paused) resumeRef.current?.();
  }, [paused]);

  const key = request ? JSON.stringify(request) : undefined;
  useEffect(() => {
    if (!key) return undefined;
    const controller = new AbortController();
    let pending: ShownLine[] = [];
    const flush = () => {
      if (pending.length === 0) return;
      const added = pending;
      pending = [];
      setLines(current => appendCapped(current, added, MAX_LIVE_LINES));
    };
    const timer = setInterval(flush, RENDER_INTERVAL_MS);
    setLines([]);
    setState({ kind: 'connecting' });
    (async () => {
      const events = await api.streamLiveLog(
        clusterRef.hub,
        clusterRef.name,
        JSON.parse(key),
        controller.signal,
      );
      setState({ kind: 'following' });
      for await (const event of events) {
        if (event.type === 'line') {
          pending.push({
            time: event.line.time,
            text: event.line.text,
            level: parseLogLevel(event.line.text),
          });
        } else if (event.type === 'error') {
          throw new Error(event.message);
        }
        while (pausedRef.current && !controller.signal.aborted) {
          flush();
          await new Promise<void>(resolve => {
            resumeRef.current = resolve;
          });
        }
      }
      flush();
      if (!controller.signal.aborted) setState({ kind: 'ended' });
    })().catch(error => {
      flush();
      if (!controller.signal.aborted) {
        setState({ kind: 'failed', message: (error as Error).message });
      }
    });
    return () => {
      controller.abort();
      resumeRef.current?.();
      clearInterval(timer);
    };
  }, [api, clusterRef.hub, clusterRef.name, key]);

  return { lines, state };
}
