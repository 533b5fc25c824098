/**
 * The text parser's fast path (fastLine.ts) and the compact sink path (TraceSink.compactExit) must
 * change nothing but speed. Every fixture, a generated SYNTHETIC trace in each layout (syntheticTrace.ts)
 * and damaged copies of it are read three ways — general path with ExitRecords, fast path with
 * ExitRecords, fast path with compact exits into the SummaryBuilder — and must give identical records,
 * warnings and summaries. The counters prove the fast path really read most lines.
 */
import { strict as assert } from 'assert';
import { createSummaryBuilder } from '../../../src/core/analysis/summarize';
import type { TraceSummary } from '../../../src/core/model/summary';
import type { TraceFormat, TraceSink } from '../../../src/core/model/trace';
import { createParser, detectFormat } from '../../../src/core/parsers/index';
import { TextTraceParser } from '../../../src/core/parsers/textTraceParser';
import { feed, fixture, fixtureFiles, type Collected } from './helpers';
import { mulberry32, mutateLines, syntheticTrace, type SyntheticLayout } from './syntheticTrace';

const TEXT_FORMATS: readonly TraceFormat[] = ['ftrace', 'trace-cmd', 'perf-script'];

function collect(bytes: Uint8Array, format: TraceFormat, fastPath: boolean, cuts: readonly number[] = []): Collected & { fast: number; lines: number } {
  const out: Collected = { format, records: [], warnings: [], tables: [], metas: [] };
  const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  const parser = new TextTraceParser(format, {
    exit: (r) => out.records.push(plain(r)),
    warning: (w) => out.warnings.push(plain(w)),
    meta: (m) => out.metas.push(plain(m)),
  }, { fastPath });
  feed(parser, bytes, cuts);
  return { ...out, fast: parser.fastLines, lines: parser.lines };
}

/** The summary when every exit reaches the builder as an ExitRecord (a sink without compactExit). */
function recordSummary(bytes: Uint8Array, format: TraceFormat, fastPath: boolean): TraceSummary {
  const b = createSummaryBuilder();
  const plainSink: TraceSink = { exit: (r) => b.exit(r), warning: (w) => b.warning(w), table: (t) => b.table(t), meta: (m) => b.meta(m) };
  const parser = TEXT_FORMATS.includes(format) ? new TextTraceParser(format, plainSink, { fastPath }) : createParser(format, plainSink);
  feed(parser, bytes, []);
  return b.finish(format, 'x');
}

/** The summary through the builder's compactExit (what summarizeSource does). */
function compactSummary(bytes: Uint8Array, format: TraceFormat, cuts: readonly number[] = []): TraceSummary {
  const b = createSummaryBuilder();
  feed(createParser(format, b), bytes, cuts);
  return b.finish(format, 'x');
}

function assertSameEverywhere(name: string, bytes: Uint8Array, format: TraceFormat): { fast: number; lines: number } {
  const slow = collect(bytes, format, false);
  const fast = collect(bytes, format, true);
  assert.equal(slow.fast, 0);
  assert.deepEqual({ ...fast, fast: 0 }, slow, `${name}: fast path records/warnings differ`);
  const reference = recordSummary(bytes, format, false);
  assert.deepEqual(recordSummary(bytes, format, true), reference, `${name}: summary from fast-path records differs`);
  assert.deepEqual(compactSummary(bytes, format), reference, `${name}: summary from compact exits differs`);
  return { fast: fast.fast, lines: fast.lines };
}

