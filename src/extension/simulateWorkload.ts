/**
 * "ExitLens: Simulate Workload": pick a built-in workload and a paging mode, run the simulator in the
 * parse worker (kbuild under shadow paging takes seconds of CPU), write `<workload>-<mode>.perf.txt` and
 * its `.syms.json` into `exitlens-sim/` of the workspace, copy the guest sources the symbol files point at
 * (`exitlens-sim/samples/*.c`, so annotations have lines to land on) unless they are there already, and
 * open the summary. The walkthrough's first step runs it; tests pass the choices as an argument.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { PagingMode } from '../core/model/trace';
import { BUILTIN_NAMES, BUILTIN_WORKLOADS } from '../core/sim/builtinWorkloads';
import { COMMANDS } from '../shared/ids';
import { summaryEditorViewType } from './editor/summaryEditor';
import { plural } from '../core/format';
import { startWorkerJob } from './editor/workerJob';
import { errorText, type Logger } from './log';

/** The workspace folder simulated traces go to. */
export const SIM_FOLDER = 'exitlens-sim';

/** Paging choices of the quick pick. */
export type PagingChoice = PagingMode | 'both';

/** Choices a caller may pass instead of answering quick picks. */
export interface SimulateArgs {
  readonly workload?: string;
  readonly paging?: PagingChoice;
  /** Workspace folder to write into (default: the only one, else ask). */
  readonly folder?: vscode.Uri;
  /** Open the summary of the first trace written (default true). */
  readonly open?: boolean;
}

/** What the command wrote; it resolves with this (undefined when the user backed out). */
export interface SimulateOutcome {
  readonly traces: vscode.Uri[];
  readonly symbols: vscode.Uri[];
  /** Guest sources copied now (empty when they were there already). */
  readonly sources: vscode.Uri[];
  /** Exits per written trace, in the order of `traces`. */
  readonly exits: number[];
}

/** What the command needs from the extension. */
export interface SimulateDeps {
  readonly extensionUri: vscode.Uri;
  /** dist/parseWorker.js */
  readonly workerScript: string;
  readonly log: Logger;
}

/** `forkwait` + `shadow` → `forkwait-shadow` (the CLI's naming for `--paging both`). */
export function simulatedStem(workload: string, mode: PagingMode): string {
  return `${workload}-${mode}`;
}

function isArgs(arg: unknown): arg is SimulateArgs {
  return typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) && !Array.isArray(arg);
}

async function pickWorkload(): Promise<string | undefined> {
  const items = BUILTIN_NAMES.map((name) => ({ label: name, detail: BUILTIN_WORKLOADS[name]?.description }));
  const picked = await vscode.window.showQuickPick(items, { title: 'ExitLens: Simulate Workload (1/2) — workload', placeHolder: 'Which workload should the simulated guest run?' });
  return picked?.label;
}

async function pickPaging(): Promise<PagingChoice | undefined> {
  const items: Array<vscode.QuickPickItem & { mode: PagingChoice }> = [
    { label: 'both', mode: 'both', detail: 'Shadow paging and EPT: two traces to compare' },
    { label: 'shadow', mode: 'shadow', detail: 'Shadow paging: guest page faults, CR3 loads and INVLPG exit to the hypervisor' },
    { label: 'ept', mode: 'ept', detail: 'EPT (two-dimensional paging): EPT violations on first touch, longer page walks' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'ExitLens: Simulate Workload (2/2) — paging', placeHolder: 'Which paging mode should the hypervisor use?' });
  return picked?.mode;
}

async function pickFolder(given: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  if (given) return given;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0].uri;
  if (folders.length > 1) return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where should the simulated traces go?' }))?.uri;
  void vscode.window.showErrorMessage('ExitLens: Simulate Workload writes its traces into the workspace: open a folder first.');
  return undefined;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Copies the extension's `samples/*.c` into `<dir>/samples/` when missing there: the symbol files name
 * `samples/…` relative to themselves. Returns what was copied.
 */
async function copySources(deps: SimulateDeps, dir: vscode.Uri): Promise<vscode.Uri[]> {
  const from = vscode.Uri.joinPath(deps.extensionUri, 'samples');
  let names: string[];
  try {
    names = (await vscode.workspace.fs.readDirectory(from)).filter(([n, t]) => t === vscode.FileType.File && n.endsWith('.c')).map(([n]) => n);
  } catch {
    deps.log.warn(`${from.toString(true)} is not part of this installation: annotations of simulated traces will find no guest sources`);
    return [];
  }
  const copied: vscode.Uri[] = [];
  for (const name of names.sort()) {
    const target = vscode.Uri.joinPath(dir, 'samples', name);
    if (await exists(target)) continue;
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(from, name), target, { overwrite: false });
    copied.push(target);
  }
  return copied;
}

