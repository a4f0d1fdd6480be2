import { describe, expect, it } from 'vitest';
import {
  emptyPageWithToken,
  invalidTokenOnPage,
  perSecondLimitOnPage,
  rateLimitedOnPage,
  repeatedToken,
  usageCapOnPage,
} from '../../mocks/index.ts';
import { API, run, useMockServer } from '../helpers.ts';

const { use } = useMockServer();
const URL_ = `${API}/2/users/1/tweets`;

/** Fetches page 0, then page 1 with page 0's token: page 1's response. */
async function secondPage(): Promise<{ response: Response; body: Record<string, unknown>; first: string }> {
  const first = (await run(fetch(`${URL_}?max_results=10`).then((r) => r.json()))) as {
    meta: { next_token: string };
  };
  const token = first.meta.next_token;
  const response = await run(fetch(`${URL_}?max_results=10&pagination_token=${token}`));
  return { response, body: (await run(response.json())) as Record<string, unknown>, first: token };
}

describe('paged-list fault factories (page 1 of a list)', () => {
  it('rateLimitedOnPage: 429 + code 88, window spent', async () => {
    use(rateLimitedOnPage(`${API}/2/users/:id/tweets`, 1, { resetInSeconds: 60 }));
    const { response, body } = await secondPage();
    expect(response.status).toBe(429);
    expect(response.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(body).toEqual({ errors: [{ code: 88, message: 'Rate limit exceeded' }] });
  });

  it('usageCapOnPage: 429 + usage-capped with remaining far above 0', async () => {
    use(usageCapOnPage(`${API}/2/users/:id/tweets`, 1));
    const { response, body } = await secondPage();
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('x-rate-limit-remaining'))).toBeGreaterThan(0);
    expect(body.type).toBe('https://api.twitter.com/2/problems/usage-capped');
  });

  it('perSecondLimitOnPage: 429 Too Many Requests with remaining above 0', async () => {
    use(perSecondLimitOnPage(`${API}/2/users/:id/tweets`, 1));
    const { response, body } = await secondPage();
    expect(response.status).toBe(429);
    expect(response.headers.get('x-rate-limit-remaining')).toBe('299');
    expect(body.title).toBe('Too Many Requests');
  });

  it('emptyPageWithToken: 200, result_count 0, no data, a next_token', async () => {
    use(emptyPageWithToken(`${API}/2/users/:id/tweets`, 1));
    const { body } = await secondPage();
    expect(body.data).toBeUndefined();
    expect(body.meta).toMatchObject({ result_count: 0, next_token: expect.any(String) });
  });

  it('repeatedToken: the page hands back the token that asked for it', async () => {
    use(repeatedToken(`${API}/2/users/:id/tweets`, 1));
    const { body, first } = await secondPage();
    expect((body.meta as { next_token: string }).next_token).toBe(first);
  });

  it('invalidTokenOnPage: 400 invalid-request naming the parameter', async () => {
    use(invalidTokenOnPage(`${API}/2/users/:id/tweets`, 1));
    const { response, body, first } = await secondPage();
    expect(response.status).toBe(400);
    expect(body.type).toBe('https://api.twitter.com/2/problems/invalid-request');
    expect(body.errors).toEqual([
      {
        parameters: { pagination_token: [first] },
        message: `The \`pagination_token\` query parameter value [${first}] is not a valid token`,
      },
    ]);
  });
});
