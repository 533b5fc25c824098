import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../../src/cli/main';
import { argv, captureIo } from './captureIo';

describe('exitlens CLI: usage and input errors (in-process)', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-cli-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('documents every summary option with examples in --help (exit 0)', async () => {
    const io = captureIo();
    assert.equal(await main(argv('summary', '--help'), io), 0);
    const help = io.out();
    for (const needle of ['--format <format>', '--json', '--top <N>', 'Examples:', 'exitlens summary --json', 'Exit status', 'perf-kvm-stat'])
      assert.ok(help.includes(needle), `help mentions ${needle}`);
  });

  it('prints the version (exit 0)', async () => {
    const io = captureIo();
    assert.equal(await main(argv('--version'), io), 0);
    assert.equal(io.out().trim(), JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8')).version);
  });

  it('exits 1 naming the file when it does not exist', async () => {
    const io = captureIo();
    const missing = path.join(dir, 'nope.perf.txt');
    assert.equal(await main(argv('summary', missing), io), 1);
    assert.equal(io.err(), `exitlens: cannot read '${missing}': no such file or directory\n`);
    assert.equal(io.out(), '');
  });

  it('exits 1 for a directory', async () => {
    const io = captureIo();
    assert.equal(await main(argv('summary', dir), io), 1);
    assert.match(io.err(), /it is a directory/);
  });

  it('exits 1 with "no recognisable record" for an empty file', async () => {
    const io = captureIo();
    const empty = path.join(dir, 'empty.txt');
    fs.writeFileSync(empty, '');
    assert.equal(await main(argv('summary', '--json', empty), io), 1);
    assert.equal(io.err(), `exitlens: ${empty}: no recognisable record (the file is empty)\n`);
    assert.equal(io.out(), '');
  });

  for (const [what, args, pattern] of [
    ['an unknown option', ['summary', '--bogus', 'x.txt'], /unknown option '--bogus'/],
    ['a bad --format', ['summary', '--format', 'pcap', 'x.txt'], /Allowed choices are ftrace, trace-cmd, perf-script/],
    ['a bad --top', ['summary', '--top', 'ten', 'x.txt'], /expected a whole number/],
    ['a zero --top', ['summary', '--top', '0', 'x.txt'], /expected a whole number/],
    ['a missing FILE', ['summary'], /missing required argument 'FILE'/],
    ['an unknown command', ['summarise', 'x.txt'], /unknown command 'summarise'/],
  ] as const) {
    it(`exits 2 on ${what}`, async () => {
      const io = captureIo();
      assert.equal(await main(argv(...args), io), 2);
      assert.match(io.err(), pattern);
      assert.equal(io.out(), '');
    });
  }
});
