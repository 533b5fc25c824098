import { strict as assert } from 'assert';
import { summarizeRecords } from '../../../src/core/analysis/summarize';
import { formatDuration, formatPct, formatSummaryTable, formatUs } from '../../../src/cli/summaryTable';
import { rec } from '../analysis/syntheticRecords';

/** Cells of the table line starting with `first` (columns are separated by 2+ spaces). */
function row(text: string, first: string): string[] {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(first + ' '));
  assert.ok(line, `a line starts with ${first}`);
  return line.trim().split(/\s{2,}/);
}

describe('summary table (synthetic records)', () => {
  // SYNTHETIC: the same hand-made trace as test/unit/analysis/summaryBuilder.test.ts.
  const s = summarizeRecords({
    format: 'perf-script',
    file: 'synthetic.txt',
    records: [
      rec(1000, 'EXCEPTION_NMI', 'pagefault', { vcpu: 0, entryNs: 1500, rip: '0xa' }),
      rec(2000, 'CR_ACCESS', 'cr3', { vcpu: 0, entryNs: 2100, rip: '0xb' }),
      rec(3000, 'HLT', 'hlt', { vcpu: 0, entryNs: 10000, rip: '0xc' }),
      rec(11000, 'EXCEPTION_NMI', 'pagefault', { vcpu: 0, entryNs: 11300, rip: '0xa' }),
      rec(1200, 'CR_ACCESS', 'cr', { vcpu: 1, entryNs: 1250, rip: '0xb' }),
      rec(4000, 'EPT_VIOLATION', 'ept', { vcpu: 1, rip: '0xd' }),
      rec(5000, 'EXCEPTION_NMI', 'exception', { vcpu: 1, entryNs: 5020, rip: '0xa' }),
      rec(6000, 'IO_INSTRUCTION', 'io', { entryNs: 6010 }),
    ],
  });
  const text = formatSummaryTable(s, { topSites: 2 });

  it('starts with the file, format, ISA, exits, vCPUs and span', () => {
    assert.equal(text.split('\n')[0], 'synthetic.txt: perf-script, isa vmx, 8 exits, 2 vCPUs, over 10.300 us');
  });

  it('lists reasons like perf kvm stat, with Time% of the non-HLT host time', () => {
    // 3 of 8 exits; 820 of 980 ns non-HLT time; min 20, max 500, mean 273.3, p50 296, p95 500 ns.
    assert.deepEqual(row(text, 'EXCEPTION_NMI'), ['EXCEPTION_NMI', 'pagefault', '3', '37.50%', '83.67%', '0.02us', '0.50us', '0.27us', '0.30us', '0.50us', '0.50us']);
    // An exit with no closing entry has no time: dashes, not zeros.
    assert.deepEqual(row(text, 'EPT_VIOLATION'), ['EPT_VIOLATION', 'ept', '1', '12.50%', '-', '-', '-', '-', '-', '-', '-']);
  });

  it('shows HLT apart, its Time% against all host time', () => {
    const lines = text.split('\n');
    const idle = lines.findIndex((l) => l.startsWith('Idle (HLT, not overhead): 1 exit, 7.000 us host time'));
    const hltRow = lines.findIndex((l) => l.startsWith('HLT '));
    const overheadHeader = lines.findIndex((l) => l.startsWith('Exits by reason, HLT apart'));
    assert.ok(overheadHeader >= 0 && idle > overheadHeader && hltRow > idle);
    // 7000 of 7980 ns.
    assert.equal(row(text, 'HLT')[4], '87.72%');
  });

  it('lists categories, vCPUs and the top sites', () => {
    assert.deepEqual(row(text, 'pagefault').slice(0, 4), ['pagefault', '2', '25.00%', '81.63%']);
    assert.deepEqual(row(text, '0'), ['0', '4', '7.900 us', '2', '0', '1', '0', '0', '1']);
    assert.ok(text.includes('Top 2 of 4 guest RIPs by exits:'));
    // p95 of 0xa's 500, 300, 20 ns: the coarse bucket [448, 511] → 480 ns (see summaryBuilder.test.ts).
    assert.deepEqual(row(text, '0xa'), ['0xa', '3', '37.50%', '820 ns', '480 ns', 'pagefault:2 exception:1', '0,1']);
    assert.ok(!text.includes('0xc '));
  });

  it('formats units like perf', () => {
    assert.equal(formatUs(30_567_940), '30567.94us');
    assert.equal(formatUs(null), '-');
    assert.equal(formatPct(1, 3), '33.33%');
    assert.equal(formatPct(1, 0), '-');
    assert.equal(formatDuration(2_500_000_000), '2.500 s');
    assert.equal(formatDuration(999), '999 ns');
  });
});
