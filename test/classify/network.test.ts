import { describe, expect, it } from 'vitest';
import { inspectNetworkError } from '../../src/classify/network.ts';

/** An error as a runtime throws it: its constructor's name, a message, maybe a code and a cause. */
function thrown(message: string, extra: { name?: string; code?: string; cause?: unknown } = {}): Error {
  const error = new TypeError(message, extra.cause === undefined ? undefined : { cause: extra.cause });
  if (extra.name) Object.defineProperty(error, 'name', { value: extra.name });
  if (extra.code) Object.assign(error, { code: extra.code });
  return error;
}

// Each row: where the message comes from, the error, and what calmfetch makes of it. "seen" rows were thrown on
// loopback by the runtime named (a refused port, a reset before the answer, a reset during the body, a bad host);
// "ky" rows are from ky's list (node_modules/ky/distribution/utils/is-network-error.js).
const ROWS: readonly (readonly [string, Error, { code?: string; unsent: boolean }])[] = [
  ['ky: Chrome', thrown('Failed to fetch'), { unsent: false }],
  ['ky: Chrome with the host', thrown('Failed to fetch (api.x.com)'), { unsent: false }],
  ['ky: Chrome, body', thrown('network error'), { unsent: false }],
  ['ky: Firefox', thrown('NetworkError when attempting to fetch resource.'), { unsent: false }],
  ['ky: Safari 16', thrown('The Internet connection appears to be offline.'), { unsent: false }],
  ['ky: Safari 17', thrown('Load failed'), { unsent: false }],
  ['ky: Safari 17 with the host', thrown('Load failed (api.x.com)'), { unsent: false }],
  ['ky: cross-fetch', thrown('Network request failed'), { unsent: false }],
  ['ky: Undici', thrown('fetch failed'), { unsent: false }],
  ['ky: Undici, body', thrown('terminated'), { unsent: false }],
  ['ky: Bun', thrown(' A network error occurred.'), { unsent: false }],
  ['ky: Cloudflare Workers', thrown('Network connection lost'), { unsent: false }],
  ['ky: Cloudflare Workers, with a period', thrown('Network connection lost.'), { unsent: false }],
  [
    'ky: Deno before 2.9',
    thrown('error sending request for url (https://api.x.com/2/users/me)'),
    { unsent: false },
  ],
  [
    'seen: Node 24, reset',
    thrown('fetch failed', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    }),
    { code: 'UND_ERR_SOCKET', unsent: false },
  ],
  [
    'seen: Node 24, body',
    thrown('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    }),
    { code: 'UND_ERR_SOCKET', unsent: false },
  ],
  [
    'seen: Deno 2.9, refused',
    thrown('fetch failed', {
      cause: new Error(
        'error sending request for url (http://127.0.0.1:47812/): client error (Connect): tcp connect error: Connection refused (os error 111)',
      ),
    }),
    { code: 'ECONNREFUSED', unsent: true },
  ],
  [
    'seen: Deno 2.9, bad host',
    thrown('fetch failed', {
      cause: new Error(
        'error sending request for url (http://nonexistent.invalid/): client error (Connect): dns error: failed to lookup address information: Name or service not known',
      ),
    }),
    { code: 'ENOTFOUND', unsent: true },
  ],
  [
    'seen: Deno 2.9, reset',
    thrown('fetch failed', {
      cause: new Error(
        'error sending request from 127.0.0.1:37492 for http://127.0.0.1:47811/reset (127.0.0.1:47811): client error (SendRequest): connection closed before message completed',
      ),
    }),
    { unsent: false },
  ],
  ['seen: Deno 2.9, body', thrown('error reading a body from connection'), { unsent: false }],
  [
    'Deno: the cause alone, connect failed for no stated reason',
    new Error('error sending request for url (http://127.0.0.1:1/): client error (Connect)'),
    { unsent: false },
  ],
  [
    'seen: Bun 1.4, refused',
    thrown('ECONNREFUSED: Unable to connect. Is the computer able to access the url?', {
      code: 'ECONNREFUSED',
    }),
    { code: 'ECONNREFUSED', unsent: true },
  ],
  [
    'seen: Bun 1.4, reset or body',
    thrown('ECONNRESET: The socket connection was closed unexpectedly.', { code: 'ECONNRESET' }),
    { code: 'ECONNRESET', unsent: false },
  ],
  [
    'seen: Bun 1.4, bad host',
    thrown('getaddrinfo ENOTFOUND nonexistent.invalid', { code: 'ENOTFOUND' }),
    { code: 'ENOTFOUND', unsent: true },
  ],
];

describe('network failures on every runtime', () => {
  it.each(ROWS)('%s', (_source, error, expected) => {
    const info = inspectNetworkError(error);
    expect(info).toEqual({
      kind: 'network',
      ...(expected.code && { code: expected.code }),
      unsent: expected.unsent,
    });
  });

  it.each([
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a message that only mentions the network', new Error('network error while parsing, or so')],
    ['connection refused outside a network failure', new Error('redis: Connection refused')],
    ['a dns error outside a network failure', new TypeError('dns error in my own resolver cache')],
    ['an empty message', new TypeError('')],
  ])('%s is not a network failure', (_label, error) => {
    expect(inspectNetworkError(error)).toBeUndefined();
  });
});
