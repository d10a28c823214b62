import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import {
  BackupSummary,
  EtcdHealthResponse,
  EtcdMemberHealth,
  ListBackupsResponse,
} from '@hostplane/plugin-hostplane-common';
import {
  aCluster,
  anOperation,
  aStep,
  clusterEntity,
  mockHostplaneApi,
  mockPermissions,
  providerCapabilities,
  renderClusterTab,
} from '../__testUtils__/fixtures';
import { BackupsContent } from './BackupsContent';

// Each case renders the tab with two tables and walks menus and dialogs: slow on a busy machine.
jest.setTimeout(90_000);

const MiB = 1024 * 1024;
const SHA = 'a3f1c09be77d4f2a9c1e5b6d8f0a2c4e6b8d0f1a3c5e7b9d1f3a5c7e9b1d3f5a';

function aBackup(overrides: Partial<BackupSummary> = {}): BackupSummary {
  return {
    id: '20260802T100000Z-a1b2c3',
    createdAt: '2026-08-02T10:00:00Z',
    durationMs: 12_400,
    sizeBytes: 40 * MiB,
    storedBytes: 40 * MiB + 4096,
    revision: 18_234,
    dbSizeBytes: 64 * MiB,
    member: 'etcd-0',
    etcdVersion: '3.6.4',
    kubernetesVersion: 'v1.36.4',
    sha256: SHA,
    trigger: 'manual',
    requestedBy: 'user:default/ada',
    ...overrides,
  };
}

function backupsOf(
  items: BackupSummary[],
  overrides: Partial<ListBackupsResponse> = {},
): ListBackupsResponse {
  return {
    items,
    policy: { schedule: '0 */6 * * *', retention: 7 },
    store: 'directory',
    ...(items[0] ? { lastSuccessfulAt: items[0].createdAt } : {}),
    nextScheduledAt: '2026-08-02T12:00:07Z',
    ...overrides,
  };
}

function aMember(overrides: Partial<EtcdMemberHealth> = {}): EtcdMemberHealth {
  return {
    name: 'payments-etcd-0',
    pod: 'etcd-0',
    id: '8e9e05c52164694d',
    reachable: true,
    leader: true,
    learner: false,
    dbSizeBytes: 200 * MiB,
    dbSizeInUseBytes: 80 * MiB,
    fragmentation: 0.6,
    raftIndex: 52_001,
    raftTerm: 3,
    version: '3.6.4',
    alarms: [],
    ...overrides,
  };
}

function healthOf(
  members: EtcdMemberHealth[],
  overrides: Partial<EtcdHealthResponse> = {},
): EtcdHealthResponse {
  return {
    members,
    quotaBytes: 2048 * MiB,
    defragmentation: {
      fragmentationThreshold: 0.45,
      minDbSizeBytes: 100 * MiB,
    },
    ...overrides,
  };
}

function rowOf(text: string) {
  return screen.getByText(text, { selector: 'td, td *' }).closest('tr')!;
}

async function openRestore(id: string, item: string) {
  fireEvent.click(
    await screen.findByRole('button', { name: `Restore backup ${id}` }),
  );
  fireEvent.click(await screen.findByRole('menuitem', { name: item }));
  return within(await screen.findByRole('dialog'));
}

