// The demo's workload: a small service's day against X, phase by phase, told as a timeline through `print`.
// No I/O of its own beyond the client's requests, so that a test can run it under msw and fake timers.

import type { MockXApiOptions } from '../mocks/index.ts';
import {
  type CalmClient,
  type CalmEvent,
  type CalmResponse,
  createClient,
  isCalmError,
} from '../src/index.ts';
import { oauthPhase } from './oauth.ts';
import { CRAWL_ENDPOINT, crawlPhase } from './paginate.ts';
import { STREAM_ENDPOINT, streamPhase } from './stream.ts';

export interface ScenarioOptions {
  readonly baseUrl: string;
  /** The bearer token the API accepts. */
  readonly token: string;
  /** `mock`: our fake X API, with scripted faults; `live`: the real API (no writes, no forced faults). */
  readonly mode: 'mock' | 'live';
  /** Prints one line of the timeline. */
  readonly print: (line: string) => void;
  /** Told when a wait starts (`until`) and when it is over (`undefined`), for a live countdown. */
  readonly onWait?: (until: Date | undefined, label: string) => void;
  readonly now?: () => number;
  readonly fetch?: typeof fetch;
  /** Mock mode: a second fake API, 10 minutes ahead and checking OAuth 1.0a, for the clock-skew phase. */
  readonly oauthBaseUrl?: string;
}

export interface PhaseResult {
  readonly phase: string;
  readonly calls: number;
  /** Requests sent (attempts), as the client's events counted them. */
  readonly requests: number;
  /** 429s the server answered. */
  readonly rateLimited: number;
  /** Time spent waiting (backoffs and rate-limit waits the client scheduled, and limiter queueing), ms. */
  readonly waitedMs: number;
  readonly outcome: string;
  /** Whether the outcome is the one the phase exists to show. */
  readonly asExpected: boolean;
  readonly ms: number;
}

interface Counters {
  requests: number;
  rateLimited: number;
  waitedMs: number;
  /** The end of the waits counted so far, so that overlapping waits count once. */
  waitedUntil: number;
}

const fresh = (): Counters => ({ requests: 0, rateLimited: 0, waitedMs: 0, waitedUntil: 0 });

/** Counts a wait until `until` (epoch ms), the part that overlaps no wait counted before. */
function countWait(counters: Counters, until: number) {
  const from = Math.max(Date.now(), counters.waitedUntil);
  if (until > from) counters.waitedMs += until - from;
  counters.waitedUntil = Math.max(counters.waitedUntil, until);
}

/** The known Posts of the mock API (ids as X's own first Posts), and one that does not exist. */
export const DEMO_POSTS = { '20': 'just setting up my twttr', '21': 'inviting coworkers', '29': 'hello' };
const MISSING = '1460323737035677698';

/** The fake X API the demo runs against: its endpoints' windows and the faults the phases meet. */
export function demoApi(bearer: string, baseUrl?: string): MockXApiOptions {
  return {
    ...(baseUrl !== undefined && { baseUrl }),
    bearer,
    alignWindows: true,
    posts: DEMO_POSTS,
    endpoints: [
      { method: 'GET', path: '/2/tweets', limit: 300, windowMs: 900_000 },
      { method: 'GET', path: '/2/tweets/:id', limit: 5, windowMs: 10_000 },
      { method: 'GET', path: '/2/users/me', limit: 3, windowMs: 8_000 },
      { method: 'GET', path: '/2/users/by/username/:username', limit: 100, windowMs: 900_000 },
      { method: 'POST', path: '/2/tweets', limit: 100, windowMs: 900_000 },
      CRAWL_ENDPOINT,
      STREAM_ENDPOINT,
    ],
    faults: [
      { method: 'GET', path: '/2/users/by/username/:username', kind: 'over-capacity', times: 2 },
      { method: 'POST', path: '/2/tweets', kind: 'internal-error' },
    ],
  };
}

