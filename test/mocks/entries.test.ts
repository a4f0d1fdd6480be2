import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as browserMocks from '../../mocks/index.ts';
import * as nodeMocks from '../../mocks/node.ts';

const root = join(import.meta.dirname, '../..');

describe('calmfetch/mocks entries', () => {
  it('bundles for a browser: the handlers import no Node module', async () => {
    const result = await build({
      entryPoints: [join(root, 'mocks/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/msw/'))).toBe(true);
    expect(inputs.filter((input) => input.startsWith('node:') || input.endsWith('mocks/server.ts'))).toEqual(
      [],
    );
  });

  it('keeps the loopback server in the Node entry, beside everything else', () => {
    expect('startMockServer' in browserMocks).toBe(false);
    const { startMockServer, ...shared } = nodeMocks;
    expect(typeof startMockServer).toBe('function');
    expect(shared).toEqual({ ...browserMocks });
  });

  it('resolves calmfetch/mocks to the Node entry under the node condition, so old imports keep working', () => {
    const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const mocks = exports['./mocks'];
    // Condition order matters: the first key that matches wins.
    expect(Object.keys(mocks)).toEqual(['node', 'types', 'default']);
    expect(mocks.node).toEqual({ types: './dist/mocks/node.d.ts', default: './dist/mocks/node.js' });
    expect(mocks.default).toBe('./dist/mocks/index.js');
    expect(exports['./mocks/node']).toEqual(mocks.node);
  });
});
