/**
 * The endpoint template of a path: ids and usernames replaced, so that every call to one X endpoint shares a
 * bucket. `/2/users/2244994945/tweets` → `/2/users/:id/tweets`, `/2/users/by/username/XDevelopers` →
 * `/2/users/by/username/:username`, `/1.1/statuses/show/20.json` → `/1.1/statuses/show/:id.json`.
 * @internal
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

/** The synchronous SHA-256 of the platform, when it has one: only what `authIdentity` needs of `node:crypto`. */
interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(data: string): { digest(encoding: 'hex'): string } };
}

/**
 * Where the credential hash comes from: a sync `node:crypto` if present, else Web Crypto's async digest.
 * @internal
 */
export interface HashPlatform {
  readonly nodeCrypto: NodeCrypto | undefined;
  readonly subtle: Pick<SubtleCrypto, 'digest'> | undefined;
}

/**
 * Looked up on the first call, never at import: no static `node:` import, so browsers and Workers bundles resolve.
 * `process.getBuiltinModule` exists on Node ≥ 22.3, Deno and Bun (and Workers with `nodejs_compat`).
 */
function currentPlatform(): HashPlatform {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  let nodeCrypto: NodeCrypto | undefined;
  try {
    nodeCrypto = process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  } catch {
    nodeCrypto = undefined;
  }
  return { nodeCrypto, subtle: globalThis.crypto?.subtle };
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** 16 hex characters = the first 8 bytes of the digest, as `createHash(…).digest('hex').slice(0, 16)` gives. */
const IDENTITY_BYTES = 8;

async function webIdentity(subtle: Pick<SubtleCrypto, 'digest'>, value: string): Promise<string> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(value)));
  let hex = '';
  for (let index = 0; index < IDENTITY_BYTES; index++) hex += HEX[digest[index]!];
  return hex;
}

/**
 * An `authIdentity` over one platform (exported so tests can hand it Web Crypto alone). Memoised per credential in
 * at most 1,024 entries: with Web Crypto only the first call for a credential waits, the next ones get the string.
 * @internal
 */
export function createAuthIdentity(
  platform: () => HashPlatform = currentPlatform,
): (authorization: string | null | undefined) => string | Promise<string> {
  const identities = new Map<string, string | Promise<string>>();
  let resolved: HashPlatform | undefined;
  const remember = (authorization: string, identity: string | Promise<string>) => {
    if (identities.size >= 1024) identities.clear();
    identities.set(authorization, identity);
  };
  return (authorization) => {
    if (!authorization) return 'anonymous';
    const known = identities.get(authorization);
    if (known !== undefined) return known;
    resolved ??= platform();
    const { nodeCrypto, subtle } = resolved;
    if (nodeCrypto) {
      const identity = nodeCrypto.createHash('sha256').update(authorization).digest('hex').slice(0, 16);
      remember(authorization, identity);
      return identity;
    }
    if (!subtle) {
      // Browsers expose Web Crypto only in secure contexts (https, localhost).
      throw new TypeError(
        'calmfetch: no SHA-256 to hash credentials for rate-limit buckets (no node:crypto, no crypto.subtle; a page over plain http has none): serve it over https or set rateLimit: false',
      );
    }
    const pending = webIdentity(subtle, authorization).then(
      (identity) => {
        if (identities.get(authorization) === pending) identities.set(authorization, identity);
        return identity;
      },
      (error: unknown) => {
        if (identities.get(authorization) === pending) identities.delete(authorization);
        throw error;
      },
    );
    remember(authorization, pending);
    return pending;
  };
}

/**
 * A short, one-way hash of a credential: enough to tell tokens apart, useless to anyone who reads it. The first 16
 * hex characters of its SHA-256, the same on every platform (Redis keys written by one runtime match another's).
 * A string where the platform hashes synchronously (Node, Deno, Bun), a promise on the first call otherwise.
 * @internal
 */
export const authIdentity: (authorization: string | null | undefined) => string | Promise<string> =
  createAuthIdentity();

/** What a custom bucket function sees: no credentials, only their hash. */
export interface BucketRequest {
  readonly method: string;
  readonly url: string;
  /** The endpoint template (`/2/users/:id/tweets`). */
  readonly endpoint: string;
  /** A hash of the credentials (`anonymous` without). */
  readonly identity: string;
}

/**
 * The default bucket: method + endpoint template + auth identity (`GET /2/users/:id/tweets a1b2…`).
 * @internal
 */
export function defaultBucket(method: string, endpoint: string, identity: string): string {
  return `${method} ${endpoint} ${identity}`;
}
