// The fake X API both OAuth socket suites run against: OAuth 1.0a checked for the given users, its clock run off
// by `clockOffsetMs`, on a real loopback socket closed after each test.
import { afterEach } from 'vitest';
import { createMockXApi, type MockServer, startMockServer } from '../../mocks/node.ts';
import type { OAuth1Credentials } from '../../src/index.ts';

export const TEN_MINUTES = 10 * 60_000;

/** Registers the after-each close; returns `serve(clockOffsetMs)`. */
export function useOAuthApi(app: OAuth1Credentials, users: readonly OAuth1Credentials[]) {
  let mock: MockServer | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });
  return async (clockOffsetMs: number) => {
    const api = createMockXApi({
      endpoints: [
        { method: 'POST', path: '/1.1/statuses/update.json' },
        { method: 'GET', path: '/2/users/me' },
      ],
      oauth1: {
        consumerKey: app.consumerKey,
        consumerSecret: app.consumerSecret,
        tokens: Object.fromEntries(users.map((u) => [u.token!, u.tokenSecret!])),
      },
      clockOffsetMs,
    });
    mock = await startMockServer(api.handlers);
    return { api, url: mock.url };
  };
}
