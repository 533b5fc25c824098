/**
 * The grammar's promise is visual: in the default themes a page-fault exit must not look like an HLT.
 * This resolves each category scope against the Dark+ and Light+ token rules (copied with provenance into
 * vscode-default-token-colors.json) the way a theme does — the rule whose selector is the longest
 * dot-prefix of the scope wins, a later rule wins a tie — and checks the table in syntaxes/README.md,
 * the scopes the grammar really emits, and that the six categories the issue names stay six colours.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..', '..');
const SUFFIX = '.exit-trace';
const themes = JSON.parse(fs.readFileSync(path.join(__dirname, 'vscode-default-token-colors.json'), 'utf8')).themes;

/**
 * Foreground a theme gives a token whose innermost scope is `scope` under `source.exit-trace`.
 * Descendant selectors (`source.css variable`) only count when their ancestors are on that path.
 */
function foreground(rules, scope) {
  const ancestors = ['source.exit-trace'];
  const prefixOf = (sel, s) => s === sel || s.startsWith(sel + '.');
  let best;
  let bestDepth = -1;
  for (const rule of rules) {
    for (const selector of [].concat(rule.scope)) {
      const parts = selector.trim().split(/\s+/);
      const leaf = parts.pop();
      if (!prefixOf(leaf, scope)) continue;
      if (!parts.every((p) => ancestors.some((a) => prefixOf(p, a)))) continue;
      const depth = leaf.split('.').length;
      if (depth >= bestDepth) {
        best = rule.foreground.toLowerCase();
        bestDepth = depth;
      }
    }
  }
  return best;
}

/** Rows of the category table in syntaxes/README.md: category -> { scope, dark, light }. */
function readmeTable() {
  const text = fs.readFileSync(path.join(root, 'syntaxes', 'README.md'), 'utf8');
  const rows = new Map();
  const row = /^\| (\w+) \| `([\w.-]+)` \| `(#[0-9a-fA-F]{6})` \| `(#[0-9a-fA-F]{6})` \|$/;
  for (const line of text.split(/\r?\n/)) {
    const m = row.exec(line);
    if (m) rows.set(m[1], { scope: m[2], dark: m[3].toLowerCase(), light: m[4].toLowerCase() });
  }
  return rows;
}

const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const CATEGORIES = pkg.contributes.configuration.properties['exitlens.annotations.categories'].items.enum;
const grammarText = fs.readFileSync(path.join(root, 'syntaxes', 'exit-trace.tmLanguage.json'), 'utf8');
const table = readmeTable();

describe('exit-reason category colours in Dark+ and Light+', () => {
  it('syntaxes/README.md has one row per ExitLens category and no other', () => {
    assert.deepEqual([...table.keys()].sort(), [...CATEGORIES].sort());
  });

  for (const category of CATEGORIES) {
    it(`${category}: the grammar emits the documented scope and the themes give the documented colours`, () => {
      const documented = table.get(category);
      assert.ok(documented, `no README row for ${category}`);
      const scope = documented.scope + SUFFIX;
      assert.ok(grammarText.includes(`"name": "${scope}"`), `the grammar never emits ${scope}`);
      assert.equal(foreground(themes['Dark+'], scope), documented.dark, `Dark+ colour of ${scope}`);
      assert.equal(foreground(themes['Light+'], scope), documented.light, `Light+ colour of ${scope}`);
    });
  }

  for (const theme of ['Dark+', 'Light+']) {
    it(`${theme}: page fault, CR3, INVLPG, MMIO, I/O and HLT are six different colours`, () => {
      const named = ['pagefault', 'cr3', 'invlpg', 'mmio', 'io', 'hlt'];
      const colours = named.map((c) => foreground(themes[theme], table.get(c).scope + SUFFIX));
      assert.equal(new Set(colours).size, named.length, `${theme}: ${named.map((c, i) => `${c}=${colours[i]}`).join(' ')}`);
    });

    it(`${theme}: a page-fault reason is not the colour of the field names, numbers or event names around it`, () => {
      const pf = foreground(themes[theme], table.get('pagefault').scope + SUFFIX);
      for (const neighbour of ['keyword.other.field', 'constant.numeric.hex.rip', 'constant.numeric.timestamp', 'entity.name.function.event']) {
        assert.notEqual(foreground(themes[theme], neighbour + SUFFIX), pf, neighbour);
      }
    });
  }
});
