import type { ProblemDocs } from '../types.ts';

/**
 * The Developer Labs title, X's description and `why` of each problem type in ../problems.ts. Only
 * `xCatalogueFull` carries them (out of the core bundle, issue 18).
 * @internal
 */
export const X_PROBLEM_DOCS: Readonly<Record<string, ProblemDocs>> = {
  'about:blank': {
    labsTitle: 'General Problem',
    description:
      'A generic problem with no additional information beyond that provided by the HTTP status code.',
    why: 'By definition it adds nothing to the status, so the status decides.',
  },
  'invalid-request': {
    labsTitle: 'Invalid Request',
    description:
      'A problem that indicates this request is invalid. If your request takes a POST body, ensure the contents is valid JSON and matches the OpenAPI spec.',
  },
  'resource-not-found': {
    labsTitle: 'Not Found Error',
    description: 'A problem that indicates that a given Post, User, etc. does not exist.',
  },
  'not-authorized-for-resource': {
    labsTitle: 'Authorization Error',
    description: 'A problem that indicates you are not allowed to see a particular Post, User, etc.',
    why: 'A refusal for one resource (a protected user, a private metric); the credentials are fine for everything else.',
  },
  'client-forbidden': {
    labsTitle: 'Client Forbidden',
    description: 'A problem that indicates your client is forbidden from making this request.',
    why: 'The app is not enrolled for the endpoint: every call with these credentials fails until the developer portal says otherwise.',
  },
  'disallowed-resource': {
    labsTitle: 'Disallowed Resource',
    description: 'A problem that indicates that the resource requested violates the precepts of this API.',
  },
  'unsupported-authentication': {
    labsTitle: 'Unsupported Authentication',
    description: 'A problem that indicates that the authentication used is not supported.',
  },
  'usage-capped': {
    labsTitle: 'Usage cap exceeded',
    description: 'A problem that indicates that a usage cap has been exceeded.',
    why: 'Rate-limited, but the cap lasts the billing period: not worth waiting for. X sends it with x-rate-limit-remaining far above 0.',
  },
  'streaming-connection': {
    labsTitle: 'Too many connections',
    description: 'A problem that indicates something is wrong with the connection.',
    why: 'Sent with 409 for a filtered stream with no rules (permanent) and with 429 for too many connections (rate-limited): the status tells them apart.',
  },
  'client-disconnected': {
    description: 'Your client has gone away.',
    why: 'A streaming disconnect: reconnecting is the remedy.',
  },
  'operational-disconnect': {
    labsTitle: 'Operational disconnect',
    description: 'You have been disconnected for operational reasons.',
    why: 'Maintenance, a full buffer or an internal error: reconnecting is the remedy.',
  },
  'rule-cap': {
    labsTitle: 'Rules cap exceeded',
    description: 'You have exceeded the maximum number of rules.',
  },
  'rule-length': {
    description:
      'You have exceeded the maximum number of characters allowed on your query or rule based on your access level. See access levels.',
  },
  'invalid-rules': {
    description: 'The rule you have submitted is invalid.',
  },
  'duplicate-rules': {
    description: 'The rule you have submitted is a duplicate.',
  },
};
