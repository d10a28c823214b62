import { klogTime, lineTime, storeRow } from './storeRows';

const fields = {
  hub: 'local',
  namespace: 'clusters',
  cluster: 'alpha',
  component: 'kube-apiserver',
  pod: 'kube-apiserver',
};

describe('klogTime', () => {
  const now = new Date(2026, 11, 8, 10, 20, 0);

  it('reads the local time of the header, to the microsecond', () => {
    const expected = new Date(2026, 11, 8, 10, 15, 0, 123);
    expect(
      klogTime('E1208 10:15:00.123456    1 authentication.go:75] boom', now),
    ).toBe(`${expected.toISOString().slice(0, 23)}456Z`);
  });

  it("puts a line from late December, read in January, in last year's December", () => {
    const january = new Date(2027, 0, 1, 0, 0, 5);
    expect(klogTime('I1231 23:59:59.000001 1 x.go:1] y', january)).toBe(
      `${new Date(2026, 11, 31, 23, 59, 59, 0).toISOString().slice(0, 23)}001Z`,
    );
  });

  it('says nothing for a line without a header', () => {
    expect(klogTime('Flag --foo has been deprecated', now)).toBeUndefined();
    expect(klogTime('{"level":"info"}', now)).toBeUndefined();
  });
});

describe('lineTime', () => {
  it("reads a klog header, or a JSON line's ts, time, timestamp or requestReceivedTimestamp", () => {
    const now = new Date(2026, 11, 8, 10, 20, 0);
    const klog = 'I1208 10:15:00.000001 1 x.go:1] y';
    expect(lineTime(klog, now)).toBe(klogTime(klog, now));
    expect(lineTime('{"ts":"2026-12-08T10:19:58.123456Z"}', now)).toBe(
      '2026-12-08T10:19:58.123456Z',
    );
    expect(
      lineTime('{"requestReceivedTimestamp":"2026-12-08T10:19:00Z"}', now),
    ).toBe('2026-12-08T10:19:00Z');
    expect(lineTime('\tcontinued value', now)).toBeUndefined();
    expect(lineTime('{"ts":"not a time"}', now)).toBeUndefined();
  });
});

describe('storeRow', () => {
  const time = '2026-12-08T10:15:00.000001Z';

  it('keeps a plain line as the message, with its time and the source fields', () => {
    const line = 'W1208 10:15:00.000001 1 x.go:1] careful';
    expect(storeRow(line, fields, time)).toEqual({
      _time: time,
      _msg: line,
      ...fields,
    });
  });

  it("takes a JSON line's fields and its message as _msg", () => {
    const row = storeRow(
      JSON.stringify({
        level: 'warn',
        ts: '2026-12-08T10:19:58.123456Z',
        caller: 'etcdserver/server.go:1',
        msg: 'slow fdatasync',
        took: '1.2s',
      }),
      { ...fields, component: 'etcd', pod: 'etcd-0' },
      '2026-12-08T10:19:58.123456Z',
    );
    expect(row).toEqual({
      level: 'warn',
      ts: '2026-12-08T10:19:58.123456Z',
      caller: 'etcdserver/server.go:1',
      _msg: 'slow fdatasync',
      took: '1.2s',
      _time: '2026-12-08T10:19:58.123456Z',
      ...fields,
      component: 'etcd',
      pod: 'etcd-0',
    });
  });

  it('keeps the nested fields of an audit event', () => {
    const row = storeRow(
      JSON.stringify({
        kind: 'Event',
        stage: 'ResponseComplete',
        user: { username: 'alice', groups: ['a'] },
      }),
      { ...fields, component: 'audit' },
      time,
    );
    expect(row).toMatchObject({
      user: { username: 'alice', groups: ['a'] },
      component: 'audit',
    });
  });

  it('lets no field of the line replace where it is from', () => {
    const row = storeRow(
      JSON.stringify({ msg: 'x', cluster: 'beta', namespace: 'other' }),
      fields,
      time,
    );
    expect(row).toMatchObject({ cluster: 'alpha', namespace: 'clusters' });
  });
});
