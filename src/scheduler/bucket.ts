import { createHash } from 'node:crypto';

/**
 * The endpoint template of a path: ids and usernames replaced, so that every call to one X endpoint shares a
 * bucket. `/2/users/2244994945/tweets` → `/2/users/:id/tweets`, `/2/users/by/username/XDevelopers` →
 * `/2/users/by/username/:username`, `/1.1/statuses/show/20.json` → `/1.1/statuses/show/:id.json`.
 */
export function endpointTemplate(pathname: string): string {
  const segments = pathname.split('/');
  return segments
    .map((segment, index) => {
      // The API version (`2`, `1.1`) is part of the endpoint, not an id.
      if (segment === '' || index === 1) return segment;
      if (segments[index - 1] === 'username') return ':username';
      if (/^\d+$/.test(segment) || /^\d+(?:-\d+)+$/.test(segment)) return ':id';
      const dotted = /^(\d+)(\.[a-z]+)$/i.exec(segment);
      if (dotted) return `:id${dotted[2]}`;
      // Opaque ids (Spaces, media keys): long, and with a digit in them.
      if (segment.length >= 10 && /\d/.test(segment) && /^[A-Za-z0-9_-]+$/.test(segment)) return ':id';
      return segment;
    })
    .join('/');
}

const identities = new Map<string, string>();

/** A short, one-way hash of a credential: enough to tell tokens apart, useless to anyone who reads it. */
export function authIdentity(authorization: string | null | undefined): string {
  if (!authorization) return 'anonymous';
  let identity = identities.get(authorization);
  if (identity === undefined) {
    identity = createHash('sha256').update(authorization).digest('hex').slice(0, 16);
    if (identities.size >= 1024) identities.clear();
    identities.set(authorization, identity);
  }
  return identity;
}

/** What a custom bucket function sees: no credentials, only their hash. */
export interface BucketRequest {
  readonly method: string;
  readonly url: string;
  /** The endpoint template (`/2/users/:id/tweets`). */
  readonly endpoint: string;
  /** A hash of the credentials (`anonymous` without). */
  readonly identity: string;
}

/** The default bucket: method + endpoint template + auth identity (`GET /2/users/:id/tweets a1b2…`). */
export function defaultBucket(method: string, endpoint: string, identity: string): string {
  return `${method} ${endpoint} ${identity}`;
}
