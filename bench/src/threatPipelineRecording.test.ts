import type { K8sAuditEvent } from '@hostplane/plugin-hostplane-common';
import {
  batchesOf,
  credentialsIn,
  probeEvent,
  recordedExec,
  replayBatch,
} from '../threat-pipeline/recording';

const event = (
  auditID: string,
  at: string,
  extra: Partial<K8sAuditEvent> = {},
): K8sAuditEvent => ({
  level: 'Metadata',
  auditID,
  stage: 'ResponseComplete',
  requestURI: '/api/v1/namespaces/shop/pods',
  verb: 'list',
  user: { username: 'alice', groups: ['system:authenticated'] },
  objectRef: { resource: 'pods', namespace: 'shop' },
  responseStatus: { code: 200 },
  requestReceivedTimestamp: at,
  stageTimestamp: at,
  ...extra,
});

describe('the recorded audit batches', () => {
  it('groups a log into the batches a webhook sends: a second, 400 events at most', () => {
    const events = [
      event('a', '2026-12-08T10:00:00.000Z'),
      event('b', '2026-12-08T10:00:00.900Z'),
      event('c', '2026-12-08T10:00:01.000Z'),
      ...Array.from({ length: 401 }, (_, i) =>
        event(`d${i}`, '2026-12-08T10:00:05.000Z'),
      ),
    ];
    expect(batchesOf(events).map(b => b.length)).toEqual([2, 1, 400, 1]);
  });

  it('replays a batch as another copy: new ids, the stages of a request still one id', () => {
    const batch = [
      event('x', '2026-12-08T10:00:00.000Z', { stage: 'ResponseStarted' }),
      event('x', '2026-12-08T10:00:00.500Z'),
      event('y', '2026-12-08T10:00:00.600Z'),
    ];
    const at = '2026-12-08T12:00:00.000Z';
    const one = replayBatch(batch, '3.0', at);
    const other = replayBatch(batch, '4.0', at);
    expect(one.map(e => e.auditID)).toEqual(['x-3.0', 'x-3.0', 'y-3.0']);
    expect(other.map(e => e.auditID)).toEqual(['x-4.0', 'x-4.0', 'y-4.0']);
    expect(one.every(e => e.stageTimestamp === at)).toBe(true);
    expect(batch[0].auditID).toBe('x');
  });

  it('makes probes from the recorded exec, each into a pod of its own', () => {
    const exec = event('e', '2026-12-08T10:00:00.000Z', {
      verb: 'create',
      requestURI: '/api/v1/namespaces/shop/pods/web-1/exec?command=sh',
      objectRef: {
        resource: 'pods',
        namespace: 'shop',
        name: 'web-1',
        subresource: 'exec',
      },
    });
    const template = recordedExec([[event('l', exec.stageTimestamp!), exec]]);
    const probe = probeEvent(template, 'probe-7', 'id-7', 'now');
    expect(probe.requestURI).toBe(
      '/api/v1/namespaces/shop/pods/probe-7/exec?command=sh',
    );
    expect(probe.objectRef).toEqual({ ...exec.objectRef, name: 'probe-7' });
    expect(probe.auditID).toBe('id-7');
    expect(() => recordedExec([[event('l', 'now')]])).toThrow(/no exec/);
  });

  it('finds what looks like a credential', () => {
    const jwt = `eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl`;
    expect(
      credentialsIn([
        [
          event('clean', 'now'),
          event('jwt', 'now', { requestObject: { note: jwt } }),
          event('field', 'now', { responseObject: { status: { token: 'x' } } }),
        ],
      ]),
    ).toEqual(['jwt: a JSON web token', 'field: a token field with a value']);
  });
});
