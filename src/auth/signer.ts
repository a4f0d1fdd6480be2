import { lazy } from '../utils/lazy.ts';
import type { OAuth1Credentials, OAuth1Request, OAuth1SignOptions } from './oauth1.ts';
import { ServerClock, skewRetry } from './server-clock.ts';

/**
 * The signing code (HMAC-SHA1, the base string, nonces) in a chunk of its own, loaded at a client's first OAuth 1.0a
 * request: a client with a bearer token never fetches it (issue 18's size budget).
 * @internal
 */
export const signing = lazy(() => import('./sign.ts'));

/**
 * Signs one request and returns the `Authorization` header value (`OAuth oauth_consumer_key="…", …`). Call it
 * for every attempt: each needs a fresh nonce and timestamp (X uses the nonce to spot a request sent twice). The
 * public `signOAuth1`: it loads the signing chunk on first use, so importing it costs a bundle nothing until called.
 */
export async function signOAuth1(
  request: OAuth1Request,
  credentials: OAuth1Credentials,
  options?: OAuth1SignOptions,
): Promise<string> {
  const { signOAuth1: sign } = signing.value ?? (await signing.load());
  return sign(request, credentials, options);
}

/**
 * A signing chunk that could not be loaded. Not a network error of the call (nothing was sent), so the client fails
 * the attempt as an unexpected error, with this message: never retried, never sent unsigned.
 * @internal
 */
export class SignerUnavailable extends Error {
  override name = 'SignerUnavailable';
}

const FORM = /^application\/x-www-form-urlencoded\b/i;

/**
 * Signs each attempt's request with OAuth 1.0a on the server's clock, as the exchange sends it (the final URL with
 * its query, the form body), and learns that clock from every response's `Date`. One per client.
 * @internal
 */
export class OAuth1Signer {
  readonly clock = new ServerClock();

  /** Signs `request` in place (its Authorization header); returns the server-clock time it was signed at. */
  async sign(request: Request, credentials: OAuth1Credentials): Promise<number> {
    const contentType = request.headers.get('content-type');
    const body =
      request.body !== null && FORM.test(contentType ?? '') ? await request.clone().text() : undefined;
    const origin = new URL(request.url).origin;
    const signedAt = this.clock.now(origin);
    let sign = signing.value?.signOAuth1;
    if (sign === undefined) {
      try {
        sign = (await signing.load()).signOAuth1;
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new SignerUnavailable(`the OAuth 1.0a signer could not be loaded (${why})`);
      }
    }
    const authorization = await sign(
      { method: request.method, url: request.url, body, contentType },
      credentials,
      { timestamp: Math.floor(signedAt / 1000) },
    );
    request.headers.set('authorization', authorization);
    return signedAt;
  }

  /** Learns the server's clock from a response's `Date`. */
  learn(url: string, response: Response): void {
    this.clock.observe(url, response.headers.get('date'));
  }

  /** Whether a refusal was the clock's fault (code 135, or a 401 whose `Date` is far off): re-signing can fix it. */
  isClockFault(
    response: Response,
    classification: Parameters<typeof skewRetry>[0],
    signedAt: number,
  ): boolean {
    return (
      classification.status === 401 && skewRetry(classification, response.headers.get('date'), signedAt).retry
    );
  }
}
