/**
 * Compare Builds inside the real extension host (issue 6):
 * - forkwait simulated here under shadow paging and EPT (perf-script text + .syms.json, as
 *   `exitlens simulate --paging both` writes them): the command compares them in a webview panel, and
 *   the numbers the page reports having drawn equal `summarize` of each file; cr3, pagefault and
 *   invlpg are large under shadow and 0 under EPT, ept the reverse; sites are matched by source line;
 *   the shadow trace gets an EPT what-if built from its own numbers;
 * - two real captures with no exit reason in common compare without error, by category;
 * - a file with no exit is refused with a message naming it, and no panel keeps a stale comparison;
 * - every trace is read at once and one cancel (the notification's button, or closing the panel)
 *   stops every job (with a stand-in summary service, so the test controls time).
 */
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ComparePayload } from '../../src/core/compare/payload';
import { CancelledError } from '../../src/core/io/byteSource';
import type { TraceSummary } from '../../src/core/model/summary';
import { BUILTIN_WORKLOADS, simulateTrace, symbolFileFor } from '../../src/core/sim/index';
import { StringOut } from '../../src/core/writers/traceHeader';
import type { CompareRenderedEvent } from '../../src/extension/compare/index';
import { startCompare } from '../../src/extension/compare/compareRun';
import type { SymbolizedSummaries } from '../../src/extension/symbolizedSummaries';
import type { ExitLensApi } from '../../src/extension/extension';
import { COMMANDS, PANELS } from '../../src/shared/ids';
import { api, closeAll, trace, waitFor, webviewTabs, workspaceRoot } from './helpers';

const DIR = 'compare-sim';
const DIRTY_RING = 'trace-cmd-report-kvm.kvm-list-2019-12-03-dirty-ring.txt'; // 7 EPT_VIOLATION
const CHINAUNIX = 'ftrace-kvm-2.6.3x-lowercase-reasons.chinaunix-2013.txt'; // APIC_ACCESS + IO_INSTRUCTION

const wsUri = (rel: string) => vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));

/** Writes `<DIR>/fw-<mode>.perf.txt` and its symbol file, as the CLI's simulate does. */
async function simulateInto(paging: 'shadow' | 'ept'): Promise<vscode.Uri> {
  const workload = BUILTIN_WORKLOADS.forkwait;
  const out = new StringOut();
  simulateTrace({ workload, paging, cpu: 'skylake', pages: '4k', seed: 1 }, 'perf-script', out, `fw-${paging}.syms.json`);
  const enc = new TextEncoder();
  await vscode.workspace.fs.writeFile(wsUri(`${DIR}/fw-${paging}.syms.json`), enc.encode(symbolFileFor(workload)));
  const uri = wsUri(`${DIR}/fw-${paging}.perf.txt`);
  await vscode.workspace.fs.writeFile(uri, enc.encode(out.toString()));
  return uri;
}

