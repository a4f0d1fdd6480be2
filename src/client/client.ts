import ky, { type KyInstance, type Options as KyOptions } from 'ky';
import pRetry from 'p-retry';
import type { FailureCategory } from '../catalogue/types.ts';
import { isJsonContentType, parseBody } from '../classify/body.ts';
import { type ApiError, bareClassification, type Classification, classify } from '../classify/classify.ts';
import { AuthError } from '../errors/AuthError.ts';
import type { CalmError, RequestSummary } from '../errors/CalmError.ts';
import { PermanentError } from '../errors/PermanentError.ts';
import { RateLimitError } from '../errors/RateLimitError.ts';
import { RetryableError } from '../errors/RetryableError.ts';
import type { RateLimitInfo } from '../rate-limit/parse.ts';
import { exponentialWithPositiveJitter, fullJitter, untilServerTime } from '../retry/backoff.ts';
import { RetryBudget } from '../retry/budget.ts';
import { authIdentity, defaultBucket, endpointTemplate } from '../scheduler/bucket.ts';
import { LimiterRejection, RateLimiter } from '../scheduler/limiter.ts';
import { pathReader, Redactor, safeUrl } from '../utils/redact.ts';
import { sleep } from '../utils/sleep.ts';
import type { CalmEvent } from './events.ts';
import { errorMessage, seconds } from './messages.ts';
import {
  type ClientOptions,
  checkRequestOptions,
  DEFAULTS,
  type NormalizedRetry,
  normalizeClientOptions,
  normalizeRetry,
  type RequestOptions,
  type RetryContext,
} from './options.ts';

/** What a successful call resolves to. */
export interface CalmResponse<T = unknown> {
  /** The body's `data` for an X v2 envelope (undefined when it has only `errors`), the whole body otherwise. */
  readonly data: T;
  /** Partial errors (X v2 `errors` beside `data`), each classified on its own; empty when none. */
  readonly errors: readonly ApiError[];
  readonly includes: unknown;
  readonly meta: unknown;
  /** The whole parsed body (text when it was not JSON). */
  readonly body: unknown;
  readonly status: number;
  readonly headers: Headers;
  readonly rateLimit: RateLimitInfo;
  /** How many attempts the call took. */
  readonly attempts: number;
  readonly classification: Classification;
}

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
  /** The retry budget's tokens left (Infinity when the budget is off). */
  readonly retryTokens: number;
  /** Calls waiting in the rate limiter now. */
  readonly queued: number;
  /**
   * Stops the limiter's timers, fails queued calls and calls waiting to retry (with their typed error, `giveUp`
   * saying why) and closes the Redis connection calmfetch opened. Calls already on the wire finish.
   */
  close(): Promise<void>;
}

/** Methods that can be sent twice with the effect of once (RFC 9110). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const METHOD = /^[A-Z]{1,16}$/;

/** One attempt's failure, on its way through p-retry's callbacks. */
class AttemptFailure extends Error {
  readonly classification: Classification;
  readonly attempt: number;
  decision: Decision = { retry: false, consume: true, delayMs: 0 };
  /** Set when no retry can help (the limiter refused the call): the decision is to stop, with `giveUp`. */
  final = false;
  giveUp: string | undefined;
  retryAt: Date | undefined;

  constructor(classification: Classification, attempt: number, cause?: unknown) {
    super(classification.reason, cause === undefined ? undefined : { cause });
    this.classification = classification;
    this.attempt = attempt;
  }
}

interface Decision {
  readonly retry: boolean;
  /** Whether the retry uses up `retry.limit` (rate-limit waits and an auth refresh do not). */
  readonly consume: boolean;
  readonly delayMs: number;
}

