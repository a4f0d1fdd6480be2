import { createHash, webcrypto } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { respond } from '../../mocks/index.ts';
import { authIdentity, createAuthIdentity, type HashPlatform } from '../../src/scheduler/bucket.ts';
import { API, settle, TOKEN, useMockServer } from '../helpers.ts';

const { use } = useMockServer();

// Pinned from the release that hashed with a static `createHash` import: identities already in Redis keys must
// stay the same, whichever platform computes them.
const KNOWN: readonly (readonly [string, string])[] = [
  ['Bearer AAAAAAAAAAAAAAAAAAAAAcalmfetch-known-token', '33a0bfeff94524ad'],
  ['OAuth oauth_consumer_key="k", oauth_signature="s%3D"', '231eee5182cbac4a'],
  ['Bearer é✓', '83453831f66a3fa0'],
];

/** Web Crypto alone, as in a browser or on Workers: no `node:crypto`. The digest calls are counted. */
function webOnly() {
  const digests: string[] = [];
  const subtle = {
    digest: (algorithm: string, data: BufferSource) => {
      digests.push(algorithm);
      return webcrypto.subtle.digest(algorithm, data);
    },
  } as Pick<SubtleCrypto, 'digest'>;
  return { digests, platform: (): HashPlatform => ({ nodeCrypto: undefined, subtle }) };
}

describe('authIdentity', () => {
  it.each(KNOWN)('hashes %j to the same identity as before, synchronously on Node', (value, identity) => {
    expect(authIdentity(value)).toBe(identity);
    expect(createHash('sha256').update(value).digest('hex').slice(0, 16)).toBe(identity);
  });

  it.each(KNOWN)('hashes %j to the same identity with Web Crypto alone', async (value, identity) => {
    const hash = createAuthIdentity(webOnly().platform);
    const first = hash(value);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe(identity);
  });

  it('waits only on the first call for a credential with Web Crypto', async () => {
    const { digests, platform } = webOnly();
    const hash = createAuthIdentity(platform);
    const pending = hash('Bearer one');
    expect(hash('Bearer one')).toBe(pending);
    await pending;
    expect(hash('Bearer one')).toBe(await pending);
    expect(digests).toEqual(['SHA-256']);
  });

  it('looks the platform up on the first call, not when created', () => {
    const platform = vi.fn(webOnly().platform);
    const hash = createAuthIdentity(platform);
    expect(platform).not.toHaveBeenCalled();
    expect(hash(undefined)).toBe('anonymous');
    expect(hash(null)).toBe('anonymous');
    expect(platform).not.toHaveBeenCalled();
    void hash('Bearer one');
    void hash('Bearer two');
    expect(platform).toHaveBeenCalledTimes(1);
  });

  it('forgets a failed digest, so the next call tries again', async () => {
    let fail = true;
    const hash = createAuthIdentity(() => ({
      nodeCrypto: undefined,
      subtle: {
        digest: (algorithm: string, data: BufferSource) =>
          fail ? Promise.reject(new Error('digest failed')) : webcrypto.subtle.digest(algorithm, data),
      } as Pick<SubtleCrypto, 'digest'>,
    }));
    await expect(hash(KNOWN[0]![0])).rejects.toThrow('digest failed');
    fail = false;
    expect(await hash(KNOWN[0]![0])).toBe(KNOWN[0]![1]);
  });

  it('keeps at most 1,024 credentials', () => {
    let hashed = 0;
    const hash = createAuthIdentity(() => ({
      nodeCrypto: {
        createHash: (algorithm) => {
          hashed++;
          return createHash(algorithm);
        },
      },
      subtle: undefined,
    }));
    for (let index = 0; index < 1024; index++) hash(`Bearer ${index}`);
    hash('Bearer 0');
    expect(hashed).toBe(1024);
    hash('Bearer 1024'); // the map is full: it starts again
    hash('Bearer 0');
    expect(hashed).toBe(1026);
  });

  it('names the way out when the platform has no SHA-256, without the credential', () => {
    const hash = createAuthIdentity(() => ({ nodeCrypto: undefined, subtle: undefined }));
    expect(() => hash(`Bearer ${TOKEN}`)).toThrow(TypeError);
    expect(() => hash(`Bearer ${TOKEN}`)).toThrow(/crypto\.subtle.*rateLimit: false/);
    try {
      hash(`Bearer ${TOKEN}`);
    } catch (error) {
      expect(String(error)).not.toContain(TOKEN);
    }
  });

  it('hashes with Web Crypto inside a client when node:crypto is not there', async () => {
    // A fresh module graph, whose authIdentity has not looked its platform up yet: hide getBuiltinModule from it.
    vi.resetModules();
    const spy = vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    try {
      const { createClient } = await import('../../src/index.ts');
      const [value, identity] = KNOWN[0]!;
      use(http.get(`${API}/2/users/me`, () => respond.json({ data: { id: '1' } }, 200)));
      const identities: string[] = [];
      const x = createClient({
        auth: { bearer: value.slice('Bearer '.length) },
        rateLimit: {
          bucket: (request) => {
            identities.push(request.identity);
            return 'one';
          },
        },
      });
      const { error } = await settle(x.get('/2/users/me'));
      expect(error).toBeUndefined();
      expect(identities).toEqual([identity]);
      expect(spy).toHaveBeenCalledWith('node:crypto');
    } finally {
      spy.mockRestore();
    }
  });
  it('fails a call with a message naming rateLimit: false where there is no SHA-256, and works without the limiter', async () => {
    // A page over plain http: no node:crypto, and no crypto.subtle outside a secure context.
    vi.resetModules();
    vi.spyOn(process, 'getBuiltinModule').mockReturnValue(undefined as never);
    vi.stubGlobal('crypto', {});
    try {
      const { createClient, isPermanentError } = await import('../../src/index.ts');
      use(http.get(`${API}/2/users/me`, () => respond.json({ data: { id: '1' } }, 200)));
      const limited = createClient({ auth: { bearer: TOKEN } });
      const { error } = await settle(limited.get('/2/users/me'));
      expect(isPermanentError(error)).toBe(true);
      expect(String(error)).toMatch(/no SHA-256 .* rateLimit: false/);
      expect(String(error)).not.toContain(TOKEN);
      const unlimited = createClient({ auth: { bearer: TOKEN }, rateLimit: false });
      expect((await settle(unlimited.get('/2/users/me'))).error).toBeUndefined();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('the core', () => {
  it('imports no node: module, so browsers and Workers can bundle it', () => {
    const root = join(import.meta.dirname, '../../src');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((file) =>
      /^\s*(?:import|export)\b[^;]*?from\s+['"]node:/m.test(readFileSync(join(root, file), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