describe('fast path and compact exits change nothing but speed', () => {
  for (const name of fixtureFiles()) {
    it(`${name}: same records, warnings and summary all three ways`, () => {
      const bytes = fixture(name);
      assertSameEverywhere(name, bytes, detectFormat(bytes) ?? 'ftrace');
    });
  }

  it('the fast path reads the kvm_exit/kvm_entry lines of known threads with plain payloads (synthetic-perf-script-ns-mixed)', () => {
    // Threads `CPU 0/KVM  4000 [000]` and `CPU 1/KVM 3999/4001 [001]` are first seen on L3 and L7 (general
    // path, which teaches their prefixes). After that: entries L6, L9, L11, L15, L17, L19, L21, L26 and
    // exits L12, L16 (reason 0x45), L18, L24, L28 = 13. Left to the general path: L10 and L20 (reason
    // flags), L22 (rip 0xzz…), L27 (kvm_nested_vmexit) and every other event.
    const mixed = collect(fixture('synthetic-perf-script-ns-mixed.txt'), 'perf-script', true);
    assert.equal(mixed.fast, 13);
  });

  it('variants the fast path must read like the general path or leave to it (synthetic lines)', () => {
    // SYNTHETIC: one thread; the first line teaches the prefix, then variants of RIP spelling, blanks,
    // vCPU width, timestamp width and tails. Expected: identical results both ways; the uppercase and
    // zero-padded RIPs are the same site as the canonical one.
    const p = '     CPU 0/KVM  4000 [000] ';
    const tail = ' info1 0x0000000000000000 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000';
    const exit = (ts: string, payload: string): string => `${p}${ts}:                       kvm:kvm_exit: ${payload}`;
    const entry = (ts: string, payload: string): string => `${p}${ts}:                      kvm:kvm_entry: ${payload}`;
    const text = [
      exit('100.000000100', 'vcpu 0 reason HLT rip 0xffffffff81000010' + tail),
      entry('100.000000200', 'vcpu 0, rip 0xffffffff81000010'),
      exit('100.000000300', 'vcpu 0 reason HLT rip 0xFFFFFFFF81000010' + tail),
      entry('100.000000400', 'vcpu 0'),
      exit('100.000000500', 'vcpu 0 reason HLT rip 0x0000ffffffff81000010' + tail),
      entry('100.000000600', 'vcpu 0,rip 0x1'),
      exit('100.000000700', 'vcpu 0 reason HLT rip 0x00000000ffffffff81000010' + tail),
      entry('100.000000800', 'vcpu\t0'),
      exit('100.000000900', 'vcpu 0 reason HLT  rip 0xffffffff81000010' + tail),
      entry('100.000001000', 'vcpu 0'),
      exit('100.000001100', 'vcpu 0 reason HLT\trip 0xffffffff81000010' + tail),
      entry('100.000001200', 'vcpu 0'),
      exit('100.000001300', 'vcpu 00 reason CR_ACCESS rip 0xffffffff81000020' + tail.replace('0x0000000000000000', '0x0000000000000003')),
      entry('100.0000014', 'vcpu 0'),
      exit('1000.000001500', 'vcpu 0 reason CR_ACCESS rip 0xffffffff81000020' + tail + ' '),
      entry('1000.000001600', 'vcpu 0 '),
      exit('1000.000001700', 'vcpu 0 reason EXCEPTION_NMI rip 0xffffffff81000030' + tail.replace('intr_info 0x00000000', 'intr_info 0x80000B0E')),
      entry('1000.000001800', 'vcpu 0'),
      exit('1000.000001900', 'vcpu 0 reason HLT rip 0xffffffff81000010' + tail.slice(0, -1)),
      entry('1000.000002000', 'vcpu 0'),
      exit('1000.000002100', 'vcpu 0 reason HLT rip 0x' + tail),
      entry('1000.000002200', 'vcpu x'),
      exit('1000.000002300', 'vcpu 4294967296 reason HLT rip 0xffffffff81000010' + tail),
      entry('1000.000002400', 'vcpu 4294967296'),
    ]
      .join('\n')
      .replace(/\\t/g, '\t');
    const bytes = new TextEncoder().encode(text + '\n');
    const { fast } = assertSameEverywhere('variants', bytes, 'perf-script');
    // General path: L1 (first line of the thread), L9 (two blanks before rip), L11 (tab before rip),
    // L15 (a blank after the tail), L19 (tail one byte short), L21 (`rip 0x` without digits), L22
    // (`vcpu x`). The other 17 lines — uppercase and zero-padded hex, `vcpu 00`, `vcpu\t0`, `vcpu 0,rip`,
    // 7 and 9 fraction digits, 4 and 5 integer digits, a 10-digit vCPU — on the fast path.
    assert.equal(fast, 17);
    // 0xffffffff81000010 is L1, L3 (uppercase), L5 and L7 (leading zeros), L9, L11, L19, L23 = 8 exits;
    // L21 is a warning, not an exit.
    const s = compactSummary(bytes, 'perf-script');
    assert.equal(s.sites.find((x) => x.rip === '0xffffffff81000010')?.exits, 8);
    assert.equal(s.exits, 11);
    assert.equal(s.warningCount, 2);
  });

  for (const layout of ['perf-script', 'ftrace', 'trace-cmd'] as SyntheticLayout[]) {
    it(`synthetic ${layout} trace: same three ways, and most lines on the fast path`, () => {
      const bytes = new TextEncoder().encode(syntheticTrace(layout, 3000, 11));
      assert.equal(detectFormat(bytes), layout);
      const { fast, lines } = assertSameEverywhere(layout, bytes, layout);
      assert.ok(fast > 0.7 * lines, `${layout}: only ${fast} of ${lines} lines on the fast path`);
    });

    it(`damaged synthetic ${layout} traces: same three ways (seeded mutations of 5% of lines)`, function () {
      this.timeout(60000);
      for (let seed = 1; seed <= 12; seed++) {
        const text = mutateLines(syntheticTrace(layout, 600, 100 + seed), 0.05, seed);
        assertSameEverywhere(`${layout} seed ${seed}`, new TextEncoder().encode(text), layout);
      }
    });
  }

  it('compact exits are cut anywhere by the byte source like records (synthetic perf-script, 200 random cuts)', () => {
    const bytes = new TextEncoder().encode(syntheticTrace('perf-script', 400, 5));
    const whole = recordSummary(bytes, 'perf-script', false);
    const rand = mulberry32(9);
    for (let i = 0; i < 200; i++) {
      const a = Math.floor(rand() * bytes.length);
      const b = Math.floor(rand() * bytes.length);
      const cuts = [Math.min(a, b), Math.max(a, b)];
      assert.deepEqual(compactSummary(bytes, 'perf-script', cuts), whole, `cuts ${cuts}`);
      assert.deepEqual(collect(bytes, 'perf-script', true, cuts).records, collect(bytes, 'perf-script', false).records, `records, cuts ${cuts}`);
    }
  });

  it('the perf-script fixtures give the same compact summary when split at every byte offset', function () {
    this.timeout(120000);
    for (const name of fixtureFiles().filter((f) => f.startsWith('perf-script') || f.startsWith('synthetic-perf-script'))) {
      const bytes = fixture(name);
      const whole = JSON.stringify(recordSummary(bytes, 'perf-script', false));
      for (let cut = 0; cut <= bytes.length; cut++) {
        const split = JSON.stringify(compactSummary(bytes, 'perf-script', [cut]));
        if (split !== whole) assert.deepEqual(JSON.parse(split), JSON.parse(whole), `${name} split at ${cut}`);
      }
    }
  });
});
