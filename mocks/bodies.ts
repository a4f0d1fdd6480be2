import { xCatalogueFull } from '../src/catalogue/full.ts';
import { problemSlug, xCatalogue } from '../src/catalogue/index.ts';

/** A v1.1 error body exactly as X sends it: `{"errors":[{"message":"Rate limit exceeded","code":88}]}`. */
export function v1Error(...codes: number[]): { errors: { message: string; code: number }[] } {
  return {
    errors: codes.map((code) => ({
      message: (xCatalogue.codes.get(code)?.text ?? `Code ${code}`).replace(/\.$/, ''),
      code,
    })),
  };
}

/** A v2 problem+json body for a problem type (slug or URI), with X's title and the given fields. */
export function problem(type: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const slug = problemSlug(type);
  // The full catalogue: a problem's detail is X's description of it.
  const entry = xCatalogueFull.problems.get(slug);
  return {
    title: entry?.title.replace(/ Problem$/, '') ?? slug,
    detail: entry?.description ?? slug,
    type: slug === 'about:blank' ? 'about:blank' : `https://api.twitter.com/2/problems/${slug}`,
    ...fields,
  };
}

/** X's usage-cap problem: sent with 429 while x-rate-limit-remaining is far above 0. */
export function usageCapped(): Record<string, unknown> {
  return problem('usage-capped', {
    title: 'UsageCapExceeded',
    detail: 'Usage cap exceeded: Monthly product cap',
    period: 'Monthly',
    scope: 'Product',
  });
}

/** A partial-error item for a missing resource, as in `GET /2/tweets?ids=…`. */
export function notFound(id: string, resourceType = 'tweet', parameter = 'ids'): Record<string, unknown> {
  return problem('resource-not-found', {
    value: id,
    detail: `Could not find ${resourceType} with ${parameter}: [${id}].`,
    title: 'Not Found Error',
    resource_type: resourceType,
    parameter,
    resource_id: id,
  });
}

/**
 * A v2 lookup's body: `data` (when anything was found) beside a `resource-not-found` error for each missing id
 * (when any is missing), as `GET /2/tweets?ids=…` answers.
 */
export function lookupBody(
  data: unknown,
  missing: readonly string[],
  resourceType?: string,
  parameter?: string,
): { data?: unknown; errors?: Record<string, unknown>[] } {
  return {
    ...(data !== undefined && { data }),
    ...(missing.length > 0 && { errors: missing.map((id) => notFound(id, resourceType, parameter)) }),
  };
}

/** The HTML page a proxy sends in front of X when it is down. */
export const PROXY_502_HTML =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

/** X's 400 for a token it does not accept (quoted in strohne/Facepager#191). */
export function invalidTokenBody(param: string, value: string): Record<string, unknown> {
  return {
    errors: [
      {
        parameters: { [param]: [value] },
        message: `The \`${param}\` query parameter value [${value}] is not a valid token`,
      },
    ],
    ...problem('invalid-request', {
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
    }),
  };
}
