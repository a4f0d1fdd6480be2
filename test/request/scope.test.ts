import { describe, expect, it } from 'vitest';
import { CallScope, ClientClosed, DeadlineReached } from '../../src/request/scope.ts';

describe('CallScope', () => {
  it('gives a signal made after the scope ended, already aborted with its reason', () => {
    const scopes = new Set<CallScope>();
    const scope = new CallScope(undefined, Number.POSITIVE_INFINITY, scopes);
    expect(scope.reason).toBeUndefined();
    const reason = new ClientClosed('the client was closed');
    scope.end('closed', reason);
    expect(scope.reason).toBe(reason);
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe(reason);
    expect(scopes.size).toBe(0);
  });

  it('aborts a signal made before the end, once, with the first reason', () => {
    const scope = new CallScope(undefined, Number.POSITIVE_INFINITY, new Set());
    const signal = scope.signal;
    expect(signal.aborted).toBe(false);
    const first = new DeadlineReached('the deadline passed');
    scope.end('deadline', first);
    scope.end('closed', new ClientClosed('the client was closed'));
    expect(signal.reason).toBe(first);
    expect(scope.signal).toBe(signal);
    expect(scope.exit).toBe('deadline');
  });

  it("ends at once with the caller's reason when the caller's signal is already aborted", () => {
    const caller = new AbortController();
    caller.abort(new Error('stop'));
    const scope = new CallScope(caller.signal, Number.POSITIVE_INFINITY, new Set());
    expect(scope.exit).toBe('abort');
    expect(scope.reason).toBe(caller.signal.reason);
    expect(scope.signal.reason).toBe(caller.signal.reason);
  });
});
