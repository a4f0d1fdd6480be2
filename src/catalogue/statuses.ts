import type { StatusEntry } from './types.ts';

const SERVER_TIP =
  'Check the X API status page or the developer community forum in case others are having similar issues, or simply wait and try again later.';

/**
 * Every HTTP status named in the X / Twitter error documentation, with X's current text and troubleshooting tip
 * (older pages fill in the statuses X no longer lists: 420); descriptions, versions and reasons are in
 * ./docs/statuses.ts. Hand-kept data, checked against the seeds by test/catalogue/completeness.test.ts.
 * @internal
 */
export const X_STATUSES = [
  {
    status: 200,
    category: 'ok',
    text: 'OK',
  },
  {
    status: 304,
    category: 'ok',
    text: 'Not Modified',
  },
  {
    status: 400,
    category: 'permanent',
    text: 'Bad Request',
    tip: 'Double check the format of your JSON query. For example, if your rule contains double-quote characters associated with an exact-match or other operator, you may need to escape them using a backslash to distinguish them from the structure of the JSON format.',
    // The tip is about filtered-stream rule syntax, so it fits the rule problems only, not every 400 (issue 14).
    tipFor: ['invalid-rules', 'rule-length'],
  },
  {
    status: 401,
    category: 'auth-fatal',
    text: 'Unauthorized',
    tip: 'Check that you are using the correct authentication method and that your credentials are correct.',
  },
  {
    status: 403,
    category: 'permanent',
    text: 'Forbidden',
    tip: 'Check that your developer account includes access to the endpoint you’re trying to use. You may also need to get your App allowlisted (e.g. Engagement API or Ads API) or sign up for access.',
  },
  {
    status: 404,
    category: 'permanent',
    text: 'Not Found',
    tip: 'Check that you are using valid parameters and the correct URI for the endpoint you’re using.',
  },
  {
    status: 406,
    category: 'permanent',
    text: 'Not Acceptable',
    tip: 'Check that you are correctly passing expected query parameters, including expected headers, in your request.',
  },
  {
    status: 408,
    category: 'retryable',
    text: 'Request Timeout',
  },
  {
    status: 409,
    category: 'permanent',
    text: 'Connection Exception',
    tip: 'Check that you have created at least one rule on the stream you are connecting to. Filtered stream will only return Posts that match an active rule. If there are no rules, the stream will not return any Posts.',
  },
  {
    status: 410,
    category: 'permanent',
    text: 'Gone',
  },
  {
    status: 420,
    category: 'rate-limited',
    text: 'Enhance Your Calm',
    tip: 'Back off: wait at least a minute before the next request, and longer after each further 420.',
  },
  {
    status: 422,
    category: 'permanent',
    text: 'Unprocessable Entity',
    tip: 'Check that the data you are sending in your request is valid. For example, this data could be the JSON body of your request or an image.',
  },
  {
    status: 429,
    category: 'rate-limited',
    text: 'Too Many Requests',
    tip: 'Check the number of requests per timeframe allowed with the endpoint you’re using. Wait for the timeframe to reset. Space out your requests to ensure you don’t hit rate limits or upgrade to the next available data plan.',
  },
  {
    status: 500,
    category: 'retryable',
    text: 'Internal Server Error',
    tip: SERVER_TIP,
  },
  {
    status: 501,
    category: 'permanent',
    text: 'Unimplemented',
  },
  {
    status: 502,
    category: 'retryable',
    text: 'Bad Gateway',
    tip: SERVER_TIP,
  },
  {
    status: 503,
    category: 'retryable',
    text: 'Service Unavailable',
    tip: SERVER_TIP,
  },
  {
    status: 504,
    category: 'retryable',
    text: 'Gateway Timeout',
    tip: SERVER_TIP,
  },
] as const satisfies readonly StatusEntry[];
