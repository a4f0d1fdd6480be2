// The demo's OAuth 1.0a phase: the machine's clock is 10 minutes off X's. The first signed request draws code 135,
// the client re-signs it on the server's clock (learnt from the 401's Date) and sends it once more; the next calls
// are signed on that clock and succeed first time.
import type { MockXApiOptions } from '../mocks/index.ts';
import { type CalmEvent, createClient } from '../src/index.ts';

/** The demo's app and user keys (the fake API checks signatures against them). */
export const DEMO_OAUTH = {
  consumerKey: 'demo-consumer-key',
  consumerSecret: 'demo-consumer-secret',
  token: '2244994945-demo-access-token',
  tokenSecret: 'demo-access-token-secret',
} as const;

/** A fake X API whose clock runs 10 minutes ahead of this machine's and which checks OAuth 1.0a. */
export function oauthDemoApi(): MockXApiOptions {
  return {
    endpoints: [
      { method: 'POST', path: '/2/tweets', limit: 100, windowMs: 900_000 },
      { method: 'GET', path: '/2/users/me', limit: 75, windowMs: 900_000 },
    ],
    oauth1: {
      consumerKey: DEMO_OAUTH.consumerKey,
      consumerSecret: DEMO_OAUTH.consumerSecret,
      tokens: { [DEMO_OAUTH.token]: DEMO_OAUTH.tokenSecret },
    },
    clockOffsetMs: 10 * 60_000,
  };
}

export async function oauthPhase(
  baseUrl: string,
  print: (text: string) => void,
  onEvent: (e: CalmEvent) => void,
) {
  let corrections = 0;
  const x = createClient({
    baseUrl,
    auth: { oauth1: DEMO_OAUTH },
    hooks: {
      onEvent: (event) => {
        onEvent(event);
        if (event.type === 'auth-refresh') corrections++;
      },
    },
  });
  try {
    const posted = await x.post('/2/tweets', { json: { text: 'signed on the server’s clock' } });
    print(`    POST /2/tweets: ${posted.status} after ${posted.attempts} attempts (one re-signed)`);
    const next = await x.get('/2/users/me');
    print(`    GET /2/users/me: ${next.status} after ${next.attempts} attempt, signed on the learnt clock`);
    return {
      calls: 2,
      outcome: `one 135, one re-signed retry, then ${next.status} first time (${corrections} correction)`,
      asExpected: posted.attempts === 2 && next.attempts === 1 && corrections === 1,
    };
  } finally {
    await x.close();
  }
}
