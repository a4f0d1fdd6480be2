import { inspect } from 'node:util';
import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { notFound, rateLimitHeaders, respond, v1Error } from '../../mocks/index.ts';
import { type CalmEvent, createClient, isCalmError } from '../../src/index.ts';
import { API, settle, TOKEN, useMockServer } from '../helpers.ts';

const { use } = useMockServer();
const USER_TOKEN = '1234567890-UserAccessTokenSecretValue';

function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 20, showHidden: true }), JSON.stringify(value) ?? ''];
  if (value instanceof Error) out.push(value.message, value.stack ?? '', String(value));
  if (isCalmError(value)) out.push(JSON.stringify(value.toJSON()));
  return out;
}

describe('credentials never leave', () => {
  it.each([
    ['auth-fatal', () => respond.json(v1Error(89), 401)],
    ['retryable give-up', () => respond.json(v1Error(130), 503)],
    [
      'rate limit beyond maxWaitMs',
      () => respond.json(v1Error(88), 429, rateLimitHeaders({ resetInSeconds: 3600 })),
    ],
    ['network error', () => HttpResponse.error()],
    [
      'timeout',
      async () => {
        await delay(60_000);
        return respond.json({}, 200);
      },
    ],
    ['partial errors', () => respond.json({ data: [], errors: [notFound('1')] }, 200)],
    ['permanent with a query token', () => respond.json(v1Error(34), 404)],
  ] as const)('%s: not in messages, stacks, toJSON, inspect or events', async (_, reply) => {
    use(http.all(`${API}/*`, reply));
    const events: CalmEvent[] = [];
    for (const auth of [
      { bearer: TOKEN },
      () => ({ authorization: `OAuth oauth_token="${USER_TOKEN}"` }),
    ] as const) {
      const x = createClient({
        auth,
        random: () => 0,
        timeoutMs: 1000,
        retry: { limit: 1, maxWaitMs: 60_000 },
        hooks: { onEvent: (e) => events.push(e) },
      });
      const { value, error } = await settle(
        x.get('/2/x', { searchParams: { access_token: USER_TOKEN, ids: '1' } }),
        3000,
      );
      for (const text of [
        ...renderings(error),
        ...renderings(value === undefined ? undefined : { ...value, headers: undefined }),
        ...events.flatMap(renderings),
      ]) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(USER_TOKEN);
      }
    }
    expect(events.length).toBeGreaterThan(0);
  });
});
