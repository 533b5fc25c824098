/**
 * The fast path that finds a line's end itself (FastLineReader.readLine through the LineSplitter's
 * fastLine hook) must give what splitting first gives: the same records, warnings and line numbers on
 * lines it guesses wrong about (CRLF, a RIP of another width, a tail that differs, a last line without
 * a newline), and the splitter must keep its line count and length cap when a hook takes lines.
 */
import { strict as assert } from 'assert';
import type { TraceSink } from '../../../src/core/model/trace';
import { LineSplitter } from '../../../src/core/parsers/lineSplitter';
import { TextTraceParser } from '../../../src/core/parsers/textTraceParser';
import { feed } from './helpers';
import { syntheticTrace } from './syntheticTrace';

interface Run {
  records: unknown[];
  warnings: unknown[];
  fast: number;
  lines: number;
}

/** Parses `text` (in one chunk, or cut at `cuts`) with or without the fast path; plain JSON copies. */
function run(text: string, fastPath: boolean, cuts: readonly number[] = []): Run {
  const records: unknown[] = [];
  const warnings: unknown[] = [];
  const sink: TraceSink = { exit: (r) => records.push(JSON.parse(JSON.stringify(r))), warning: (w) => warnings.push(w) };
  const parser = new TextTraceParser('perf-script', sink, { fastPath });
  const bytes = new TextEncoder().encode(text);
  feed(parser, bytes, cuts);
  return { records, warnings, fast: parser.fastLines, lines: parser.lines };
}

function assertSame(text: string, cuts: readonly number[] = []): Run {
  const slow = run(text, false, cuts);
  const fast = run(text, true, cuts);
  assert.deepEqual(fast.records, slow.records);
  assert.deepEqual(fast.warnings, slow.warnings);
  assert.equal(fast.lines, slow.lines);
  return fast;
}

// SYNTHETIC lines in the perf-script layout of the bench input: one thread, a gen-2 tail.
const P = '     CPU 0/KVM  4000 [000] ';
const TAIL = ' info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000';
const exit = (ts: string, payload: string): string => `${P}${ts}:                       kvm:kvm_exit: ${payload}`;
const entry = (ts: string, payload: string): string => `${P}${ts}:                      kvm:kvm_entry: ${payload}`;

describe('fast path without the line end (readLine)', () => {
  it('lines it must read like the general path or leave to it', () => {
    const lines: string[] = [];
    for (let i = 0; i < 4; i++) {
      const ts = (k: number): string => `100.${String(1000 * i + k).padStart(9, '0')}`;
      lines.push(
        exit(ts(1), 'vcpu 0 reason HLT rip 0xffffffff81000010' + TAIL),
        entry(ts(2), 'vcpu 0, rip 0xffffffff81000011'),
        // Same reason, another RIP width: the guessed region length is wrong (then right, then wrong again).
        exit(ts(3), 'vcpu 0 reason HLT rip 0x7f0010' + TAIL),
        entry(ts(4), 'vcpu 0'),
        exit(ts(5), 'vcpu 0 reason HLT rip 0xffffffff81000010' + TAIL + '\r'),
        entry(ts(6), 'vcpu 0\r'),
        exit(ts(7), 'vcpu 0 reason HLT rip 0xffffffff81000010' + TAIL.replace('error_code 0x00000000', 'error_code 0x0000000e')),
        entry(ts(8), 'vcpu 0,\r'),
        // A tail one byte longer: what the guess finds at the predicted end is not a newline.
        exit(ts(9), 'vcpu 0 reason HLT rip 0xffffffff81000010' + TAIL + '0'),
        entry(ts(10), 'vcpu 0x'),
        exit(ts(11), 'reason HLT rip 0xffffffff81000010 info 0 0'),
        entry(ts(12), 'vcpu 12\t'),
      );
    }
    const text = lines.join('\n');
    const r = assertSame(text);
    assert.ok(r.fast >= 30, `only ${r.fast} lines on the fast path`);
    // The last line has no newline: it reaches the parser through the splitter's carry, at end().
    assertSame(text + '\n' + exit('200.000000001', 'vcpu 0 reason HLT rip 0xffffffff81000010' + TAIL));
  });

  it('new RIPs read without the line end, and guessed regions that cross a line', () => {
    const lines: string[] = [exit('100.000000001', 'vcpu 0 reason HLT rip 0xffffffff81000010' + TAIL), entry('100.000000002', 'vcpu 0')];
    // Every exit a RIP not seen before, of the width the guess expects: read by readLine() itself.
    for (let i = 0; i < 20; i++) lines.push(exit(`100.0000001${10 + i}`, `vcpu 0 reason HLT rip 0xffffffff8100${(0x1000 + i).toString(16)}` + TAIL), entry(`100.0000002${10 + i}`, 'vcpu 0'));
    // A short line where the guessed region ends: the guess spans a newline and must not be taken.
    lines.push(exit('100.000000301', 'vcpu 0 reason HLT rip 0xff'), 'ffffff81000010' + TAIL, entry('100.000000302', 'vcpu 0'));
    // A guessed region whose tail is not valid: nothing of it may be interned.
    lines.push(exit('100.000000303', 'vcpu 0 reason HLT rip 0xffffffff81002222' + TAIL.replace('info2', 'info3')), entry('100.000000304', 'vcpu 0'));
    lines.push(exit('100.000000305', 'vcpu 0 reason HLT rip 0xffffffff81003333' + TAIL), entry('100.000000306', 'vcpu 0'));
    const r = assertSame(lines.join('\n') + '\n');
    assert.ok(r.fast >= 40, `only ${r.fast} lines on the fast path`);
  });

  it('CRLF and LF copies of a synthetic trace give the same records both ways, cut anywhere', () => {
    const lf = syntheticTrace('perf-script', 300, 21);
    const crlf = lf.replace(/\n/g, '\r\n');
    assertSame(lf);
    assertSame(crlf);
    for (let cut = 1; cut < 4000; cut += 37) assertSame(lf, [cut, cut + 1000]);
  });
});

describe('LineSplitter fastLine hook', () => {
  it('lines the hook takes are counted and skipped; the rest reach the handler; the cap bounds the hook', () => {
    const seen: Array<[number, string]> = [];
    const limits: number[] = [];
    const tooLong: number[] = [];
    // The hook takes lines that start with `+` (the end it reports is the first newline before limit).
    const s = new LineSplitter(
      (buf, start, end, line) => seen.push([line, new TextDecoder().decode(buf.subarray(start, end))]),
      (line) => tooLong.push(line),
      16,
      (buf, start, limit) => {
        limits.push(limit - start);
        if (buf[start] !== 43) return -1;
        for (let q = start; q < limit; q++) if (buf[q] === 10) return q;
        return -1;
      },
    );
    const text = '+a\nb\n+ccc\n' + '+' + 'x'.repeat(20) + '\nd\n+e';
    for (const c of [text.slice(0, 5), text.slice(5)]) s.push(new TextEncoder().encode(c));
    s.end();
    // `+a` and `+ccc` taken by the hook; the 21-byte `+x…` is past the cap (the hook never sees its
    // newline); `+e` has no newline and arrives through the carry.
    assert.deepEqual(seen, [
      [2, 'b'],
      [5, 'd'],
      [6, '+e'],
    ]);
    assert.deepEqual(tooLong, [4]);
    assert.equal(s.lines, 6);
    assert.ok(limits.every((l) => l <= 17));
  });
});
