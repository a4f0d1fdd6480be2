import type { ProblemEntry } from './types.ts';

/**
 * Every v2 problem type named in the X documentation (and the Developer Labs names for the same problems), keyed
 * by the last path segment of the type URI. Hand-kept data, checked against the seeds by
 * test/catalogue/completeness.test.ts.
 * @internal
 */
export const X_PROBLEMS = [
  {
    type: 'about:blank',
    title: 'Generic Problem',
    labsTitle: 'General Problem',
    category: 'status',
    description:
      'A generic problem with no additional information beyond that provided by the HTTP status code.',
    why: 'By definition it adds nothing to the status, so the status decides.',
  },
  {
    type: 'invalid-request',
    title: 'Invalid Request Problem',
    labsTitle: 'Invalid Request',
    category: 'permanent',
    status: 400,
    description:
      'A problem that indicates this request is invalid. If your request takes a POST body, ensure the contents is valid JSON and matches the OpenAPI spec.',
  },
  {
    type: 'resource-not-found',
    title: 'Resource Not Found Problem',
    labsTitle: 'Not Found Error',
    category: 'permanent',
    status: 404,
    description: 'A problem that indicates that a given Post, User, etc. does not exist.',
  },
  {
    type: 'not-authorized-for-resource',
    title: 'Resource Unauthorized Problem',
    labsTitle: 'Authorization Error',
    category: 'permanent',
    status: 403,
    description: 'A problem that indicates you are not allowed to see a particular Post, User, etc.',
    why: 'A refusal for one resource (a protected user, a private metric); the credentials are fine for everything else.',
  },
  {
    type: 'client-forbidden',
    title: 'Client Forbidden Problem',
    labsTitle: 'Client Forbidden',
    category: 'auth-fatal',
    status: 403,
    description: 'A problem that indicates your client is forbidden from making this request.',
    tip: 'Enroll the app in the product (access level) the endpoint requires; the problem body names it in required_enrollment and registration_url.',
    why: 'The app is not enrolled for the endpoint: every call with these credentials fails until the developer portal says otherwise.',
  },
  {
    type: 'disallowed-resource',
    title: 'Disallowed Resource Problem',
    labsTitle: 'Disallowed Resource',
    category: 'permanent',
    status: 403,
    description: 'A problem that indicates that the resource requested violates the precepts of this API.',
  },
  {
    type: 'unsupported-authentication',
    title: 'Unsupported Authentication Problem',
    labsTitle: 'Unsupported Authentication',
    category: 'auth-fatal',
    status: 403,
    description: 'A problem that indicates that the authentication used is not supported.',
    tip: 'Use the authentication the endpoint requires (e.g. OAuth 2.0 user context or OAuth 1.0a instead of an app-only bearer token).',
  },
  {
    type: 'usage-capped',
    title: 'Usage Capped Problem',
    labsTitle: 'Usage cap exceeded',
    category: 'rate-limited',
    capped: true,
    status: 429,
    description: 'A problem that indicates that a usage cap has been exceeded.',
    tip: 'The monthly Post cap of your access level is spent: upgrade the plan or wait for the next billing period.',
    why: 'Rate-limited, but the cap lasts the billing period: not worth waiting for. X sends it with x-rate-limit-remaining far above 0.',
  },
  {
    type: 'streaming-connection',
    title: 'Connection Exception Problem',
    labsTitle: 'Too many connections',
    category: 'status',
    description: 'A problem that indicates something is wrong with the connection.',
    why: 'Sent with 409 for a filtered stream with no rules (permanent) and with 429 for too many connections (rate-limited): the status tells them apart.',
  },
  {
    type: 'client-disconnected',
    title: 'Client Disconnected Problem',
    category: 'retryable',
    description: 'Your client has gone away.',
    why: 'A streaming disconnect: reconnecting is the remedy.',
  },
  {
    type: 'operational-disconnect',
    title: 'Operational Disconnect Problem',
    labsTitle: 'Operational disconnect',
    category: 'retryable',
    description: 'You have been disconnected for operational reasons.',
    tip: 'Reconnect with a backoff; consume the stream in a process separate from the one that handles the data, so that the buffer never fills.',
    why: 'Maintenance, a full buffer or an internal error: reconnecting is the remedy.',
  },
  {
    type: 'rule-cap',
    title: 'Rule Cap Problem',
    labsTitle: 'Rules cap exceeded',
    category: 'permanent',
    description: 'You have exceeded the maximum number of rules.',
    tip: 'Remove existing rules before submitting new ones.',
  },
  {
    type: 'rule-length',
    title: 'Rule Length Problem',
    category: 'permanent',
    description:
      'You have exceeded the maximum number of characters allowed on your query or rule based on your access level. See access levels.',
  },
  {
    type: 'invalid-rules',
    title: 'Invalid Rules Problem',
    category: 'permanent',
    description: 'The rule you have submitted is invalid.',
  },
  {
    type: 'duplicate-rules',
    title: 'Duplicate Rules Problem',
    category: 'permanent',
    description: 'The rule you have submitted is a duplicate.',
  },
] as const satisfies readonly ProblemEntry[];
