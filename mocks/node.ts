// calmfetch/mocks/node: everything in calmfetch/mocks, plus the loopback server, which needs node:http (Node, Deno,
// Bun). On those runtimes `calmfetch/mocks` resolves here too (the `node` export condition), so imports written
// before the split keep working.

export * from './index.ts';
export type { MockServer } from './server.ts';
export { startMockServer } from './server.ts';
