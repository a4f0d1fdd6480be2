import type { FailureCategory } from '../catalogue/types.ts';
import type { ReconnectSchedule } from './schedule.ts';

/**
 * Why a stream's connection ended: the server closed it (`ended`), no byte came for `stallTimeoutMs` (`stall`),
 * X announced it (`operational-disconnect`, then closed it), the connection failed while reading (`network`),
 * the consumer fell behind (`lagging`, policy `disconnect`), or the stream was stopped (`closed`).
 */
export type DisconnectWhy = 'ended' | 'stall' | 'operational-disconnect' | 'network' | 'lagging' | 'closed';

interface StreamEventBase {
  /** Always GET: streams are read with GET (there for code that reads every event's `method` and `url`). */
  readonly method: 'GET';
  /** The stream's URL (credential-like query values masked). Never headers, never credentials. */
  readonly url: string;
}

/**
 * A stream's events (`client.stream()`), beside each connect's own call events.
 * - `stream-connected`: a connect was answered 200; reading starts (`backfillMinutes` when recovering).
 * - `stream-keep-alive`: an empty line (X sends one at least every 20 s).
 * - `stream-errors`: an errors-only message; `disconnect` when X says it is closing the stream.
 * - `stream-parse-error`: a line that is not JSON (`reason` holds its start); the stream goes on.
 * - `stream-lagging`: the consumer is `maxQueue` behind; `policy` says what happens (`dropped` so far).
 * - `stream-disconnected`: the connection ended, `why`, after `messages` messages.
 * - `stream-reconnecting`: the next connect goes after `delayMs`, on `schedule` (its `attempt`-th step).
 * - `stream-gap`: a gap too long for `backfill_minutes` (recovery on): posts from `from` to `to` were missed.
 * - `stream-give-up`: the stream ends with an error (`category`, `reason`).
 */
export type StreamEvent =
  | (StreamEventBase & {
      readonly type: 'stream-connected';
      readonly connects: number;
      readonly backfillMinutes: number | undefined;
    })
  | (StreamEventBase & { readonly type: 'stream-keep-alive' })
  | (StreamEventBase & {
      readonly type: 'stream-errors';
      readonly reason: string;
      readonly disconnect: boolean;
    })
  | (StreamEventBase & {
      readonly type: 'stream-parse-error';
      readonly reason: string;
      readonly length: number;
    })
  | (StreamEventBase & {
      readonly type: 'stream-lagging';
      readonly policy: 'disconnect' | 'drop-oldest';
      readonly queued: number;
      readonly dropped: number;
    })
  | (StreamEventBase & {
      readonly type: 'stream-disconnected';
      readonly why: DisconnectWhy;
      readonly reason: string;
      readonly messages: number;
      readonly durationMs: number;
    })
  | (StreamEventBase & {
      readonly type: 'stream-reconnecting';
      readonly delayMs: number;
      readonly attempt: number;
      readonly schedule: ReconnectSchedule;
      readonly reason: string;
    })
  | (StreamEventBase & { readonly type: 'stream-gap'; readonly from: Date; readonly to: Date })
  | (StreamEventBase & {
      readonly type: 'stream-give-up';
      readonly category: FailureCategory;
      readonly reason: string;
      readonly giveUp: string | undefined;
    });
