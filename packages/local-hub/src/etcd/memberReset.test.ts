import { MemberState, memberResetAction } from './memberReset';

const healthy = (index: number): MemberState => ({
  index,
  id: `${100 + index}`,
  running: true,
  hasData: true,
});

describe('memberResetAction', () => {
  it('leaves three healthy members alone', () => {
    expect(memberResetAction([0, 1, 2].map(healthy), () => true)).toEqual({
      kind: 'none',
    });
  });

  it('resets a member removed from the member list at once', () => {
    const states = [healthy(0), { ...healthy(1), id: undefined }, healthy(2)];
    expect(memberResetAction(states, () => false)).toEqual({
      kind: 'reset',
      index: 1,
    });
  });

  it('waits for the pod of a listed member that lost its process and data, then resets it', () => {
    const states = [
      healthy(0),
      healthy(1),
      { ...healthy(2), running: false, hasData: false },
    ];
    expect(memberResetAction(states, () => false)).toEqual({
      kind: 'awaitPodRestart',
      index: 2,
    });
    expect(memberResetAction(states, index => index === 2)).toEqual({
      kind: 'reset',
      index: 2,
      removeId: '102',
    });
  });

  it('leaves a member that is only down (its data kept) to start again', () => {
    const states = [healthy(0), { ...healthy(1), running: false }, healthy(2)];
    expect(memberResetAction(states, () => true)).toEqual({ kind: 'none' });
  });

  it('resets one member at a time, the unlisted one first', () => {
    const states = [
      { ...healthy(0), running: false, hasData: false },
      healthy(1),
      { ...healthy(2), id: undefined },
    ];
    expect(memberResetAction(states, () => true)).toEqual({
      kind: 'reset',
      index: 2,
    });
  });
});
