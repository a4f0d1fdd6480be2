import { bareClassification } from '../classify/classify.ts';
import { PermanentError } from '../errors/PermanentError.ts';
import { CLOSED } from '../result/failure.ts';

/**
 * What a stream ended by the client's `close()` rejects with, as every call does.
 * @internal
 */
export function closedError(url: string): PermanentError {
  const classification = bareClassification('permanent', `not sent: ${CLOSED}`, { unprocessed: true });
  return new PermanentError(`GET ${url}: ${CLOSED}`, {
    classification,
    request: { method: 'GET', url },
    attempts: 0,
    giveUp: CLOSED,
  });
}
