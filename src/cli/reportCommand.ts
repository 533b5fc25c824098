/**
 * `exitlens report A B [C…] -o out.html`: the comparison of `exitlens compare` as one self-contained
 * HTML file with the panel's charts and tables — for CI artefacts and readers without VS Code. The
 * page is the compare webview's own bundle (dist/webview/compare.js + .css) inlined, so the report
 * and the panel cannot drift apart. Exit codes: 0 written, 1 a trace or the bundle cannot be read or
 * the file cannot be written, 2 usage errors.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { compareSummaries, MAX_TRACES, MIN_TRACES } from '../core/compare/index';
import { buildComparePayload } from '../core/compare/payload';
import { buildHtmlReport, type ReportAssets } from '../core/report/htmlReport';
import { describeFsError, type CliIo } from './io';
import { loadSummaries } from './compareCommand';
import { addSymbolOptions, type SymbolFlags } from './symbolizeCli';
import type { CommandResult } from './summaryCommand';

interface ReportFlags extends SymbolFlags {
  readonly out: string;
  readonly label?: string[];
  readonly title?: string;
  readonly assets?: string;
}

const EXAMPLES = `
The report holds aggregates only (no raw events), needs no network and runs no remote code: the
page's script and style are inlined under a strict Content-Security-Policy.

Examples:
  $ exitlens simulate --workload forkwait --paging both --out fw.perf.txt
  $ exitlens report fw-shadow.perf.txt fw-ept.perf.txt -o fw-report.html
  $ exitlens report --label before --label after old.perf.txt new.perf.txt -o ci/exits.html`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Folders searched for the compare page bundle: next to the bundled CLI (dist/webview), or dist/webview of a checkout. */
export function assetFolders(explicit?: string): string[] {
  if (explicit) return [explicit];
  return [path.join(__dirname, 'webview'), path.resolve(__dirname, '..', '..', 'dist', 'webview')];
}

/** Reads compare.js and compare.css from the first folder that has both; a message naming the folders otherwise. */
export function readReportAssets(folders: readonly string[]): ReportAssets | string {
  for (const dir of folders) {
    const js = path.join(dir, 'compare.js');
    const css = path.join(dir, 'compare.css');
    if (fs.existsSync(js) && fs.existsSync(css)) {
      try {
        return { script: fs.readFileSync(js, 'utf8'), style: fs.readFileSync(css, 'utf8') };
      } catch (e) {
        return `cannot read the compare page bundle in '${dir}': ${describeFsError(e)}`;
      }
    }
  }
  return `cannot find the compare page bundle (compare.js and compare.css) in ${folders.map((f) => `'${f}'`).join(' or ')}: build it with \`npm run build\`, or pass --assets DIR`;
}

/** Registers `report` on the program. */
export function registerReport(program: Command, io: CliIo, result: CommandResult): void {
  const command = program
    .command('report')
    .description(`Write a self-contained HTML report comparing ${MIN_TRACES}–${MAX_TRACES} traces (the Compare Builds charts and tables).`)
    .argument('<TRACES...>', 'trace files; the first is the baseline')
    .requiredOption('-o, --out <FILE>', 'HTML file to write')
    .option('--label <LABEL>', 'label of the next trace, in order (repeat for each trace)', collect)
    .option('--title <TEXT>', 'document title (default: the trace labels)')
    .option('--assets <DIR>', 'folder holding compare.js and compare.css (default: the bundle next to the CLI)');
  addSymbolOptions(command)
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], flags: ReportFlags) => {
      result.exitCode = await runReport(files, flags, io);
    });
}

/** The command body, callable from tests. */
export async function runReport(files: readonly string[], flags: ReportFlags, io: CliIo): Promise<number> {
  if (files.length < MIN_TRACES || files.length > MAX_TRACES) {
    io.stderr.write(`exitlens: report needs ${MIN_TRACES} to ${MAX_TRACES} traces, got ${files.length}\n`);
    return 2;
  }
  const labels = flags.label ?? [];
  if (labels.length > files.length) {
    io.stderr.write(`exitlens: ${labels.length} labels given for ${files.length} traces\n`);
    return 2;
  }
  const assets = readReportAssets(assetFolders(flags.assets));
  if (typeof assets === 'string') {
    io.stderr.write(`exitlens: ${assets}\n`);
    return 1;
  }
  const loaded = await loadSummaries(files, flags, io);
  if (typeof loaded === 'string') {
    io.stderr.write(`exitlens: ${loaded}\n`);
    return 1;
  }
  const comparison = compareSummaries(loaded.map((summary, i) => ({ summary, ...(labels[i] ? { label: labels[i] } : {}) })));
  const payload = buildComparePayload(loaded, comparison, { generatedAt: new Date().toISOString() });
  const html = buildHtmlReport(payload, assets, { nonce: randomBytes(16).toString('base64'), ...(flags.title ? { title: flags.title } : {}) });
  try {
    await fs.promises.writeFile(flags.out, html);
  } catch (e) {
    io.stderr.write(`exitlens: cannot write '${flags.out}': ${describeFsError(e)}\n`);
    return 1;
  }
  io.stdout.write(`wrote ${flags.out} (${Math.ceil(Buffer.byteLength(html) / 1024)} KiB): ${payload.title}\n`);
  return 0;
}
