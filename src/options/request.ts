import { MAX_TIMER_MS } from '../retry/backoff.ts';
import { checkBoolean, checkKeys, checkNumber, describe, isRecord } from '../utils/validate.ts';
import { checkObject } from './normalize.ts';
import type { RequestOptions } from './types.ts';

const REQUEST_KEYS = [
  'searchParams',
  'json',
  'body',
  'headers',
  'signal',
  'timeoutMs',
  'deadlineMs',
  'idempotent',
  'retry',
  'priority',
  'responseType',
];
const RESPONSE_TYPES = ['auto', 'json', 'text', 'bytes', 'stream'];

/**
 * Validates per-call options, with a TypeError naming the option.
 * @internal
 */
export function checkRequestOptions(options: unknown): RequestOptions {
  if (options === undefined) return EMPTY;
  const input = checkObject('request options', options) ?? {};
  checkKeys('request options', input, REQUEST_KEYS);
  if (input.timeoutMs !== undefined) checkNumber('timeoutMs', input.timeoutMs, { min: 1, max: MAX_TIMER_MS });
  if (input.deadlineMs !== undefined)
    checkNumber('deadlineMs', input.deadlineMs, { min: 1, allowInfinity: true });
  checkBoolean('idempotent', input.idempotent);
  if (input.priority !== undefined) checkNumber('priority', input.priority, { integer: true, max: 9 });
  if (input.json !== undefined && input.body !== undefined)
    throw new TypeError('`json` and `body` cannot both be set');
  if (input.body !== undefined) checkBody(input.body);
  if (input.responseType !== undefined && !RESPONSE_TYPES.includes(input.responseType as string)) {
    throw new TypeError(
      `\`responseType\` must be one of ${RESPONSE_TYPES.map((t) => `'${t}'`).join(', ')}; got ${describe(input.responseType)}`,
    );
  }
  if (input.searchParams !== undefined) checkSearchParams(input.searchParams);
  const signal = input.signal as AbortSignal | undefined;
  if (
    signal !== undefined &&
    (typeof signal !== 'object' || signal === null || typeof signal.addEventListener !== 'function')
  ) {
    throw new TypeError('`signal` must be an AbortSignal');
  }
  return input as RequestOptions;
}

const EMPTY: RequestOptions = Object.freeze({});

/** A plain object as `body` would be sent as `[object Object]`: that is what `json` is for. */
function checkBody(body: unknown): void {
  if (typeof body !== 'object' || body === null) return;
  const proto = Object.getPrototypeOf(body);
  if (proto === Object.prototype || proto === null || Array.isArray(body)) {
    throw new TypeError(
      `\`body\` must be a string, URLSearchParams, FormData, Blob, ArrayBuffer, typed array or ReadableStream; got ${describe(body)} (send objects with \`json\`)`,
    );
  }
}

/** A nested value would be sent as `a=[object Object]`; arrays are joined by ky (`a=1,2`), as X's `ids` expect. */
function checkSearchParams(params: unknown): void {
  if (typeof params === 'string' || params instanceof URLSearchParams) return;
  if (Array.isArray(params)) {
    // [name, value] pairs, for a parameter given more than once.
    for (const pair of params) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || !isPrimitive(pair[1])) {
        throw new TypeError(
          `\`searchParams\` pairs must be [name, string | number | boolean]; got ${describe(pair)}`,
        );
      }
    }
    return;
  }
  if (!isRecord(params)) {
    throw new TypeError(
      `\`searchParams\` must be a record, URLSearchParams or string; got ${describe(params)}`,
    );
  }
  for (const [key, value] of Object.entries(params)) {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item !== undefined && !isPrimitive(item)) {
        throw new TypeError(
          `\`searchParams.${key}\` must be a string, number or boolean (or an array of them); got ${describe(item)}`,
        );
      }
    }
  }
}

const isPrimitive = (value: unknown): boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
