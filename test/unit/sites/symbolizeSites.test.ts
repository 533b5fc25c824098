/**
 * symbolizeSites (what `exitlens summary --symbols/--elf` calls) and the whole path from a summary to
 * the editor's index: a SYNTHETIC summary whose RIPs are real addresses of guestSites.c built with
 * gcc -g -O0, resolved by the real llvm-symbolizer.
 */
import { strict as assert } from 'assert';
import { buildSiteIndex } from '../../../src/core/sites/siteIndex';
import { applyResolution, symbolizeSites, symbolizeSummary } from '../../../src/core/sites/symbolizeSites';
import { createDwarfResolver } from '../../../src/core/symbols/dwarfResolver';
import { createNodeToolRunner } from '../../../src/core/symbols/nodeToolRunner';
import { PathMapper, SourceLocator } from '../../../src/core/symbols/pathMapper';
import { parseSymsFile } from '../../../src/core/symbols/symsFileParser';
import { createSymsFileResolver } from '../../../src/core/symbols/symsFileResolver';
import { buildGuestElf, GUEST_SOURCE_REL, hexOf, REPO_ROOT } from '../symbols/guestElf';
import { site, summaryWith } from './summaryFixture';

const SYMS = JSON.stringify({
  exitlens: 'symbols', version: 1,
  symbols: [{ name: 'ptemod_loop', addr: '0x401000', size: 0x40 }],
  lines: [{ addr: '0x401000', size: 8, file: 'samples/workloads.c', line: 88 }],
});

describe('sites/symbolizeSites', () => {
  it('fills symbol, offset, file and line where known, keeping order and counts', async () => {
    const resolver = createSymsFileResolver(parseSymsFile(SYMS, 't.syms.json'), { symsPath: 't.syms.json' });
    const summary = summaryWith({
      exits: 60, overheadNs: 6_000, hltNs: 0,
      sites: [
        site('0x401004', 30, 3_000, 'pagefault', 'EXCEPTION_NMI', [0]),
        site('0x401020', 20, 2_000, 'invlpg', 'INVLPG', [0]),
        { ...site('0x7000', 10, 1_000, 'io', 'IO_INSTRUCTION', [1]), symbol: 'stale', offset: 1, file: 'old.c', line: 2 },
      ],
    });
    const out = await symbolizeSites(summary, resolver);
    assert.deepEqual(out.sites, [
      { ...summary.sites[0], symbol: 'ptemod_loop', offset: 4, file: 'samples/workloads.c', line: 88 },
      { ...summary.sites[1], symbol: 'ptemod_loop', offset: 0x20 },
      site('0x7000', 10, 1_000, 'io', 'IO_INSTRUCTION', [1]), // stale location dropped: this source does not know 0x7000
    ]);
    assert.deepEqual(out.messages, []);
    assert.equal(out.resolutions.size, 3);

    const whole = await symbolizeSummary(summary, resolver);
    assert.deepEqual(whole.summary.sites, out.sites);
    assert.equal(whole.summary.exits, 60);
  });

  it('applyResolution without an answer strips location fields', () => {
    const s = { ...site('0x1', 1, 0, 'hlt', 'HLT', [0]), symbol: 'x', offset: 0, file: 'a.c', line: 1 };
    assert.deepEqual(applyResolution(s, undefined), site('0x1', 1, 0, 'hlt', 'HLT', [0]));
  });

  it('end to end: real ELF → llvm-symbolizer → site index lines in the workspace file', async function () {
    this.timeout(60_000);
    const g = buildGuestElf();
    const resolver = createDwarfResolver({
      objectPath: g.elf,
      runner: createNodeToolRunner(),
      tools: ['llvm-symbolizer'],
      locator: new SourceLocator({ mapper: new PathMapper([GUEST_SOURCE_REL], REPO_ROOT), workspaceRoot: REPO_ROOT }),
    });
    try {
      const summary = summaryWith({
        exits: 100, overheadNs: 10_000, hltNs: 0,
        sites: [
          site(hexOf(g.insn.cpuid), 70, 7_000, 'cpuid', 'CPUID', [0]),
          site(hexOf(g.insn.outb), 25, 2_500, 'io', 'IO_INSTRUCTION', [0]),
          site('0x0', 5, 500, 'other', 'EXTERNAL_INTERRUPT', [1]),
        ],
      });
      const { summary: symbolized, resolutions } = await symbolizeSummary(summary, resolver);
      const index = buildSiteIndex({ summary: symbolized, resolutions });
      assert.equal(index.line(GUEST_SOURCE_REL, g.lines.cpuid)!.exits, 70);
      assert.equal(index.line(GUEST_SOURCE_REL, g.lines.cpuid)!.share, 0.7);
      assert.equal(index.line(GUEST_SOURCE_REL, g.lines.cpuid)!.symbol, 'guest_cpuid');
      assert.equal(index.line(GUEST_SOURCE_REL, g.lines.outb_inlined)!.exits, 25);
      assert.equal(index.line(GUEST_SOURCE_REL, g.lines.outb_inlined)!.symbol, 'guest_udelay');
      assert.deepEqual(Object.keys(index.files), [GUEST_SOURCE_REL]);
      assert.deepEqual(index.unresolved.map((u) => [u.key, u.exits]), [['0x0', 5]]);
    } finally {
      resolver.dispose();
      g.remove();
    }
  });
});