/** The command. See the module comment. */
export async function simulateWorkload(deps: SimulateDeps, arg?: unknown): Promise<SimulateOutcome | undefined> {
  const args: SimulateArgs = isArgs(arg) ? arg : {};
  if (args.workload !== undefined && !BUILTIN_NAMES.includes(args.workload)) {
    void vscode.window.showErrorMessage(`ExitLens: unknown workload "${args.workload}" (built-in: ${BUILTIN_NAMES.join(', ')}).`);
    return undefined;
  }
  const workload = args.workload ?? (await pickWorkload());
  if (!workload) return undefined;
  const paging = args.paging ?? (await pickPaging());
  if (!paging) return undefined;
  const folder = await pickFolder(args.folder);
  if (!folder) return undefined;
  const dir = vscode.Uri.joinPath(folder, SIM_FOLDER);
  const modes: PagingMode[] = paging === 'both' ? ['shadow', 'ept'] : [paging];

  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `ExitLens: simulating ${workload}`, cancellable: true },
    async (progress, token): Promise<SimulateOutcome | undefined> => {
      const written: SimulateOutcome = { traces: [], symbols: [], sources: [], exits: [] };
      await vscode.workspace.fs.createDirectory(dir);
      for (const [i, mode] of modes.entries()) {
        if (token.isCancellationRequested) return undefined;
        progress.report({ message: `${mode} paging (${i + 1} of ${modes.length})`, increment: i === 0 ? 0 : 100 / modes.length });
        const stem = simulatedStem(workload, mode);
        const symsName = `${stem}.syms.json`;
        const job = startWorkerJob(deps.workerScript, { kind: 'simulate', workload, paging: mode, symbols: symsName });
        const cancel = token.onCancellationRequested(() => job.cancel());
        let done;
        try {
          done = await job.result;
        } catch (e) {
          if (token.isCancellationRequested) return undefined;
          throw e;
        } finally {
          cancel.dispose();
        }
        if (done.type !== 'simulated') throw new Error('the simulator thread answered with the wrong message');
        const trace = vscode.Uri.joinPath(dir, `${stem}.perf.txt`);
        const syms = vscode.Uri.joinPath(dir, symsName);
        await vscode.workspace.fs.writeFile(trace, done.trace);
        await vscode.workspace.fs.writeFile(syms, new TextEncoder().encode(done.symbols));
        written.traces.push(trace);
        written.symbols.push(syms);
        written.exits.push(done.exits);
        deps.log.info(`Simulated ${workload} under ${mode} paging: ${done.exits} exits → ${trace.toString(true)}`);
      }
      written.sources.push(...(await copySources(deps, dir)));
      return written;
    },
  );
  if (!outcome) {
    deps.log.info(`Simulation of ${workload} cancelled`);
    return undefined;
  }
  if (args.open !== false) await openSummary(outcome.traces[0]);
  announce(workload, outcome);
  return outcome;
}

async function openSummary(trace: vscode.Uri): Promise<void> {
  const viewType = summaryEditorViewType(trace);
  if (viewType) await vscode.commands.executeCommand('vscode.openWith', trace, viewType, vscode.ViewColumn.Beside);
  else await vscode.commands.executeCommand(COMMANDS.openTraceSummary, trace);
}

/** One notification with what was written and the natural next steps (not awaited). */
function announce(workload: string, outcome: SimulateOutcome): void {
  const files = outcome.traces.map((t, i) => `${vscode.workspace.asRelativePath(t, false)} (${plural(outcome.exits[i], 'exit')})`).join(' and ');
  const compare = 'Compare Builds';
  const annotate = 'Annotate Sources';
  const actions = outcome.traces.length > 1 ? [compare, annotate] : [annotate];
  void vscode.window.showInformationMessage(`Simulated ${workload}: wrote ${files}.`, ...actions).then(
    (choice) => {
      if (choice === compare) return vscode.commands.executeCommand(COMMANDS.compareBuilds, outcome.traces[0], outcome.traces);
      if (choice === annotate) return vscode.commands.executeCommand(COMMANDS.annotateSources, outcome.traces[0]);
      return undefined;
    },
    () => undefined,
  );
}

/** The registration line's handler: errors become one notification, never a stack trace. */
export function simulateWorkloadHandler(deps: SimulateDeps): (arg?: unknown) => Promise<SimulateOutcome | undefined> {
  return async (arg) => {
    try {
      return await simulateWorkload(deps, arg);
    } catch (e) {
      const message = `ExitLens: the simulation failed: ${errorText(e)}`;
      deps.log.error(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  };
}

/** For messages: `exitlens-sim/forkwait-shadow.perf.txt`. */
export function simulatedRelativePath(workload: string, mode: PagingMode): string {
  return path.posix.join(SIM_FOLDER, `${simulatedStem(workload, mode)}.perf.txt`);
}
