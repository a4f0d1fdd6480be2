import { OAuth1Signer } from '../auth/signer.ts';
import { xCatalogue } from '../catalogue/index.ts';
import type { ExchangeContext } from '../exchange/exchange.ts';
import { createHttp } from '../exchange/exchange.ts';
import { normalizeClientOptions } from '../options/normalize.ts';
import type { ClientOptions, RequestOptions } from '../options/types.ts';
import { type PaginateOptions, type Paginator, paginate } from '../paginate/paginate.ts';
import { Credentials } from '../request/credentials.ts';
import { type Call, planCall, summaryOf } from '../request/plan.ts';
import { CallScope, ClientClosed } from '../request/scope.ts';
import { joinUrl } from '../request/url.ts';
import { Emitter } from '../result/emitter.ts';
import { CLOSED } from '../result/failure.ts';
import type { CalmResponse } from '../result/response.ts';
import { RetryBudget } from '../retry/budget.ts';
import { runCall } from '../retry/loop.ts';
import { defaultBucket } from '../scheduler/bucket.ts';
import { RateLimiter } from '../scheduler/limiter.ts';
import { assertIoredis } from '../scheduler/redis.ts';
import { type CalmStream, openStream, type StreamMessage, type StreamOptions } from '../stream/stream.ts';
import { pathReader, Redactor, safeUrl } from '../utils/redact.ts';
import type { Pipeline } from './context.ts';

export type { CalmResponse } from '../result/response.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface CalmClient {
  get<T = unknown>(path: string, options?: RequestOptions): Promise<CalmResponse<T>>;
  post<T = unknown>(path: string, options?: RequestOptions): Promise<CalmResponse<T>>;
  put<T = unknown>(path: string, options?: RequestOptions): Promise<CalmResponse<T>>;
  patch<T = unknown>(path: string, options?: RequestOptions): Promise<CalmResponse<T>>;
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<CalmResponse<T>>;
  request<T = unknown>(
    method: HttpMethod | (string & {}),
    path: string,
    options?: RequestOptions,
  ): Promise<CalmResponse<T>>;
  /**
   * Reads a paginated endpoint as an async iterable of pages, each through `get()` (limiter, retries), each with
   * the `cursor` to resume after it. See the README's `client.paginate()`.
   */
  paginate<T = unknown>(path: string, options?: PaginateOptions): Paginator<T>;
  /**
   * Holds a stream open (X's filtered and sampled streams): an async iterable of its messages that connects through
   * `get()` (limiter, classification, `onAuthError`), reads and reconnects on X's schedules until closed. See the
   * README's `client.stream()`.
   */
  stream<T = StreamMessage>(path: string, options?: StreamOptions): CalmStream<T>;
  /** The retry budget's tokens left (Infinity when the budget is off). */
  readonly retryTokens: number;
  /** Calls waiting in the rate limiter now: for their bucket's window or for a `maxConcurrent` slot. */
  readonly queued: number;
  /**
   * Fails every call not yet on the wire at once, wherever it waits (credentials, a hook, the limiter, a slot, a
   * backoff or rate-limit wait), with a `PermanentError` whose `giveUp` is "the client was closed"; refuses every
   * later call unsent; stops the limiter's timers and closes the Redis connection calmfetch opened. Calls already
   * on the wire finish on their own (their answer stands; no retry follows): close() does not wait for them.
   */
  close(): Promise<void>;
  /**
   * Forgets every rate-limit window the client learnt (held buckets, refill timers, counts); calls still queued in
   * the limiter fail with a `RateLimitError`. For tests that share one client: call it in `beforeEach`.
   */
  resetRateLimits(): Promise<void>;
}

/**
 * Creates a client. Call it once per service and share it: the retry budget and the rate limiter are per client.
 * Options are validated here, with a TypeError naming the option. This function only wires the stages of a call:
 * options → request (plan, credentials) → scheduler → exchange → classify → decide → result.
 */
