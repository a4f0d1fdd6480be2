import { HttpResponse, http, type RequestHandler } from 'msw';
import { lookupBody, v1Error } from './bodies.ts';
import { type MockOAuth1Options, oauth1Verifier } from './oauth1.ts';
import { type PagedList, type PagedListOptions, pagedList } from './paginated.ts';
import { type FaultKind, xFailures } from './responses.ts';
import { connectionResponse, type StreamConnection } from './stream.ts';

export type { FaultKind };

export interface MockEndpoint {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** An msw path (`/2/tweets`, `/2/tweets/:id`), under the API's base URL. */
  readonly path: string;
  /** Requests per window, per credential. @default 900 */
  readonly limit?: number;
  /** The window's length; it starts with the first request, as X's do. @default 900000 (15 min) */
  readonly windowMs?: number;
  /** Serve a paginated list here (`max_results`, tokens, `since_id`/`until_id`, faults per page). */
  readonly pages?: PagedListOptions;
  /**
   * Serve a stream here: the n-th connect the window allows gets the n-th connection (the last repeats), with the
   * endpoint's x-rate-limit-* headers counting connects (X: 50 per 15 minutes on `/2/tweets/search/stream`).
   */
  readonly stream?: readonly StreamConnection[];
  /** The answer when the window allows; by default the fake's own (Posts by id, create a Post, …). */
  readonly respond?: (
    request: Request,
    params: Readonly<Record<string, string | readonly string[] | undefined>>,
  ) => Response | Promise<Response>;
}

export interface MockFault {
  /** Which requests it hits (method and/or endpoint path as declared); all when absent. */
  readonly method?: MockEndpoint['method'];
  readonly path?: string;
  /** How many matching requests it answers before it is spent. @default 1 */
  readonly times?: number;
  /** Skip this many matching requests first. @default 0 */
  readonly after?: number;
  readonly kind: FaultKind;
}

export interface MockXApiOptions {
  /** @default 'https://api.x.com' */
  readonly baseUrl?: string;
  readonly endpoints: readonly MockEndpoint[];
  /** Scripted faults, used up in order. */
  readonly faults?: readonly MockFault[];
  /** Posts the fake knows, by id; lookups of other ids come back as partial errors. */
  readonly posts?: Readonly<Record<string, string>>;
  /** Only this bearer token is accepted (401 + code 89 otherwise); any when absent. */
  readonly bearer?: string;
  /**
   * OAuth 1.0a: check every `Authorization: OAuth …` request's signature, token and timestamp (401 + 32, 89 or
   * 135, as X answers); without `bearer`, a request without OAuth is refused (400 + 215).
   */
  readonly oauth1?: MockOAuth1Options;
  /** The clock. @default Date.now */
  readonly now?: () => number;
  /**
   * Runs the fake's clock ahead (positive) or behind (negative) of `now`: its `Date` header, its windows and its
   * OAuth timestamp check. Change it later with `setClockOffset`. @default 0
   */
  readonly clockOffsetMs?: number;
  /**
   * Start each window on a whole second, so that the reset X reports (whole epoch seconds) is the window's true
   * end; by default a window starts with its first request and the reported reset is rounded up.
   */
  readonly alignWindows?: boolean;
}

export interface MockXApiStats {
  requests: number;
  /** Responses by status (0: network error). */
  readonly byStatus: Record<number, number>;
  /** The highest number of requests in flight at once. */
  maxInFlight: number;
  /** Every window opened: endpoint, start and how many requests it served (429s not counted). */
  readonly windows: { endpoint: string; start: number; served: number; limit: number }[];
}

export interface MockXApi {
  /** msw handlers: `server.use(...api.handlers)`, or serve them with `startMockServer`. */
  readonly handlers: readonly RequestHandler[];
  readonly stats: MockXApiStats;
  /** Forgets windows, faults used, OAuth nonces seen and stats (not the clock offset). */
  reset(): void;
  /** Moves the fake's clock: `ms` ahead of `now` (negative: behind). */
  setClockOffset(ms: number): void;
}

interface Window {
  start: number;
  count: number;
}

/**
 * A stateful fake of the X API: per-endpoint, per-credential windows with x-rate-limit-* headers and 429s when a
 * window is spent, scripted faults, Post lookups with partial errors for missing ids, and Post creation. The same
 * handlers serve msw in tests and a real socket through `startMockServer`.
 */
