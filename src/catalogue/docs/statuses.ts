import type { StatusDocs } from '../types.ts';

/**
 * X's description of each status in ../statuses.ts, the API versions it is documented for, and `why` where the
 * category is not obvious. Only `xCatalogueFull` carries them (out of the core bundle, issue 18).
 * @internal
 */
export const X_STATUS_DOCS: Readonly<Record<number, StatusDocs>> = {
  200: {
    description: 'The request was successful!',
    versions: ['v1.1', 'v2'],
  },
  304: {
    description: 'There was no new data to return.',
    versions: ['v1.1'],
  },
  400: {
    description:
      'The request was invalid or cannot be otherwise served. An accompanying error message will explain further. Requests without authentication or with invalid query parameters are considered invalid and will yield this response.',
    versions: ['v1.1', 'v2', 'labs'],
    why: 'The request is wrong. A code in the body can still decide otherwise (215: bad authentication data).',
  },
  401: {
    description:
      'There was a problem authenticating your request. This could be due to missing or incorrect authentication credentials. This may also be returned in other undefined circumstances.',
    versions: ['v1.1', 'v2', 'labs'],
  },
  403: {
    description:
      'The request is understood, but it has been refused or access is not allowed. An accompanying error message will explain why.',
    versions: ['v1.1', 'v2', 'labs'],
    why: 'A bare 403 refuses this request; X sends a code (64, 89, 99, 185, 261, …) or problem type when the credentials or a limit are the reason, and that code decides.',
  },
  404: {
    description: 'The URI requested is invalid or the resource requested, such as a user, does not exist.',
    versions: ['v1.1', 'v2'],
  },
  406: {
    description:
      'Returned when an invalid format is specified in the request. Generally, this occurs where your client fails to properly include the headers to accept gzip encoding, but can occur in other circumstances as well.',
    versions: ['v1.1'],
  },
  408: {
    description: 'Not in X’s documentation (RFC 9110): the server gave up waiting for the request.',
    why: 'Added beyond the seeds because proxies in front of X-style APIs send it; it is transient by definition.',
  },
  409: {
    description: 'Returned when attempting to connect to a filtered stream that has no rules.',
    versions: ['v1.1', 'v2'],
  },
  410: {
    description: 'This resource is gone. Used to indicate that an API endpoint has been turned off.',
    versions: ['v1.1'],
  },
  420: {
    description:
      'Returned by the version 1 Search and Trends APIs when you are being rate limited; an app is being rate limited for making too many requests.',
    versions: ['v1.1'],
  },
  422: {
    description: 'Returned when the data is unable to be processed.',
    versions: ['v1.1'],
  },
  429: {
    description:
      "Returned when a request cannot be served due to the App's rate limit or Post cap having been exhausted. See Rate Limiting.",
    versions: ['v1.1', 'v2'],
  },
  500: {
    description:
      'Something is broken. This is usually a temporary error, for example in a high load situation or if an endpoint is temporarily having issues.',
    versions: ['v1.1', 'v2'],
  },
  501: {
    description: 'The X API does not support this endpoint and cannot fulfill the request.',
    versions: ['v2'],
    why: 'The endpoint does not exist; waiting will not create it.',
  },
  502: {
    description: 'X is down, or being upgraded.',
    versions: ['v1.1'],
  },
  503: {
    description: 'The X servers are up, but overloaded with requests. Try again later.',
    versions: ['v1.1', 'v2'],
  },
  504: {
    description:
      'The X servers are up, but the request couldn’t be serviced due to some failure within the internal stack. Try again later.',
    versions: ['v1.1'],
  },
};
