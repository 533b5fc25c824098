/**
 * package.json and the code agree, in both directions: every id listed in src/shared/ids.ts is
 * contributed, and everything contributed is listed there (commands, view container, views, colours,
 * settings, language). A rename in one place without the other fails here, not in a user's editor.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { COLORS, COMMANDS, CONTEXT_KEYS, LANGUAGE_ID, PANELS, SETTINGS, VIEWS, VIEW_CONTAINER } from '../../src/shared/ids';

const ROOT = path.resolve(__dirname, '..', '..');

interface Manifest {
  name: string;
  displayName: string;
  publisher: string;
  main: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  activationEvents?: string[];
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category: string; icon?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; title: string; icon: string }> };
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsWelcome?: Array<{ view: string; contents: string }>;
    configuration: { title: string; properties: Record<string, { type: string; default: unknown; enum?: unknown[] }> };
    colors: Array<{ id: string; description: string; defaults: Record<string, string> }>;
    languages: Array<{ id: string; configuration?: string; extensions?: string[] }>;
    grammars: Array<{ language: string; scopeName: string; path: string }>;
  };
}

const pkg: Manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const sorted = (xs: Iterable<string>) => [...xs].sort();

describe('package.json ⇄ src/shared/ids.ts', () => {
  it('names the extension and its entry points', () => {
    assert.strictEqual(pkg.name, 'exitlens');
    assert.strictEqual(pkg.displayName, 'ExitLens — VM-exit analysis');
    assert.strictEqual(pkg.main, './dist/extension.js');
    assert.deepStrictEqual(pkg.bin, { exitlens: 'dist/cli.js' });
  });

  it('pins the VS Code API to what code-server 4.100.3 (VS Code 1.100.3) runs', () => {
    assert.strictEqual(pkg.engines.vscode, '^1.100.0');
    assert.strictEqual(pkg.devDependencies['@types/vscode'], '~1.100.0');
  });

  it('contributes exactly the command ids of COMMANDS, all in the ExitLens category with a title', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command);
    assert.strictEqual(new Set(contributed).size, contributed.length, 'a command is contributed twice');
    assert.deepStrictEqual(sorted(contributed), sorted(Object.values(COMMANDS)));
    for (const c of pkg.contributes.commands) {
      assert.strictEqual(c.category, 'ExitLens', c.command);
      assert.ok(c.title.trim().length > 0, c.command);
    }
    const titles = pkg.contributes.commands.map((c) => c.title);
    for (const required of ['Compare Builds', 'Open Trace Summary', 'Simulate Workload', 'Toggle Exit Annotations']) {
      assert.ok(titles.includes(required), `missing command "${required}"`);
    }
  });

  it('menus only reference contributed commands and views', () => {
    const commands = new Set<string>(Object.values(COMMANDS));
    const views = new Set<string>(Object.values(VIEWS));
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items) {
        assert.ok(commands.has(item.command), `${menu} references unknown command ${item.command}`);
        for (const m of (item.when ?? '').matchAll(/view == ([\w.]+)/g)) assert.ok(views.has(m[1]), `${menu} references unknown view ${m[1]}`);
      }
    }
  });

  it('welcome texts belong to contributed views and link only to contributed commands or settings', () => {
    const views = new Set<string>(Object.values(VIEWS));
    const commands = new Set<string>(Object.values(COMMANDS));
    const settings = new Set<string>(Object.values(SETTINGS));
    for (const w of pkg.contributes.viewsWelcome ?? []) {
      assert.ok(views.has(w.view), `viewsWelcome for unknown view ${w.view}`);
      for (const m of w.contents.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)) {
        if (m[1] === 'workbench.action.openSettings') {
          const [key] = JSON.parse(decodeURIComponent(m[2] ?? '[]')) as string[];
          assert.ok(settings.has(key), `${w.view} welcome opens unknown setting ${key}`);
        } else {
          assert.ok(commands.has(m[1]), `${w.view} welcome links unknown command ${m[1]}`);
        }
      }
    }
  });

  it('contributes one activity-bar container, VIEW_CONTAINER, with an SVG icon that exists', () => {
    const containers = pkg.contributes.viewsContainers.activitybar;
    assert.deepStrictEqual(containers.map((c) => c.id), [VIEW_CONTAINER]);
    const icon = path.join(ROOT, containers[0].icon);
    assert.ok(fs.existsSync(icon), `${containers[0].icon} is missing`);
    assert.match(fs.readFileSync(icon, 'utf8'), /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('contributes exactly the views of VIEWS, inside VIEW_CONTAINER', () => {
    assert.deepStrictEqual(Object.keys(pkg.contributes.views), [VIEW_CONTAINER]);
    assert.deepStrictEqual(sorted(pkg.contributes.views[VIEW_CONTAINER].map((v) => v.id)), sorted(Object.values(VIEWS)));
  });

  it('contributes exactly the theme colours of COLORS, each with defaults for every theme kind', () => {
    const ids = [...COLORS.heat, COLORS.ruler, COLORS.inline];
    assert.deepStrictEqual(sorted(pkg.contributes.colors.map((c) => c.id)), sorted(ids));
    for (const c of pkg.contributes.colors) {
      assert.deepStrictEqual(sorted(Object.keys(c.defaults)), ['dark', 'highContrast', 'highContrastLight', 'light'], c.id);
      for (const v of Object.values(c.defaults)) assert.match(v, /^#[0-9a-f]{6}([0-9a-f]{2})?$/i, c.id);
    }
  });

  it('contributes exactly the settings of SETTINGS, all under exitlens.*, each with a default of its type', () => {
    const props = pkg.contributes.configuration.properties;
    assert.deepStrictEqual(sorted(Object.keys(props)), sorted(Object.values(SETTINGS)));
    for (const [key, p] of Object.entries(props)) {
      assert.ok(key.startsWith('exitlens.'), key);
      const actual = Array.isArray(p.default) ? 'array' : typeof p.default;
      assert.strictEqual(actual, p.type === 'number' ? 'number' : p.type, `${key} default is ${actual}, declared ${p.type}`);
      if (p.enum) assert.ok(p.enum.includes(p.default), `${key} default is not one of its enum values`);
    }
  });

  it('contributes the exit-trace language and its grammar, with files that exist', () => {
    assert.deepStrictEqual(pkg.contributes.languages.map((l) => l.id), [LANGUAGE_ID]);
    assert.deepStrictEqual(pkg.contributes.grammars.map((g) => g.language), [LANGUAGE_ID]);
    for (const file of [pkg.contributes.grammars[0].path, pkg.contributes.languages[0].configuration ?? '']) {
      assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} is referenced by package.json but missing`);
    }
  });

  it('activates on demand only (no "*"); commands and views activate implicitly', () => {
    for (const event of pkg.activationEvents ?? []) assert.notStrictEqual(event, '*');
    assert.ok((pkg.activationEvents ?? []).includes(`onLanguage:${LANGUAGE_ID}`));
  });

  it('has the scripts the README and CI promise', () => {
    for (const s of ['build', 'typecheck', 'lint', 'compile-tests', 'test', 'test:unit', 'test:integration', 'test:e2e', 'test:electron', 'package', 'demo']) {
      assert.ok(pkg.scripts[s], `npm run ${s} is missing`);
    }
    assert.strictEqual(pkg.scripts.test, 'node scripts/run-tests.js');
  });
});

describe('ids are typed in one module', () => {
  const idLiteral = /['"`](exitlens\.(?:[a-z][A-Za-z0-9]*)(?:\.[a-z][A-Za-z0-9]*)*)['"`]/g;
  const known = new Set<string>([
    ...Object.values(COMMANDS),
    ...Object.values(VIEWS),
    ...Object.values(PANELS),
    ...Object.values(SETTINGS),
    ...Object.values(CONTEXT_KEYS),
    ...COLORS.heat,
    COLORS.ruler,
    COLORS.inline,
  ]);

  function tsFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
    });
  }

  it('the extension and webview code spell no contributed id as a string literal (they import ids.ts)', () => {
    const offenders: string[] = [];
    for (const file of [...tsFiles(path.join(ROOT, 'src', 'extension')), ...tsFiles(path.join(ROOT, 'src', 'webview'))]) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(idLiteral)) if (known.has(m[1])) offenders.push(`${path.relative(ROOT, file)}: ${m[1]}`);
    }
    assert.deepStrictEqual(offenders, []);
  });

  it('the extension registers a handler for every command id (the table is keyed by COMMANDS)', () => {
    const source = fs.readFileSync(path.join(ROOT, 'src', 'extension', 'extension.ts'), 'utf8');
    const keys = [...source.matchAll(/\[COMMANDS\.(\w+)\]\s*:/g)].map((m) => m[1]);
    assert.deepStrictEqual(sorted(keys), sorted(Object.keys(COMMANDS)));
  });
});