interface Call {
  readonly method: string;
  readonly url: string;
  /** Shown only in events, errors and hooks: worked out (redacted) the first time one needs it; see summaryOf. */
  summary: RequestSummary | undefined;
  readonly options: RequestOptions;
  readonly retry: NormalizedRetry;
  readonly idempotent: boolean;
  readonly timeoutMs: number;
  readonly deadlineAt: number;
  readonly signal: AbortSignal | undefined;
  readonly priority: number;
  /** The endpoint template (`/2/users/:id/tweets`), for the limiter's bucket. */
  readonly endpoint: string;
  rateLimitWaits: number;
  authRefreshed: boolean;
}

/** The call as events, errors and hooks show it: the URL without credentials. */
function summaryOf(call: Call): RequestSummary {
  call.summary ??= { method: call.method, url: safeUrl(call.url) };
  return call.summary;
}

/** A per-attempt timeout: named like ky's, so classify() reads it as one. */
class AttemptTimeoutError extends Error {
  override name = 'TimeoutError';
}

const ERROR_CLASSES: Record<FailureCategory, typeof CalmError> = {
  retryable: RetryableError,
  'rate-limited': RateLimitError,
  'auth-fatal': AuthError,
  permanent: PermanentError,
};

/**
 * Creates a client. Call it once per service and share it: the retry budget (and, later, the rate limiter) are
 * per client. Options are validated here, with a TypeError naming the option.
 */