export function createClient(options: ClientOptions = {}): CalmClient {
  const config = normalizeClientOptions(options);
  const redactor = new Redactor();
  const { hooks } = config;
  const emitter = new Emitter(hooks.onEvent, redactor);
  const credentials = new Credentials(config.auth, config.headers, redactor);
  const rateLimit = config.rateLimit;
  if (rateLimit !== false && rateLimit.redis) assertIoredis();
  const limiter =
    rateLimit === false
      ? undefined
      : new RateLimiter(
          {
            maxConcurrent: rateLimit.maxConcurrent,
            highWater: rateLimit.highWater,
            resetMarginMs: rateLimit.resetMarginMs,
            redis: rateLimit.redis,
            onUnavailable: rateLimit.redis?.onUnavailable ?? 'local',
            timeoutMs: rateLimit.redis?.timeoutMs ?? 2000,
            prefix: rateLimit.redis?.prefix ?? 'calmfetch',
            rateLimitBaseDelayMs: config.retry.rateLimitBaseDelayMs,
            minIntervalMs: rateLimit.minIntervalMs,
            maxBuckets: rateLimit.maxBuckets,
          },
          (event) => emitter.emit(event),
        );
  const customBucket = rateLimit === false ? undefined : rateLimit.bucket;
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const baseFetch: typeof fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const exchange: ExchangeContext = {
    http: createHttp(credentials.instanceHeaders, hooks),
    fetch: baseFetch,
    catalogue: config.catalogue,
    signer: new OAuth1Signer(),
    redactor,
    guardRedirects: credentials.extraCredentials,
  };
  let foreign: ExchangeContext | undefined;
  const pipeline: Pipeline = {
    hooks,
    random: config.random,
    redactor,
    emitter,
    budget: config.retryBudget === false ? undefined : new RetryBudget(config.retryBudget),
    limiter,
    credentials,
    exchange,
    foreign: () => {
      foreign ??= { ...exchange, http: createHttp(credentials.foreignHeaders, hooks) };
      return foreign;
    },
    bucketOf: (call, headers, oauth1) => {
      const identity = credentials.identity(call, headers, oauth1);
      return typeof identity === 'string'
        ? bucketFor(call, identity)
        : identity.then((id) => bucketFor(call, id));
    },
  };
  function bucketFor(call: Call, identity: string): string {
    if (!customBucket) {
      const last = call.route.bucket;
      if (last !== undefined && last.identity === identity && last.method === call.method) return last.key;
      const key = defaultBucket(call.method, call.endpoint, identity);
      call.route.bucket = { method: call.method, identity, key };
      return key;
    }
    return String(
      customBucket({ method: call.method, url: summaryOf(call).url, endpoint: call.endpoint, identity }),
    );
  }
  const scopes = new Set<CallScope>();
  const plan = {
    config,
    baseUrl,
    baseOrigin: new URL(config.baseUrl).origin,
    pathOf: pathReader(baseUrl),
    scopes,
    routes: new Map(),
  };
  let closed = false;

  function request<T>(method: string, path: string, rawOptions?: RequestOptions): Promise<CalmResponse<T>> {
    let call: Call;
    try {
      call = planCall(plan, method, path, rawOptions);
    } catch (error) {
      return Promise.reject(error);
    }
    if (closed) call.scope.end('closed', new ClientClosed(CLOSED));
    return runCall<T>(pipeline, call);
  }

  const client: CalmClient = {
    get: (path, options) => request('GET', path, options),
    post: (path, options) => request('POST', path, options),
    put: (path, options) => request('PUT', path, options),
    patch: (path, options) => request('PATCH', path, options),
    delete: (path, options) => request('DELETE', path, options),
    request: (method, path, options) => request(method, path, options),
    paginate: (path, options) => paginate(client, path, options),
    stream: (path, options) =>
      openStream(
        {
          get: (p, o) => request('GET', p, o),
          openScope: (signal) => {
            const scope = new CallScope(signal, Number.POSITIVE_INFINITY, scopes);
            if (closed) scope.end('closed', new ClientClosed(CLOSED));
            return scope;
          },
          emitter,
          catalogue: config.catalogue ?? xCatalogue,
          urlOf: (p) => safeUrl(joinUrl(baseUrl, p)),
        },
        path,
        options,
      ),
    get retryTokens() {
      return pipeline.budget?.tokens ?? Number.POSITIVE_INFINITY;
    },
    get queued() {
      return limiter?.queued ?? 0;
    },
    close: async () => {
      closed = true;
      const reason = new ClientClosed(CLOSED);
      for (const scope of [...scopes]) scope.end('closed', reason);
      // The limiter itself says nothing after close() (its own guard): the one place that decides.
      await limiter?.close();
    },
    resetRateLimits: async () => limiter?.reset(),
  };
  return client;
}
