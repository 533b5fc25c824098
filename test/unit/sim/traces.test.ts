/**
 * Simulated traces: exact perf-script / JSONL line formats, byte-identical output for equal seeds,
 * and the round trip through the real parser (parseSource) with identical counts per reason,
 * category and RIP, identical exit→entry times, and the header read back as trace metadata.
 */
import { strict as assert } from 'assert';
import type { ExitRecord } from '../../../src/core/model/exit';
import type { TraceMeta } from '../../../src/core/model/trace';
import { memorySource } from '../../../src/core/io/byteSource';
import { parseSource } from '../../../src/core/parsers/index';
import { BUILTIN_WORKLOADS } from '../../../src/core/sim/builtinWorkloads';
import { EV_CR, EV_MMIO, EV_PAGE_FAULT, EV_PIO, INTR_INFO_PF, SimExit, X_CR_ACCESS, X_EPT_MISCONFIG, X_EXCEPTION_NMI, X_IO_INSTRUCTION } from '../../../src/core/sim/exitEvent';
import { simulateTrace, symbolFileFor } from '../../../src/core/sim/index';
import type { SimResult } from '../../../src/core/sim/result';
import { JsonlWriter } from '../../../src/core/writers/jsonlWriter';
import { PerfScriptWriter } from '../../../src/core/writers/perfScriptWriter';
import { StringOut } from '../../../src/core/writers/traceHeader';

const HEADER = { workload: 'forkwait', paging: 'shadow' as const, cpu: 'skylake', pages: '4k' as const, seed: 1, cpuHz: 3000000000, symbols: 'forkwait-shadow.syms.json' };

function event(fill: Partial<SimExit>): SimExit {
  return Object.assign(new SimExit(), fill);
}

