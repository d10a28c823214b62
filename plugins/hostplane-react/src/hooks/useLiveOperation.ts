import { useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { Operation } from '@hostplane/plugin-hostplane-common';
import { hostplaneApiRef } from '../api/HostplaneApi';

/** How often a running operation is asked for. */
export const OPERATION_POLL_MS = 2_000;

/**
 * Follows an operation while it runs: asks for it every 2 s and stops once it has finished, or
 * when the server refuses to show it (asking again after a refusal would not change the answer).
 * `onChange` hears of every new state: a step that moved, the end.
 */
export function useLiveOperation(
  operation: Operation | undefined,
  onChange?: (operation: Operation) => void,
): { operation?: Operation; error?: Error } {
  const api = useApi(hostplaneApiRef);
  // What was asked for belongs to the operation handed in, not to its id: a retry hands the same
  // id in again, running, and the failure asked for before must not hide it.
  const [latest, setLatest] = useState<{ of: Operation; state: Operation }>();
  const [error, setError] = useState<Error>();
  const [attempt, setAttempt] = useState(0);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const current = latest && latest.of === operation ? latest.state : operation;

  useEffect(() => {
    if (!operation || current?.state !== 'running') return undefined;
    let cancelled = false;
    const timer = setTimeout(async () => {
      try {
        const next = await api.getOperation(current.id);
        if (cancelled) return;
        setError(undefined);
        setLatest({ of: operation, state: next });
        if (
          next.state !== current.state ||
          next.updatedAt !== current.updatedAt
        ) {
          onChangeRef.current?.(next);
        }
      } catch (e) {
        if (cancelled) return;
        setError(e as Error);
        const status = (e as { statusCode?: number }).statusCode ?? 0;
        if (status < 400 || status >= 500) setAttempt(n => n + 1);
      }
    }, OPERATION_POLL_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, operation, current, attempt]);

  return { operation: current, error };
}
