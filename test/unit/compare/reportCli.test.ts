import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';
import { REPORT_DATA_ID } from '../../../src/core/report/htmlReport';
import { argv, captureIo } from '../cli/captureIo';

const FIXTURES = path.join(__dirname, '..', '..', 'fixtures');
const LOWERCASE = path.join(FIXTURES, 'ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt');
const DIRTY_RING = path.join(FIXTURES, 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt');

/** A stand-in for the built page (the real bundle is exercised by the e2e tier in Chromium). */
function fakeAssets(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-assets-'));
  fs.writeFileSync(path.join(dir, 'compare.js'), 'document.title = "page";\n');
  fs.writeFileSync(path.join(dir, 'compare.css'), 'body { margin: 0 }\n');
  return dir;
}

function dataBlock(html: string): { comparison: { traces: Array<{ label: string }>; categories: Record<string, { values: number[] }>; notes: string[] }; series: Array<{ timeline: unknown }> } {
  const open = `<script type="application/json" id="${REPORT_DATA_ID}">`;
  const start = html.indexOf(open) + open.length;
  return JSON.parse(html.slice(start, html.indexOf('</script>', start)));
}

describe('exitlens report', () => {
  it('writes one HTML file with the page inlined and the comparison of two real captures with no reason in common', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-report-')), 'r.html');
    const io = captureIo();
    const code = await main(argv('report', LOWERCASE, DIRTY_RING, '-o', out, '--assets', fakeAssets(), '--label', 'old'), io);
    assert.strictEqual(code, 0, io.err());
    assert.match(io.out(), /^wrote .*r\.html \(\d+ KiB\): old vs trace-cmd-report-kvm\.kvm-list-2019-12-03-dirty-ring\n$/);
    const html = fs.readFileSync(out, 'utf8');
    assert.ok(html.includes('document.title = "page";'));
    assert.ok(html.includes('body { margin: 0 }'));
    const data = dataBlock(html);
    // apic_access → mmio and io_instruction → io in the 2013 ftrace; seven EPT_VIOLATION in trace-cmd.
    assert.deepStrictEqual(data.comparison.traces.map((t) => t.label), ['old', 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring']);
    assert.deepStrictEqual(data.comparison.categories.mmio.values, [1, 0]);
    assert.deepStrictEqual(data.comparison.categories.io.values, [1, 0]);
    assert.deepStrictEqual(data.comparison.categories.ept.values, [0, 7]);
    assert.ok(data.comparison.notes.some((n) => /no exit reason in common/.test(n)));
    assert.strictEqual(data.series.length, 2);
  });

  it('exits 1 naming the folders when the page bundle is missing, 2 on usage errors', async () => {
    let io = captureIo();
    assert.strictEqual(await main(argv('report', LOWERCASE, DIRTY_RING, '-o', '/tmp/x.html', '--assets', '/nonexistent/assets'), io), 1);
    assert.match(io.err(), /cannot find the compare page bundle \(compare\.js and compare\.css\) in '\/nonexistent\/assets': build it with `npm run build`, or pass --assets DIR/);
    io = captureIo();
    assert.strictEqual(await main(argv('report', LOWERCASE, '-o', '/tmp/x.html'), io), 2);
    assert.match(io.err(), /report needs 2 to 8 traces, got 1/);
    io = captureIo();
    assert.strictEqual(await main(argv('report', LOWERCASE, DIRTY_RING), io), 2);
    assert.match(io.err(), /required option '-o, --out <FILE>' not specified/);
  });

  it('exits 1 naming the file it cannot write or read', async () => {
    let io = captureIo();
    assert.strictEqual(await main(argv('report', LOWERCASE, DIRTY_RING, '-o', '/nonexistent/dir/r.html', '--assets', fakeAssets()), io), 1);
    assert.match(io.err(), /cannot write '\/nonexistent\/dir\/r\.html': no such file or directory/);
    io = captureIo();
    assert.strictEqual(await main(argv('report', LOWERCASE, '/nonexistent/b.txt', '-o', '/tmp/x.html', '--assets', fakeAssets()), io), 1);
    assert.match(io.err(), /cannot read '\/nonexistent\/b\.txt': no such file or directory/);
  });
});
