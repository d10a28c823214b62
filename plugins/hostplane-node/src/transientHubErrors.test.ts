import net from 'node:net';
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import { transientHubError } from './transientHubErrors';

const status = (code: number, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', code, message });

describe('transientHubError', () => {
  it.each([
    [
      'a watch cache still filling after a restart',
      new ApiException(
        429,
        'Unknown API Status Code!',
        status(429, 'storage is (re)initializing'),
        { 'retry-after': '1' },
      ),
      {
        reason: 'answered 429: storage is (re)initializing',
        retryAfterMs: 1000,
      },
    ],
    [
      'an API server not ready yet, without Retry-After',
      new ApiException(503, 'Service Unavailable', '', {}),
      { reason: 'answered 503', retryAfterMs: undefined },
    ],
    [
      'a timed-out etcd',
      new ApiException(
        504,
        'Gateway Timeout',
        { message: 'etcdserver: request timed out' },
        { 'Retry-After': '3' },
      ),
      {
        reason: 'answered 504: etcdserver: request timed out',
        retryAfterMs: 3000,
      },
    ],
    [
      'a connection reset',
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      { reason: 'could not be reached (ECONNRESET)' },
    ],
  ])('retries %s', (_, error, expected) => {
    expect(transientHubError(error)).toEqual(expected);
  });

  it.each([
    [
      'a field manager conflict',
      new ApiException(409, 'Conflict', status(409, 'Apply failed'), {}),
    ],
    [
      'an object the CRD refuses',
      new ApiException(422, 'Invalid', status(422, 'spec.replicas'), {}),
    ],
    ['a forbidden write', new ApiException(403, 'Forbidden', '', {})],
    ['an internal error', new ApiException(500, 'Internal', '', {})],
    ['a bug of ours', new TypeError('Cannot read properties of undefined')],
    ['an abort', Object.assign(new Error('aborted'), { code: 'ABORT_ERR' })],
    ['no error at all', undefined],
  ])('reports %s', (_, error) => {
    expect(transientHubError(error)).toBeUndefined();
  });

  it('retries what the Kubernetes client throws when nothing listens at the hub address', async () => {
    const closed = net.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise(resolve => closed.close(resolve));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: 'hub',
          server: `https://127.0.0.1:${port}`,
          skipTLSVerify: true,
        },
      ],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 'hub', cluster: 'hub', user: 'nobody' }],
      currentContext: 'hub',
    });
    const error = await KubernetesObjectApi.makeApiClient(kubeConfig)
      .read({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'default' },
      })
      .catch(e => e);
    expect(transientHubError(error)).toEqual({
      reason: 'could not be reached (ECONNREFUSED)',
    });
  });
});
