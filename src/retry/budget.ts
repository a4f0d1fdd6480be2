/**
 * Retry-storm protection: a per-client token bucket (as gRPC retry throttling and the AWS SDK retry quota).
 * @internal
 */
export interface RetryBudgetOptions {
  /** Tokens in a full (warm) bucket. @default 10 */
  readonly capacity: number;
  /** Tokens one retry spends. @default 1 */
  readonly retryCost: number;
  /** Tokens one success puts back. @default 0.1 */
  readonly refillPerSuccess: number;
}

/**
 * Each retry spends `retryCost`; each success refills `refillPerSuccess`; when the bucket cannot pay for a
 * retry, retryable failures fail fast. In a total outage a warm client sends at most `capacity / retryCost`
 * extra requests in all, whatever the load; in a partial one, at most one retry per `retryCost /
 * refillPerSuccess` successes.
 * @internal
 */
export class RetryBudget {
  readonly #options: RetryBudgetOptions;
  #tokens: number;

  constructor(options: RetryBudgetOptions) {
    this.#options = options;
    this.#tokens = options.capacity;
  }

  /** The tokens left. */
  get tokens(): number {
    return this.#tokens;
  }

  /** Spends the cost of one retry, if the bucket can pay it. */
  trySpend(): boolean {
    if (this.#tokens < this.#options.retryCost) return false;
    this.#tokens -= this.#options.retryCost;
    return true;
  }

  /** Records a success. */
  refill(): void {
    this.#tokens = Math.min(this.#options.capacity, this.#tokens + this.#options.refillPerSuccess);
  }
}
