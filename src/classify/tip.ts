import type { StatusEntry } from '../catalogue/index.ts';

/** What tipOf() needs of the deciding error: its kind, its problem type, and its catalogue entry's tip. */
interface Decider {
  readonly kind: 'code' | 'problem';
  readonly type?: string;
  readonly entry?: { readonly tip?: string };
}

/**
 * The tip that fits what decided: the deciding code's or problem's own; else the status's tip, but only where it
 * fits — when the status alone decided (no code or problem type, or an `about:blank` problem, which by RFC 9457
 * adds nothing to the status), or when the status names the deciding problem type in `tipFor`. A 403's tip about
 * developer-account access says nothing about code 187 (a duplicate post).
 * @internal
 */
export function tipOf(decider: Decider | undefined, status: StatusEntry | undefined): string | undefined {
  if (decider?.entry?.tip !== undefined) return decider.entry.tip;
  if (status?.tip === undefined) return undefined;
  if (status.tipFor) {
    const fits =
      decider?.kind === 'problem' && decider.type !== undefined && status.tipFor.includes(decider.type);
    return fits ? status.tip : undefined;
  }
  const generic = decider === undefined || (decider.kind === 'problem' && decider.type === 'about:blank');
  return generic ? status.tip : undefined;
}
