import type { Classification } from '../classify/classify.ts';
import { urlPath } from '../utils/redact.ts';

/**
 * The message of a final error: method, path, what decided (the code with its documented text), why the client
 * stopped, when to try again, and X's troubleshooting tip.
 *
 * `POST /2/tweets: code 187 "Status is a duplicate." on HTTP 403 (1 attempt). Tip: …`
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
  parts.push(`(${attempts} attempt${attempts === 1 ? '' : 's'})`);
  let message = parts.join(' ');
  if (giveUp) message += `; ${giveUp}`;
  if (retryAt) message += `; retry at ${retryAt.toISOString()}`;
  if (classification.tip) message += `. Tip: ${classification.tip}`;
  return message;
}

/** Seconds, for human-readable waits. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
