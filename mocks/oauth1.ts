import { HttpResponse } from 'msw';
import {
  hmacSha1Signature,
  type OAuth1Credentials,
  parseOAuth1Header,
  requestParams,
  signatureBaseString,
} from '../src/auth/oauth1.ts';
import { xCatalogue } from '../src/catalogue/index.ts';
import { v1Error } from './bodies.ts';

export interface MockOAuth1Options {
  /** The app's API key the fake accepts. */
  readonly consumerKey: string;
  readonly consumerSecret: string;
  /** The access tokens the fake knows, token → token secret; app-only requests (no oauth_token) pass too. */
  readonly tokens?: Readonly<Record<string, string>>;
  /**
   * How far `oauth_timestamp` may be from the fake's clock, either way, before 401 + code 135. X publishes no
   * number; 5 minutes is what OAuth servers commonly allow. @default 300000
   */
  readonly maxSkewMs?: number;
}

/** How the fake answered an OAuth 1.0a request: `identity` (app key + token) for its windows, or a refusal. */
export type OAuth1Verdict = { readonly identity: string } | { readonly refusal: Response };

const REQUIRED = [
  'oauth_consumer_key',
  'oauth_nonce',
  'oauth_signature',
  'oauth_signature_method',
  'oauth_timestamp',
];

/**
 * Checks OAuth 1.0a requests as X does, with the same math the client signs with: 400 + code 215 for a
 * malformed header, 401 + 32 for an unknown app key, a bad signature or a nonce seen before, 401 + 89 for an
 * unknown token, 401 + 135 for a timestamp out of bounds. Every body is X's documented one (`v1Error`).
 */
export function oauth1Verifier(options: MockOAuth1Options) {
  const maxSkewMs = options.maxSkewMs ?? 300_000;
  const credentials = new Map<string, OAuth1Credentials>();
  const nonces = new Set<string>();
  const refuse = (code: number, date: string) =>
    HttpResponse.json(v1Error(code), {
      status: xCatalogue.codes.get(code)?.status ?? 401,
      headers: { date },
    });
  const credentialsFor = (token: string | undefined): OAuth1Credentials | undefined => {
    const key = token ?? '';
    let found = credentials.get(key);
    if (found === undefined) {
      const tokenSecret = token === undefined ? '' : options.tokens?.[token];
      if (tokenSecret === undefined) return undefined;
      found = Object.freeze({
        consumerKey: options.consumerKey,
        consumerSecret: options.consumerSecret,
        tokenSecret,
      });
      credentials.set(key, found);
    }
    return found;
  };

  return {
    /** Verifies `request` against the fake's clock (`now`, epoch ms). */
    async verify(request: Request, now: number): Promise<OAuth1Verdict> {
      const date = new Date(now).toUTCString();
      const oauth = parseOAuth1Header(request.headers.get('authorization'));
      if (
        !oauth ||
        REQUIRED.some((key) => !oauth.has(key)) ||
        oauth.get('oauth_signature_method') !== 'HMAC-SHA1'
      ) {
        return { refusal: refuse(215, date) };
      }
      if (oauth.get('oauth_consumer_key') !== options.consumerKey) return { refusal: refuse(32, date) };
      const token = oauth.get('oauth_token') || undefined;
      const signer = credentialsFor(token);
      if (!signer) return { refusal: refuse(89, date) };
      const timestamp = Number(oauth.get('oauth_timestamp'));
      if (!Number.isSafeInteger(timestamp) || Math.abs(timestamp * 1000 - now) > maxSkewMs) {
        return { refusal: refuse(135, date) };
      }
      const contentType = request.headers.get('content-type');
      const body = request.body ? await request.clone().text() : undefined;
      const url = receivedUrl(request);
      const params = [
        ...requestParams({ method: request.method, url, body, contentType }),
        ...[...oauth].filter(([key]) => key !== 'realm'),
      ];
      const expected = await hmacSha1Signature(signer, signatureBaseString(request.method, url, params));
      if (expected !== oauth.get('oauth_signature')) return { refusal: refuse(32, date) };
      // X uses the nonce "to determine whether a request has been submitted multiple times" (docs.x.com).
      const nonce = `${options.consumerKey} ${oauth.get('oauth_nonce')} ${timestamp}`;
      if (nonces.has(nonce)) return { refusal: refuse(32, date) };
      if (nonces.size >= 10_000) nonces.clear();
      nonces.add(nonce);
      return { identity: `OAuth ${options.consumerKey} ${token ?? ''}` };
    },
    reset(): void {
      nonces.clear();
    },
  };
}

/** The URL the client sent to: behind `startMockServer`, the `Forwarded` header's host and protocol. */
function receivedUrl(request: Request): string {
  const forwarded = request.headers.get('forwarded');
  const host = forwarded && /(?:^|;)\s*host="?([^";,]+)"?/i.exec(forwarded)?.[1];
  const proto = forwarded && /(?:^|;)\s*proto="?(https?)"?/i.exec(forwarded)?.[1];
  if (!host || !proto) return request.url;
  const url = new URL(request.url);
  return `${proto}://${host}${url.pathname}${url.search}`;
}
