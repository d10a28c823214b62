import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ThreatReport } from '@hostplane/plugin-hostplane-common';
import {
  mockHostplaneApi,
  renderClusterTab,
} from '../../__testUtils__/fixtures';
import { SecurityContent } from '../SecurityContent';
import {
  aReport,
  aThreatAlert,
  anAction,
} from '../__testUtils__/threatFixtures';

jest.setTimeout(60_000);
const slow = { timeout: 20_000 };

/** The Security tab opened at an alert's report, as a link from the Security page opens it. */
async function openReport(report: () => ThreatReport, overrides = {}) {
  const api = mockHostplaneApi({
    listClusterThreatAlerts: async () => ({ items: [report().alert] }),
    getThreatReport: async () => report(),
    ...overrides,
  });
  await renderClusterTab(<SecurityContent />, {
    api,
    routeEntries: ['/?alert=a1'],
  });
  const drawer = await screen.findByRole(
    'dialog',
    { name: 'Threat report' },
    slow,
  );
  await within(drawer).findByText('What happened', {}, slow);
  return { api, drawer };
}

describe('the threat report', () => {
  it('tells what happened, why it is suspicious, and the context, from a deep link', async () => {
    const { api, drawer } = await openReport(() => aReport());
    expect(api.getThreatReport).toHaveBeenCalledWith('local', 'payments', 'a1');
    const section = (name: string) =>
      within(drawer).getByRole('region', { name });

    const happened = section('What happened');
    expect(within(happened).getByText('kubernetes-admin')).toBeInTheDocument();
    expect(
      within(happened).getByText(
        '/api/v1/namespaces/shop/pods/web-1/exec?command=sh',
      ),
    ).toBeInTheDocument();
    expect(
      within(happened).getByText(
        'answered 101 · from 10.0.0.7 · kubectl/v1.37.2',
      ),
    ).toBeInTheDocument();
    expect(
      within(happened).getByText('The newest 1 of 2 occurrences.'),
    ).toBeInTheDocument();

    const why = section('Why it is suspicious');
    expect(
      within(why).getByText(
        'Someone ran a command inside a running container.',
      ),
    ).toBeInTheDocument();
    expect(
      within(why).getByRole('link', {
        name: /^T1609 Container Administration Command/,
      }),
    ).toHaveAttribute('href', 'https://attack.mitre.org/techniques/T1609/');
    expect(within(why).getByText('interactive +0.32')).toBeInTheDocument();
    expect(
      within(why).getByText('kubectl, from a person.'),
    ).toBeInTheDocument();
    expect(
      within(why).getByText(
        'Never done before (90 %): kubernetes-admin never exec-ed into shop before',
      ),
    ).toBeInTheDocument();
    expect(
      within(why).getByText('Baseline: 14 days of this cluster'),
    ).toBeInTheDocument();

    const context = section('Context');
    expect(
      within(context).getByText('registry.k8s.io/pause:3.10'),
    ).toBeInTheDocument();
    expect(
      within(context).getByText('ReplicaSet web-5d9f'),
    ).toBeInTheDocument();
    expect(within(context).getByText('worker-0')).toBeInTheDocument();
    expect(
      within(context).getByText('RoleBinding shop/web-view → view'),
    ).toBeInTheDocument();
  });

  it('applies a suggestion only after showing what its dry run changes', async () => {
    let report = aReport();
    const applied = anAction();
    const { api, drawer } = await openReport(() => report, {
      takeThreatAction: jest.fn(async (_hub, _name, _id, request) => {
        if (request.dryRun) return { ...applied, id: 'plan', status: 'dryRun' };
        report = { ...report, actions: [applied] };
        return applied;
      }),
    });
    const response = within(drawer).getByRole('region', { name: 'Response' });
    expect(
      within(response).getByText(
        'The response policy suggests actions for a person to apply.',
      ),
    ).toBeInTheDocument();
    expect(within(response).getByText('None yet.')).toBeInTheDocument();
    const suggestion = within(response).getByRole('listitem', {
      name: 'Suggestion: Isolate the pod web-1',
    });
    fireEvent.click(within(suggestion).getByRole('button', { name: 'Apply…' }));

    const confirm = await screen.findByRole('dialog', {
      name: 'Apply: Isolate the pod web-1',
    });
    expect(
      await within(confirm).findByText(
        /NetworkPolicy\s+shop\/hostplane-isolate-web-1/,
      ),
    ).toBeInTheDocument();
    expect(api.takeThreatAction).toHaveBeenCalledTimes(1);
    expect(api.takeThreatAction).toHaveBeenLastCalledWith(
      'local',
      'payments',
      'a1',
      {
        kind: 'isolatePod',
        target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
        dryRun: true,
      },
    );

    fireEvent.click(within(confirm).getByRole('button', { name: 'Apply' }));
    await waitFor(() =>
      expect(api.takeThreatAction).toHaveBeenLastCalledWith(
        'local',
        'payments',
        'a1',
        {
          kind: 'isolatePod',
          target: { kind: 'Pod', namespace: 'shop', name: 'web-1' },
          dryRun: false,
        },
      ),
    );
    const taken = await within(drawer).findByRole(
      'list',
      { name: 'Actions taken' },
      slow,
    );
    expect(
      within(taken).getByText('Isolate the pod (Pod shop/web-1): done'),
    ).toBeInTheDocument();
    expect(within(taken).getByText(/By user:default\/ada/)).toBeInTheDocument();
  });

  it('does not offer to apply what the dry run refuses', async () => {
    const { drawer } = await openReport(() => aReport(), {
      takeThreatAction: async () => {
        throw new Error('the pod is gone');
      },
    });
    fireEvent.click(within(drawer).getByRole('button', { name: 'Apply…' }));
    const confirm = await screen.findByRole('dialog', {
      name: 'Apply: Isolate the pod web-1',
    });
    expect(
      await within(confirm).findByText('the pod is gone'),
    ).toBeInTheDocument();
    expect(
      within(confirm).getByRole('button', { name: 'Apply' }),
    ).toBeDisabled();
  });

  it('reverts a reversible action after a confirmation', async () => {
    const { api, drawer } = await openReport(
      () => aReport({ actions: [anAction({ by: 'policy:auto' })] }),
      {
        revertThreatAction: jest.fn(async () =>
          anAction({ status: 'reverted' }),
        ),
      },
    );
    expect(
      within(drawer).getByText(/By the automatic response policy/),
    ).toBeInTheDocument();
    fireEvent.click(within(drawer).getByRole('button', { name: 'Revert' }));
    const confirm = (await screen.findByText('Revert this action?')).closest(
      '[role="dialog"]',
    ) as HTMLElement;
    fireEvent.click(within(confirm).getByRole('button', { name: 'Revert' }));
    await waitFor(() =>
      expect(api.revertThreatAction).toHaveBeenCalledWith(
        'local',
        'payments',
        'act-1',
      ),
    );
  });

  it('acknowledges, and marks a false positive with a reason and a scope', async () => {
    let alert = aThreatAlert();
    const { api, drawer } = await openReport(() => aReport({ alert }), {
      changeThreatAlertStatus: jest.fn(async (_h, _n, _id, change) => {
        alert = {
          ...alert,
          status: change.status,
          history: [
            {
              at: '2026-08-02T10:20:00Z',
              status: change.status,
              by: 'user:default/ada',
            },
          ],
        };
        return alert;
      }),
      markThreatAlertFalsePositive: jest.fn(async () => ({
        ...alert,
        status: 'falsePositive' as const,
      })),
    });
    fireEvent.click(
      within(drawer).getByRole('button', { name: 'Acknowledge' }),
    );
    await waitFor(() =>
      expect(api.changeThreatAlertStatus).toHaveBeenCalledWith(
        'local',
        'payments',
        'a1',
        { status: 'acknowledged' },
      ),
    );
    expect(
      await within(drawer).findByText(
        /Acknowledged by user:default\/ada/,
        {},
        slow,
      ),
    ).toBeInTheDocument();
    expect(
      within(drawer).queryByRole('button', { name: 'Acknowledge' }),
    ).not.toBeInTheDocument();

    fireEvent.click(
      within(drawer).getByRole('button', { name: 'False positive…' }),
    );
    const dialog = (
      await screen.findByText('Mark as a false positive')
    ).closest('[role="dialog"]') as HTMLElement;
    const mark = within(dialog).getByRole('button', {
      name: 'Mark as false positive',
    });
    expect(mark).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/Why it is not a threat/), {
      target: { value: 'our deploy tool' },
    });
    fireEvent.click(
      within(dialog).getByLabelText('For everything on this cluster'),
    );
    fireEvent.click(mark);
    await waitFor(() =>
      expect(api.markThreatAlertFalsePositive).toHaveBeenCalledWith(
        'local',
        'payments',
        'a1',
        { reason: 'our deploy tool', scope: 'cluster' },
      ),
    );
  });
});
