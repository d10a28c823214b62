import { hostplaneRestoreFromFilter, restoreFromForm } from './restoreFrom';

describe('hostplaneRestoreFrom', () => {
  it('gives the backup on the hub when the form names one', () => {
    expect(
      hostplaneRestoreFromFilter.filter(
        { cluster: ' payments-prod ', backupId: '20261208T101500Z-a1b2c3' },
        'local',
      ),
    ).toEqual({
      hub: 'local',
      cluster: 'payments-prod',
      backupId: '20261208T101500Z-a1b2c3',
    });
  });

  it('gives nothing for an untouched or emptied section', () => {
    expect(restoreFromForm(undefined, 'local')).toBeUndefined();
    expect(restoreFromForm({}, 'local')).toBeUndefined();
    expect(restoreFromForm({ cluster: '', backupId: '  ' }, 'local')).toBe(
      undefined,
    );
  });

  it('passes a half-filled section on, for the API schema to name what is missing', () => {
    expect(restoreFromForm({ cluster: 'payments-prod' }, 'local')).toEqual({
      hub: 'local',
      cluster: 'payments-prod',
      backupId: undefined,
    });
  });
});
