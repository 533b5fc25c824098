/**
 * LineSplitter: chunk boundaries anywhere, bounded line length, last line without newline.
 */
import { strict as assert } from 'assert';
import { LineSplitter } from '../../../src/core/parsers/lineSplitter';

function split(chunks: string[], max?: number): { lines: Array<[number, string]>; tooLong: number[]; count: number } {
  const lines: Array<[number, string]> = [];
  const tooLong: number[] = [];
  const s = new LineSplitter(
    (buf, start, end, line) => lines.push([line, new TextDecoder().decode(buf.subarray(start, end))]),
    (line) => tooLong.push(line),
    max,
  );
  for (const c of chunks) s.push(new TextEncoder().encode(c));
  s.end();
  return { lines, tooLong, count: s.lines };
}

describe('LineSplitter', () => {
  it('hands over whole lines whatever the chunking; the last line needs no newline', () => {
    const expected: Array<[number, string]> = [
      [1, 'alpha'],
      [2, ''],
      [3, 'beta gamma'],
      [4, 'δέλτα'],
    ];
    assert.deepEqual(split(['alpha\n\nbeta gamma\nδέλτα']).lines, expected);
    assert.deepEqual(split(['al', 'pha\n', '\nbeta', ' gamma\nδέ', 'λτα']).lines, expected);
    assert.deepEqual(split(['alpha\n\nbeta gamma\nδέλτα\n']).lines, expected);
    assert.equal(split(['alpha\n\nbeta gamma\nδέλτα']).count, 4);
  });

  it('splits inside a UTF-8 sequence without damage (bytes reach the handler whole)', () => {
    const bytes = new TextEncoder().encode('分析VMEXIT事件\nx');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const lines: string[] = [];
      const s = new LineSplitter((b, st, en) => lines.push(new TextDecoder().decode(b.subarray(st, en))), () => undefined);
      s.push(bytes.subarray(0, cut));
      s.push(bytes.subarray(cut));
      s.end();
      assert.deepEqual(lines, ['分析VMEXIT事件', 'x'], `cut ${cut}`);
    }
  });

  it('leaves \\r to the handler (parsers strip it) and treats NUL as an ordinary byte', () => {
    assert.deepEqual(split(['a\r\nb\0c\r\n']).lines, [
      [1, 'a\r'],
      [2, 'b\0c\r'],
    ]);
  });

  it('skips a line longer than the cap with one report, in one chunk or many, and goes on', () => {
    const long = 'x'.repeat(100);
    for (const chunks of [[`ok\n${long}\nnext\n`], ['ok\n', long.slice(0, 30), long.slice(30, 70), long.slice(70) + '\nne', 'xt\n'], [`ok\n${long}`]]) {
      const r = split(chunks, 64);
      assert.deepEqual(r.tooLong, [2], chunks.join('|'));
      assert.deepEqual(
        r.lines.map(([, t]) => t),
        chunks.join('').endsWith('next\n') ? ['ok', 'next'] : ['ok'],
      );
    }
    // Exactly at the cap is fine.
    assert.deepEqual(split(['y'.repeat(64) + '\n'], 64).tooLong, []);
  });

  it('a 10 MB line in 64 KiB chunks never grows the carry buffer past the cap', () => {
    const s = new LineSplitter(() => undefined, () => undefined);
    const chunk = new Uint8Array(1 << 16).fill(0x6b);
    for (let i = 0; i < 160; i++) s.push(chunk);
    const carry = (s as unknown as { carry: Uint8Array }).carry;
    assert.ok(carry.length <= s.maxLineBytes + 1, `carry ${carry.length}`);
    s.push(new TextEncoder().encode('\nafter\n'));
    s.end();
    assert.equal(s.lines, 2);
  });

  it('an empty input has no lines', () => {
    assert.deepEqual(split([]), { lines: [], tooLong: [], count: 0 });
    assert.deepEqual(split(['', '']), { lines: [], tooLong: [], count: 0 });
  });
});