describe('BackupsContent', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  // First: the decision on creating clusters has no resource, so the permission hooks' cache keeps
  // the one an earlier test got (allowed) for the rest of the file.
  it('needs the permission to create clusters to restore into a new one', async () => {
    await renderClusterTab(<BackupsContent />, {
      api: mockHostplaneApi({
        getCluster: async () => aCluster({ name: 'no-new' }),
        listBackups: async () => backupsOf([aBackup()]),
      }),
      permissions: mockPermissions(['hostplane.cluster.create']),
      entity: clusterEntity('no-new'),
    });
    fireEvent.click(
      await screen.findByRole('button', {
        name: 'Restore backup 20260802T100000Z-a1b2c3',
      }),
    );
    const intoNew = await screen.findByRole('menuitem', {
      name: /^Into a new cluster/,
    });
    await waitFor(() =>
      expect(
        within(intoNew).getByText(
          'You are not allowed to create clusters (hostplane.cluster.create)',
        ),
      ).toBeInTheDocument(),
    );
    // The decisions arrive one by one: the restore in place is allowed once its own is in.
    await waitFor(() =>
      expect(
        screen.getByRole('menuitem', { name: /^In place/ }),
      ).toHaveAttribute('aria-disabled', 'false'),
    );
  });

  it('lists the backups with where they stand, newest first', async () => {
    const api = mockHostplaneApi({
      listBackups: async () =>
        backupsOf([
          aBackup(),
          aBackup({
            id: '20260802T040000Z-zz9x8w',
            createdAt: '2026-08-02T04:00:00Z',
            sizeBytes: 1536,
            revision: 17_001,
            durationMs: 850,
            trigger: 'schedule',
            requestedBy: 'hostplane',
            sha256: 'f'.repeat(64),
          }),
        ]),
    });
    await renderClusterTab(<BackupsContent />, { api });

    expect(await screen.findByText('Backups (2)')).toBeInTheDocument();
    expect(api.listBackups).toHaveBeenCalledWith('local', 'payments');
    const manual = within(rowOf('18234'));
    expect(manual.getByText('20260802T100000Z-a1b2c3')).toBeInTheDocument();
    expect(manual.getByText('40.0 MiB')).toBeInTheDocument();
    expect(manual.getByText('12.4 s')).toBeInTheDocument();
    expect(manual.getByText('Manual')).toBeInTheDocument();
    expect(manual.getByText('user:default/ada')).toBeInTheDocument();
    expect(manual.getByText('a3f1c09be77d…')).toBeInTheDocument();
    expect(manual.getByText('verified')).toBeInTheDocument();
    expect(
      manual.getByRole('button', {
        name: 'Copy the checksum of backup 20260802T100000Z-a1b2c3',
      }),
    ).toBeInTheDocument();
    const scheduled = within(rowOf('17001'));
    expect(scheduled.getByText('1.5 KiB')).toBeInTheDocument();
    expect(scheduled.getByText('850 ms')).toBeInTheDocument();
    expect(scheduled.getByText('Schedule')).toBeInTheDocument();
    expect(scheduled.getByText('hostplane')).toBeInTheDocument();

    expect(
      screen.getByText(
        new RegExp(
          `^${new Date('2026-08-02T10:00:00Z')
            .toLocaleString()
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(.+ ago\\)$`,
        ),
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('0 */6 * * * (UTC), the newest 7 kept'),
    ).toBeInTheDocument();
    expect(screen.getByText('directory')).toBeInTheDocument();
  });

  it('says when there is no backup yet, and when the first is due', async () => {
    await renderClusterTab(<BackupsContent />, {
      api: mockHostplaneApi({ listBackups: async () => backupsOf([]) }),
    });
    expect(await screen.findByText(/^No backup yet\./)).toBeInTheDocument();
    expect(screen.getByText('none yet')).toBeInTheDocument();
  });

  it("shows the server's refusal when the backups cannot be listed", async () => {
    await renderClusterTab(<BackupsContent />, {
      api: mockHostplaneApi({
        listBackups: async () => {
          throw new Error('the backup store of hub local does not answer');
        },
      }),
    });
    expect(
      await screen.findByText(
        'Error: the backup store of hub local does not answer',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Back up now' }),
    ).not.toBeInTheDocument();
  });

  it('backs up now and shows the bytes and the rate while the snapshot streams', async () => {
    jest.useFakeTimers();
    const streaming = anOperation({
      id: 'op-new',
      type: 'backup',
      progress: 0,
      steps: [
        aStep(
          'snapshotEtcd',
          'Stream the etcd snapshot to the store',
          'running',
          '12.5 MiB of 50.0 MiB at 8.2 MiB/s',
        ),
        aStep('recordBackup', 'Record the verified backup', 'pending'),
      ],
    });
    let listed = backupsOf([]);
    const api = mockHostplaneApi({
      listBackups: jest.fn(async () => listed),
      changeCluster: async () => ({
        ...streaming,
        steps: [
          aStep(
            'snapshotEtcd',
            'Stream the etcd snapshot to the store',
            'running',
          ),
          streaming.steps[1],
        ],
      }),
      getOperation: jest
        .fn()
        .mockResolvedValueOnce(streaming)
        .mockImplementation(async () => {
          listed = backupsOf([aBackup()]);
          return {
            ...streaming,
            state: 'succeeded',
            progress: 1,
            updatedAt: '2026-08-02T10:00:20Z',
            steps: streaming.steps.map(s => ({ ...s, state: 'succeeded' })),
          };
        }),
    });
    await renderClusterTab(<BackupsContent />, { api });
    fireEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'backup',
      }),
    );
    expect(
      await screen.findByText(
        'Backing up: Stream the etcd snapshot to the store',
      ),
    ).toBeInTheDocument();

    await act(() => jest.advanceTimersByTimeAsync(2_000));
    expect(
      screen.getByText(
        'Backing up: Stream the etcd snapshot to the store · 12.5 MiB of 50.0 MiB at 8.2 MiB/s',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Backup progress' }),
    ).toHaveAttribute('aria-valuenow', '25');
    // Another change waits for this one.
    expect(screen.getByRole('button', { name: 'Back up now' })).toBeDisabled();

    await act(() => jest.advanceTimersByTimeAsync(2_000));
    expect(
      screen.queryByRole('progressbar', { name: 'Backup progress' }),
    ).not.toBeInTheDocument();
    expect(await screen.findByText('Backups (1)')).toBeInTheDocument();
  });

  it('restores a backup into a new cluster with the settings of this one, and follows its creation', async () => {
    const api = mockHostplaneApi({
      listBackups: async () => backupsOf([aBackup()]),
    });
    await renderClusterTab(<BackupsContent />, { api });
    const dialog = await openRestore(
      '20260802T100000Z-a1b2c3',
      'Into a new cluster',
    );
    const name = dialog.getByLabelText('New cluster name');
    expect(name).toHaveValue('payments-restored');
    fireEvent.change(name, { target: { value: 'Payments copy' } });
    expect(
      dialog.getByRole('button', { name: 'Create cluster' }),
    ).toBeDisabled();
    fireEvent.change(name, { target: { value: 'payments-copy' } });
    fireEvent.click(dialog.getByRole('button', { name: 'Create cluster' }));

    const source = aCluster().spec!;
    await waitFor(() =>
      expect(api.createCluster).toHaveBeenCalledWith({
        ...source,
        name: 'payments-copy',
        deletionProtection: false,
        restoreFrom: {
          hub: 'local',
          cluster: 'payments',
          backupId: '20260802T100000Z-a1b2c3',
        },
      }),
    );
    expect(
      await screen.findByText('Restoring into payments-copy'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Create progress' }),
    ).toBeInTheDocument();
    expect(api.changeCluster).not.toHaveBeenCalled();
  });

  it('rolls the cluster back in place only once its name has been typed, after saying what is lost', async () => {
    const api = mockHostplaneApi({
      listBackups: async () => backupsOf([aBackup()]),
    });
    await renderClusterTab(<BackupsContent />, { api });
    const dialog = await openRestore(
      '20260802T100000Z-a1b2c3',
      'In place (roll this cluster back)',
    );
    expect(
      dialog.getByText(/objects created since then are gone/),
    ).toBeInTheDocument();
    const confirm = dialog.getByRole('button', { name: 'Restore in place' });
    expect(confirm).toBeDisabled();
    expect(
      dialog.getByText('Type payments to confirm the restore'),
    ).toBeInTheDocument();
    fireEvent.change(dialog.getByLabelText('Cluster name'), {
      target: { value: 'payment' },
    });
    fireEvent.click(confirm);
    expect(api.changeCluster).not.toHaveBeenCalled();

    fireEvent.change(dialog.getByLabelText('Cluster name'), {
      target: { value: 'payments' },
    });
    fireEvent.click(confirm);
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'restore',
        backupId: '20260802T100000Z-a1b2c3',
        confirmName: 'payments',
      }),
    );
    expect(
      await screen.findByRole('progressbar', {
        name: 'Restore etcd in place progress',
      }),
    ).toBeInTheDocument();
  });

  it('edits the schedule and retention, saying what the server would refuse first', async () => {
    const api = mockHostplaneApi({
      listBackups: async () => backupsOf([aBackup()]),
    });
    await renderClusterTab(<BackupsContent />, { api });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Edit schedule' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    const save = dialog.getByRole('button', { name: 'Save' });
    expect(dialog.getByText('Nothing has changed yet')).toBeInTheDocument();
    expect(save).toBeDisabled();

    fireEvent.change(dialog.getByLabelText('Schedule (cron, UTC)'), {
      target: { value: 'every hour' },
    });
    expect(
      dialog.getByText('backup schedule must be a five-field cron expression'),
    ).toBeInTheDocument();
    expect(save).toBeDisabled();

    fireEvent.change(dialog.getByLabelText('Schedule (cron, UTC)'), {
      target: { value: '15 * * * *' },
    });
    fireEvent.change(dialog.getByLabelText('Backups kept'), {
      target: { value: '24' },
    });
    expect(save).toBeEnabled();
    fireEvent.click(save);
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'configureBackups',
        backup: { schedule: '15 * * * *', retention: 24 },
      }),
    );
  });

  it("shows every member's health and defragments on request", async () => {
    const api = mockHostplaneApi({
      getEtcdHealth: async () =>
        healthOf([
          aMember(),
          aMember({
            name: 'payments-etcd-1',
            pod: 'etcd-1',
            leader: false,
            learner: true,
            dbSizeBytes: 150 * MiB,
            dbSizeInUseBytes: 140 * MiB,
            fragmentation: 0.07,
            raftIndex: 51_990,
          }),
          aMember({
            name: 'payments-etcd-2',
            pod: 'etcd-2',
            leader: false,
            reachable: false,
            dbSizeBytes: undefined,
            dbSizeInUseBytes: undefined,
            fragmentation: undefined,
            raftIndex: undefined,
            version: undefined,
            error: 'connection refused',
          }),
        ]),
    });
    await renderClusterTab(<BackupsContent />, { api });
    expect(await screen.findByText('etcd members')).toBeInTheDocument();
    expect(api.getEtcdHealth).toHaveBeenCalledWith('local', 'payments');

    const leader = within(rowOf('payments-etcd-0'));
    expect(leader.getByText('Leader')).toBeInTheDocument();
    expect(leader.getByText('reachable')).toBeInTheDocument();
    expect(leader.getByText('200.0 MiB')).toBeInTheDocument();
    expect(leader.getByText('80.0 MiB')).toBeInTheDocument();
    expect(leader.getByText('60 %')).toBeInTheDocument();
    expect(leader.getByText('52001')).toBeInTheDocument();
    expect(leader.getByText('none')).toBeInTheDocument();
    const learner = within(rowOf('payments-etcd-1'));
    expect(learner.getByText('Learner')).toBeInTheDocument();
    expect(learner.getByText('7 %')).toBeInTheDocument();
    const down = within(rowOf('payments-etcd-2'));
    expect(down.getByText('unreachable')).toBeInTheDocument();
    expect(down.getByText('Follower')).toBeInTheDocument();
    fireEvent.mouseOver(down.getByText('unreachable'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'connection refused',
    );
    expect(
      screen.getByText(
        /^Defragmented automatically at 45 % fragmentation or more once the database is 100.0 MiB or larger; space quota 2.0 GiB\.$/,
      ),
    ).toBeInTheDocument();
    // A single-replica cluster has no member to replace, and no NOSPACE means no recovery.
    expect(
      screen.queryByRole('button', { name: /^Replace member/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Recover space' }),
    ).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Defragment' }));
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText(/the leader last/)).toBeInTheDocument();
    fireEvent.click(dialog.getByRole('button', { name: 'Defragment' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'defragment',
      }),
    );
  });

  it('explains a NOSPACE alarm and recovers with one action', async () => {
    const api = mockHostplaneApi({
      getEtcdHealth: async () =>
        healthOf([aMember({ alarms: ['NOSPACE'] })], { quotaBytes: 16 * MiB }),
    });
    await renderClusterTab(<BackupsContent />, { api });
    expect(
      await screen.findByText('Error: etcd is out of space (NOSPACE alarm)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /etcd-0 reached the space quota of 16.0 MiB\. etcd now refuses every write/,
      ),
    ).toBeInTheDocument();
    expect(
      within(rowOf('payments-etcd-0')).getByText('NOSPACE'),
    ).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Recover space' }));
    const dialog = within(await screen.findByRole('dialog'));
    fireEvent.click(dialog.getByRole('button', { name: 'Recover space' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'recoverEtcdSpace',
      }),
    );
  });

  it('replaces a member of a highly available cluster by its index', async () => {
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ availability: 'HighlyAvailable' }),
      getEtcdHealth: async () =>
        healthOf(
          [0, 1, 2].map(i =>
            aMember({
              name: `payments-etcd-${i}`,
              pod: `etcd-${i}`,
              leader: i === 0,
              reachable: i !== 2,
            }),
          ),
        ),
    });
    await renderClusterTab(<BackupsContent />, { api });
    fireEvent.click(
      await screen.findByRole('button', { name: 'Replace member etcd-2' }),
    );
    const dialog = within(await screen.findByRole('dialog'));
    expect(dialog.getByText('Replace etcd member etcd-2')).toBeInTheDocument();
    expect(dialog.getByText(/keep quorum throughout/)).toBeInTheDocument();
    fireEvent.click(dialog.getByRole('button', { name: 'Replace' }));
    await waitFor(() =>
      expect(api.changeCluster).toHaveBeenCalledWith('local', 'payments', {
        action: 'replaceEtcdMember',
        member: 2,
      }),
    );
  });

  it('disables backing up and restoring, saying why, where the policy says no', async () => {
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ name: 'guarded' }),
      listBackups: async () => backupsOf([aBackup()]),
      getEtcdHealth: async () => healthOf([aMember()]),
    });
    await renderClusterTab(<BackupsContent />, {
      api,
      permissions: mockPermissions([
        'hostplane.backup.create',
        'hostplane.backup.restore',
      ]),
      entity: clusterEntity('guarded'),
    });
    const backUp = await screen.findByRole('button', { name: 'Back up now' });
    await waitFor(() => expect(backUp).toBeDisabled());
    expect(
      screen.getByRole('button', { name: 'Edit schedule' }),
    ).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Defragment' })).toBeDisabled();
    fireEvent.mouseOver(backUp.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You are not allowed to back up this cluster or maintain its etcd (hostplane.backup.create)',
    );

    fireEvent.click(
      screen.getByRole('button', {
        name: 'Restore backup 20260802T100000Z-a1b2c3',
      }),
    );
    const reason =
      "You are not allowed to restore this cluster's backups (hostplane.backup.restore)";
    const intoNew = await screen.findByRole('menuitem', {
      name: new RegExp(`^Into a new cluster`),
    });
    expect(intoNew).toHaveAttribute('aria-disabled', 'true');
    expect(within(intoNew).getByText(reason)).toBeInTheDocument();
    const inPlace = screen.getByRole('menuitem', { name: /^In place/ });
    expect(inPlace).toHaveAttribute('aria-disabled', 'true');
    expect(within(inPlace).getByText(reason)).toBeInTheDocument();
  });

  it('shows nothing of the backups to who may not read them', async () => {
    const api = mockHostplaneApi({
      getCluster: async () => aCluster({ name: 'secret' }),
    });
    await renderClusterTab(<BackupsContent />, {
      api,
      permissions: mockPermissions(['hostplane.backup.read']),
      entity: clusterEntity('secret'),
    });
    expect(
      await screen.findByText(
        "You are not allowed to see this cluster's backups and etcd members (hostplane.backup.read)",
      ),
    ).toBeInTheDocument();
    expect(api.listBackups).not.toHaveBeenCalled();
    expect(api.getEtcdHealth).not.toHaveBeenCalled();
  });

  it("says so when the cluster's provider does not operate etcd", async () => {
    const api = mockHostplaneApi({
      getCluster: async () =>
        aCluster({
          capabilities: providerCapabilities({
            provider: 'kamaji',
            etcdOperations: false,
          }),
        }),
    });
    await renderClusterTab(<BackupsContent />, { api });
    expect(
      await screen.findByText('Info: etcd is not operated on this hub'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/The provider of hub local \(kamaji\)/),
    ).toBeInTheDocument();
    expect(api.listBackups).not.toHaveBeenCalled();
    expect(
      screen.queryByRole('button', { name: 'Back up now' }),
    ).not.toBeInTheDocument();
  });
});
