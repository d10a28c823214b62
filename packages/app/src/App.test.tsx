import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import hostplanePlugin from '@hostplane/plugin-hostplane';
import App from './App';

jest.setTimeout(60_000);

const BACKEND = 'http://localhost:7007';

/** The answer of `GET /api/hostplane/clusters`: one cluster. */
const clusters = {
  items: [
    {
      hub: 'local',
      name: 'payments',
      namespace: 'tenants-team-a',
      owner: 'group:default/team-a',
      phase: 'Ready',
      version: 'v1.36.4',
      nodePools: [],
      deletionProtection: false,
      labels: {},
    },
  ],
  totalCount: 1,
  phaseCounts: { Ready: 1 },
  incompleteHubs: [],
};

function urlOf(input: RequestInfo | URL): string {
  return input instanceof Request ? input.url : String(input);
}

/** A guest's session, as the auth backend's guest provider answers it (the app reads, not checks, the token). */
const guestSession = {
  profile: { displayName: 'Guest' },
  backstageIdentity: {
    token: ['{"alg":"none"}', '{"sub":"user:default/guest","exp":4102444800}']
      .map(part => Buffer.from(part).toString('base64url'))
      .concat('')
      .join('.'),
    identity: {
      type: 'user',
      userEntityRef: 'user:default/guest',
      ownershipEntityRefs: ['user:default/guest', 'group:default/guests'],
    },
  },
};

/**
 * The backend, as far as signing in and the Clusters page ask it: the guest's session and the
 * Hostplane API's cluster list.
 */
const backendFetch = jest.fn(async (input: RequestInfo | URL) => {
  const url = urlOf(input);
  if (url === `${BACKEND}/api/auth/guest/refresh`) {
    return new Response(JSON.stringify(guestSession), {
      headers: { 'content-type': 'application/json' },
    });
  }
  if (url.startsWith(`${BACKEND}/api/hostplane/clusters?`)) {
    return new Response(JSON.stringify(clusters), {
      headers: { 'content-type': 'application/json' },
    });
  }
  return new Response(JSON.stringify({ error: { message: 'not here' } }), {
    status: 404,
    headers: { 'content-type': 'application/json' },
  });
});

describe('App', () => {
  const realFetch = global.fetch;

  beforeEach(() => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: {
              title: 'Test',
              baseUrl: 'http://localhost:3000',
              packages: 'all',
            },
            backend: { baseUrl: BACKEND },
          },
          context: 'test',
        },
      ] as any,
    };
    // The CLI's build puts the app's plugin packages here for `app.packages: all`; jest does
    // not build, so the test lists the packages it needs: Hostplane, and the notifications
    // plugin whose API the sidebar uses.
    (window as any)['__@backstage/discovered__'] = {
      modules: [
        { name: '@hostplane/plugin-hostplane', default: hostplanePlugin },
        {
          name: '@backstage/plugin-notifications',
          default: notificationsPlugin,
        },
      ],
    };
    global.fetch = backendFetch as typeof global.fetch;
    window.history.pushState({}, '', '/hostplane');
  });

  afterEach(() => {
    global.fetch = realFetch;
    delete (window as any)['__@backstage/discovered__'];
  });

  it("shows Hostplane's Clusters page, with the clusters the API lists, at /hostplane", async () => {
    render(App.createRoot());
    fireEvent.click(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 20_000 }),
    );

    // Queried afresh each time: the page renders more than once while the app starts.
    await waitFor(
      () => {
        expect(
          screen.getByRole('tab', { name: 'Clusters', selected: true }),
        ).toBeInTheDocument();
        // The page's header and its table's title.
        expect(
          screen.getAllByRole('heading', { name: 'Clusters' }),
        ).not.toHaveLength(0);
        expect(screen.getByRole('row', { name: /payments/ })).toHaveTextContent(
          'group:default/team-a',
        );
      },
      { timeout: 20_000 },
    );
    expect(
      backendFetch.mock.calls.map(([input]) => urlOf(input)),
    ).toContainEqual(
      expect.stringMatching(`^${BACKEND}/api/hostplane/clusters\\?`),
    );
  });
});
