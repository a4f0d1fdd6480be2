import { bareClassification } from '../classify/classify.ts';
import { RetryableError } from '../errors/RetryableError.ts';
import { urlPath } from './redact.ts';

/**
 * A module loaded on first use through a dynamic `import()`, so that a bundler splits it into a chunk of its own that
 * a page fetches only when a call needs it. Loaded once; a failed load is forgotten, so the next use tries again (a
 * chunk that failed on a flaky network is not broken for good).
 * @internal
 */
export interface Lazy<T> {
  /** The module, once loaded (synchronous: undefined before). */
  readonly value: T | undefined;
  /** Loads the module (once), or returns the load in progress. */
  load(): Promise<T>;
}

/** @internal */
export function lazy<T>(importer: () => Promise<T>): Lazy<T> {
  let value: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    get value() {
      return value;
    },
    load() {
      loading ??= importer().then(
        (loaded) => {
          value = loaded;
          return loaded;
        },
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}

/**
 * The typed error of a call whose chunk could not be loaded (a page offline, a deploy that removed old chunks): a
 * `RetryableError` that says it was never sent and what failed to load. Nothing reached a server, so trying again
 * is safe; the next use loads again.
 * @internal
 */
export function loadFailure(method: string, url: string, what: string, error: unknown): RetryableError {
  const why = error instanceof Error ? error.message : String(error);
  const reason = `not sent: ${what} could not be loaded (${why})`;
  const classification = bareClassification('retryable', reason, { unprocessed: true });
  const giveUp = 'the request was never sent';
  return new RetryableError(`${method} ${urlPath(url)}: ${reason}; ${giveUp}`, {
    classification,
    request: { method, url },
    attempts: 0,
    giveUp,
  });
}
