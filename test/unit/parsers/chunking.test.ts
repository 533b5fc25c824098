/**
 * Streaming: a record may be split anywhere by the byte source. Every fixture, cut into two chunks
 * at every byte offset (so also inside the multi-byte UTF-8 of the CJK fixtures and inside CRLF),
 * must give exactly what one chunk gives: records, warnings, tables and metadata.
 */
import { strict as assert } from 'assert';
import type { TraceFormat } from '../../../src/core/model/trace';
import { detectFormat } from '../../../src/core/parsers/index';
import { fixture, fixtureFiles, parseBytes, type Collected } from './helpers';

function check(name: string, bytes: Uint8Array, format: TraceFormat, whole: Collected): void {
  for (let cut = 0; cut <= bytes.length; cut++) {
    const split = parseBytes(bytes, format, [cut]);
    // deepEqual on the whole object would print megabytes on failure: compare piecewise with context.
    if (JSON.stringify(split) !== JSON.stringify(whole)) {
      assert.deepEqual(split, whole, `${name} split at byte ${cut} differs`);
    }
  }
}

describe('chunk boundaries', () => {
  for (const name of fixtureFiles()) {
    it(`${name}: same result when split at every byte offset`, function () {
      this.timeout(120000);
      const bytes = fixture(name);
      const format = detectFormat(bytes) ?? 'ftrace';
      const whole = parseBytes(bytes, format);
      check(name, bytes, format, whole);
    });
  }

  it('the CJK fixtures really have multi-byte UTF-8 sequences to split', () => {
    for (const name of ['ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt', 'perf-kvm-stat-report-vmexit-mmio-ioport.chinaunix-2013-perf3.7.txt']) {
      const bytes = fixture(name);
      // Lead bytes of 3-byte sequences (CJK): 0xE0–0xEF.
      assert.ok(bytes.some((b) => b >= 0xe0 && b <= 0xef), name);
    }
  });

  it('CRLF files give the same records as LF files, also split inside the CRLF', function () {
    this.timeout(120000);
    const lf = fixture('synthetic-perf-script-ns-mixed.txt');
    const text = new TextDecoder().decode(lf);
    const crlf = new TextEncoder().encode(text.replace(/\n/g, '\r\n'));
    const a = parseBytes(lf, 'perf-script');
    const b = parseBytes(crlf, 'perf-script');
    assert.deepEqual(b, a);
    check('crlf', crlf, 'perf-script', a);
  });

  it('one byte per chunk gives the same result', () => {
    const bytes = fixture('ftrace-svm-npf-vcpu-oldinfo.stable-2020-07-08-wanpengli.txt');
    const cuts = Array.from({ length: bytes.length }, (_, i) => i + 1);
    assert.deepEqual(parseBytes(bytes, 'ftrace', cuts), parseBytes(bytes, 'ftrace'));
  });
});