/** Runs every phase in turn; resolves with one result per phase. Never rejects for an API failure. */
export async function runScenario(options: ScenarioOptions): Promise<PhaseResult[]> {
  const now = options.now ?? Date.now;
  const start = now();
  const stamp = () => `+${((now() - start) / 1000).toFixed(1).padStart(5)}s`;
  let counters = fresh();
  const print = (text: string) => options.print(`${stamp()}  ${text}`);

  const onEvent = (event: CalmEvent) => {
    describeEvent(event, counters, print, options.onWait);
  };
  let token = options.token;
  const client = (bearer: () => string, refresh: boolean) =>
    createClient({
      baseUrl: options.baseUrl,
      auth: { bearer },
      retry: { maxWaitMs: options.mode === 'live' ? 60_000 : 30_000 },
      hooks: {
        onEvent,
        ...(refresh && {
          onAuthError: async () => {
            print('    hooks.onAuthError: fetching a fresh token and trying once more');
            token = options.token;
            return true;
          },
        }),
      },
      ...(options.fetch && { fetch: options.fetch }),
    });
  const x = client(() => token, true);
  const results: PhaseResult[] = [];

  const phase = async (
    name: string,
    story: string,
    body: (x: CalmClient) => Promise<{ calls: number; outcome: string; asExpected: boolean }>,
  ) => {
    counters = fresh();
    options.print('');
    options.print(`── ${name} ${'─'.repeat(Math.max(0, 70 - name.length))}`);
    options.print(`   ${story}`);
    const began = now();
    let outcome: { calls: number; outcome: string; asExpected: boolean };
    try {
      outcome = await body(x);
    } catch (error) {
      outcome = { calls: 1, outcome: `unexpected: ${describeError(error)}`, asExpected: false };
    }
    options.onWait?.(undefined, '');
    print(`${outcome.asExpected ? '✔' : '✘'} ${outcome.outcome}`);
    const { requests, rateLimited, waitedMs } = counters;
    results.push({ phase: name, requests, rateLimited, waitedMs, ...outcome, ms: now() - began });
  };

  const live = options.mode === 'live';

  await phase(
    'Lookups with partial errors',
    'Three Posts by id, one of which does not exist: X answers 200 with `data` and `errors` side by side.',
    async (x) => {
      const ids = live ? ['20', MISSING] : ['20', '21', MISSING];
      const result = await x.get<{ id: string }[]>('/2/tweets', { searchParams: { ids: ids.join(',') } });
      const missing = result.errors.flatMap((e) =>
        e.kind === 'problem' && e.resourceId ? [e.resourceId] : [],
      );
      return {
        calls: 1,
        outcome: `${result.data?.length ?? 0} found, partial errors kept for ${missing.join(', ') || 'none'}`,
        asExpected: missing.includes(MISSING),
      };
    },
  );

  await phase(
    'A burst meets the rate limit',
    'Eight lookups at once on an endpoint allowing 5 per 10 s window: the limiter sends what the window allows and queues the rest until the reset — no 429.',
    async (x) => {
      const settled = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => x.get(`/2/tweets/${live ? '20' : ['20', '21', '29'][i % 3]}`)),
      );
      const ok = settled.filter((s) => s.status === 'fulfilled').length;
      const failed = settled.flatMap((s) => (s.status === 'rejected' ? [describeError(s.reason)] : []));
      return {
        calls: 8,
        outcome: `${ok}/8 succeeded${failed.length > 0 ? `; ${failed[0]}` : ''}`,
        asExpected: live ? ok + failed.length === 8 : ok === 8 && counters.rateLimited === 0,
      };
    },
  );

  if (!live) {
    await phase(
      'A window spent by someone else',
      'Another app with the same token has used up /2/users/me. The client gets a 429 with x-rate-limit-reset and waits for that reset instead of guessing.',
      async (x) => {
        const doFetch = options.fetch ?? fetch;
        for (let i = 0; i < 3; i++) {
          const response = await doFetch(`${options.baseUrl}/2/users/me`, {
            headers: { authorization: `Bearer ${options.token}` },
          });
          await response.arrayBuffer();
        }
        const result = await x.get<{ username: string }>('/2/users/me');
        return {
          calls: 1,
          outcome: `@${result.data?.username} after ${result.attempts} attempts`,
          asExpected: counters.rateLimited === 1 && result.attempts === 2,
        };
      },
    );

    await phase(
      'An over-capacity blip',
      'X answers 503 + code 130 "Over capacity" twice: retried with exponential backoff and full jitter.',
      async (x) => {
        const result = await x.get<{ username: string }>('/2/users/by/username/XDevelopers');
        return {
          calls: 1,
          outcome: `@${result.data?.username} after ${result.attempts} attempts`,
          asExpected: result.attempts === 3,
        };
      },
    );

    await phase(
      'A write is never sent twice',
      'A new Post meets 500 + code 131: X may have created it, so it is not resent; the error says so.',
      async (x) => {
        try {
          await x.post('/2/tweets', { json: { text: 'hello from calmfetch' } });
          return { calls: 1, outcome: 'created (the fault did not fire)', asExpected: false };
        } catch (error) {
          return {
            calls: 1,
            outcome: `rejected after one request: ${describeError(error)}`,
            asExpected: isCalmError(error) && error.attempts === 1,
          };
        }
      },
    );
  }

  await phase(
    'An expired token',
    'A stale token gets 401 + code 89: auth-fatal, never retried blindly. With hooks.onAuthError the client refreshes it and tries exactly once more.',
    async (x) => {
      let fatal = '';
      const stale = client(() => 'expired-token', false);
      try {
        await stale.get('/2/users/me');
      } catch (error) {
        fatal = describeError(error);
      } finally {
        await stale.close();
      }
      if (live) return { calls: 1, outcome: fatal || 'accepted?', asExpected: fatal !== '' };
      token = 'expired-token';
      const refreshed: CalmResponse = await x.get('/2/users/me');
      return {
        calls: 2,
        outcome: `without a hook: ${fatal.split(':')[0]}; with onAuthError: ${refreshed.status} after ${refreshed.attempts} attempts`,
        asExpected: fatal.startsWith('AuthError') && refreshed.attempts === 2,
      };
    },
  );

  if (!live) {
    await phase(
      'A long read that resumes',
      'client.paginate() reads a timeline page by page, saving a cursor after each: it meets a spent window (3 requests per 10 s), is stopped mid-wait, and resumes from the checkpoint.',
      (x) => crawlPhase(x, print, () => counters.rateLimited),
    );
    await phase(
      'A stream that stays up',
      "client.stream() holds the filtered stream open: a dropped connection, a stall, an operational disconnect and a 429 TooManyConnections, each reconnected on X's schedule for it (delays shrunk for the demo).",
      (x) => streamPhase(x, print, () => counters.rateLimited),
    );
  }

  if (!live && options.oauthBaseUrl !== undefined) {
    const oauthBaseUrl = options.oauthBaseUrl;
    await phase(
      'A clock 10 minutes off',
      'OAuth 1.0a signs every attempt with a timestamp; this machine is 10 minutes behind X. The first POST draws code 135, is signed again on the server’s clock (read from the 401’s Date) and goes through; the next call is right first time.',
      () => oauthPhase(oauthBaseUrl, print, onEvent),
    );
  }

  await x.close();
  return results;
}

