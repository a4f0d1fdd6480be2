// The four calls every runtime makes against the loopback server in ./server.ts. Only web APIs and calmfetch:
// this file runs unchanged in Node, Deno, Bun, workerd and Chromium (bundled by esbuild for the last two).
import type { createClient as CreateClient } from '../../src/index.ts';

/** What the runner compares, per call: nothing that depends on timing except the 429's wait. */
export interface SmokeReport {
  readonly runtime: string;
  /** Where the credential hash came from: a synchronous `node:crypto`, or Web Crypto. */
  readonly hash: 'node:crypto' | 'web-crypto';
  readonly lookup: { status: number; ids: string[]; errors: (string | undefined)[] };
  readonly overCapacity: { status: number; attempts: number };
  readonly rateLimited: { status: number; attempts: number; waitedMs: number; resetInMs: number };
  readonly postOnce: { name: string; category: string; attempts: number; codes: number[] };
}

/** The smoke credential: only its hash may reach bucket keys. */
export const SMOKE_TOKEN = 'smoke-token-not-a-secret';

function runtimeName(): string {
  const g = globalThis as Record<string, unknown>;
  if (g.Deno) return 'deno';
  if (g.Bun) return 'bun';
  if (typeof navigator !== 'undefined' && navigator.userAgent === 'Cloudflare-Workers') return 'workerd';
  if (typeof document !== 'undefined') return 'browser';
  return 'node';
}

/** Which way calmfetch's authIdentity hashes here (the test it makes: a usable `node:crypto`, else Web Crypto). */
function hashSource(): SmokeReport['hash'] {
  const process = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => { createHash?: unknown } } }
  ).process;
  return typeof process?.getBuiltinModule?.('node:crypto')?.createHash === 'function'
    ? 'node:crypto'
    : 'web-crypto';
}

export async function runCalls(createClient: typeof CreateClient, baseUrl: string): Promise<SmokeReport> {
  const x = createClient({
    baseUrl,
    auth: { bearer: SMOKE_TOKEN },
    // Short waits: the server's own times decide the 429; the 503 is backoff, kept small here.
    retry: { baseDelayMs: 50, maxDelayMs: 200, jitterMs: 50 },
    rateLimit: { resetMarginMs: 50 },
  });
  try {
    // 1. A lookup with partial errors: 200 with `data` and `errors`.
    const lookup = await x.get<{ id: string }[]>('/2/tweets', { searchParams: { ids: '20,404' } });
    // 2. 503 + code 130 (over capacity), retried.
    const overCapacity = await x.get('/2/users/me');
    // 3. A 429 with x-rate-limit-reset: waited for, then sent again.
    const started = Date.now();
    const rateLimited = await x.get('/2/tweets/search/recent', { searchParams: { query: 'calm' } });
    const waitedMs = Date.now() - started;
    const reset = Number(rateLimited.headers.get('x-first-reset')) * 1000;
    // 4. A POST meeting 500 + code 131 (may have been processed): sent once, never again.
    let postOnce: SmokeReport['postOnce'] | undefined;
    try {
      await x.post('/2/tweets', { json: { text: 'once' } });
    } catch (error) {
      const e = error as { name: string; category: string; attempts: number; codes: { code: number }[] };
      postOnce = {
        name: e.name,
        category: e.category,
        attempts: e.attempts,
        codes: e.codes.map((c) => c.code),
      };
    }
    return {
      runtime: runtimeName(),
      hash: hashSource(),
      lookup: {
        status: lookup.status,
        ids: (lookup.data ?? []).map((tweet) => tweet.id),
        errors: lookup.errors.map((item) => (item.kind === 'problem' ? item.resourceId : String(item.code))),
      },
      overCapacity: { status: overCapacity.status, attempts: overCapacity.attempts },
      rateLimited: {
        status: rateLimited.status,
        attempts: rateLimited.attempts,
        waitedMs,
        resetInMs: reset - started,
      },
      postOnce: postOnce ?? { name: 'none: the POST succeeded', category: '', attempts: 0, codes: [] },
    };
  } finally {
    await x.close();
  }
}
