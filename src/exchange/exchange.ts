import ky, { type KyInstance, type Options as KyOptions } from 'ky';
import type { OAuth1Credentials } from '../auth/oauth1.ts';
import type { OAuth1Signer } from '../auth/signer.ts';
import type { Catalogue } from '../catalogue/types.ts';
import { isJsonContentType, parseBody } from '../classify/body.ts';
import { type Classification, classify } from '../classify/classify.ts';
import type { Hooks, ResponseType } from '../options/types.ts';
import type { Call } from '../request/plan.ts';
import type { CallScope } from '../request/scope.ts';
import { withQuery } from '../request/url.ts';
import type { Redactor } from '../utils/redact.ts';
import { Attempt } from './attempt.ts';
import { fetchFollowing } from './redirect.ts';

/**
 * One response, read once and classified.
 * @internal
 */
export interface Exchange {
  readonly response: Response;
  /** Parsed JSON, text, bytes (Uint8Array) or the unread stream, as the call's `responseType` says. */
  readonly body: unknown;
  /** The body is JSON (by content type or because it parsed). */
  readonly json: boolean;
  readonly classification: Classification;
  /** When the attempt left the limiter, epoch ms. */
  readonly started: number;
  /** OAuth 1.0a: the refusal was the clock's fault (code 135, or a skewed `Date`): re-signing can fix it. */
  readonly clockSkew?: boolean;
}

/** @internal */
export interface ExchangeContext {
  readonly http: KyInstance;
  readonly fetch: typeof fetch;
  readonly catalogue: Catalogue | undefined;
  /** Signs OAuth 1.0a attempts and keeps the server's clock. */
  readonly signer: OAuth1Signer;
  /** Masks every credential the client knows in what the server wrote (it may echo them). */
  readonly redactor: Redactor;
  /**
   * The instance's headers hold a credential besides Authorization (an API key): redirects are followed by
   * calmfetch, which strips it on a change of origin (fetch drops only Authorization).
   */
  readonly guardRedirects: boolean;
}

/**
 * The ky instance: its retry and timeouts off (calmfetch owns both), only the hooks given.
 * @internal
 */
export function createHttp(instanceHeaders: Record<string, string>, hooks: Hooks): KyInstance {
  return ky.create({
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    headers: instanceHeaders,
    // Only the hooks given: ky merges every option into every call.
    ...((hooks.beforeRequest || hooks.afterResponse) && {
      hooks: {
        ...(hooks.beforeRequest && { beforeRequest: [...hooks.beforeRequest] }),
        ...(hooks.afterResponse && { afterResponse: [...hooks.afterResponse] }),
      },
    }),
  });
}

/**
 * One request on the wire and its body, read once. The attempt's timeout starts here, not while the call waited
 * in the limiter; everything awaited here ends when the attempt's timeout or the call's scope does. One race covers
 * the request and its body (one promise and one await per attempt, not two).
 * @internal
 */
export async function exchange(
  ctx: ExchangeContext,
  call: Call,
  headers: HeadersInit | undefined,
  scope: CallScope,
  oauth1?: OAuth1Credentials,
): Promise<Exchange> {
  if (scope.exit !== undefined) throw scope.reason;
  const started = Date.now();
  const attempt = new Attempt();
  scope.current = attempt;
  attempt.startTimeout(Math.min(call.timeoutMs, call.deadlineAt - started));
  try {
    const sent = call.options;
    const request: KyOptions = { method: call.method, fetch: sender(ctx, attempt, headers, oauth1) };
    if (headers) request.headers = headers;
    let target: string | undefined = call.url;
    if (sent.searchParams !== undefined) {
      target = withQuery(call.url, sent.searchParams);
      // ky takes every SearchParams form; its types list mutable arrays and no array values (it joins them).
      if (target === undefined) request.searchParams = sent.searchParams as KyOptions['searchParams'];
    }
    if (sent.json !== undefined) request.json = sent.json;
    if (sent.body !== undefined) request.body = sent.body;
    return await attempt.race(
      ctx
        .http(target ?? call.url, request)
        .then((response) => read(ctx, call, attempt, response, started, oauth1)),
    );
  } finally {
    attempt.stopTimeout();
    if (scope.current === attempt) scope.current = undefined;
  }
}

/**
 * The `fetch` ky calls for one attempt. The attempt's signal goes straight to fetch: handed to ky, it would be
 * combined with ky's own controller through AbortSignal.any (weak references and a finalizer per call, ~15 % of the
 * client's CPU per call). ky's timeouts are off, so its controller never aborts anything here. `init` is ky's fresh
 * object for this request: the signal is set in place.
 */