export function createClient(options: ClientOptions = {}): CalmClient {
  const config = normalizeClientOptions(options);
  const redactor = new Redactor();
  const auth = config.auth;
  // A fixed bearer token goes into the ky instance's headers once; a call then needs no header work of its own.
  const fixedBearer =
    auth && typeof auth === 'object' && typeof auth.bearer === 'string' ? auth.bearer : undefined;
  const fixedAuthorization = fixedBearer === undefined ? undefined : `Bearer ${fixedBearer}`;
  redactor.add(fixedBearer);
  const budget = config.retryBudget === false ? undefined : new RetryBudget(config.retryBudget);
  /** Aborted by close(): calls waiting to retry stop waiting. */
  const closing = new AbortController();
  const { hooks, random, catalogue } = config;
  const rateLimit = config.rateLimit;
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
          (event) => emit(event),
        );
  const customBucket = rateLimit === false ? undefined : rateLimit.bucket;
  const fixedHeaders = !auth || fixedBearer !== undefined;
  /** The base URL without its trailing slashes: every path is appended after one. */
  const baseUrl = config.baseUrl.replace(/\/+$/, '');
  const pathOf = pathReader(baseUrl);
  const merged = new Headers(config.headers);
  if (fixedAuthorization !== undefined) merged.set('authorization', fixedAuthorization);
  // A plain record: ky merges the instance's headers into every call, and copies a record faster than a Headers.
  const instanceHeaders = Object.fromEntries(merged);
  const fixedIdentity = authIdentity(fixedAuthorization);
  /** `headers`: the call's own (per-call headers or credentials), or undefined when the instance's are enough. */
  const bucketOf = (call: Call, headers: Headers | undefined): string => {
    const identity = headers ? authIdentity(headers.get('authorization')) : fixedIdentity;
    if (!customBucket) return defaultBucket(call.method, call.endpoint, identity);
    return String(
      customBucket({ method: call.method, url: summaryOf(call).url, endpoint: call.endpoint, identity }),
    );
  };
  const baseFetch: typeof fetch = config.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const http: KyInstance = ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    headers: instanceHeaders,
    // Only the hooks given: ky merges every option into every call.
    ...((hooks.beforeRequest || hooks.afterResponse) && {
      hooks: {
        ...(hooks.beforeRequest && { beforeRequest: [...hooks.beforeRequest] }),
        ...(hooks.afterResponse && { afterResponse: [...hooks.afterResponse] }),
      },
    }),
  });

  const emit = (event: CalmEvent): void => {
    if (!hooks.onEvent) return;
    try {
      hooks.onEvent(
        'reason' in event ? ({ ...event, reason: redactor.redact(event.reason) } as CalmEvent) : event,
      );
    } catch {
      // Telemetry must never break a call.
    }
  };
  const base = (call: Call, attempt: number) => ({ method: call.method, url: summaryOf(call).url, attempt });
  /** The `response` event: how one attempt ended (a response, or a failure without one), classified. */
  const reportResponse = (call: Call, attempt: number, classification: Classification, started: number) =>
    hooks.onEvent &&
    emit({
      type: 'response',
      ...base(call, attempt),
      status: classification.status,
      category: classification.category,
      reason: classification.reason,
      durationMs: Date.now() - started,
    });

  /** The call's own headers: undefined when the ky instance's (client headers, a fixed token) are all it needs. */
  function callHeaders(call: Call): Headers | undefined | Promise<Headers> {
    if (fixedHeaders && call.options.headers === undefined) return undefined;
    return authHeaders(call);
  }

  async function authHeaders(call: Call): Promise<Headers> {
    const headers = new Headers(call.options.headers);
    if (!auth) return headers;
    if (typeof auth === 'function') {
      for (const [name, value] of new Headers(await auth(summaryOf(call)))) {
        if (name === 'authorization') redactor.addAuthorization(value);
        else if (/token|key|secret/i.test(name)) redactor.add(value);
        headers.set(name, value);
      }
      return headers;
    }
    const token = typeof auth.bearer === 'function' ? await auth.bearer() : auth.bearer;
    redactor.add(token);
    headers.set('authorization', `Bearer ${token}`);
    return headers;
  }

  interface Exchange {
    readonly response: Response;
    readonly body: unknown;
    readonly json: boolean;
    readonly classification: Classification;
  }

  /** One request on the wire: the per-attempt timeout starts here, not while the call waits in the limiter. */
  async function exchange(
    call: Call,
    headers: Headers | undefined,
    attemptNumber: number,
  ): Promise<Exchange> {
    const started = Date.now();
    const timeoutMs = Math.min(call.timeoutMs, call.deadlineAt - started);
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new AttemptTimeoutError(`attempt timed out after ${timeoutMs} ms`)),
      Math.max(1, timeoutMs),
    );
    const signal = call.signal ? AbortSignal.any([call.signal, timeout.signal]) : timeout.signal;
    try {
      const request: KyOptions = {
        method: call.method,
        // The attempt's signal goes straight to fetch: handed to ky, it would be combined with ky's own
        // controller through AbortSignal.any (weak references and a finalizer per call, ~15 % of the client's
        // CPU per call). ky's timeouts are off, so its controller never aborts anything here.
        fetch: (input, init) => baseFetch(input, { ...init, signal }),
      };
      const sent = call.options;
      if (headers) request.headers = headers;
      if (sent.searchParams !== undefined) request.searchParams = sent.searchParams;
      if (sent.json !== undefined) request.json = sent.json;
      if (sent.body !== undefined) request.body = sent.body;
      const response = await http(call.url, request);
      const text = call.method === 'HEAD' ? '' : await response.text();
      const contentType = response.headers.get('content-type') ?? undefined;
      const parsed = parseBody(text, contentType, response.ok ? Number.POSITIVE_INFINITY : undefined);
      const body = parsed.json !== undefined ? parsed.json : text;
      const classification = classify(
        {
          status: response.status,
          headers: response.headers,
          body: parsed.malformed ? text : body,
          method: call.method,
        },
        catalogue ? { catalogue, now: Date.now() } : { now: Date.now() },
      );
      reportResponse(call, attemptNumber, classification, started);
      return {
        response,
        body,
        json: isJsonContentType(contentType) || parsed.json !== undefined,
        classification,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async function attempt<T>(call: Call, attemptNumber: number): Promise<CalmResponse<T>> {
    const started = Date.now();
    if (hooks.onEvent) emit({ type: 'attempt', ...base(call, attemptNumber) });
    let result: Exchange;
    try {
      const own = callHeaders(call);
      const headers = own instanceof Promise ? await own : own;
      const send = () => exchange(call, headers, attemptNumber);
      result = limiter
        ? await limiter.schedule(
            bucketOf(call, headers),
            {
              priority: call.priority,
              signal: call.signal,
              maxWaitMs: call.retry.maxWaitMs,
              deadlineAt: call.deadlineAt,
              endpoint: `${call.method} ${call.endpoint}`,
            },
            send,
          )
        : await send();
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      if (error instanceof LimiterRejection) throw limiterFailure(attemptNumber, error);
      const classification = classify({ error, method: call.method }, { now: Date.now() });
      reportResponse(call, attemptNumber, classification, started);
      throw new AttemptFailure(classification, attemptNumber, safeCause(error));
    }
    const { classification } = result;
    if (classification.category !== 'ok') throw new AttemptFailure(classification, attemptNumber);
    return success<T>(call, attemptNumber, result.response, result.body, classification, result.json);
  }

  /** The limiter refused the call before sending it: a final failure, with `retryAt` when the window is known. */
  function limiterFailure(attemptNumber: number, rejection: LimiterRejection): AttemptFailure {
    const unavailable = rejection.kind === 'store-unavailable';
    const classification = bareClassification(
      unavailable ? 'retryable' : 'rate-limited',
      `not sent: ${rejection.message}`,
      {
        unprocessed: true,
        ...(rejection.retryAt && { retryAt: rejection.retryAt }),
      },
    );
    const failure = new AttemptFailure(classification, attemptNumber);
    failure.final = true;
    failure.giveUp = 'the request was never sent';
    failure.retryAt = rejection.retryAt;
    return failure;
  }

  function success<T>(
    call: Call,
    attempts: number,
    response: Response,
    body: unknown,
    classification: Classification,
    json: boolean,
  ): CalmResponse<T> {
    budget?.refill();
    const envelope = json && isEnvelope(body) ? body : undefined;
    const errors = classification.errors;
    if (errors.length > 0) {
      emit({ type: 'partial-errors', ...base(call, attempts), count: errors.length });
      if (hooks.onPartialErrors) {
        Promise.resolve()
          .then(() => hooks.onPartialErrors?.(errors, summaryOf(call)))
          .catch((error: unknown) =>
            emit({
              type: 'hook-error',
              ...base(call, attempts),
              hook: 'onPartialErrors',
              error: redactor.redact(String(error)),
            }),
          );
      }
    }
    return {
      data: (envelope ? envelope.data : body) as T,
      errors,
      includes: envelope?.includes,
      meta: envelope?.meta,
      body,
      status: response.status,
      headers: response.headers,
      rateLimit: classification.rateLimit,
      attempts,
      classification,
    };
  }

  /** Decides what to do after a failed attempt; runs the decision hooks. Sets `failure.decision`. */
  async function decide(call: Call, failure: AttemptFailure, retriesConsumed: number): Promise<void> {
    const c = failure.classification;
    const now = Date.now();
    const stop = (why: string, retryAt?: Date) => {
      failure.giveUp = why;
      failure.retryAt = retryAt;
      failure.decision = { retry: false, consume: true, delayMs: 0 };
    };
    const go = (delayMs: number, consume: boolean) => {
      failure.decision = { retry: true, consume, delayMs };
    };
    const overruns = (delayMs: number) => now + delayMs >= call.deadlineAt;
    let source: 'backoff' | 'server' | 'hook' = 'backoff';
    if (failure.final) {
      failure.decision = { retry: false, consume: true, delayMs: 0 };
      return;
    }

    switch (c.category) {
      case 'auth-fatal': {
        if (!call.authRefreshed && hooks.onAuthError) {
          const refreshed = await hooks.onAuthError(context(call, failure, false, 0));
          if (refreshed === true) {
            call.authRefreshed = true;
            emit({ type: 'auth-refresh', ...base(call, failure.attempt), reason: c.reason });
            go(0, false);
            return;
          }
        }
        stop(
          call.authRefreshed
            ? 'still refused after the credentials were refreshed'
            : 'credentials are not retried',
        );
        break;
      }
      case 'permanent':
      case 'ok':
        stop('not retried');
        break;
      case 'rate-limited': {
        if (c.capped) {
          stop('a usage cap is not worth waiting for');
          break;
        }
        if (call.rateLimitWaits >= call.retry.rateLimitWaits) {
          stop(
            `already waited ${call.rateLimitWaits} time${call.rateLimitWaits === 1 ? '' : 's'} for this rate limit (retry.rateLimitWaits)`,
            c.retryAt,
          );
          break;
        }
        const server = c.retryAt !== undefined;
        source = server ? 'server' : 'backoff';
        const delayMs = server
          ? untilServerTime(c.retryAt!.getTime(), now, call.retry.jitterMs, random)
          : exponentialWithPositiveJitter(
              call.rateLimitWaits + 1,
              call.retry.rateLimitBaseDelayMs,
              call.retry.maxWaitMs,
              call.retry.jitterMs,
              random,
            );
        const retryAt = c.retryAt ?? new Date(now + delayMs);
        if (delayMs > call.retry.maxWaitMs) {
          stop(
            `the wait (${seconds(delayMs)}) exceeds retry.maxWaitMs (${seconds(call.retry.maxWaitMs)})`,
            retryAt,
          );
        } else if (overruns(delayMs)) {
          stop(`the wait (${seconds(delayMs)}) would overrun the deadline`, retryAt);
        } else if (c.unprocessed || call.idempotent) {
          go(delayMs, false);
          const choice = hooks.onRateLimit
            ? await hooks.onRateLimit({ ...context(call, failure, true, delayMs), retryAt })
            : undefined;
          if (choice === 'fail') stop('onRateLimit chose to fail', retryAt);
        } else {
          stop(`not retried: ${call.method} is not idempotent and the request may have been processed`);
        }
        break;
      }
      case 'retryable': {
        if (!c.unprocessed && !call.idempotent) {
          stop(
            `not retried: ${call.method} is not idempotent and the request may have been processed (pass idempotent: true if it is safe)`,
          );
          break;
        }
        if (retriesConsumed >= call.retry.limit) {
          stop(`gave up after ${retriesConsumed} retr${retriesConsumed === 1 ? 'y' : 'ies'} (retry.limit)`);
          break;
        }
        const server = c.retryAt !== undefined;
        source = server ? 'server' : 'backoff';
        const delayMs = server
          ? untilServerTime(c.retryAt!.getTime(), now, 0, random)
          : fullJitter(retriesConsumed + 1, call.retry.baseDelayMs, call.retry.maxDelayMs, random);
        if (delayMs > call.retry.maxWaitMs) {
          stop(`the server's wait (${seconds(delayMs)}) exceeds retry.maxWaitMs`, c.retryAt);
        } else if (overruns(delayMs)) {
          stop(`the next retry (in ${seconds(delayMs)}) would overrun the deadline`);
        } else {
          go(delayMs, true);
        }
        break;
      }
    }

    await applyHooks(call, failure, retriesConsumed, source);
  }

  async function applyHooks(
    call: Call,
    failure: AttemptFailure,
    retriesConsumed: number,
    source: 'backoff' | 'server' | 'hook',
  ) {
    const c = failure.classification;
    if (hooks.shouldRetry) {
      const override = await hooks.shouldRetry(
        context(call, failure, failure.decision.retry, failure.decision.delayMs),
      );
      if (override === false && failure.decision.retry) {
        failure.giveUp = 'hooks.shouldRetry said no';
        failure.decision = { retry: false, consume: true, delayMs: 0 };
      } else if (override === true && !failure.decision.retry && retriesConsumed < call.retry.limit) {
        failure.giveUp = undefined;
        failure.decision = {
          retry: true,
          consume: true,
          delayMs: fullJitter(retriesConsumed + 1, call.retry.baseDelayMs, call.retry.maxDelayMs, random),
        };
        source = 'hook';
      }
    }
    if (failure.decision.retry && hooks.beforeRetry) {
      const answer = await hooks.beforeRetry(context(call, failure, true, failure.decision.delayMs));
      if (answer === false) {
        failure.giveUp = 'hooks.beforeRetry vetoed the retry';
        failure.decision = { retry: false, consume: true, delayMs: 0 };
      } else if (
        answer &&
        typeof answer === 'object' &&
        Number.isFinite(answer.delayMs) &&
        answer.delayMs >= 0
      ) {
        failure.decision = { ...failure.decision, delayMs: Math.min(answer.delayMs, call.retry.maxWaitMs) };
        source = 'hook';
      }
    }
    if (!failure.decision.retry) return;
    if (failure.decision.consume && budget && !budget.trySpend()) {
      failure.giveUp = 'the retry budget is empty (too many recent failures): failing fast';
      failure.decision = { retry: false, consume: true, delayMs: 0 };
      emit({
        type: 'budget-refused',
        ...base(call, failure.attempt),
        reason: c.reason,
        tokens: budget.tokens,
      });
      return;
    }
    const { delayMs } = failure.decision;
    if (c.category === 'rate-limited') {
      call.rateLimitWaits++;
      emit({
        type: 'wait',
        ...base(call, failure.attempt),
        reason: c.reason,
        delayMs,
        retryAt: new Date(Date.now() + delayMs),
        source: source === 'server' ? 'server' : 'backoff',
      });
    } else if (c.category !== 'auth-fatal') {
      emit({
        type: 'retry',
        ...base(call, failure.attempt),
        category: c.category as FailureCategory,
        reason: c.reason,
        delayMs,
        source,
      });
    }
  }

  function context(call: Call, failure: AttemptFailure, retry: boolean, delayMs: number): RetryContext {
    return {
      error: finalError(call, failure),
      classification: failure.classification,
      request: summaryOf(call),
      attempt: failure.attempt,
      retry,
      delayMs,
    };
  }

  function finalError(call: Call, failure: AttemptFailure): CalmError {
    const c = failure.classification;
    const category: FailureCategory = c.category === 'ok' ? 'permanent' : c.category;
    const retryAt = failure.retryAt ?? c.retryAt;
    const message = redactor.redact(
      errorMessage(call.method, call.url, c, failure.attempt, failure.giveUp, retryAt),
    );
    const ErrorClass = ERROR_CLASSES[category];
    return new ErrorClass(
      message,
      {
        classification: c,
        request: summaryOf(call),
        attempts: failure.attempt,
        ...(failure.giveUp !== undefined && { giveUp: failure.giveUp }),
        ...(retryAt !== undefined && { retryAt }),
      },
      { cause: failure.cause },
    );
  }

  async function request<T>(
    method: string,
    path: string,
    rawOptions?: RequestOptions,
  ): Promise<CalmResponse<T>> {
    const upper = typeof method === 'string' ? method.toUpperCase() : '';
    if (!METHOD.test(upper)) throw new TypeError('`method` must be an HTTP method name');
    if (typeof path !== 'string') throw new TypeError('`path` must be a string');
    const options = checkRequestOptions(rawOptions);
    const url = joinUrl(baseUrl, path);
    const deadlineMs = options.deadlineMs ?? config.deadlineMs;
    const call: Call = {
      method: upper,
      url,
      summary: undefined,
      endpoint: endpointTemplate(pathOf(url)),
      options,
      retry: normalizeRetry('retry', options.retry, config.retry),
      idempotent: options.idempotent ?? IDEMPOTENT.has(upper),
      timeoutMs: options.timeoutMs ?? config.timeoutMs,
      deadlineAt: Date.now() + deadlineMs,
      signal: options.signal,
      priority: options.priority ?? DEFAULTS.priority,
      rateLimitWaits: 0,
      authRefreshed: false,
    };
    try {
      // The first attempt runs on its own: most calls succeed at once and need none of p-retry's set-up. A failure
      // is handed to p-retry as its own first attempt's, so every decision and wait goes through it as before.
      call.signal?.throwIfAborted();
      let firstFailure: unknown;
      try {
        return await attempt<T>(call, 1);
      } catch (error) {
        firstFailure = error;
      }
      return await pRetry((n) => (n === 1 ? Promise.reject(firstFailure) : attempt<T>(call, n)), {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: 0,
        ...(call.signal && { signal: call.signal }),
        shouldConsumeRetry: async ({ error, retriesConsumed }) => {
          if (!(error instanceof AttemptFailure)) return true;
          await decide(call, error, retriesConsumed);
          return error.decision.consume;
        },
        onFailedAttempt: async ({ error }) => {
          if (!(error instanceof AttemptFailure) || !error.decision.retry) return;
          const signal = call.signal ? AbortSignal.any([call.signal, closing.signal]) : closing.signal;
          try {
            await sleep(error.decision.delayMs, signal);
          } catch (reason) {
            if (call.signal?.aborted || !closing.signal.aborted) throw reason;
            // close() during the wait: the call fails now, as it would have failed after the wait's retry was refused.
            error.giveUp = 'the client was closed during the wait';
            error.retryAt ??= error.classification.retryAt;
            error.decision = { retry: false, consume: true, delayMs: 0 };
            throw error;
          }
        },
        shouldRetry: ({ error }) => error instanceof AttemptFailure && error.decision.retry,
      });
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error;
      const final = finalError(call, error);
      emit({
        type: 'give-up',
        ...base(call, error.attempt),
        category: final.category,
        reason: final.reason,
        giveUp: final.giveUp,
        retryAt: final.retryAt,
      });
      throw final;
    }
  }

  return {
    get: (path, options) => request('GET', path, options),
    post: (path, options) => request('POST', path, options),
    put: (path, options) => request('PUT', path, options),
    patch: (path, options) => request('PATCH', path, options),
    delete: (path, options) => request('DELETE', path, options),
    request: (method, path, options) => request(method, path, options),
    get retryTokens() {
      return budget?.tokens ?? Number.POSITIVE_INFINITY;
    },
    get queued() {
      return limiter?.queued ?? 0;
    },
    close: async () => {
      closing.abort();
      await limiter?.close();
    },
  };
}

/** `'/2/tweets'` and `'2/tweets'` both append to the base URL; an absolute URL is used as it is. */
function joinUrl(baseUrl: string, path: string): string {
  if (ABSOLUTE.test(path)) return path;
  if (path.charCodeAt(0) !== 0x2f) return `${baseUrl}/${path}`;
  return baseUrl + (path.charCodeAt(1) === 0x2f ? path.replace(LEADING_SLASHES, '/') : path);
}

const ABSOLUTE = /^https?:\/\//i;
const LEADING_SLASHES = /^\/+/;

function isEnvelope(
  body: unknown,
): body is { data?: unknown; includes?: unknown; meta?: unknown; errors?: unknown } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  return Object.hasOwn(body, 'data') || Array.isArray((body as { errors?: unknown }).errors);
}

/**
 * The cause kept on a final error: the network error itself, never a wrapper that carries the request (whose
 * headers hold the credentials).
 */
function safeCause(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && 'request' in error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause !== undefined) return cause;
    const { name, message } = error as { name?: unknown; message?: unknown };
    return new Error(`${String(name)}: ${String(message)}`);
  }
  return error;
}
