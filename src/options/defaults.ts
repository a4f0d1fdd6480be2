// Every default, in one place, and what each option is: the README's options table is rendered from both
// (scripts/readme-tables.ts), and a test checks the `@default` tags of ./types.ts against DEFAULTS.
import { DEFAULT_MIN_INTERVAL_MS } from '../scheduler/spacing.ts';

/** Every default, in one place. The README's options table is rendered from this object. */
export const DEFAULTS = Object.freeze({
  baseUrl: 'https://api.x.com',
  timeoutMs: 10_000,
  deadlineMs: Number.POSITIVE_INFINITY,
  retry: Object.freeze({
    limit: 3,
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    maxWaitMs: 15 * 60_000,
    rateLimitBaseDelayMs: 60_000,
    secondaryBaseDelayMs: 1000,
    rateLimitWaits: 3,
    jitterMs: 500,
  }),
  retryBudget: Object.freeze({ capacity: 10, retryCost: 1, refillPerSuccess: 0.1 }),
  rateLimit: Object.freeze({
    maxConcurrent: Number.POSITIVE_INFINITY,
    highWater: Number.POSITIVE_INFINITY,
    resetMarginMs: 250,
    redis: Object.freeze({ prefix: 'calmfetch', timeoutMs: 2000, onUnavailable: 'local' as const }),
    minIntervalMs: DEFAULT_MIN_INTERVAL_MS,
    maxBuckets: 5000,
  }),
  priority: 5,
  responseType: 'auto' as const,
});

/**
 * What each option is, for the README's options table (its defaults come from DEFAULTS).
 * @internal
 */
export const OPTION_DOCS: Readonly<Record<string, { readonly type: string; readonly description: string }>> =
  {
    baseUrl: {
      type: 'string',
      description: "Where paths are resolved; `'/2/tweets'` and `'2/tweets'` both append to it.",
    },
    auth: {
      type: '{ bearer } \\| (request) => headers',
      description: 'Credentials; a function can give per-user tokens. Never shown in errors, events or logs.',
    },
    timeoutMs: { type: 'number', description: 'Per attempt, reading the body included.' },
    deadlineMs: {
      type: 'number',
      description: 'Bounds the whole call; no retry starts whose wait would overrun it.',
    },
    'retry.limit': { type: 'number', description: 'Retries of retryable failures per call.' },
    'retry.baseDelayMs': { type: 'number', description: 'First backoff step (exponential, full jitter).' },
    'retry.maxDelayMs': { type: 'number', description: 'Cap on one computed backoff delay.' },
    'retry.maxWaitMs': {
      type: 'number',
      description: 'Longest wait taken; a longer server-given wait fails at once with `retryAt`.',
    },
    'retry.rateLimitBaseDelayMs': {
      type: 'number',
      description: 'First wait for a rate limit with no server time (bare 420/429); doubles after.',
    },
    'retry.secondaryBaseDelayMs': {
      type: 'number',
      description:
        'First wait after a 420/429 while the window still has room (a per-second limit); doubles after.',
    },
    'retry.rateLimitWaits': {
      type: 'number',
      description: 'Rate-limit waits per call (they do not use up `limit`).',
    },
    'retry.jitterMs': { type: 'number', description: 'Random extra wait (up to) after a server-given time.' },
    'retryBudget.capacity': {
      type: 'number',
      description: 'Tokens in a full bucket (`retryBudget: false` turns the budget off).',
    },
    'retryBudget.retryCost': { type: 'number', description: 'Tokens one retry spends.' },
    'retryBudget.refillPerSuccess': { type: 'number', description: 'Tokens one success refills.' },
    'rateLimit.maxConcurrent': {
      type: 'number',
      description: 'Calls in flight at once, client-wide (`rateLimit: false` turns the limiter off).',
    },
    'rateLimit.highWater': {
      type: 'number',
      description: 'Calls that may wait in the limiter; beyond it a call fails at once.',
    },
    'rateLimit.resetMarginMs': {
      type: 'number',
      description: 'A spent window is refilled this long after X’s reset.',
    },
    'rateLimit.bucket': {
      type: '(request) => string',
      description:
        'Overrides the bucket key (method + endpoint template + hash of the `Authorization` credential).',
    },
    'rateLimit.minIntervalMs': {
      type: "{ 'METHOD /template': ms } \\| (endpoint) => ms",
      description: 'Minimum spacing of one bucket’s calls, per endpoint (merged over the defaults).',
    },
    'rateLimit.maxBuckets': {
      type: 'number',
      description: 'Buckets kept at most; idle ones are pruned after 10 minutes.',
    },
    'rateLimit.redis.client / .options': {
      type: 'ioredis client \\| options',
      description: 'Shares the limiters across processes through Redis.',
    },
    'rateLimit.redis.prefix': { type: 'string', description: 'Prefix of every Redis key.' },
    'rateLimit.redis.timeoutMs': {
      type: 'number',
      description: 'Bound on every Redis wait before falling back.',
    },
    'rateLimit.redis.onUnavailable': {
      type: "'local' \\| 'fail'",
      description: 'Without Redis: limit locally (with an event), or fail calls.',
    },
    priority: { type: 'number', description: 'Per call: queue priority in the limiter, 0 (first) to 9.' },
    responseType: {
      type: "'auto' \\| 'json' \\| 'text' \\| 'bytes' \\| 'stream'",
      description: 'Per call: how a success’s body is read (`auto`: JSON, text, or bytes for binary types).',
    },
    headers: { type: 'HeadersInit', description: 'Headers sent with every request.' },
    hooks: { type: 'Hooks', description: 'See [Hooks](#hooks).' },
    catalogue: { type: 'Catalogue', description: 'Classifies responses (`defineCatalogue` for other APIs).' },
    fetch: { type: 'typeof fetch', description: 'The fetch to use.' },
    random: { type: '() => number', description: 'Source of jitter, for tests.' },
  };
