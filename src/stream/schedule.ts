// X's reconnect rules for streams, as pure math: no timers. Source: docs.x.com,
// x-api/fundamentals/handling-disconnections.mdx:83-106 (xdevplatform/docs @ 2871328).

/**
 * Which of X's rules a reconnect follows.
 * - `immediate`: an established connection dropped ("attempt to reconnect immediately", :83).
 * - `network`: a TCP/IP-level error ("increase delay by 250ms each attempt; maximum delay: 16 seconds", :85-90).
 * - `http`: an HTTP error worth reconnecting after ("start with 5 second wait; double each attempt; maximum
 *   delay: 320 seconds", :92-98).
 * - `rate-limit`: 420 or 429, TooManyConnections included ("start with 1 minute wait; double each attempt", :100-106).
 */
export type ReconnectSchedule = 'immediate' | 'network' | 'http' | 'rate-limit';

/**
 * The numbers of the schedules (each a stream option, X's values by default).
 * @internal
 */
export interface ScheduleOptions {
  readonly networkStepMs: number;
  readonly networkMaxMs: number;
  readonly httpBaseMs: number;
  readonly httpMaxMs: number;
  readonly rateLimitBaseMs: number;
  readonly rateLimitMaxMs: number;
}

/**
 * The delay before reconnect number `attempt` (1 for the first) of a schedule.
 * @internal
 */
export function reconnectDelay(schedule: ReconnectSchedule, attempt: number, o: ScheduleOptions): number {
  const n = Math.max(1, Math.floor(attempt));
  switch (schedule) {
    case 'immediate':
      return 0;
    case 'network':
      return Math.min(o.networkMaxMs, o.networkStepMs * n);
    case 'http':
      return Math.min(o.httpMaxMs, o.httpBaseMs * 2 ** (n - 1));
    case 'rate-limit':
      return Math.min(o.rateLimitMaxMs, o.rateLimitBaseMs * 2 ** (n - 1));
  }
}