function sender(
  ctx: ExchangeContext,
  attempt: Attempt,
  headers: HeadersInit | undefined,
  oauth1: OAuth1Credentials | undefined,
): typeof fetch {
  // Only Authorization (which fetch drops itself on a cross-origin redirect) in the instance's headers and none of
  // the call's own: fetch may follow redirects. Otherwise calmfetch does, stripping credentials.
  const follows = headers === undefined && !ctx.guardRedirects;
  const send = (input: RequestInfo | URL, init: RequestInit) => {
    init.signal = attempt.signal;
    return follows ? ctx.fetch(input, init) : fetchFollowing(ctx.fetch, input as Request, init);
  };
  return (input, init = {}) => {
    attempt.onWire = true;
    if (oauth1 === undefined) return send(input, init);
    // Signed here, as sent (ky's final URL and body), after the limiter: a fresh nonce and timestamp per attempt.
    return ctx.signer.sign(input as Request, oauth1).then((at) => {
      attempt.signedAt = at;
      return send(input, init);
    });
  };
}

/** The response's body, read once as the call's `responseType` says, and its classification. */
function read(
  ctx: ExchangeContext,
  call: Call,
  attempt: Attempt,
  response: Response,
  started: number,
  oauth1: OAuth1Credentials | undefined,
): Exchange | Promise<Exchange> {
  if (oauth1) ctx.signer.learn(call.url, response);
  const contentType = response.headers.get('content-type') ?? undefined;
  // Read once: each of undici's getters checks its receiver.
  const ok = response.ok;
  if (ok && call.responseType === 'stream') {
    // The body is the caller's now: no attempt timeout, but the call's own signal still cancels it, as with fetch.
    attempt.stopTimeout();
    const signal = call.options.signal;
    signal?.addEventListener('abort', () => attempt.abort(signal.reason), { once: true });
    const classification = classifyResponse(ctx, call, response, undefined);
    return { response, body: response.body, json: false, classification, started };
  }
  const kind = contentKind(contentType);
  if (ok && (call.responseType === 'bytes' || (call.responseType === 'auto' && kind.binary))) {
    return response.arrayBuffer().then((buffer) => {
      const classification = classifyResponse(ctx, call, response, undefined);
      return { response, body: new Uint8Array(buffer), json: false, classification, started };
    });
  }
  const source = { response, ok, contentType, jsonType: kind.json, started, oauth1, attempt };
  if (call.method === 'HEAD') return readText(ctx, call, source, '');
  return response.text().then((text) => readText(ctx, call, source, text));
}

/** A response whose body is read as text, and what is known of it before the read. */
interface TextBody {
  readonly response: Response;
  readonly ok: boolean;
  readonly contentType: string | undefined;
  /** The content type says JSON. */
  readonly jsonType: boolean;
  readonly started: number;
  readonly oauth1: OAuth1Credentials | undefined;
  readonly attempt: Attempt;
}

function readText(ctx: ExchangeContext, call: Call, source: TextBody, text: string): Exchange {
  const { response, ok, contentType, jsonType, started, oauth1, attempt } = source;
  const wantsText = ok && call.responseType === 'text';
  const parsed = parseBody(text, contentType, ok ? Number.POSITIVE_INFINITY : undefined);
  const body = parsed.json !== undefined && !wantsText ? parsed.json : text;
  const classification = classifyResponse(
    ctx,
    call,
    response,
    parsed.malformed ? text : (parsed.json ?? text),
  );
  return {
    response,
    body,
    json: !wantsText && (jsonType || parsed.json !== undefined),
    classification,
    started,
    ...(oauth1 && { clockSkew: ctx.signer.isClockFault(response, classification, attempt.signedAt) }),
  };
}

function classifyResponse(
  ctx: ExchangeContext,
  call: Call,
  response: Response,
  body: unknown,
): Classification {
  const now = Date.now();
  // Masked at once: a server may echo the credentials in its error text.
  return ctx.redactor.classification(
    classify(
      { status: response.status, headers: response.headers, body, method: call.method },
      ctx.catalogue ? { catalogue: ctx.catalogue, now } : { now },
    ),
  );
}

/**
 * A success whose content type is neither JSON nor text is read as bytes: decoding an image as UTF-8 destroys it.
 * No content type at all is read as text (X always sends one; a bare body is most likely text).
 */
function isBinary(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === '' || type.startsWith('text/') || isJsonContentType(type)) return false;
  return !/^application\/(?:x-www-form-urlencoded|xml|javascript|ecmascript|x-ndjson)$|[+/]xml$/.test(type);
}

interface ContentKind {
  readonly binary: boolean;
  readonly json: boolean;
}

const NO_TYPE: ContentKind = { binary: false, json: false };
/** The last content type seen and its kind: a service gets the same one again and again (one string compare). */
let lastType: string | undefined;
let lastKind: ContentKind = NO_TYPE;

/** Whether a content type is binary (read as bytes) and whether it is JSON; remembered for the last one seen. */
function contentKind(contentType: string | undefined): ContentKind {
  if (contentType === undefined) return NO_TYPE;
  if (contentType !== lastType) {
    lastKind = { binary: isBinary(contentType), json: isJsonContentType(contentType) };
    lastType = contentType;
  }
  return lastKind;
}

export type { ResponseType };
