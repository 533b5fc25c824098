/**
 * `exitlens summary` end to end on the real fixtures (test/fixtures, provenance in each file's
 * first line), run in-process through main(argv). Every expected number is derived by hand from the
 * fixture text; the derivation sits next to it.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';
import type { TraceSummary } from '../../../src/core/model/summary';
import { RELATIVE_ERROR } from '../../../src/core/analysis/histogram';
import { argv, captureIo } from './captureIo';

const FIXTURES = path.resolve(__dirname, '..', '..', 'fixtures');
const fixture = (prefix: string): string => {
  const name = fs.readdirSync(FIXTURES).find((f) => f.startsWith(prefix));
  assert.ok(name, `fixture ${prefix}*`);
  return path.join(FIXTURES, name);
};

async function summaryJson(file: string, ...extra: string[]): Promise<TraceSummary> {
  const io = captureIo();
  const code = await main(argv('summary', '--json', ...extra, file), io);
  assert.equal(code, 0, io.err());
  assert.equal(io.err(), '');
  return JSON.parse(io.out()) as TraceSummary;
}

describe('exitlens summary on real fixtures', () => {
  it('ftrace trace_pipe (kvm.c comment): exits, #PF vs #GP, exit→entry times, sites, timeline', async () => {
    const file = fixture('ftrace-trace_pipe-kvm.c-comment');
    const s = await summaryJson(file);
    // kvm_exit lines 9, 12, 16, 23, 29 — all `reason EXCEPTION_NMI`; info2 (gen-1 interruption info)
    // 80000b0e = vector 14 (#PF) on the first four, 80000b0d = vector 13 (#GP) on line 29.
    assert.equal(s.format, 'ftrace');
    assert.equal(s.file, file);
    assert.equal(s.isa, 'vmx');
    assert.equal(s.exits, 5);
    assert.deepEqual(s.byReason, { EXCEPTION_NMI: 5 });
    assert.equal(s.byCategory.pagefault, 4);
    assert.equal(s.byCategory.exception, 1);
    // Exit → next kvm_entry (µs → ns): .154940→.154952 = 12000, .154954→.154964 = 10000,
    // .154966→.155001 = 35000, .155004→.155033 = 29000; line 29 has no entry after it.
    // p50 = 2nd of (10000, 12000, 29000, 35000) = 12000 → bucket [11776, 12287] → 12032;
    // p95/p99 = 35000 → bucket midpoint 35840 clamped to the max.
    assert.deepEqual(s.timing.EXCEPTION_NMI, { count: 4, totalNs: 86000, minNs: 10000, maxNs: 35000, meanNs: 21500, p50Ns: 12032, p95Ns: 35000, p99Ns: 35000 });
    assert.ok(Math.abs(12032 - 12000) / 12000 <= RELATIVE_ERROR);
    assert.deepEqual(s.timeByCategory.pagefault, 86000);
    assert.deepEqual(s.hlt, { exits: 0, totalNs: 0 });
    assert.deepEqual(s.overhead, { exits: 5, totalNs: 86000 });
    assert.deepEqual(s.vcpus, [0]);
    // 0x1007 twice (lines 12, 16: 10000 + 35000), then single sites by host time.
    assert.deepEqual(
      s.sites.map((x) => [x.rip, x.exits, x.totalNs, x.byCategory]),
      [
        ['0x1007', 2, 45000, { pagefault: 2 }],
        ['0x100a', 1, 29000, { pagefault: 1 }],
        ['0x1000', 1, 12000, { pagefault: 1 }],
        ['0x100b', 1, 0, { exception: 1 }],
      ],
    );
    assert.equal(s.siteCount, 4);
    // 2323301.154940 s … the last exit at .155036 (later than the last entry, .155033).
    assert.equal(s.startNs, 2323301154940000);
    assert.equal(s.endNs, 2323301155036000);
    assert.equal(s.durationNs, 96000);
    // Exits at +0, +14, +26, +64, +96 µs in 1 µs bins.
    const counts = s.timeline!.counts;
    assert.equal(s.timeline!.binNs, 1000);
    assert.equal(counts.length, 97);
    assert.deepEqual(
      counts.flatMap((c, i) => (c ? [i] : [])),
      [0, 14, 26, 64, 96],
    );
  });

  it('trace-cmd report (dirty ring): a 120 ms exit to userspace dominates; percentiles within the error', async () => {
    const s = await summaryJson(fixture('trace-cmd-report-kvm.kvm-list-2019-12-03'));
    // 7 `kvm_exit: reason EPT_VIOLATION rip 0x40359f` (lines 3, 6, 10, 13, 22, 25, 29); durations to
    // the next `kvm_entry: vcpu 1`: 2, 1, 2, 120851 (384336 → 505187: dirty ring full, out to
    // userspace), 13, 19, 4 µs.
    assert.equal(s.format, 'trace-cmd');
    assert.equal(s.exits, 7);
    assert.deepEqual(s.byReason, { EPT_VIOLATION: 7 });
    assert.equal(s.byCategory.ept, 7);
    const t = s.timing.EPT_VIOLATION;
    assert.deepEqual([t.count, t.totalNs, t.minNs, t.maxNs], [7, 120_892_000, 1000, 120_851_000]);
    // p50 = 4th of 7 = 4000 → [3968, 4095] → 4032; p95 = 7th = 120 851 000 → bucket
    // [117 440 512, 121 634 815] → midpoint 119 537 664 (1.1 % low, inside the 1/32 bound).
    assert.equal(t.p50Ns, 4032);
    assert.equal(t.p95Ns, 119_537_664);
    assert.ok(Math.abs(t.p95Ns! - 120_851_000) / 120_851_000 <= RELATIVE_ERROR);
    assert.deepEqual(s.vcpus, [1]);
    // Per-site coarse buckets (4 per power of two): 1000 → [896, 1023]; 2000 ×2 → [1792, 2047];
    // 4000 → [3584, 4095]; 13000 → [12288, 14335]; 19000 → [16384, 20479]; 120 851 000 →
    // [117 440 512, 134 217 727]. p50 = 4th = 4000 → midpoint 3840; p95 = 7th → midpoint 125 829 120,
    // clamped to the max 120 851 000.
    assert.deepEqual(s.sites, [
      {
        rip: '0x40359f', exits: 7, totalNs: 120_892_000, byCategory: { ept: 7 }, byReason: { EPT_VIOLATION: 7 }, vcpus: [1],
        timing: {
          count: 7, meanNs: 120_892_000 / 7, minNs: 1000, maxNs: 120_851_000, p50Ns: 3840, p95Ns: 120_851_000,
          histogram: [[896, 1], [1792, 2], [3584, 1], [12288, 1], [16384, 1], [117_440_512, 1]],
        },
      },
    ]);
    // 120 898 000 ns from first to last exit needs ≥ 60 449 ns bins → 1000 × 2^6 = 64 000 ns, 1890 bins.
    assert.equal(s.timeline!.binNs, 64_000);
    assert.equal(s.timeline!.counts.length, 1890);
  });

  it('perf kvm stat report (perf ~5.x): exits and per-reason timing from the vmexit table', async () => {
    const s = await summaryJson(fixture('perf-kvm-stat-report-vmexit.blog-2020'));
    assert.equal(s.format, 'perf-kvm-stat');
    assert.equal(s.aggregated, true);
    assert.equal(s.isa, 'vmx');
    // Rows: 9167 + 5877 + 5728 + 2232 + 2160 + 390 + 303 + 37 + 4 = 25898 (= its Total Samples).
    assert.equal(s.exits, 25898);
    assert.deepEqual(s.byReason, {
      MSR_WRITE: 9167,
      EXTERNAL_INTERRUPT: 5877,
      PREEMPTION_TIMER: 5728,
      HLT: 2232,
      CPUID: 2160,
      PAUSE_INSTRUCTION: 390,
      EPT_MISCONFIG: 303,
      EOI_INDUCED: 37,
      EXCEPTION_NMI: 4,
    });
    // HLT row: Min 0.56us, Max 1001118.99us, Avg 30567.94us → total 2232 × 30 567 940 ns.
    assert.deepEqual(s.timing.HLT, { count: 2232, totalNs: 68_227_642_080, minNs: 560, maxNs: 1_001_118_990, meanNs: 30_567_940, p50Ns: null, p95Ns: null, p99Ns: null });
    assert.deepEqual(s.hlt, { exits: 2232, totalNs: 68_227_642_080 });
    assert.equal(s.byCategory.hlt, 2232);
    assert.equal(s.byCategory.msr, 9167);
    assert.equal(s.byCategory.cpuid, 2160);
    // Every exit is in exactly one category, each category the sum of its reasons.
    assert.equal(
      Object.values(s.byCategory).reduce((a, b) => a + b, 0),
      25898,
    );
    for (const [cat, n] of Object.entries(s.byCategory))
      assert.equal(n, Object.entries(s.byReason).reduce((a, [r, c]) => a + (s.reasonCategory[r] === cat ? c : 0), 0), cat);
    assert.equal(s.tables!.length, 1);
    assert.equal(s.tables![0].event, 'vmexit');
    assert.deepEqual([s.tables![0].rows[0].key, s.tables![0].rows[0].samples], ['MSR_WRITE', 9167]);
    assert.deepEqual(s.sites, []);
    assert.deepEqual(s.vcpus, []);
    assert.equal(s.timeline, null);
  });

  it('perf kvm stat report (perf 3.7): counts the all-VCPU table, keeps all four tables, VCPU 0 apart', async () => {
    const s = await summaryJson(fixture('perf-kvm-stat-report-vmexit-mmio-ioport'));
    // All-VCPU vmexit rows: 65381 + 16031 + 5360 + 4496 + 2667 + 2242 + 1332 + 383 + 310 = 98202.
    assert.equal(s.exits, 98202);
    assert.equal(s.byReason.CPUID, 5360);
    assert.equal(s.byReason.PENDING_INTERRUPT, 2242);
    assert.deepEqual(
      s.tables!.map((t) => [t.event, t.vcpu]),
      [
        ['vmexit', 'all'],
        ['mmio', 'all'],
        ['ioport', 'all'],
        ['vmexit', 0],
      ],
    );
    // perf 3.7 prints no Min/Max columns.
    assert.deepEqual(s.timing.APIC_ACCESS, { count: 65381, totalNs: 65381 * 37_720, minNs: null, maxNs: null, meanNs: 37_720, p50Ns: null, p95Ns: null, p99Ns: null });
    // VCPU 0 table: 551 + 1390 + 6186 + 17 + 94 + 199 + 52 + 2057 + 368 = 10914.
    assert.deepEqual(s.vcpus, [0]);
    assert.equal(s.perVcpu[0].exits, 10914);
    assert.equal(s.perVcpu[0].byCategory.hlt, 551);
  });

  it('kvm_stat debugfs screen: exits total, honest counters as categories, the rest as other', async () => {
    const s = await summaryJson(fixture('kvm_stat-debugfs-mode'));
    assert.equal(s.format, 'kvm-stat');
    assert.equal(s.aggregated, true);
    assert.equal(s.exits, 705683003);
    assert.deepEqual(s.byReason, {});
    // irq_exits 443033416 + irq_window 46; io_exits; halt_exits; hypercalls; mmio_exits.
    assert.equal(s.byCategory.interrupt, 443033462);
    assert.equal(s.byCategory.io, 15393558);
    assert.equal(s.byCategory.hlt, 204769);
    assert.equal(s.byCategory.hypercall, 144);
    assert.equal(s.byCategory.mmio, 14);
    // 705683003 − 458631947 mapped = 247051056.
    assert.equal(s.byCategory.other, 247051056);
    assert.deepEqual(s.hlt, { exits: 204769, totalNs: 0 });
  });

  it('prints the table with HLT apart and the site list limited by --top', async () => {
    const io = captureIo();
    const file = fixture('ftrace-trace_pipe-kvm.c-comment');
    assert.equal(await main(argv('summary', '--top', '2', file), io), 0);
    const out = io.out();
    assert.ok(out.startsWith(`${file}: ftrace, isa vmx, 5 exits, 1 vCPU, over 96.000 us\n`));
    assert.match(out, /^EXCEPTION_NMI\s+pagefault\s+5\s+100\.00%\s+100\.00%\s+10\.00us\s+35\.00us\s+21\.50us\s+12\.03us\s+35\.00us\s+35\.00us$/m);
    assert.ok(out.includes('Top 2 of 4 guest RIPs by exits:'));
    assert.ok(!out.includes('0x1000 '));
    assert.equal(io.err(), '');
  });

  it('shows HLT in its own section on perf kvm stat input', async () => {
    const io = captureIo();
    assert.equal(await main(argv('summary', fixture('perf-kvm-stat-report-vmexit.blog-2020')), io), 0);
    const lines = io.out().split('\n');
    const idle = lines.findIndex((l) => l.startsWith('Idle (HLT, not overhead): 2232 exits'));
    assert.ok(idle > 0);
    assert.ok(lines.slice(0, idle).every((l) => !l.startsWith('HLT ')));
    assert.match(lines.slice(idle).find((l) => l.startsWith('HLT '))!, /^HLT\s+hlt\s+2232\s+8\.62%\s+99\.92%\s+0\.56us\s+1001118\.99us\s+30567\.94us/);
  });
});

describe('exitlens summary: bad input', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-bad-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 1 with "no recognisable record" for prose, listing the parser warning', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'SYNTHETIC: just some notes\nnothing to see here\n');
    const io = captureIo();
    assert.equal(await main(argv('summary', file), io), 1);
    assert.equal(io.out(), '');
    assert.match(io.err(), new RegExp(`exitlens: ${escape(file)}: no recognisable record`));
  });

  it('reads ExitLens JSONL: header meta, `d` as host time, a bad line as a warning (synthetic)', async () => {
    const file = path.join(dir, 'synthetic.exitlens.jsonl');
    fs.writeFileSync(
      file,
      [
        '{"exitlens":"trace","version":1,"isa":"vmx","simulated":true,"workload":"forkwait","paging":"shadow"}',
        '{"t":1000,"d":2000,"vcpu":0,"reason":"CR_ACCESS","rip":"0x401a2c","info1":"0x3","cr":{"cr":3,"access":"write"}}',
        '{"t":5000,"d":500,"vcpu":0,"reason":"HLT","rip":"0x401a30"}',
        'garbage',
      ].join('\n') + '\n',
    );
    const io = captureIo();
    assert.equal(await main(argv('summary', '--json', file), io), 0);
    const s = JSON.parse(io.out()) as TraceSummary;
    assert.equal(s.format, 'exitlens-jsonl');
    assert.deepEqual([s.meta.simulated, s.meta.workload, s.meta.paging], [true, 'forkwait', 'shadow']);
    assert.deepEqual(s.byCategory.cr3, 1);
    assert.deepEqual(s.hlt, { exits: 1, totalNs: 500 });
    assert.deepEqual(s.overhead, { exits: 1, totalNs: 2000 });
    // 1000 … max(1000 + 2000, 5000 + 500)
    assert.deepEqual([s.startNs, s.endNs, s.durationNs], [1000, 5500, 4500]);
    assert.equal(s.warningCount, 1);
    assert.equal(s.warnings[0].line, 4);
    assert.equal(io.err(), ''); // --json: warnings are in the object, not on stderr
  });

  it('warns on stderr with file:line in table mode and still summarises the rest', async () => {
    // SYNTHETIC: a real-format trace_pipe fragment (copied from the kvm.c fixture) plus two damaged records.
    const src = fs.readFileSync(fixture('ftrace-trace_pipe-kvm.c-comment'), 'utf8').split('\n');
    const file = path.join(dir, 'damaged.txt');
    fs.writeFileSync(file, [...src.slice(0, 10), '           a.out-20024 [001] .... 2323301.154953: kvm_exit: reason', '           a.out-20024 [001] .... 2323301.154953: kvm_exit: reason EXCEPTION_NMI rip', ...src.slice(10)].join('\n'));
    const io = captureIo();
    assert.equal(await main(argv('summary', file), io), 0);
    assert.match(io.out(), / 5 exits/);
    const warnings = io.err().split('\n').filter((l) => l.startsWith('exitlens: warning: '));
    assert.ok(warnings.length >= 2, io.err());
    assert.ok(warnings.some((w) => w.startsWith(`exitlens: warning: ${file}:11: `)), io.err());
    assert.ok(warnings.some((w) => w.startsWith(`exitlens: warning: ${file}:12: `)), io.err());
  });
});

// Only where `npm run build` has produced the bundle; the in-process tests above cover the logic.
const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');
if (fs.existsSync(cli)) describe('the built CLI (dist/cli.js)', () => {
  it('runs as a separate process: JSON on stdout, exit codes 0/1/2', () => {
    const ok = spawnSync(process.execPath, [cli, 'summary', '--json', fixture('trace-cmd-report-kvm.kvm-list-2019-12-03')], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).exits, 7);
    const missing = spawnSync(process.execPath, [cli, 'summary', '/nonexistent/trace.txt'], { encoding: 'utf8' });
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, "exitlens: cannot read '/nonexistent/trace.txt': no such file or directory\n");
    const usage = spawnSync(process.execPath, [cli, 'summary', '--nope', 'x'], { encoding: 'utf8' });
    assert.equal(usage.status, 2);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
