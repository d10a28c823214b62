import {
  IN_PLACE_RESTORE_PHASES,
  InPlaceRestoreMarker,
  dataInFlux,
  inPlaceRestoreAction,
  parseRestoreRequest,
  phaseAfter,
} from './inPlaceRestore';

const request = (id: string) =>
  JSON.stringify({ id, url: 'https://portal.example/restore/token' });

describe('parseRestoreRequest', () => {
  it('reads the id and URL', () => {
    expect(parseRestoreRequest(request('r1'))).toEqual({
      id: 'r1',
      url: 'https://portal.example/restore/token',
    });
  });

  it('says why a value is no request', () => {
    expect(parseRestoreRequest('{')).toEqual({
      invalid: 'the restore request is not JSON',
    });
    expect(parseRestoreRequest('{"url":"https://x"}')).toEqual({
      invalid: 'the restore request has no id',
    });
    expect(parseRestoreRequest('{"id":"r2"}')).toEqual({
      invalid: 'restore request r2 has no url',
    });
  });

  it('takes no annotation as no request', () => {
    expect(parseRestoreRequest(undefined)).toBeUndefined();
    expect(parseRestoreRequest('')).toBeUndefined();
  });
});

describe('inPlaceRestoreAction', () => {
  const marker: InPlaceRestoreMarker = {
    id: 'r1',
    phase: 'swap',
    snapshotRevision: 10,
    bumpRevision: 1_000_000,
  };

  it('begins a request whose id differs from the one restored last', () => {
    expect(
      inPlaceRestoreAction({
        request: parseRestoreRequest(request('r2')),
        restored: 'r1',
        marker: undefined,
      }),
    ).toEqual({
      kind: 'begin',
      request: { id: 'r2', url: 'https://portal.example/restore/token' },
    });
  });

  it('does nothing once the request is answered, or without one', () => {
    expect(
      inPlaceRestoreAction({
        request: parseRestoreRequest(request('r1')),
        restored: 'r1',
        marker: undefined,
      }),
    ).toEqual({ kind: 'none' });
    expect(
      inPlaceRestoreAction({
        request: undefined,
        restored: undefined,
        marker: undefined,
      }),
    ).toEqual({ kind: 'none' });
  });

  it('finishes a restore under way before it looks at a newer request', () => {
    expect(
      inPlaceRestoreAction({
        request: parseRestoreRequest(request('r2')),
        restored: undefined,
        marker,
      }),
    ).toEqual({ kind: 'resume', marker });
  });

  it('refuses a request it cannot read, with the reason', () => {
    expect(
      inPlaceRestoreAction({
        request: parseRestoreRequest('not json'),
        restored: undefined,
        marker: undefined,
      }),
    ).toEqual({ kind: 'refuse', reason: 'the restore request is not JSON' });
  });
});

describe('the phases', () => {
  it('run stop, swap, start, confirm, clean, each once, in that order', () => {
    const seen = [];
    let phase: (typeof IN_PLACE_RESTORE_PHASES)[number] | undefined = 'stop';
    while (phase) {
      seen.push(phase);
      phase = phaseAfter(phase);
    }
    expect(seen).toEqual(['stop', 'swap', 'start', 'confirm', 'clean']);
  });

  it('keep the tenant from starting only while its data is replaced', () => {
    expect(IN_PLACE_RESTORE_PHASES.filter(dataInFlux)).toEqual([
      'stop',
      'swap',
    ]);
  });
});
