import { appendCapped, linesText, passesLevel, permalink } from './logLines';

describe('passesLevel', () => {
  it('keeps lines of the level or more severe, from klog and JSON lines', () => {
    const lines = [
      'E1208 10:15:00.000000 1 x.go:1] failed',
      'W1208 10:15:00.000000 1 x.go:1] slow',
      'I1208 10:15:00.000000 1 x.go:1] fine',
      '{"level":"warn","msg":"slow apply"}',
      'no level here',
    ].map(text => ({ text }));

    expect(
      lines.filter(l => passesLevel(l, 'warning')).map(l => l.text),
    ).toEqual([
      'E1208 10:15:00.000000 1 x.go:1] failed',
      'W1208 10:15:00.000000 1 x.go:1] slow',
      '{"level":"warn","msg":"slow apply"}',
    ]);
    expect(lines.filter(l => passesLevel(l))).toHaveLength(5);
  });
});

describe('linesText', () => {
  it('prefixes each line with its time and source', () => {
    expect(
      linesText([
        { time: '2026-12-08T10:15:00Z', text: 'a', source: 'etcd-0' },
        { text: 'b' },
      ]),
    ).toBe('2026-12-08T10:15:00Z [etcd-0] a\nb');
  });
});

describe('appendCapped', () => {
  it('drops the oldest lines beyond the cap', () => {
    expect(appendCapped([1, 2, 3], [4, 5], 4)).toEqual([2, 3, 4, 5]);
  });
});

describe('permalink', () => {
  it('links to the line with the selection that shows it', () => {
    expect(
      permalink(
        {
          origin: 'https://portal',
          pathname: '/catalog/default/resource/x/logs',
        },
        { component: 'etcd', pod: 'etcd-1', level: undefined },
        42,
      ),
    ).toBe(
      'https://portal/catalog/default/resource/x/logs?component=etcd&pod=etcd-1#line-42',
    );
  });
});
