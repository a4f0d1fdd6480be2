// The README's options table, rendered from the client's one defaults object (filled in by the client issue).
export function optionsTable(): string {
  return '';
}
