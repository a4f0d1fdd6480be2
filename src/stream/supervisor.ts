import type { Catalogue } from '../catalogue/types.ts';
import type { CalmResponse } from '../client/client.ts';
import { type CalmError, isCalmError } from '../errors/CalmError.ts';
import type { RequestOptions } from '../options/types.ts';
import type { CallScope } from '../request/scope.ts';
import type { Emitter } from '../result/emitter.ts';
import { sleep } from '../utils/sleep.ts';
import { closedError } from './closed.ts';
import type { DisconnectWhy, StreamEvent } from './events.ts';
import type { NormalizedStream } from './options.ts';
import type { MessageQueue } from './queue.ts';
import { readConnection } from './reader.ts';
import { Recovery } from './recovery.ts';
import { type ReconnectSchedule, reconnectDelay } from './schedule.ts';

/**
 * What a stream needs of its client: `get` (each connect is an ordinary call: credentials, the limiter's bucket of
 * the stream endpoint, classification, `onAuthError`), a cancellation scope registered with `close()`, the emitter
 * and the catalogue.
 * @internal
 */
export interface StreamContext {
  readonly get: (path: string, options: RequestOptions) => Promise<CalmResponse<unknown>>;
  readonly openScope: (signal: AbortSignal | undefined) => CallScope;
  readonly emitter: Emitter;
  readonly catalogue: Catalogue;
  /** A path's URL as events show it (credentials masked). */
  readonly urlOf: (path: string) => string;
}

/** The longest a connect waits in the limiter: X's 15-minute connect window, plus a minute. */
const CONNECT_WINDOW_MS = 16 * 60_000;

/** What a failed connect says about the next one: a schedule, or the end of the stream. */
function onConnectError(error: unknown): ReconnectSchedule | 'fatal' {
  if (!isCalmError(error)) return 'fatal';
  // 400, 401, 403, 409 (no rules) and a usage cap end the stream: reconnecting cannot fix them.
  if (error.category === 'auth-fatal' || error.category === 'permanent') return 'fatal';
  if (error.category === 'rate-limited') return error.capped ? 'fatal' : 'rate-limit';
  return error.status === undefined ? 'network' : 'http';
}

/**
 * Runs a stream until it is stopped or fails: connect → read → reconnect on X's schedules. Never two connections
 * at once: a connection's body is cancelled (its socket closed) before the next connect starts.
 * @internal
 */
export async function supervise(
  ctx: StreamContext,
  path: string,
  o: NormalizedStream,
  scope: CallScope,
  queue: MessageQueue<unknown>,
): Promise<void> {
  const emit = (event: StreamEvent) => ctx.emitter.emit(event);
  const url = ctx.urlOf(path);
  const steps: Record<ReconnectSchedule, number> = { immediate: 0, network: 0, http: 0, 'rate-limit': 0 };
  const recovery =
    o.recovery &&
    new Recovery(o.recovery, (from, to) => emit({ type: 'stream-gap', method: 'GET', url, from, to }));
  let connects = 0;
  let failures = 0;
  let next: { schedule: ReconnectSchedule; reason: string } | undefined;

  const stop = (): void => {
    if (scope.exit === 'abort') queue.stop(scope.reason, true);
    else if (scope.exit === 'closed') queue.stop(closedError(url), true);
    else queue.stop();
  };

  try {
    for (;;) {
      if (next) {
        const step = ++steps[next.schedule];
        const delayMs = reconnectDelay(next.schedule, step, o.schedule);
        emit({
          type: 'stream-reconnecting',
          method: 'GET',
          url,
          delayMs,
          attempt: step,
          schedule: next.schedule,
          reason: next.reason,
        });
        await sleep(delayMs, scope.signal);
      }
      await queue.roomy(scope.signal);
      scope.signal.throwIfAborted();
      const searchParams = new URLSearchParams(toQuery(o.request.searchParams));
      const backfill = recovery?.backfillMinutes(Date.now());
      if (backfill !== undefined) searchParams.set('backfill_minutes', String(backfill));
      let response: CalmResponse<unknown>;
      try {
        connects++;
        response = await ctx.get(path, {
          ...o.request,
          searchParams,
          signal: scope.signal,
          responseType: 'stream',
          // The stream owns reconnects (X's schedules below); the call's own loop only refreshes credentials once.
          // X counts connects per 15 minutes (50 on /2/tweets/search/stream, rate-limits.mdx:81): a connect may
          // wait in the limiter for a whole window, and a little more for its margin.
          retry: { limit: 0, rateLimitWaits: 0, maxWaitMs: CONNECT_WINDOW_MS },
        });
      } catch (error) {
        if (scope.exit !== undefined) break;
        const schedule = onConnectError(error);
        failures++;
        if (schedule === 'fatal' || failures >= o.maxAttempts) {
          const reason = isCalmError(error) ? error.reason : String(error);
          const why =
            schedule === 'fatal' ? 'not reconnected after this error' : 'reconnect.maxAttempts reached';
          emit({
            type: 'stream-give-up',
            method: 'GET',
            url,
            category: category(error),
            reason,
            giveUp: why,
          });
          queue.end(error, true);
          return;
        }
        next = { schedule, reason: (error as CalmError).reason };
        continue;
      }
      failures = 0;
      recovery?.connected();
      for (const key of Object.keys(steps) as ReconnectSchedule[]) steps[key] = 0;
      emit({ type: 'stream-connected', method: 'GET', url, connects, backfillMinutes: backfill });
      const started = Date.now();
      const read = await readConnection(response.body as ReadableStream<Uint8Array>, {
        options: o,
        catalogue: ctx.catalogue,
        signal: scope.signal,
        queue,
        emit,
        url,
        recovery,
      });
      recovery?.disconnected(read.lastChunkAt);
      const why: DisconnectWhy = scope.exit !== undefined ? 'closed' : read.why;
      emit({
        type: 'stream-disconnected',
        method: 'GET',
        url,
        why,
        reason: read.reason,
        messages: read.messages,
        durationMs: Date.now() - started,
      });
      if (scope.exit !== undefined) break;
      // An established connection that dropped reconnects at once; one that never sent a byte is a network error.
      next = { schedule: read.chunks > 0 ? 'immediate' : 'network', reason: read.reason };
    }
  } catch (error) {
    // Anything else than the scope's end is a bug (or a body-less 200): the stream fails with it, never silently.
    if (scope.exit === undefined) {
      emit({
        type: 'stream-give-up',
        method: 'GET',
        url,
        category: 'permanent',
        reason: String(error),
        giveUp: undefined,
      });
      queue.end(error, true);
      return;
    }
  }
  stop();
}

const category = (error: unknown) => (isCalmError(error) ? error.category : 'permanent');

function toQuery(value: RequestOptions['searchParams']): string | URLSearchParams | string[][] {
  if (value === undefined) return '';
  if (typeof value === 'string' || value instanceof URLSearchParams) return value;
  if (Array.isArray(value)) return value.map(([k, v]) => [k, String(v)]);
  const params = new URLSearchParams();
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    params.set(key, Array.isArray(item) ? item.join(',') : String(item));
  }
  return params;
}