function describeError(error: unknown): string {
  // The error's message ends with X's troubleshooting tip; the timeline has no room for it.
  if (isCalmError(error)) return `${error.name} (${error.category}): ${error.message.split(' Tip: ')[0]}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function describeEvent(
  event: CalmEvent,
  counters: Counters,
  print: (text: string) => void,
  onWait: ScenarioOptions['onWait'],
) {
  const path = event.type === 'limiter' ? '' : `${event.method} ${new URL(event.url).pathname}`;
  switch (event.type) {
    case 'attempt':
      counters.requests++;
      return;
    case 'response':
      if (event.status === 429) counters.rateLimited++;
      print(
        `${path} #${event.attempt} → ${event.status ?? '—'} ${event.category.padEnd(12)} ${event.reason} (${event.durationMs} ms)`,
      );
      return;
    case 'retry':
      countWait(counters, Date.now() + event.delayMs);
      print(
        `    retry in ${seconds(event.delayMs)} (${event.source === 'server' ? "server's time" : 'backoff'})`,
      );
      onWait?.(new Date(Date.now() + event.delayMs), `retry ${path}`);
      return;
    case 'wait':
      countWait(counters, event.retryAt.getTime());
      print(`    waiting ${seconds(event.delayMs)} for the reset, until ${clock(event.retryAt)}`);
      onWait?.(event.retryAt, `rate limit on ${path}`);
      return;
    case 'limiter':
      if (event.action === 'hold') {
        countWait(counters, event.until.getTime());
        print(`    limiter: ${event.reason}; calls to this endpoint queue until ${clock(event.until)}`);
        onWait?.(event.until, 'queued for the next window');
      } else if (event.action === 'refill') {
        print(`    limiter: new window, ${event.reservoir ?? 'unlimited'} calls allowed`);
      } else {
        print(`    limiter: ${event.action}`);
      }
      return;
    case 'give-up':
      print(`    give up: ${event.reason}${event.giveUp ? ` — ${event.giveUp}` : ''}`);
      return;
    case 'partial-errors':
      print(`    ${event.count} partial error(s) handed back beside the data`);
      return;
    case 'auth-refresh':
      print(
        event.reason.includes("server's clock")
          ? "    code 135: signing again on the server's clock, one more try"
          : '    credentials refreshed, one more try',
      );
      return;
    case 'budget-refused':
      print(`    retry budget empty (${event.tokens.toFixed(1)} tokens): failing fast`);
      return;
    case 'hook-error':
      print(`    hook ${event.hook} threw: ${event.error}`);
      return;
    case 'stream-connected':
      print(`    stream connected (connect ${event.connects})`);
      return;
    case 'stream-keep-alive':
      print('    keep-alive');
      return;
    case 'stream-errors':
      print(`    in-stream error: ${event.reason}${event.disconnect ? ' — X is closing the stream' : ''}`);
      return;
    case 'stream-disconnected':
      print(`    stream disconnected: ${event.why} (${event.reason}) after ${event.messages} Posts`);
      return;
    case 'stream-reconnecting':
      countWait(counters, Date.now() + event.delayMs);
      print(
        `    reconnecting in ${seconds(event.delayMs)} (${event.schedule} schedule, step ${event.attempt})`,
      );
      if (event.delayMs > 0) onWait?.(new Date(Date.now() + event.delayMs), `reconnect ${path}`);
      return;
    default:
      // stream-lagging, stream-parse-error, stream-gap, stream-give-up: not met in this demo.
      print(`    ${event.type}`);
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const clock = (date: Date) => `${date.toISOString().slice(11, 19)} UTC`;
