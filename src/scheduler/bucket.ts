import { createHash } from 'node:crypto';

/**
 * The endpoint template of a path: ids and usernames replaced, so that every call to one X endpoint shares a
 * bucket. `/2/users/2244994945/tweets` → `/2/users/:id/tweets`, `/2/users/by/username/XDevelopers` →
 * `/2/users/by/username/:username`, `/1.1/statuses/show/20.json` → `/1.1/statuses/show/:id.json`.
 */
export function endpointTemplate(pathname: string): string {
  const segments = pathname.split('/');
  let changed = false;
  // Index 0 is the empty string before the leading slash; index 1 is the API version (`2`, `1.1`), not an id.
  let previous = segments[1] ?? '';
  for (let index = 2; index < segments.length; index++) {
    const segment = segments[index]!;
    const template = segmentTemplate(segment, previous);
    previous = segment;
    if (template !== undefined) {
      segments[index] = template;
      changed = true;
    }
  }
  return changed ? segments.join('/') : pathname;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const OPAQUE_ID = /^[A-Za-z0-9_-]+$/;
const EXTENSION = /^\.[a-z]+$/i;
/** Hex ids, as v1.1 places have (`/1.1/geo/id/df51dec6f4ee2b2c.json`): 16 or more hex digits. */
const HEX_ID = /^[0-9a-f]{16,}$/i;
/**
 * Base-62 ids of 13 characters (Spaces: `1DXxyRYNejbKM`), also those that happen to have no digit: mixed case,
 * which X's literal path segments (lowercase, snake_case) never are.
 */
const BASE62_ID = /^(?=.*[A-Z])(?=.*[a-z])[A-Za-z0-9]{13}$/;

/** An id that is not made of digits: hex or base-62, bare or with an extension (`:id`, `:id.json`). */
function opaqueTemplate(segment: string): string | undefined {
  const dot = segment.lastIndexOf('.');
  const stem = dot > 0 ? segment.slice(0, dot) : segment;
  const extension = dot > 0 ? segment.slice(dot) : '';
  if (extension !== '' && !EXTENSION.test(extension)) return undefined;
  if (HEX_ID.test(stem) || BASE62_ID.test(stem)) return `:id${extension}`;
  return undefined;
}

/** What one path segment stands for (`:id`, `:id.json`, `:username`), or undefined when it is literal. */
function segmentTemplate(segment: string, previous: string): string | undefined {
  if (segment === '') return undefined;
  if (previous === 'username') return ':username';
  const opaque = opaqueTemplate(segment);
  if (opaque !== undefined) return opaque;
  // Digits, optionally in dash-joined groups (`123-456`), or digits with an extension (`20.json`).
  let index = 0;
  let groups = 0;
  while (index < segment.length) {
    const groupStart = index;
    while (index < segment.length && isDigit(segment.charCodeAt(index))) index++;
    if (index === groupStart) break;
    groups++;
    if (index === segment.length) return ':id';
    if (segment.charCodeAt(index) !== 0x2d) break; // `-`
    index++;
  }
  if (groups === 1 && segment.charCodeAt(index) === 0x2e && isDigit(segment.charCodeAt(index - 1))) {
    const extension = segment.slice(index);
    if (EXTENSION.test(extension)) return `:id${extension}`;
  }
  // Opaque ids (Spaces, media keys): long, and with a digit in them.
  if (segment.length >= 10 && /\d/.test(segment) && OPAQUE_ID.test(segment)) return ':id';
  return undefined;
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
