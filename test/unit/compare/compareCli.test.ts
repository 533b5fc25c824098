import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';
import { argv, captureIo } from '../cli/captureIo';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const fixture = (name: string) => path.join(FIXTURES, name);
const LOWERCASE = fixture('ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt');
const DIRTY_RING = fixture('trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt');

describe('exitlens compare', () => {
  it('--json gives traces, categories, reasons and sites with delta and ratio against trace 0', async () => {
    const io = captureIo();
    const code = await main(argv('compare', '--json', '--label', 'old', LOWERCASE, DIRTY_RING), io);
    assert.strictEqual(code, 0, io.err());
    const c = JSON.parse(io.out());
    assert.deepStrictEqual(c.traces.map((t: { label: string; file: string }) => [t.label, t.file]), [
      ['old', LOWERCASE],
      ['trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring', DIRTY_RING],
    ]);
    // apic_access (+kvm_mmio) → mmio, io_instruction → io; seven EPT_VIOLATION exits in the other.
    assert.deepStrictEqual(c.categories.mmio, { values: [1, 0], delta: [0, -1], ratio: [1, 0], timeNs: c.categories.mmio.timeNs });
    assert.deepStrictEqual(c.categories.ept.values, [0, 7]);
    assert.deepStrictEqual(c.categories.ept.ratio, [null, null]);
    assert.deepStrictEqual(c.reasons.EPT_VIOLATION.values, [0, 7]);
    assert.deepStrictEqual(c.reasons.IO_INSTRUCTION.values, [1, 0]);
    // Unsymbolised sites are listed per trace, never matched by raw address.
    assert.deepStrictEqual(c.sites.map((s: { rip: string; values: number[] }) => [s.rip, s.values]), [
      ['0x40359f', [0, 7]],
      ['0xc011518c', [1, 0]],
      ['0xc01e4473', [1, 0]],
    ]);
  });

  it('prints tables with the baseline named and Δ / ratio columns', async () => {
    const io = captureIo();
    assert.strictEqual(await main(argv('compare', LOWERCASE, DIRTY_RING), io), 0);
    const out = io.out();
    assert.match(out, /baseline \(A\) = ftrace-kvm-2\.6\.3x-lowercase-reasons\.chinaunix-2013/);
    assert.match(out, /^ept\s+0\s+7\s+\+7\s+—$/m);
    assert.match(out, /^mmio\s+1\s+0\s+−1\s+0\.00×$/m);
    assert.match(out, /note: The traces have no exit reason in common/);
  });

  it('matches simulated sites by source line through the symbol file named in the header', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-cmp-'));
    // Two synthetic traces of the same code at different addresses (a rebuilt guest), each with its symbol file.
    const syms = (base: number) => JSON.stringify({
      exitlens: 'symbols', version: 1,
      symbols: [{ name: 'loop', addr: '0x' + base.toString(16), size: 64 }],
      lines: [{ addr: '0x' + base.toString(16), size: 64, file: 'guest.c', line: 7 }],
    });
    const trace = (rip: number, n: number, syms: string) => [
      `# exitlens-simulated: workload=synthetic paging=shadow cpu=skylake pages=4k seed=1 symbols=${syms}`,
      ...Array.from({ length: n }, (_, i) => [
        `  qemu-system-x86  4321 [002] 100.${String(1000 + i * 10).padStart(9, '0')}: kvm:kvm_exit: vcpu 0 reason CR_ACCESS rip 0x${rip.toString(16)} info1 0x0000000000000003 info2 0x0000000000000000 intr_info 0x00000000 error_code 0x00000000`,
        `  qemu-system-x86  4321 [002] 100.${String(1005 + i * 10).padStart(9, '0')}: kvm:kvm_entry: vcpu 0, rip 0x${(rip + 3).toString(16)}`,
      ].join('\n')),
    ].join('\n') + '\n';
    fs.writeFileSync(path.join(dir, 'a.syms.json'), syms(0x401000));
    fs.writeFileSync(path.join(dir, 'b.syms.json'), syms(0x402000));
    fs.writeFileSync(path.join(dir, 'a.perf.txt'), trace(0x401010, 3, 'a.syms.json'));
    fs.writeFileSync(path.join(dir, 'b.perf.txt'), trace(0x402010, 5, 'b.syms.json'));
    const io = captureIo();
    assert.strictEqual(await main(argv('compare', '--json', path.join(dir, 'a.perf.txt'), path.join(dir, 'b.perf.txt')), io), 0, io.err());
    const c = JSON.parse(io.out());
    assert.strictEqual(c.sites.length, 1);
    assert.deepStrictEqual([c.sites[0].file, c.sites[0].line, c.sites[0].symbol, c.sites[0].values, c.sites[0].delta], ['guest.c', 7, 'loop', [3, 5], [0, 2]]);
    assert.deepStrictEqual(c.categories.cr3.values, [3, 5]);
  });

  it('exits 2 for fewer than two traces and 1 for a file it cannot read, naming it', async () => {
    let io = captureIo();
    assert.strictEqual(await main(argv('compare', LOWERCASE), io), 2);
    assert.match(io.err(), /needs 2 to 8 traces, got 1/);
    io = captureIo();
    assert.strictEqual(await main(argv('compare', LOWERCASE, '/nonexistent/b.txt'), io), 1);
    assert.match(io.err(), /cannot read '\/nonexistent\/b\.txt': no such file or directory/);
  });
});
