import type { OAuth1Credentials } from '../auth/oauth1.ts';
import type { ExchangeContext } from '../exchange/exchange.ts';
import type { Hooks } from '../options/types.ts';
import type { Credentials } from '../request/credentials.ts';
import type { Call } from '../request/plan.ts';
import type { Emitter } from '../result/emitter.ts';
import type { RetryBudget } from '../retry/budget.ts';
import type { RateLimiter } from '../scheduler/limiter.ts';
import type { Redactor } from '../utils/redact.ts';

/**
 * What the stages of a call share, per client: built once by createClient.
 * @internal
 */
export interface Pipeline {
  readonly hooks: Hooks;
  readonly random: () => number;
  readonly redactor: Redactor;
  readonly emitter: Emitter;
  readonly budget: RetryBudget | undefined;
  readonly limiter: RateLimiter | undefined;
  readonly credentials: Credentials;
  /** ky and fetch for the base URL's origin (client headers and credentials in the instance). */
  readonly exchange: ExchangeContext;
  /** ky and fetch for another origin: client headers without credentials. */
  readonly foreign: () => ExchangeContext;
  /** The limiter's bucket for an attempt. */
  readonly bucketOf: (
    call: Call,
    headers: Headers | undefined,
    oauth1: OAuth1Credentials | undefined,
  ) => string | Promise<string>;
}