export function createMockXApi(options: MockXApiOptions): MockXApi {
  const baseUrl = (options.baseUrl ?? 'https://api.x.com').replace(/\/+$/, '');
  const localNow = options.now ?? Date.now;
  const checkOffset = (ms: number) => {
    if (!Number.isFinite(ms)) throw new TypeError('`clockOffsetMs` must be a finite number of ms');
    return ms;
  };
  let clockOffsetMs = checkOffset(options.clockOffsetMs ?? 0);
  const now = () => localNow() + clockOffsetMs;
  const oauth = options.oauth1 && oauth1Verifier(options.oauth1);
  const posts = new Map(Object.entries(options.posts ?? {}));
  let windows = new Map<string, Window>();
  let faults = (options.faults ?? []).map((fault) => ({
    ...fault,
    left: fault.times ?? 1,
    skip: fault.after ?? 0,
  }));
  let inFlight = 0;
  let created = 0;
  let streamConnects = 0;
  const stats: MockXApiStats = { requests: 0, byStatus: {}, maxInFlight: 0, windows: [] };

  const count = (response: Response) => {
    const status = response.type === 'error' ? 0 : response.status;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    return response;
  };

  const defaultAnswer = async (
    endpoint: MockEndpoint,
    request: Request,
    params: Record<string, unknown>,
  ): Promise<Response> => {
    const url = new URL(request.url);
    if (endpoint.method === 'POST' && endpoint.path === '/2/tweets') {
      const body = (await request.json().catch(() => ({}))) as { text?: unknown };
      const id = String(1_900_000_000_000_000_000n + BigInt(++created));
      posts.set(id, String(body.text ?? ''));
      return HttpResponse.json({ data: { id, text: String(body.text ?? '') } }, { status: 201 });
    }
    const ids = typeof params.id === 'string' ? [params.id] : (url.searchParams.get('ids')?.split(',') ?? []);
    if (ids.length > 0) {
      const found = ids.filter((id) => posts.has(id)).map((id) => ({ id, text: posts.get(id) }));
      const missing = ids.filter((id) => !posts.has(id));
      const single = typeof params.id === 'string';
      return HttpResponse.json(
        lookupBody(found.length === 0 ? undefined : single ? found[0] : found, missing) as never,
      );
    }
    return HttpResponse.json({ data: { id: '2244994945', name: 'X Developers', username: 'XDevelopers' } });
  };

  const lists = new Map<MockEndpoint, PagedList>();
  for (const endpoint of options.endpoints) {
    if (endpoint.pages) lists.set(endpoint, pagedList({ now, ...endpoint.pages }));
  }

  const handlers = options.endpoints.map((endpoint) =>
    http[endpoint.method.toLowerCase() as 'get'](
      `${baseUrl}${endpoint.path}`,
      async ({ request, params }) => {
        stats.requests++;
        inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
        try {
          const fault = faults.find(
            (f) =>
              f.left > 0 &&
              (f.method === undefined || f.method === endpoint.method) &&
              (f.path === undefined || f.path === endpoint.path) &&
              f.skip-- <= 0,
          );
          if (fault) {
            fault.left--;
            return count(xFailures[fault.kind]());
          }
          const time = now();
          const authorization = request.headers.get('authorization') ?? '';
          let identity = authorization;
          if (oauth && (/^OAuth\s/i.test(authorization) || options.bearer === undefined)) {
            const verdict = await oauth.verify(request, time);
            if ('refusal' in verdict) return count(verdict.refusal);
            identity = verdict.identity;
          } else if (options.bearer !== undefined && authorization !== `Bearer ${options.bearer}`) {
            return count(
              HttpResponse.json(v1Error(89), {
                status: 401,
                headers: { date: new Date(time).toUTCString() },
              }),
            );
          }
          const limit = endpoint.limit ?? 900;
          const windowMs = endpoint.windowMs ?? 900_000;
          const key = `${endpoint.method} ${endpoint.path} ${identity}`;
          let window = windows.get(key);
          if (!window || time >= window.start + windowMs) {
            window = { start: options.alignWindows ? Math.floor(time / 1000) * 1000 : time, count: 0 };
            windows.set(key, window);
            stats.windows.push({
              endpoint: `${endpoint.method} ${endpoint.path}`,
              start: window.start,
              served: 0,
              limit,
            });
          }
          const reset = String(Math.ceil((window.start + windowMs) / 1000));
          const headers = {
            'x-rate-limit-limit': String(limit),
            'x-rate-limit-reset': reset,
            date: new Date(time).toUTCString(),
          };
          if (window.count >= limit) {
            return count(
              HttpResponse.json(v1Error(88), {
                status: 429,
                headers: { ...headers, 'x-rate-limit-remaining': '0' },
              }),
            );
          }
          window.count++;
          const opened = window.start;
          const record = stats.windows.findLast(
            (w) => w.start === opened && w.endpoint === `${endpoint.method} ${endpoint.path}`,
          );
          if (record) record.served++;
          const list = lists.get(endpoint);
          const connections = endpoint.stream;
          const answer = await (connections && connections.length > 0
            ? connectionResponse(connections[Math.min(streamConnects++, connections.length - 1)]!)
            : endpoint.respond
              ? endpoint.respond(request, params)
              : list
                ? list.answer(request)
                : defaultAnswer(endpoint, request, params));
          const response = new Response(answer.body, { status: answer.status, headers: answer.headers });
          for (const [name, value] of Object.entries({
            ...headers,
            'x-rate-limit-remaining': String(limit - window.count),
          })) {
            response.headers.set(name, value);
          }
          return count(response);
        } finally {
          inFlight--;
        }
      },
    ),
  );

  return {
    handlers,
    stats,
    setClockOffset(ms: number) {
      clockOffsetMs = checkOffset(ms);
    },
    reset() {
      oauth?.reset();
      windows = new Map();
      faults = (options.faults ?? []).map((fault) => ({
        ...fault,
        left: fault.times ?? 1,
        skip: fault.after ?? 0,
      }));
      for (const list of lists.values()) list.reset();
      streamConnects = 0;
      stats.requests = 0;
      stats.maxInFlight = 0;
      stats.windows.length = 0;
      for (const key of Object.keys(stats.byStatus)) delete stats.byStatus[Number(key)];
    },
  };
}
