/**
 * Resolver over an ExitLens `.syms.json`: RIP → exact `file:line` plus `symbol+offset`. Paths in the
 * file are relative to its folder; the SourceLocator maps them onto the workspace.
 */
import { CancelledError, type CancellationSignal } from '../io/byteSource';
import { addressOffset, formatAddress, parseAddress } from './address';
import { missedPathsMessage, SourceLocator } from './pathMapper';
import { dirnamePath } from './pathUtil';
import type { AddressOptions } from './symbolMapResolver';
import { unresolved, type ResolveResult, type SymbolMessage, type SymbolResolution, type SymbolResolver } from './symbolModel';
import type { SymsFile } from './symsFileParser';

/** Options for a `.syms.json` resolver. */
export interface SymsResolverOptions extends AddressOptions {
  /** The symbol file's path as the user named it (absolute or workspace-relative): its folder anchors `file`. */
  readonly symsPath: string;
  readonly locator?: SourceLocator;
}

/** Wraps a parsed symbol file. */
export function createSymsFileResolver(syms: SymsFile, options: SymsResolverOptions): SymbolResolver {
  const locator = options.locator ?? new SourceLocator();
  const baseDir = dirnamePath(options.symsPath);
  const bias = options.addressBias ?? 0n;
  // Each distinct (file) string is located once, however many line ranges name it.
  const located = new Map<string, string>();
  const locate = (file: string): string => {
    let p = located.get(file);
    if (p === undefined) located.set(file, (p = locator.locate(file, baseDir)));
    return p;
  };

  return {
    description: options.symsPath,
    async resolve(rips: Iterable<string>, signal?: CancellationSignal): Promise<ResolveResult> {
      const resolutions = new Map<string, SymbolResolution>();
      let n = 0;
      for (const text of rips) {
        if ((++n & 0xfff) === 0 && signal?.cancelled) throw new CancelledError();
        const addr = parseAddress(text);
        if (addr === undefined) {
          resolutions.set(text, unresolved(text));
          continue;
        }
        const rip = formatAddress(addr);
        if (resolutions.has(rip)) continue;
        const a = addr - bias;
        const fn = syms.symbols.find(a);
        const ln = syms.lines.find(a);
        const base = fn ? { symbol: fn.value, offset: addressOffset(a, fn.start) } : {};
        if (ln) {
          resolutions.set(rip, { rip, precision: 'line', ...base, file: locate(ln.value.file), line: ln.value.line, recordedFile: ln.value.file });
        } else if (fn) {
          resolutions.set(rip, { rip, precision: 'symbol', ...base });
        } else {
          resolutions.set(rip, unresolved(rip));
        }
      }
      const messages: SymbolMessage[] = [...syms.messages];
      const missed = missedPathsMessage(locator.takeMissed(), options.symsPath);
      if (missed) messages.push(missed);
      return { resolutions, messages };
    },
    dispose() {},
  };
}
