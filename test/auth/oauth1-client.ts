// A calmfetch client that signs with OAuth 1.0a the way the call path will (issue 17), built from today's public
// hooks: `auth` signs every attempt on the server's clock, `afterResponse` feeds every Date to the clock, and
// `onAuthError` asks skewRetry() whether a refusal was the clock's fault (then the client retries once).
// `auth` receives only a redacted URL, so the test names the request it is making (`target`).

import { type OAuth1Credentials, type OAuth1Request, signOAuth1 } from '../../src/auth/oauth1.ts';
import { ServerClock, type SkewDecision, skewRetry } from '../../src/auth/server-clock.ts';
import { type CalmEvent, createClient } from '../../src/index.ts';

export interface OAuthClientOptions {
  readonly baseUrl: string;
  readonly credentials: OAuth1Credentials;
  readonly onEvent?: (event: CalmEvent) => void;
}

export function oauthClient(options: OAuthClientOptions) {
  const origin = new URL(options.baseUrl).origin;
  const clock = new ServerClock();
  const decisions: SkewDecision[] = [];
  const headers: string[] = [];
  let target: OAuth1Request | undefined;
  let signedNow = 0;
  let lastDate: string | null = null;
  const client = createClient({
    baseUrl: options.baseUrl,
    random: () => 0.5,
    auth: async () => {
      if (!target) throw new Error('set the target request first');
      signedNow = clock.now(origin);
      const authorization = await signOAuth1(target, options.credentials, {
        timestamp: Math.floor(signedNow / 1000),
      });
      headers.push(authorization);
      return { authorization };
    },
    hooks: {
      afterResponse: [
        ({ response }) => {
          lastDate = response.headers.get('date');
          clock.observe(origin, lastDate);
        },
      ],
      onAuthError: ({ classification }) => {
        const decision = skewRetry(classification, lastDate, signedNow);
        decisions.push(decision);
        return decision.retry;
      },
      ...(options.onEvent && { onEvent: options.onEvent }),
    },
  });
  return {
    client,
    clock,
    origin,
    /** Every skewRetry() answer, in order. */
    decisions,
    /** Every Authorization value sent, in order. */
    headers,
    /** Names the request the next call makes, path relative to the base URL. */
    target(method: string, path: string, body?: URLSearchParams) {
      target = { method, url: `${options.baseUrl}${path}`, ...(body && { body }) };
    },
  };
}
