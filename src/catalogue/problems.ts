import type { ProblemEntry } from './types.ts';

/**
 * Every v2 problem type named in the X documentation, keyed by the last path segment of the type URI: title,
 * category, status and tip. The Developer Labs names, descriptions and reasons are in ./docs/problems.ts.
 * Hand-kept data, checked against the seeds by test/catalogue/completeness.test.ts.
 * @internal
 */
export const X_PROBLEMS = [
  {
    type: 'about:blank',
    title: 'Generic Problem',
    category: 'status',
  },
  {
    type: 'invalid-request',
    title: 'Invalid Request Problem',
    category: 'permanent',
    status: 400,
  },
  {
    type: 'resource-not-found',
    title: 'Resource Not Found Problem',
    category: 'permanent',
    status: 404,
  },
  {
    type: 'not-authorized-for-resource',
    title: 'Resource Unauthorized Problem',
    category: 'permanent',
    status: 403,
  },
  {
    type: 'client-forbidden',
    title: 'Client Forbidden Problem',
    category: 'auth-fatal',
    status: 403,
    tip: 'Enroll the app in the product (access level) the endpoint requires; the problem body names it in required_enrollment and registration_url.',
  },
  {
    type: 'disallowed-resource',
    title: 'Disallowed Resource Problem',
    category: 'permanent',
    status: 403,
  },
  {
    type: 'unsupported-authentication',
    title: 'Unsupported Authentication Problem',
    category: 'auth-fatal',
    status: 403,
    tip: 'Use the authentication the endpoint requires (e.g. OAuth 2.0 user context or OAuth 1.0a instead of an app-only bearer token).',
  },
  {
    type: 'usage-capped',
    title: 'Usage Capped Problem',
    category: 'rate-limited',
    status: 429,
    capped: true,
    tip: 'The monthly Post cap of your access level is spent: upgrade the plan or wait for the next billing period.',
  },
  {
    type: 'streaming-connection',
    title: 'Connection Exception Problem',
    category: 'status',
  },
  {
    type: 'client-disconnected',
    title: 'Client Disconnected Problem',
    category: 'retryable',
  },
  {
    type: 'operational-disconnect',
    title: 'Operational Disconnect Problem',
    category: 'retryable',
    tip: 'Reconnect with a backoff; consume the stream in a process separate from the one that handles the data, so that the buffer never fills.',
  },
  {
    type: 'rule-cap',
    title: 'Rule Cap Problem',
    category: 'permanent',
    tip: 'Remove existing rules before submitting new ones.',
  },
  {
    type: 'rule-length',
    title: 'Rule Length Problem',
    category: 'permanent',
  },
  {
    type: 'invalid-rules',
    title: 'Invalid Rules Problem',
    category: 'permanent',
  },
  {
    type: 'duplicate-rules',
    title: 'Duplicate Rules Problem',
    category: 'permanent',
  },
] as const satisfies readonly ProblemEntry[];