describe('sim traces', () => {
  describe('perf script --ns text', () => {
    it('prints the header comment and kernel ≥ 5.10 kvm_exit / kvm_entry lines as perf 5.10–6.4 does', () => {
      const out = new StringOut();
      const w = new PerfScriptWriter(out, HEADER);
      // A CR3 load: exit at 1234.567890123 s, entry 1,000 ns later at RIP + 3 (mov %rax,%cr3 is 3 bytes).
      w.exit(event({ timeNs: 1234567890123, durNs: 1000, reason: X_CR_ACCESS, rip: '0x401a2c', entryOffset: 3, info1: 3, events: EV_CR, crNumber: 3, crValue: '0x5000' }));
      w.end();
      const lines = out.toString().split('\n');
      assert.equal(lines[0], '# exitlens-simulated: workload=forkwait paging=shadow cpu=skylake pages=4k seed=1 cpuHz=3000000000 symbols=forkwait-shadow.syms.json');
      assert.ok(lines[1].startsWith('# '));
      // "%16s %5d [%03d] %5lu.%09llu: %*s: " with the event name right-aligned to kvm:kvm_page_fault (18).
      assert.equal(lines[2], ' qemu-system-x86  4321 [002]  1234.567890123:       kvm:kvm_exit: vcpu 0 reason CR_ACCESS rip 0x401a2c info1 0x0000000000000003 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000');
      // kvm_cr at exit + floor(1000 / 3) ns.
      assert.equal(lines[3], ' qemu-system-x86  4321 [002]  1234.567890456:         kvm:kvm_cr: cr_write 3 = 0x5000');
      assert.equal(lines[4], ' qemu-system-x86  4321 [002]  1234.567891123:      kvm:kvm_entry: vcpu 0, rip 0x401a2f');
      assert.equal(lines[5], '');
    });

    it('#PF exits carry intr_info 0x80000b0e, the fault address as info1 and a kvm_page_fault line', () => {
      const out = new StringOut();
      const w = new PerfScriptWriter(out, HEADER);
      w.exit(event({ timeNs: 2e12, durNs: 3000, reason: X_EXCEPTION_NMI, rip: '0x4013b0', info1: 0x7f0000801000, intrInfo: INTR_INFO_PF, errorCode: 6, events: EV_PAGE_FAULT, pfAddress: 0x7f0000801000, pfError: 6 }));
      // A kernel-half address is sign-extended as the kernel prints a u64.
      w.exit(event({ timeNs: 2e12 + 5000, durNs: 3000, reason: X_EXCEPTION_NMI, rip: '0xffffffff810003b0', info1: 0x888005003008, intrInfo: INTR_INFO_PF, errorCode: 3, events: EV_PAGE_FAULT, pfAddress: 0x888005003008, pfError: 3 }));
      w.end();
      const lines = out.toString().split('\n').slice(2);
      assert.match(lines[0], /kvm:kvm_exit: vcpu 0 reason EXCEPTION_NMI rip 0x4013b0 info1 0x00007f0000801000 info2 0x0000000000000000 intr_info 0x80000b0e error_code 0x00000006$/);
      assert.match(lines[1], / 2000\.000001000: kvm:kvm_page_fault: address 7f0000801000 error_code 6$/);
      assert.match(lines[2], /kvm:kvm_entry: vcpu 0, rip 0x4013b0$/);
      assert.match(lines[3], /rip 0xffffffff810003b0 info1 0xffff888005003008 .* error_code 0x00000003$/);
      assert.match(lines[4], /kvm:kvm_page_fault: address ffff888005003008 error_code 3$/);
    });

    it('port I/O and MMIO exits are followed by kvm_pio (with its trailing space) and kvm_mmio', () => {
      const out = new StringOut();
      const w = new PerfScriptWriter(out, HEADER);
      w.exit(event({ timeNs: 3e12, durNs: 1700, reason: X_IO_INSTRUCTION, rip: '0x4017f0', entryOffset: 1, info1: 0x3f80000, events: EV_PIO, ioWrite: true, ioLen: 1, ioAddr: 0x3f8, ioVal: 0x41 }));
      w.exit(event({ timeNs: 3e12 + 4000, durNs: 1800, reason: X_EPT_MISCONFIG, rip: '0x401750', entryOffset: 2, events: EV_MMIO, ioWrite: true, ioLen: 4, ioAddr: 0xfebf0040, ioVal: 7 }));
      w.end();
      const lines = out.toString().split('\n').slice(2);
      assert.match(lines[0], /reason IO_INSTRUCTION rip 0x4017f0 info1 0x0000000003f80000 /);
      assert.ok(lines[1].endsWith('        kvm:kvm_pio: pio_write at 0x3f8 size 1 count 1 val 0x41 '));
      assert.match(lines[2], /kvm:kvm_entry: vcpu 0, rip 0x4017f1$/);
      assert.match(lines[3], /reason EPT_MISCONFIG rip 0x401750 info1 0x0000000000000000/);
      assert.ok(lines[4].endsWith('       kvm:kvm_mmio: mmio write len 4 gpa 0xfebf0040 val 0x7'));
      assert.match(lines[5], /kvm:kvm_entry: vcpu 0, rip 0x401752$/);
    });
  });

  describe('ExitLens JSONL', () => {
    it('writes the version-1 header and one record per exit with t/d in ns', () => {
      const out = new StringOut();
      const w = new JsonlWriter(out, { ...HEADER, paging: 'ept' });
      w.exit(event({ timeNs: 1000000047082, durNs: 1724, reason: X_IO_INSTRUCTION, rip: '0x4017f0', info1: 0x3f80000, events: EV_PIO, ioWrite: true, ioLen: 1, ioAddr: 0x3f8, ioVal: 0x41, category: 'io' }));
      w.end();
      const [h, r] = out.toString().trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(h, { exitlens: 'trace', version: 1, isa: 'vmx', simulated: true, workload: 'forkwait', paging: 'ept', cpu: 'skylake', pages: '4k', seed: 1, cpuHz: 3000000000, symbols: 'forkwait-shadow.syms.json' });
      assert.deepEqual(r, { t: 1000000047082, d: 1724, vcpu: 0, reason: 'IO_INSTRUCTION', code: 30, rip: '0x4017f0', info1: '0x3f80000', info2: '0x0', cat: 'io', io: { port: 1016, size: 1, direction: 'out' }, tid: 4321, comm: 'qemu-system-x86', cpu: 2 });
    });
  });

  describe('determinism', () => {
    it('the same seed gives a byte-identical trace; another seed changes a randomised workload', () => {
      const gen = (seed: number, format: 'perf-script' | 'jsonl'): string => {
        const out = new StringOut();
        simulateTrace({ workload: BUILTIN_WORKLOADS.kbuild, paging: 'shadow', cpu: 'skylake', pages: '4k', seed, scale: 0.25 }, format, out, 'k.syms.json');
        return out.toString();
      };
      for (const f of ['perf-script', 'jsonl'] as const) {
        const a = gen(7, f);
        assert.ok(a.length > 10000);
        assert.equal(gen(7, f), a);
        assert.notEqual(gen(8, f), a);
      }
    });
  });

  describe('round trip through the real parser', function () {
    this.timeout(60000);
    interface Parsed {
      readonly records: ExitRecord[];
      readonly meta: TraceMeta | undefined;
      readonly warnings: number;
      readonly format: string;
    }
    async function parse(text: string): Promise<Parsed> {
      const records: ExitRecord[] = [];
      let meta: TraceMeta | undefined;
      let warnings = 0;
      const r = await parseSource(memorySource('sim', text), { exit: (e) => records.push(e), warning: () => warnings++, meta: (m) => (meta = m) });
      return { records, meta, warnings, format: r.format };
    }
    const tally = (xs: readonly string[]): Record<string, number> => {
      const o: Record<string, number> = {};
      for (const x of xs) o[x] = (o[x] ?? 0) + 1;
      return o;
    };
    const nonzero = (o: Readonly<Record<string, number>>): Record<string, number> => Object.fromEntries(Object.entries(o).filter(([, v]) => v > 0));

    const cases: [string, 'shadow' | 'ept', number][] = [
      ['forkwait', 'shadow', 0.25],
      ['kbuild', 'ept', 0.25],
      ['kbuild', 'shadow', 0.1],
      ['mmio', 'shadow', 0.2],
      ['mmio', 'ept', 0.2],
      ['pio', 'ept', 0.2],
      ['syscall-kpti', 'shadow', 0.05],
      ['ptemod', 'shadow', 0.02],
    ];
    for (const [workload, paging, scale] of cases) {
      for (const format of ['perf-script', 'jsonl'] as const) {
        it(`${workload} / ${paging} as ${format}: same exits by reason, category and RIP; same exit→entry times`, async () => {
          const out = new StringOut();
          const durations: number[] = [];
          const result: SimResult = simulateTrace({ workload: BUILTIN_WORKLOADS[workload], paging, cpu: 'skylake', pages: '4k', seed: 1, scale }, format, out, `${workload}.syms.json`);
          // Durations straight from the JSONL (its `d` is the writer's exit→entry time).
          if (format === 'jsonl') for (const l of out.toString().trim().split('\n').slice(1)) durations.push(JSON.parse(l).d);
          const p = await parse(out.toString());
          assert.ok(result.exits > 0);
          assert.equal(p.warnings, 0);
          assert.equal(p.format, format === 'jsonl' ? 'exitlens-jsonl' : 'perf-script');
          assert.equal(p.records.length, result.exits);
          assert.deepEqual(tally(p.records.map((r) => r.reasonName)), result.byReason);
          assert.deepEqual(tally(p.records.map((r) => r.category)), nonzero(result.byCategory));
          assert.deepEqual(tally(p.records.map((r) => r.rip ?? '?')), Object.fromEntries(result.sites.map((s) => [s.rip, s.exits])));
          for (const r of p.records) assert.ok(r.entryNs !== undefined && r.entryNs > r.timeNs);
          const totalNs = p.records.reduce((a, r) => a + ((r.entryNs as number) - r.timeNs), 0);
          assert.equal(totalNs, result.sites.reduce((a, s) => a + s.totalNs, 0));
          if (durations.length > 0) assert.deepEqual(p.records.map((r) => (r.entryNs as number) - r.timeNs).sort((a, b) => a - b), durations.sort((a, b) => a - b));
          assert.equal(p.meta?.simulated, true);
          assert.equal(p.meta?.workload, workload);
          assert.equal(p.meta?.paging, paging);
          assert.equal(p.meta?.cpuHz, 3000000000);
          assert.equal(p.meta?.symbols, `${workload}.syms.json`);
        });
      }
    }
  });

  describe('symbol file', () => {
    it('maps every RIP of a trace to the file:line of its site', () => {
      const out = new StringOut();
      const r = simulateTrace({ workload: BUILTIN_WORKLOADS.forkwait, paging: 'shadow', cpu: 'skylake', pages: '4k', seed: 1, scale: 0.1 }, 'jsonl', out);
      const syms = JSON.parse(symbolFileFor(BUILTIN_WORKLOADS.forkwait));
      assert.equal(syms.exitlens, 'symbols');
      assert.equal(syms.version, 1);
      const lookup = (rip: string): { file: string; line: number } | undefined => {
        const a = BigInt(rip);
        const e = syms.lines.find((l: { addr: string; size: number }) => a >= BigInt(l.addr) && a < BigInt(l.addr) + BigInt(l.size));
        return e && { file: e.file, line: e.line };
      };
      assert.ok(r.sites.length > 3);
      for (const s of r.sites) assert.deepEqual(lookup(s.rip), { file: s.file, line: s.line });
      // Entry RIPs (RIP + instruction length) stay inside the same line's range.
      assert.deepEqual(lookup('0x' + (BigInt(r.sites[0].rip) + 3n).toString(16)), { file: r.sites[0].file, line: r.sites[0].line });
      // Functions cover their lines: switch_mm is lines 121–128 of guest-kernel.c → 0xffffffff81000000 + 16 × 121, 8 lines × 16 bytes.
      const sw = syms.symbols.find((s: { name: string }) => s.name === 'switch_mm');
      assert.deepEqual(sw, { name: 'switch_mm', addr: '0xffffffff81000790', size: 128 });
    });
  });
});
