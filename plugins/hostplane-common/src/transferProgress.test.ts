import {
  describeTransfer,
  formatByteSize,
  readTransfer,
} from './transferProgress';

describe('transfer progress', () => {
  it('writes sizes in binary units', () => {
    expect(formatByteSize(0)).toBe('0 B');
    expect(formatByteSize(1023)).toBe('1023 B');
    expect(formatByteSize(1536)).toBe('1.5 KiB');
    expect(formatByteSize(40 * 1024 * 1024)).toBe('40.0 MiB');
    expect(formatByteSize(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('reads back what it wrote, inside a longer message too', () => {
    const progress = {
      bytes: 12.5 * 1024 * 1024,
      totalBytes: 40 * 1024 * 1024,
      bytesPerSecond: 8.25 * 1024 * 1024,
    };
    const message = describeTransfer(progress);
    expect(message).toBe('12.5 MiB of 40.0 MiB at 8.3 MiB/s');
    expect(readTransfer(`etcd-0 snapshot: ${message}`)).toEqual({
      bytes: 12.5 * 1024 * 1024,
      totalBytes: 40 * 1024 * 1024,
      bytesPerSecond: 8.3 * 1024 * 1024,
    });
  });

  it('leaves the total out when it is not known, and finds nothing in other messages', () => {
    expect(describeTransfer({ bytes: 2048, bytesPerSecond: 100 })).toBe(
      '2.0 KiB at 100 B/s',
    );
    expect(readTransfer('2.0 KiB at 100 B/s')).toEqual({
      bytes: 2048,
      bytesPerSecond: 100,
    });
    expect(readTransfer('Waiting for the control plane')).toBeUndefined();
    expect(readTransfer(undefined)).toBeUndefined();
  });
});
