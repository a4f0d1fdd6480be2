import type { StatusEntry } from './types.ts';

const SERVER_TIP =
  'Check the X API status page or the developer community forum in case others are having similar issues, or simply wait and try again later.';

/**
 * Every HTTP status named in the X / Twitter error documentation, with X's current text, description and
 * troubleshooting tip (older pages fill in the statuses X no longer lists: 420). Hand-kept data, checked against
 * the seeds by test/catalogue/completeness.test.ts.
 * @internal
 */
export const X_STATUSES = [
  {
    status: 200,
    category: 'ok',
    text: 'OK',
    description: 'The request was successful!',
    versions: ['v1.1', 'v2'],
  },
  {
    status: 304,
    category: 'ok',
    text: 'Not Modified',
    description: 'There was no new data to return.',
    versions: ['v1.1'],
  },
  {
    status: 400,
    category: 'permanent',
    text: 'Bad Request',
    description:
      'The request was invalid or cannot be otherwise served. An accompanying error message will explain further. Requests without authentication or with invalid query parameters are considered invalid and will yield this response.',
    tip: 'Double check the format of your JSON query. For example, if your rule contains double-quote characters associated with an exact-match or other operator, you may need to escape them using a backslash to distinguish them from the structure of the JSON format.',
    // The tip is about filtered-stream rule syntax, so it fits the rule problems only, not every 400 (issue 14).
    tipFor: ['invalid-rules', 'rule-length'],
    versions: ['v1.1', 'v2', 'labs'],
    why: 'The request is wrong. A code in the body can still decide otherwise (215: bad authentication data).',
  },
  {
    status: 401,
    category: 'auth-fatal',
    text: 'Unauthorized',
    description:
      'There was a problem authenticating your request. This could be due to missing or incorrect authentication credentials. This may also be returned in other undefined circumstances.',
    tip: 'Check that you are using the correct authentication method and that your credentials are correct.',
    versions: ['v1.1', 'v2', 'labs'],
  },
  {
    status: 403,
    category: 'permanent',
    text: 'Forbidden',
    description:
      'The request is understood, but it has been refused or access is not allowed. An accompanying error message will explain why.',
    tip: 'Check that your developer account includes access to the endpoint you’re trying to use. You may also need to get your App allowlisted (e.g. Engagement API or Ads API) or sign up for access.',
    versions: ['v1.1', 'v2', 'labs'],
    why: 'A bare 403 refuses this request; X sends a code (64, 89, 99, 185, 261, …) or problem type when the credentials or a limit are the reason, and that code decides.',
  },
  {
    status: 404,
    category: 'permanent',
    text: 'Not Found',
    description: 'The URI requested is invalid or the resource requested, such as a user, does not exist.',
    tip: 'Check that you are using valid parameters and the correct URI for the endpoint you’re using.',
    versions: ['v1.1', 'v2'],
  },
  {
    status: 406,
    category: 'permanent',
    text: 'Not Acceptable',
    description:
      'Returned when an invalid format is specified in the request. Generally, this occurs where your client fails to properly include the headers to accept gzip encoding, but can occur in other circumstances as well.',
    tip: 'Check that you are correctly passing expected query parameters, including expected headers, in your request.',
    versions: ['v1.1'],
  },
  {
    status: 408,
    category: 'retryable',
    text: 'Request Timeout',
    description: 'Not in X’s documentation (RFC 9110): the server gave up waiting for the request.',
    why: 'Added beyond the seeds because proxies in front of X-style APIs send it; it is transient by definition.',
  },
  {
    status: 409,
    category: 'permanent',
    text: 'Connection Exception',
    description: 'Returned when attempting to connect to a filtered stream that has no rules.',
    tip: 'Check that you have created at least one rule on the stream you are connecting to. Filtered stream will only return Posts that match an active rule. If there are no rules, the stream will not return any Posts.',
    versions: ['v1.1', 'v2'],
  },
  {
    status: 410,
    category: 'permanent',
    text: 'Gone',
    description: 'This resource is gone. Used to indicate that an API endpoint has been turned off.',
    versions: ['v1.1'],
  },
  {
    status: 420,
    category: 'rate-limited',
    text: 'Enhance Your Calm',
    description:
      'Returned by the version 1 Search and Trends APIs when you are being rate limited; an app is being rate limited for making too many requests.',
    tip: 'Back off: wait at least a minute before the next request, and longer after each further 420.',
    versions: ['v1.1'],
  },
  {
    status: 422,
    category: 'permanent',
    text: 'Unprocessable Entity',
    description: 'Returned when the data is unable to be processed.',
    tip: 'Check that the data you are sending in your request is valid. For example, this data could be the JSON body of your request or an image.',
    versions: ['v1.1'],
  },
  {
    status: 429,
    category: 'rate-limited',
    text: 'Too Many Requests',
    description:
      "Returned when a request cannot be served due to the App's rate limit or Post cap having been exhausted. See Rate Limiting.",
    tip: 'Check the number of requests per timeframe allowed with the endpoint you’re using. Wait for the timeframe to reset. Space out your requests to ensure you don’t hit rate limits or upgrade to the next available data plan.',
    versions: ['v1.1', 'v2'],
  },
  {
    status: 500,
    category: 'retryable',
    text: 'Internal Server Error',
    description:
      'Something is broken. This is usually a temporary error, for example in a high load situation or if an endpoint is temporarily having issues.',
    tip: SERVER_TIP,
    versions: ['v1.1', 'v2'],
  },
  {
    status: 501,
    category: 'permanent',
    text: 'Unimplemented',
    description: 'The X API does not support this endpoint and cannot fulfill the request.',
    versions: ['v2'],
    why: 'The endpoint does not exist; waiting will not create it.',
  },
  {
    status: 502,
    category: 'retryable',
    text: 'Bad Gateway',
    description: 'X is down, or being upgraded.',
    tip: SERVER_TIP,
    versions: ['v1.1'],
  },
  {
    status: 503,
    category: 'retryable',
    text: 'Service Unavailable',
    description: 'The X servers are up, but overloaded with requests. Try again later.',
    tip: SERVER_TIP,
    versions: ['v1.1', 'v2'],
  },
  {
    status: 504,
    category: 'retryable',
    text: 'Gateway Timeout',
    description:
      'The X servers are up, but the request couldn’t be serviced due to some failure within the internal stack. Try again later.',
    tip: SERVER_TIP,
    versions: ['v1.1'],
  },
] as const satisfies readonly StatusEntry[];
