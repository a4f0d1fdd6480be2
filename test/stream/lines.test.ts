import { describe, expect, test } from 'vitest';
import { xCatalogue } from '../../src/index.ts';
import { LineSplitter } from '../../src/stream/lines.ts';
import { parseLine } from '../../src/stream/parse.ts';

const encoder = new TextEncoder();
const post = (id: string, text: string) => JSON.stringify({ data: { id, text } });
/** Two posts (one with multi-byte characters) and a keep-alive between them, as X frames them. */
const WIRE = `${post('1', 'héllo 🌍 wörld')}\r\n\r\n${post('2', '日本語')}\r\n`;

function linesOf(chunks: readonly Uint8Array[]): string[] {
  const splitter = new LineSplitter();
  return [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.flush()];
}

describe('LineSplitter', () => {
  test('a body cut at every pair of byte offsets gives the same lines (split \\r\\n, split characters)', () => {
    const bytes = encoder.encode(WIRE);
    const expected = [post('1', 'héllo 🌍 wörld'), '', post('2', '日本語')];
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j += 7) {
        expect(linesOf([bytes.slice(0, i), bytes.slice(i, j), bytes.slice(j)])).toEqual(expected);
      }
    }
  });

  test('a \\r\\n in a chunk of its own ends the line before it (twitter-api-v2 #536: no glued posts)', () => {
    const lines = linesOf([
      encoder.encode(post('1', 'a')),
      encoder.encode('\r\n'),
      encoder.encode(`${post('2', 'b')}\r\n`),
    ]);
    expect(lines).toEqual([post('1', 'a'), post('2', 'b')]);
  });

  test('one byte per chunk', () => {
    const bytes = encoder.encode(WIRE);
    expect(linesOf([...bytes].map((b) => Uint8Array.of(b)))).toEqual([
      post('1', 'héllo 🌍 wörld'),
      '',
      post('2', '日本語'),
    ]);
  });

  test('a last line without a newline is kept at the end; bare \\n also ends a line', () => {
    expect(linesOf([encoder.encode('a\nb\r\nc')])).toEqual(['a', 'b', 'c']);
  });
});

describe('parseLine', () => {
  test('an empty line is a keep-alive; a post is a message; junk is a parse error with a bounded preview', () => {
    expect(parseLine('', xCatalogue)).toEqual({ kind: 'keep-alive' });
    expect(parseLine(post('1', 'a'), xCatalogue)).toEqual({
      kind: 'message',
      value: { data: { id: '1', text: 'a' } },
    });
    const junk = `{"data":${'x'.repeat(500)}`;
    const parsed = parseLine(junk, xCatalogue);
    expect(parsed).toMatchObject({ kind: 'parse-error', length: junk.length });
    expect(parsed.kind === 'parse-error' && parsed.preview.length).toBe(120);
  });

  test('data beside errors is a message; errors alone are classified, operational-disconnect announces a close', () => {
    const partial = { data: { id: '1' }, errors: [{ title: 'Not Found Error' }] };
    expect(parseLine(JSON.stringify(partial), xCatalogue)).toEqual({ kind: 'message', value: partial });
    const disconnect = {
      errors: [
        {
          title: 'operational-disconnect',
          disconnect_type: 'UpstreamOperationalDisconnect',
          detail: 'This stream has been disconnected upstream for operational reasons.',
          type: 'https://api.x.com/2/problems/operational-disconnect',
        },
      ],
    };
    expect(parseLine(JSON.stringify(disconnect), xCatalogue)).toMatchObject({
      kind: 'errors',
      disconnect: true,
      reason: 'problem operational-disconnect "Operational Disconnect Problem"',
    });
    const other = { errors: [{ type: 'https://api.x.com/2/problems/rule-cap', title: 'Rule Cap' }] };
    expect(parseLine(JSON.stringify(other), xCatalogue)).toMatchObject({ kind: 'errors', disconnect: false });
  });
});
