// Issue 14, items 1–2: a server that echoes the Authorization header back in its error text (a v1.1 `message`, a
// v2 `detail`, a partial error of a success). Over a real loopback socket, for a bearer token, an OAuth 1.0a header
// from an `auth` function, Basic credentials and an API-key header: no rendering of an error, event or result
// holds any part of a credential.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalmEvent, type ClientOptions, createClient, isCalmError } from '../../src/index.ts';
import { TOKEN } from '../helpers.ts';

const CONSUMER_KEY = 'xvz1evFS4wEEPTGEFPHBog';
const OAUTH_TOKEN = '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb';
/** Percent-encoded as sent; its decoded form (`tnnArxj06cWHq44gCs1OSKk/jLY=`) is a credential too. */
const SIGNATURE = 'tnnArxj06cWHq44gCs1OSKk%2FjLY%3D';
const OAUTH = `OAuth oauth_consumer_key="${CONSUMER_KEY}", oauth_nonce="kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", oauth_signature="${SIGNATURE}", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1318622958", oauth_token="${OAUTH_TOKEN}", oauth_version="1.0"`;
const USER = 'calm-service';
const PASSWORD = 'correct-horse-battery';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const API_KEY = 'k3y-0f-th3-s3rv1c3-abcdef';

/** Every credential-bearing string the client knows, in each form a server might echo. */
const SECRETS = [
  TOKEN,
  decodeURIComponent(TOKEN),
  CONSUMER_KEY,
  OAUTH_TOKEN,
  SIGNATURE,
  decodeURIComponent(SIGNATURE),
  Buffer.from(`${USER}:${PASSWORD}`).toString('base64'),
  `${USER}:${PASSWORD}`,
  PASSWORD,
  API_KEY,
];

/** What the server echoes: the header whole, then each credential part on its own, as sent and decoded. */
function echo(request: IncomingMessage): string {
  const value = String(request.headers.authorization ?? request.headers['x-api-key'] ?? '');
  const parts = [value];
  const [scheme, rest = ''] = value.split(/ (.*)/s);
  if (scheme === 'Bearer') parts.push(rest, decodeURIComponent(rest));
  if (scheme === 'OAuth') {
    for (const [, key, raw] of rest.matchAll(/(\w+)="([^"]*)"/g))
      parts.push(`${key}=${raw}`, decodeURIComponent(raw!));
  }
  if (scheme === 'Basic') {
    const decoded = Buffer.from(rest, 'base64').toString();
    parts.push(rest, decoded, decoded.split(':')[1]!);
  }
  return `Invalid credentials: ${parts.join(' | ')}`;
}

let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const text = echo(request);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.url?.startsWith('/1.1/')) send(401, { errors: [{ code: 89, message: text }] });
    else if (request.url?.startsWith('/2/forbidden')) {
      send(403, { title: 'Forbidden', detail: text, type: 'about:blank', status: 403 });
    } else if (request.url?.startsWith('/2/problem')) {
      send(400, {
        errors: [
          { title: 'Invalid Request', detail: text, type: 'https://api.x.com/2/problems/invalid-request' },
        ],
        title: 'Invalid Request',
        detail: text,
        type: 'https://api.x.com/2/problems/invalid-request',
      });
    } else {
      send(200, {
        data: [{ id: '1' }],
        errors: [
          {
            value: '2',
            detail: text,
            title: 'Not Found Error',
            resource_type: 'tweet',
            parameter: 'ids',
            resource_id: '2',
            type: 'https://api.x.com/2/problems/resource-not-found',
          },
        ],
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function renderings(value: unknown): string[] {
  const out = [inspect(value, { depth: 20, showHidden: true }), inspect(value), JSON.stringify(value) ?? ''];
  if (value instanceof Error) out.push(value.message, value.stack ?? '', String(value));
  if (isCalmError(value)) {
    out.push(JSON.stringify(value.toJSON()), inspect(value.classification, { depth: 20 }));
    out.push(JSON.stringify([value.codes, value.problems, value.reason]));
  }
  return out;
}

const SCHEMES: readonly [string, ClientOptions['auth'], ClientOptions['headers']][] = [
  ['bearer', { bearer: TOKEN }, undefined],
  ['bearer from a function', { bearer: () => TOKEN }, undefined],
  ['OAuth 1.0a from an auth function', () => ({ authorization: OAUTH }), undefined],
  ['Basic from an auth function', () => ({ Authorization: BASIC }), undefined],
  ['Basic in the client headers', undefined, { authorization: BASIC }],
  ['an API-key header', undefined, { 'x-api-key': API_KEY }],
];

describe('echoed credentials: no rendering of an error, event or result holds any part of one', () => {
  describe.each(SCHEMES)('%s', (_, auth, headers) => {
    it.each([
      ['a v1.1 code message (401 + code 89)', '/1.1/account/verify_credentials.json'],
      ['a v2 problem detail (403)', '/2/forbidden'],
      ['a v2 errors[].detail (400)', '/2/problem'],
    ])('%s', async (_what, path) => {
      const events: CalmEvent[] = [];
      const x = createClient({
        baseUrl,
        ...(auth && { auth }),
        ...(headers && { headers }),
        rateLimit: false,
        retry: { limit: 0 },
        hooks: { onEvent: (e) => events.push(e) },
      });
      const error = await x.get(path).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isCalmError(error)).toBe(true);
      // The server did echo them: the test would pass vacuously otherwise.
      expect(JSON.stringify((error as { classification: unknown }).classification)).toContain('[redacted]');
      for (const text of [...renderings(error), ...events.flatMap(renderings)]) {
        for (const secret of SECRETS) expect(text).not.toContain(secret);
      }
    });

    it('a partial error of a success (the result, its classification and errors)', async () => {
      const events: CalmEvent[] = [];
      const partial: unknown[] = [];
      const x = createClient({
        baseUrl,
        ...(auth && { auth }),
        ...(headers && { headers }),
        rateLimit: false,
        hooks: { onEvent: (e) => events.push(e), onPartialErrors: (errors) => void partial.push(errors) },
      });
      const result = await x.get('/2/tweets?ids=1,2');
      await new Promise((resolve) => setImmediate(resolve));
      expect(result.errors).toHaveLength(1);
      // `body` and `data` are the server's payload, handed over as sent; everything calmfetch derived is masked.
      const { body: _body, data: _data, headers: _headers, ...derived } = result;
      expect(partial).toHaveLength(1);
      for (const text of [...renderings(derived), ...renderings(partial), ...events.flatMap(renderings)]) {
        for (const secret of SECRETS) expect(text).not.toContain(secret);
      }
    });
  });
});
