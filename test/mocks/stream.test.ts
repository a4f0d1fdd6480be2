// calmfetch/mocks' stream kit: scripted connections on msw in-process (as users test their consumers), the fake
// X API's `stream` endpoints and stream faults.
import { describe, expect, it, vi } from 'vitest';
import { createMockXApi, type StreamConnection, streamSteps as s, streamBody } from '../../mocks/index.ts';
import { createClient, isPermanentError } from '../../src/index.ts';
import { TOKEN, useMockServer } from '../helpers.ts';

const mock = useMockServer();
const PATH = '/2/tweets/search/stream';
const HOLD = { wait: Number.POSITIVE_INFINITY };

async function run(
  stream: readonly StreamConnection[],
  faults: Parameters<typeof createMockXApi>[0]['faults'] = [],
  ms = 5000,
) {
  const api = createMockXApi({ bearer: TOKEN, endpoints: [{ method: 'GET', path: PATH, stream }], faults });
  mock.use(...api.handlers);
  const x = createClient({ auth: { bearer: TOKEN } });
  const ids: string[] = [];
  let error: unknown;
  const done = (async () => {
    try {
      for await (const m of x.stream<{ data: { id: string } }>(PATH, { stallTimeoutMs: 3000 })) {
        ids.push(m.data.id);
        if (m.data.id === 'last') break;
      }
    } catch (e) {
      error = e;
    }
  })();
  await vi.advanceTimersByTimeAsync(ms);
  await done;
  await x.close();
  await vi.advanceTimersByTimeAsync(100);
  return { api, ids, error };
}

describe('stream connections on the fake X API (msw in-process)', () => {
  // Regression: a body ended by the connection's close made msw's socket emulation complete a request the client
  // had aborted (a stall cut, then an immediate reconnect): an assertion failure inside undici. Streams are chunked.
  it.each([
    ['a drop', [s.post('1'), s.keepAlive(), s.post('2')]],
    ['a stall', [s.post('1'), HOLD]],
    ['an operational disconnect', [s.post('1'), s.operationalDisconnect()]],
  ])('%s, then a reconnect, ends cleanly', async (_name, first) => {
    const { api, ids } = await run([first, [s.post('last'), HOLD]]);
    expect(ids.at(-1)).toBe('last');
    expect(api.stats.byStatus).toEqual({ 200: 2 });
  });

  it("stream faults: 'too-many-connections' is waited out, 'stream-no-rules' ends the stream", async () => {
    const tooMany = await run(
      [[s.post('last'), HOLD]],
      [{ path: PATH, kind: 'too-many-connections' }],
      61_000,
    );
    expect(tooMany.ids).toEqual(['last']);
    expect(tooMany.api.stats.byStatus).toEqual({ 200: 1, 429: 1 });
    const noRules = await run([[s.post('last'), HOLD]], [{ path: PATH, kind: 'stream-no-rules' }]);
    expect(isPermanentError(noRules.error)).toBe(true);
    expect(noRules.api.stats.byStatus).toEqual({ 409: 1 });
  });
});

describe('streamSteps.split', () => {
  it('cuts at byte offsets, inside a character too; the pieces rejoin to the text', async () => {
    const text = 'é🌍\r\n';
    const steps = s.split(text, [1, 3, 7]);
    expect(steps.map((step) => ('send' in step ? (step.send as Uint8Array).length : -1))).toEqual([
      1, 2, 4, 1,
    ]);
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamBody(steps)) chunks.push(chunk);
    expect(new TextDecoder().decode(Buffer.concat(chunks))).toBe(text);
  });
});