/** The next render report of a compare page whose first trace is `first`. */
function nextCompareRender(exitlens: ExitLensApi, first: vscode.Uri, timeoutMs = 60_000): Promise<CompareRenderedEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the compare page for ${first.path} did not report a drawing within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = exitlens.onDidRenderCompare((e) => {
      if (e.uris[0]?.toString() !== first.toString()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

function compareTabs(n: number): Promise<vscode.Tab[]> {
  return waitFor(`${n} compare tab(s)`, () => {
    const tabs = webviewTabs(PANELS.compare);
    return tabs.length === n ? tabs : undefined;
  });
}

describe('Compare Builds (real extension host)', function () {
  this.timeout(180_000);
  let shadowUri: vscode.Uri;
  let eptUri: vscode.Uri;

  before(async () => {
    await api();
    shadowUri = await simulateInto('shadow');
    eptUri = await simulateInto('ept');
  });

  beforeEach(closeAll);
  after(async () => {
    await closeAll();
    await vscode.workspace.fs.delete(wsUri(DIR), { recursive: true });
  });

  it('compares shadow paging with EPT: the page draws exactly the numbers of summarize() of each file', async () => {
    const exitlens = await api();
    const rendered = nextCompareRender(exitlens, shadowUri);
    // The Explorer passes (clicked uri, all selected uris).
    const payload = (await vscode.commands.executeCommand(COMMANDS.compareBuilds, eptUri, [shadowUri, eptUri])) as ComparePayload | undefined;
    assert.ok(payload, 'the command returned no comparison (see the ExitLens output channel)');
    const [tab] = await compareTabs(1);
    // The tab is named after the traces' labels once compared (file names while reading).
    await waitFor('the tab title from the labels', () => webviewTabs(PANELS.compare)[0]?.label === 'Compare: forkwait · shadow vs forkwait · ept' || undefined);
    assert.ok(tab);

    const shadow: TraceSummary = await exitlens.summarize(shadowUri);
    const ept: TraceSummary = await exitlens.summarize(eptUri);
    const c = payload.comparison;
    assert.deepStrictEqual(c.traces.map((t) => [t.label, t.paging, t.simulated]), [
      ['forkwait · shadow', 'shadow', true],
      ['forkwait · ept', 'ept', true],
    ]);
    for (const cat of ['pagefault', 'cr3', 'invlpg', 'ept', 'interrupt', 'msr'] as const) {
      assert.deepStrictEqual(c.categories[cat].values, [shadow.byCategory[cat], ept.byCategory[cat]], cat);
      assert.deepStrictEqual(c.categories[cat].timeNs.values, [shadow.timeByCategory[cat], ept.timeByCategory[cat]], `${cat} host time`);
    }
    // Shadow paging's own exits are large under shadow and gone under EPT; EPT violations the reverse.
    for (const cat of ['pagefault', 'cr3', 'invlpg'] as const) {
      assert.ok(shadow.byCategory[cat] >= 100, `${cat} under shadow: ${shadow.byCategory[cat]}`);
      assert.strictEqual(ept.byCategory[cat], 0, `${cat} under EPT`);
    }
    assert.strictEqual(shadow.byCategory.ept, 0);
    assert.ok(ept.byCategory.ept > 0 && ept.byCategory.ept < 100, `a fresh VM's first touches: ${ept.byCategory.ept}`);

    // What the page says it drew: every active category, both traces, the same numbers.
    const drawn = await rendered;
    assert.deepStrictEqual(drawn.charts, ['categories', 'delta', 'timeline', 'histogram']);
    for (const [cat, values] of Object.entries(drawn.categoryExits)) {
      assert.deepStrictEqual(values, [shadow.byCategory[cat as keyof TraceSummary['byCategory']], ept.byCategory[cat as keyof TraceSummary['byCategory']]], cat);
    }
    assert.deepStrictEqual(Object.keys(drawn.categoryExits).sort(), ['cr3', 'ept', 'interrupt', 'invlpg', 'msr', 'pagefault']);
    assert.deepStrictEqual(drawn.categoryTimeNs.pagefault, [shadow.timeByCategory.pagefault, 0]);
    assert.ok(drawn.siteRows > 0);

    // Sites matched across the two runs by file:line from the .syms.json files the headers name.
    // (The path is workspace-relative when a samples/workloads.c is in the workspace, else as recorded.)
    const line35 = c.sites.find((s) => s.file?.endsWith('samples/workloads.c') === true && s.line === 35);
    assert.ok(line35, `no samples/workloads.c:35 site in ${c.sites.map((s) => s.key).join(', ')}`);
    assert.strictEqual(line35.values[0], shadow.sites.filter((s) => s.rip === '0x401230').reduce((n, s) => n + s.exits, 0));

    // The what-if of the shadow trace removes exactly its pagefault + cr3 + invlpg exits and host time.
    assert.strictEqual(c.whatIf?.length, 1);
    const w = c.whatIf[0];
    assert.strictEqual(w.trace, 0);
    assert.strictEqual(w.removed.exits, shadow.byCategory.pagefault + shadow.byCategory.cr3 + shadow.byCategory.invlpg);
    assert.strictEqual(w.removed.hostNs, shadow.timeByCategory.pagefault + shadow.timeByCategory.cr3 + shadow.timeByCategory.invlpg);
    assert.strictEqual(w.inputs.cpu, 'skylake');
    assert.ok(w.assumptions.length >= 4);
    // Aggregates only: the series are bounded timelines and histograms, never raw events.
    assert.ok(payload.series.every((s) => (s.timeline?.counts.length ?? 0) <= 2000));
  });

  it('reveals the same comparison\'s panel instead of opening a second one', async () => {
    await vscode.commands.executeCommand(COMMANDS.compareBuilds, shadowUri, [shadowUri, eptUri]);
    await compareTabs(1);
    const exitlens = await api();
    const rendered = nextCompareRender(exitlens, shadowUri);
    await vscode.commands.executeCommand(COMMANDS.compareBuilds, shadowUri, [shadowUri, eptUri]);
    await rendered;
    assert.strictEqual(webviewTabs(PANELS.compare).length, 1);
  });

  it('compares two real captures with no exit reason in common, by category', async () => {
    const exitlens = await api();
    const a = trace(CHINAUNIX);
    const b = trace(DIRTY_RING);
    const rendered = nextCompareRender(exitlens, a);
    const payload = (await vscode.commands.executeCommand(COMMANDS.compareBuilds, a, [a, b])) as ComparePayload | undefined;
    assert.ok(payload);
    const c = payload.comparison;
    // apic_access → mmio (4 µs), io_instruction → io (5 µs); seven EPT_VIOLATION exits (120,892 µs).
    assert.deepStrictEqual(c.categories.mmio.values, [1, 0]);
    assert.deepStrictEqual(c.categories.io.values, [1, 0]);
    assert.deepStrictEqual(c.categories.ept.values, [0, 7]);
    assert.deepStrictEqual(c.categories.ept.timeNs.values, [0, 120_892_000]);
    assert.deepStrictEqual(c.reasons.EPT_VIOLATION.values, [0, 7]);
    assert.ok(c.notes.some((n) => /no exit reason in common/.test(n)));
    assert.strictEqual(c.whatIf, undefined, 'neither capture names shadow paging');
    const drawn = await rendered;
    assert.deepStrictEqual(drawn.categoryExits, { mmio: [1, 0], ept: [0, 7], io: [1, 0] });
    assert.deepStrictEqual(drawn.charts, ['categories', 'delta', 'timeline', 'histogram']);
  });

  it('refuses a file with no exit with a message naming it, and resolves undefined', async () => {
    const prose = wsUri(`${DIR}/notes.txt`);
    await vscode.workspace.fs.writeFile(prose, new TextEncoder().encode('# synthetic: prose, not a trace\nMeeting notes.\n'));
    const result = await vscode.commands.executeCommand(COMMANDS.compareBuilds, prose, [trace(DIRTY_RING), prose]);
    assert.strictEqual(result, undefined);
    await compareTabs(1); // the panel shows the error (the e2e tier reads pages)
  });

  it('runs every trace at once under one cancellable progress, and one cancel stops them all', async () => {
    // A stand-in summary service whose jobs run until cancelled, so the test controls time.
    const started: string[] = [];
    const cancelled: string[] = [];
    const progressSeen: number[] = [];
    const service = {
      start(uri: vscode.Uri, options: { onProgress?: (read: number, total: number | undefined) => void }) {
        started.push(uri.path);
        let reject!: (e: unknown) => void;
        const result = new Promise<never>((_, r) => (reject = r));
        setTimeout(() => options.onProgress?.(512, 1024), 10);
        return {
          uri,
          result,
          cancel: () => {
            if (!cancelled.includes(uri.path)) cancelled.push(uri.path);
            reject(new CancelledError());
          },
        };
      },
    } as unknown as SymbolizedSummaries;
    const log = vscode.window.createOutputChannel('ExitLens compare test', { log: true });
    try {
      const run = startCompare({ uris: [shadowUri, eptUri], labels: [undefined, undefined] }, { summaries: service, log }, (traces) => progressSeen.push(traces.filter((t) => t.bytesRead === 512).length));
      await waitFor('both traces reading in parallel', () => (started.length === 2 && progressSeen.some((n) => n === 2)) || undefined);
      run.cancel();
      const outcome = await run.outcome;
      assert.deepStrictEqual(outcome, { ok: false, cancelled: true, message: 'Comparison cancelled.' });
      assert.deepStrictEqual(cancelled.sort(), [eptUri.path, shadowUri.path].sort());
    } finally {
      log.dispose();
    }
  });

  it('says 2 to 8 when given more than eight traces, and opens nothing', async () => {
    const many = Array.from({ length: 9 }, () => trace(DIRTY_RING)).map((u, i) => u.with({ query: `n=${i}` }));
    assert.strictEqual(await vscode.commands.executeCommand(COMMANDS.compareBuilds, many[0], many), undefined);
    assert.strictEqual(webviewTabs(PANELS.compare).length, 0);
  });
});
