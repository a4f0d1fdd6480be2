// The demo's clock-skew phase, as `npm run demo` runs it: over a real loopback socket, real time (nothing waits).
import { expect, it } from 'vitest';
import { DEMO_OAUTH, oauthDemoApi, oauthPhase } from '../../demo/oauth.ts';
import { createMockXApi } from '../../mocks/index.ts';
import { startMockServer } from '../../mocks/node.ts';
import type { CalmEvent } from '../../src/index.ts';

it('a clock 10 minutes off: one 135, one re-signed retry, then right first time; no key in the timeline', async () => {
  const api = createMockXApi(oauthDemoApi());
  const server = await startMockServer(api.handlers);
  const lines: string[] = [];
  const events: CalmEvent[] = [];
  try {
    const result = await oauthPhase(
      server.url,
      (line) => lines.push(line),
      (e) => events.push(e),
    );
    expect(result.asExpected).toBe(true);
    expect(api.stats.byStatus).toEqual({ 401: 1, 201: 1, 200: 1 });
    const text = lines.join('\n') + JSON.stringify(events);
    for (const secret of Object.values(DEMO_OAUTH)) expect(text).not.toContain(secret);
  } finally {
    await server.close();
  }
});
