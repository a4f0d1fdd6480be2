import type { Classification } from '../classify/classify.ts';
import { urlPath } from '../utils/redact.ts';

/**
 * The message of a final error: method, path, what decided (the code with its documented text), why the client
 * stopped, when to try again, and X's troubleshooting tip.
 *
 * `POST /2/tweets: code 187 "Status is a duplicate." on HTTP 403 (1 attempt). Tip: …`
 * @internal
 */
export function errorMessage(
  method: string,
  url: string,
  classification: Classification,
  attempts: number,
  giveUp: string | undefined,
  retryAt: Date | undefined,
): string {
  const parts = [`${method} ${urlPath(url)}: ${classification.reason}`];
  const server = classification.codes[0]?.message ?? classification.problems[0]?.detail;
  if (server && !classification.reason.includes(server)) parts.push(`— "${server.slice(0, 200)}"`);
  const count = attemptCount(attempts, neverSent(classification));
  if (count) parts.push(count);
  let message = parts.join(' ');
  // The reason may already say it ("not sent: the client was closed"): never twice.
  if (giveUp && !classification.reason.endsWith(giveUp)) message += `; ${giveUp}`;
  if (retryAt) message += `; retry at ${retryAt.toISOString()}`;
  if (classification.tip) message += `. Tip: ${classification.tip}`;
  return message;
}

/**
 * Whether the last attempt was refused before it was sent: the limiter's refusal, which the client classifies with
 * no status, no decider and `unprocessed` (a network failure that never reached a server has a `network` decider,
 * and it was attempted).
 */
function neverSent(classification: Classification): boolean {
  return (
    classification.status === undefined &&
    classification.unprocessed &&
    classification.decidedBy.kind === 'none'
  );
}

/**
 * `(2 attempts)`; when the last attempt was never sent, `(1 attempt sent, the next not)`, or nothing when none was
 * (the reason already says `not sent: …`).
 */
function attemptCount(attempts: number, lastUnsent: boolean): string | undefined {
  const sent = lastUnsent ? attempts - 1 : attempts;
  const count = `${sent} attempt${sent === 1 ? '' : 's'}`;
  if (!lastUnsent) return `(${count})`;
  return sent === 0 ? undefined : `(${count} sent, the next not)`;
}

/**
 * Seconds, for human-readable waits.
 * @internal
 */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
