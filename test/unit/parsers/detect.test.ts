/**
 * Format detection on the real fixtures and on synthetic snippets of each format.
 */
import { strict as assert } from 'assert';
import { detectBinary } from '../../../src/core/parsers/detect';
import { detectFormat } from '../../../src/core/parsers/index';
import { fixture } from './helpers';

const enc = (s: string) => new TextEncoder().encode(s);

describe('detectFormat', () => {
  it('recognises every real fixture', () => {
    const expected: Record<string, string> = {
      'ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt': 'ftrace',
      'ftrace-kvm-kvmmmu-cr-access.lkml-2023-03-30-cr0wp.txt': 'ftrace',
      'ftrace-svm-npf-vcpu-oldinfo.stable-2020-07-08-wanpengli.txt': 'ftrace',
      'ftrace-trace_pipe-kvm.c-comment-minimal-kvm-program.txt': 'ftrace',
      'kvm_stat-debugfs-mode.codeblueprint-blog-2017.txt': 'kvm-stat',
      'perf-kvm-stat-report-vmexit-mmio-ioport.chinaunix-2013-perf3.7.txt': 'perf-kvm-stat',
      'perf-kvm-stat-report-vmexit.blog-2020-09-28.txt': 'perf-kvm-stat',
      'perf-kvm-stat-live-unknown-codes.virt-pvm-issue8-2024.txt': 'perf-kvm-stat',
      'perf-script-kvm-newfmt.kvm-list-2022-03-16-lmb-triplefault.txt': 'perf-script',
      'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt': 'trace-cmd',
      'trace-cmd-report-svm-nested-cantfindfield.kvm-list-2020-07-20-vitaly.txt': 'trace-cmd',
    };
    for (const [name, format] of Object.entries(expected)) assert.equal(detectFormat(fixture(name)), format, name);
  });

  it('synthetic snippets', () => {
    assert.equal(detectFormat(enc('{"exitlens":"trace","version":1,"isa":"vmx"}\n{"t":1,"reason":"HLT"}\n')), 'exitlens-jsonl');
    assert.equal(detectFormat(enc('{"t":1,"reason":"HLT"}\n')), 'exitlens-jsonl');
    assert.equal(detectFormat(enc('# tracer: nop\n#\n')), 'ftrace');
    assert.equal(detectFormat(enc('cpus=4\n')), 'trace-cmd');
    assert.equal(detectFormat(enc('# exitlens-simulated: workload=x\n')), 'perf-script');
    assert.equal(detectFormat(enc('kvm_exit: reason HLT rip 0x1 info 0 0\n')), 'ftrace');
    assert.equal(detectFormat(enc('  q-1 [000] 1.000001: kvm_exit:     reason HLT rip 0x1 info 0 0\n')), 'trace-cmd');
    assert.equal(detectFormat(enc('  q-1 [000] d... 1.000001: kvm_exit: reason HLT rip 0x1 info 0 0\n')), 'ftrace');
    assert.equal(detectFormat(enc('  q 1 [000] 1.000001: kvm:kvm_exit: reason HLT rip 0x1 info 0 0\n')), 'perf-script');
    assert.equal(detectFormat(enc('kvm_exit                                        120346      1204\n')), 'kvm-stat');
    assert.equal(detectFormat(enc('timestamp,kvm_entry,kvm_exit\n2020-04-01 10:00:01,1,2\n')), 'kvm-stat');
    assert.equal(detectFormat(enc(' Event                                         Total %Total CurAvg/s\n')), 'kvm-stat');
    assert.equal(detectFormat(enc('             VM-EXIT    Samples  Samples%     Time%    Min Time    Max Time         Avg time\n')), 'perf-kvm-stat');
  });

  it('nothing that looks like a trace → undefined; binary traces are named', () => {
    assert.equal(detectFormat(new Uint8Array(0)), undefined);
    assert.equal(detectFormat(enc('hello\nworld\n')), undefined);
    const perf = new Uint8Array(64);
    perf.set(enc('PERFILE2'));
    assert.equal(detectFormat(perf), undefined);
    assert.equal(detectBinary(perf)?.format, 'perf-script');
    assert.equal(detectBinary(enc('plain text')), undefined);
  });
});
