import { type OAuth1Credentials, signOAuth1 } from './oauth1.ts';
import { ServerClock, skewRetry } from './server-clock.ts';

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
    const authorization = await signOAuth1(
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
