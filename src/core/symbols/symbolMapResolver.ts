/**
 * Resolver over a System.map / kallsyms / nm listing: `symbol+offset` only, by binary search over the
 * sorted symbol starts. Pure and synchronous underneath; async only to fit the SymbolResolver contract.
 */
import { CancelledError, type CancellationSignal } from '../io/byteSource';
import { addressOffset, formatAddress, parseAddress } from './address';
import type { SymbolMap } from './symbolMapParser';
import { unresolved, type ResolveResult, type SymbolResolution, type SymbolResolver } from './symbolModel';

/** Options shared by every resolver that maps runtime RIPs onto a file's addresses. */
export interface AddressOptions {
  /**
   * Subtracted from every RIP before the lookup: the KASLR slide of a guest kernel, or the load base of
   * a PIE guest binary. Offsets and results are unaffected because they are relative to the symbol.
   */
  readonly addressBias?: bigint;
}

/** Wraps a parsed listing. `description` names the file for messages. */
export function createSymbolMapResolver(map: SymbolMap, description: string, options: AddressOptions = {}): SymbolResolver {
  const bias = options.addressBias ?? 0n;
  return {
    description,
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
        resolutions.set(rip, lookupMapSymbol(map, addr - bias, rip));
      }
      return { resolutions, messages: map.messages };
    },
    dispose() {},
  };
}

/** One lookup: the containing code symbol and the offset into it, or `none` (before all symbols, or in data). */
export function lookupMapSymbol(map: SymbolMap, addr: bigint, rip: string): SymbolResolution {
  const hit = map.table.find(addr);
  if (!hit || !hit.value.code) return unresolved(rip);
  return { rip, precision: 'symbol', symbol: hit.value.name, offset: addressOffset(addr, hit.start) };
}
