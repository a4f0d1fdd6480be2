/**
 * Splits a byte stream into lines. Bytes are decoded with one streaming TextDecoder, so a multi-byte character split
 * across chunks stays whole (a per-chunk decode turns it into U+FFFD). Lines are split on `\n` with a trailing `\r`
 * stripped, at line level: a `\r\n` arriving as a chunk of its own, or split between two chunks, ends the line
 * before it and is never taken for a keep-alive or glued onto the next line (twitter-api-v2 issues #536 and #623).
 * @internal
 */
export class LineSplitter {
  readonly #decoder = new TextDecoder('utf-8');
  #partial = '';

  /** The complete lines this chunk finishes, in order; an empty string is an empty line (X's keep-alive). */
  push(chunk: Uint8Array): string[] {
    return this.#split(this.#decoder.decode(chunk, { stream: true }));
  }

  /** What is left once the body ended: a last line without its newline, if any. */
  flush(): string[] {
    const rest = this.#partial + this.#decoder.decode();
    this.#partial = '';
    return rest === '' ? [] : [stripCr(rest)];
  }

  #split(text: string): string[] {
    if (text === '') return [];
    const lines: string[] = [];
    let start = 0;
    let at = text.indexOf('\n');
    if (at === -1) {
      this.#partial += text;
      return lines;
    }
    let first = true;
    while (at !== -1) {
      const piece = text.slice(start, at);
      lines.push(stripCr(first ? this.#partial + piece : piece));
      first = false;
      start = at + 1;
      at = text.indexOf('\n', start);
    }
    this.#partial = text.slice(start);
    return lines;
  }
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
