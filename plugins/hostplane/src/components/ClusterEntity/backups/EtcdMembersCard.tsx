import { useState } from 'react';
import {
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  EtcdHealthResponse,
  EtcdMemberHealth,
  backupCreatePermission,
  formatByteSize,
} from '@hostplane/plugin-hostplane-common';
import { useClusterView } from '../common/ClusterViewContext';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { GuardedButton } from '../common/GuardedButton';
import { useChangeBlock } from '../common/useActionBlock';

/** A member as a row; its pod names it in etcd-<index>, the index `replaceEtcdMember` takes. */
type MemberRow = EtcdMemberHealth & { id: string };

function memberIndex(member: EtcdMemberHealth, row: number): number {
  const match = /-(\d+)$/.exec(member.pod);
  return match ? Number(match[1]) : row;
}

/** One maintenance action the user asked for, waiting for their confirmation. */
type Maintenance =
  | { action: 'defragment' | 'recoverEtcdSpace'; pod?: undefined }
  | { action: 'replaceEtcdMember'; member: number; pod: string };

const DIALOGS: Record<
  Maintenance['action'],
  {
    title(asked: Maintenance): string;
    confirmLabel: string;
    consequence(asked: Maintenance): string;
  }
> = {
  defragment: {
    title: () => 'Defragment etcd',
    confirmLabel: 'Defragment',
    consequence: () =>
      'Each member in turn, the leader last, gives the space its deleted history held back to the disk; a member pauses while it is defragmented, and the next starts only once it is healthy again.',
  },
  recoverEtcdSpace: {
    title: () => 'Recover etcd space',
    confirmLabel: 'Recover space',
    consequence: () =>
      "etcd's history is compacted to the current revision, every member is defragmented, and the NOSPACE alarm is disarmed so that writes are accepted again.",
  },
  replaceEtcdMember: {
    title: asked => `Replace etcd member ${asked.pod}`,
    confirmLabel: 'Replace',
    consequence: asked =>
      `${asked.pod} is removed from the etcd cluster and a new member with an empty data directory joins in its place and syncs from the others. The other members keep quorum throughout.`,
  },
};

const size = (bytes: number | undefined) =>
  bytes === undefined ? '—' : formatByteSize(bytes);

function Role({ member }: { member: EtcdMemberHealth }) {
  if (member.leader) return <>Leader</>;
  return <>{member.learner ? 'Learner' : 'Follower'}</>;
}

function Reachable({ member }: { member: EtcdMemberHealth }) {
  if (member.reachable) return <StatusOK>reachable</StatusOK>;
  return (
    <Tooltip title={member.error ?? 'It did not answer through the hub'}>
      <span>
        <StatusError>unreachable</StatusError>
      </span>
    </Tooltip>
  );
}

function Fragmentation({
  member,
  threshold,
}: {
  member: EtcdMemberHealth;
  threshold: number;
}) {
  if (member.fragmentation === undefined) return <>—</>;
  const percent = `${Math.round(member.fragmentation * 100)} %`;
  return member.fragmentation >= threshold ? (
    <StatusWarning>{percent}</StatusWarning>
  ) : (
    <>{percent}</>
  );
}

/**
 * The cluster's etcd members as the hub reaches them (role, size, fragmentation, raft index,
 * alarms) and their maintenance: defragment, recover from NOSPACE, replace a member (HA only).
 */
export function EtcdMembersCard({ health }: { health: EtcdHealthResponse }) {
  const view = useClusterView();
  const { cluster } = view;
  const blockedReason = useChangeBlock(backupCreatePermission);
  const [asked, setAsked] = useState<Maintenance>();
  const { fragmentationThreshold, minDbSizeBytes } = health.defragmentation;
  const noSpace = health.members.filter(m => m.alarms.includes('NOSPACE'));
  const highlyAvailable = cluster.availability === 'HighlyAvailable';

  const columns: TableColumn<MemberRow>[] = [
    {
      title: 'Member',
      highlight: true,
      render: member => (
        <>
          {member.name}
          <Typography variant="caption" color="textSecondary" component="div">
            {member.pod}
            {member.version ? ` · etcd ${member.version}` : ''}
          </Typography>
        </>
      ),
    },
    { title: 'Role', render: member => <Role member={member} /> },
    { title: 'Reachable', render: member => <Reachable member={member} /> },
    { title: 'DB size', render: member => size(member.dbSizeBytes) },
    { title: 'In use', render: member => size(member.dbSizeInUseBytes) },
    {
      title: 'Fragmentation',
      render: member => (
        <Fragmentation member={member} threshold={fragmentationThreshold} />
      ),
    },
    {
      title: 'Raft index',
      render: member => member.raftIndex ?? '—',
    },
    {
      title: 'Alarms',
      render: member =>
        member.alarms.length === 0
          ? 'none'
          : member.alarms.map(alarm => (
              <Chip key={alarm} size="small" label={alarm} color="secondary" />
            )),
    },
  ];
  if (highlyAvailable) {
    columns.push({
      title: 'Replace',
      render: member => (
        <GuardedButton
          size="small"
          variant="outlined"
          blockedReason={blockedReason}
          aria-label={`Replace member ${member.pod}`}
          onClick={() =>
            setAsked({
              action: 'replaceEtcdMember',
              member: memberIndex(member, health.members.indexOf(member)),
              pod: member.pod,
            })
          }
        >
          Replace
        </GuardedButton>
      ),
    });
  }

  return (
    <>
      {noSpace.length > 0 && (
        <Box mb={2}>
          <WarningPanel
            severity="error"
            title="etcd is out of space (NOSPACE alarm)"
            message={`${noSpace
              .map(m => m.pod)
              .join(', ')} reached the space quota${
              health.quotaBytes
                ? ` of ${formatByteSize(health.quotaBytes)}`
                : ''
            }. etcd now refuses every write: nothing in the cluster can be created or changed, and controllers stall, until space is freed and the alarm disarmed. "Recover space" compacts the history, defragments every member and disarms the alarm, and says how much it freed.`}
          />
          <Box mt={1}>
            <GuardedButton
              variant="contained"
              color="secondary"
              blockedReason={blockedReason}
              onClick={() => setAsked({ action: 'recoverEtcdSpace' })}
            >
              Recover space
            </GuardedButton>
          </Box>
        </Box>
      )}
      <Table<MemberRow>
        title="etcd members"
        subtitle={`Defragmented automatically at ${Math.round(
          fragmentationThreshold * 100,
        )} % fragmentation or more once the database is ${formatByteSize(
          minDbSizeBytes,
        )} or larger${
          health.quotaBytes
            ? `; space quota ${formatByteSize(health.quotaBytes)}`
            : ''
        }.`}
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={health.members.map(member => ({ ...member, id: member.pod }))}
        emptyContent="No etcd member answered through the hub."
      />
      <Box mt={2}>
        <GuardedButton
          variant="outlined"
          blockedReason={blockedReason}
          onClick={() => setAsked({ action: 'defragment' })}
        >
          Defragment
        </GuardedButton>
      </Box>
      {asked && (
        <ConfirmDialog
          open
          title={DIALOGS[asked.action].title(asked)}
          confirmLabel={DIALOGS[asked.action].confirmLabel}
          danger={asked.action === 'replaceEtcdMember'}
          onConfirm={() =>
            view.change(
              asked.action === 'replaceEtcdMember'
                ? { action: asked.action, member: asked.member }
                : { action: asked.action },
            )
          }
          onClose={() => setAsked(undefined)}
        >
          <Typography>{DIALOGS[asked.action].consequence(asked)}</Typography>
        </ConfirmDialog>
      )}
    </>
  );
}
