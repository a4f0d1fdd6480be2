import type { Catalogue } from '../catalogue/types.ts';
import { decidingError, describeError, readErrors } from '../classify/errors.ts';
import type { ApiError } from '../classify/types.ts';

/**
 * What one line of a stream is.
 * - `keep-alive`: an empty line (X sends `\r\n` at least every 20 s: docs.x.com, consuming-streaming-data.mdx:116).
 * - `message`: a JSON object with `data` (X's post, with `includes`, `matching_rules` and partial `errors` beside it),
 *   or any other JSON value that is not an errors-only object (X warns of "new message types appearing at any time").
 * - `errors`: an object with `errors` and no `data`: classified with the catalogue. `disconnect` says the server is
 *   about to close the stream (`operational-disconnect`, `client-disconnected`): expect the close, reconnect at once.
 * - `parse-error`: the line is not JSON; the stream goes on.
 * @internal
 */
export type StreamLine =
  | { readonly kind: 'keep-alive' }
  | { readonly kind: 'message'; readonly value: unknown }
  | {
      readonly kind: 'errors';
      readonly errors: readonly ApiError[];
      readonly reason: string;
      readonly disconnect: boolean;
    }
  | { readonly kind: 'parse-error'; readonly preview: string; readonly length: number };

/** Problem types X sends inside a stream just before it closes it (handling-disconnections.mdx:44-56). */
const DISCONNECTS = new Set(['operational-disconnect', 'client-disconnected']);
/** A parse error shows this much of the line: enough to recognise it, bounded. */
const PREVIEW = 120;

/** @internal */
export function parseLine(line: string, catalogue: Catalogue): StreamLine {
  if (line.trim() === '') return { kind: 'keep-alive' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'parse-error', preview: line.slice(0, PREVIEW), length: line.length };
  }
  if (typeof value === 'object' && value !== null && !('data' in value) && 'errors' in value) {
    const errors = readErrors(value, catalogue);
    const decider = decidingError(errors) ?? errors[0];
    return {
      kind: 'errors',
      errors,
      reason: decider ? describeError(decider, undefined) : 'an errors-only message',
      disconnect: errors.some((e) => e.kind === 'problem' && DISCONNECTS.has(e.type)),
    };
  }
  return { kind: 'message', value };
}
