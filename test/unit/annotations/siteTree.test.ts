/** The Hot Exit Sites tree for the SYNTHETIC index of fixture.ts: categories, sites, order, grouping. */
import { strict as assert } from 'assert';
import { categoryFilter } from '../../../src/extension/annotations/decorationModel';
import { categoryMix, siteTree } from '../../../src/extension/annotations/siteTree';
import { buildSiteIndex } from '../../../src/core/sites/siteIndex';
import type { SymbolResolution } from '../../../src/core/symbols/symbolModel';
import { site, summaryWith } from '../sites/summaryFixture';
import { currentIndex } from './fixture';

describe('annotations: hot-sites tree model', () => {
  it('lists categories by exits with their lines and unresolved addresses; HLT is filtered out', () => {
    const tree = siteTree(currentIndex(), { categories: categoryFilter([]), metric: 'exits' });
    // pagefault: a.c:35 4801 + clear_page+0x10 50 = 4851; invlpg: a.c:37 1600 + clear_page+0x30 30 = 1630;
    // cr3: 800; mmio: 100; other: 5 (0xdead).
    assert.deepEqual(tree.map((c) => [c.category, c.exits]), [['pagefault', 4851], ['invlpg', 1630], ['cr3', 800], ['mmio', 100], ['other', 5]]);
    const pf = tree[0];
    assert.deepEqual(pf.children, [
      { kind: 'line', file: 'src/a.c', line: 35, symbol: 'forkwait', exits: 4801, hostNs: 2_400_500, mix: 'pagefault 4,801', rips: ['0x401230', '0x401234'] },
      // One clear_page address in this category: shown alone, not as a group.
      { kind: 'address', rip: '0xffffffff81000110', symbol: 'clear_page', offset: 0x10, exits: 50, hostNs: 25_000, mix: 'pagefault 50' },
    ]);
    // a.c:37's time 4 800 000 ns apportioned: invlpg 1600/2400 → 3 200 000 ns.
    assert.deepEqual(tree[1].children.map((n) => [n.kind, n.exits, n.hostNs]), [['line', 1600, 3_200_000], ['address', 30, 15_000]]);
    assert.deepEqual(tree[4].children, [{ kind: 'address', rip: '0xdead', exits: 5, hostNs: 1_000, mix: 'other 5' }]);
  });

  it('groups several addresses of one symbol under it', () => {
    // SYNTHETIC: two #PF addresses in clear_page, no line information.
    const summary = summaryWith({
      exits: 80,
      overheadNs: 40_000,
      hltNs: 0,
      sites: [site('0xffffffff81000110', 50, 25_000, 'pagefault', 'EXCEPTION_NMI', [0]), site('0xffffffff81000130', 30, 15_000, 'pagefault', 'EXCEPTION_NMI', [1])],
    });
    const resolutions = new Map<string, SymbolResolution>([
      ['0xffffffff81000110', { rip: '0xffffffff81000110', precision: 'symbol', symbol: 'clear_page', offset: 0x10 }],
      ['0xffffffff81000130', { rip: '0xffffffff81000130', precision: 'symbol', symbol: 'clear_page', offset: 0x30 }],
    ]);
    const tree = siteTree(buildSiteIndex({ summary, resolutions }), { categories: categoryFilter([]), metric: 'exits' });
    assert.equal(tree.length, 1);
    const group = tree[0].children[0];
    assert.ok(group.kind === 'symbol');
    assert.equal(group.symbol, 'clear_page');
    assert.equal(group.exits, 80);
    assert.deepEqual(group.children.map((a) => [a.rip, a.offset, a.exits]), [['0xffffffff81000110', 0x10, 50], ['0xffffffff81000130', 0x30, 30]]);
  });

  it('sorts by apportioned host time for the time metric, and keeps maxSites per category', () => {
    const tree = siteTree(currentIndex(), { categories: categoryFilter([]), metric: 'hostTime', maxSites: 1 });
    // Apportioned ns: invlpg 3 200 000 + 15 000; pagefault 2 400 500 + 25 000; cr3 1 600 000; mmio 300 000; other 1 000.
    assert.deepEqual(tree.map((c) => [c.category, Math.round(c.hostNs)]), [['invlpg', 3_215_000], ['pagefault', 2_425_500], ['cr3', 1_600_000], ['mmio', 300_000], ['other', 1_000]]);
    // maxSites 1 keeps the costliest site and counts the rest.
    assert.deepEqual(tree.map((c) => [c.children.length, c.omitted]), [[1, 1], [1, 1], [1, 0], [1, 0], [1, 0]]);
  });

  it('writes the category mix the old flat view wrote', () => {
    assert.equal(categoryMix({ cr3: 3, pagefault: 12 }), 'pagefault 12, cr3 3');
    assert.equal(categoryMix({ mmio: 1 }), 'mmio 1');
  });
});
