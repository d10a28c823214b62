import { ResponseErrorPanel } from '@backstage/core-components';
import { errorReason } from './errorReason';

/** Backstage's error panel, titled with the server's reason rather than the HTTP status. */
export function ServerErrorPanel({ error }: { error: Error }) {
  return <ResponseErrorPanel error={error} title={errorReason(error)} />;
}
