/**
 * Symbolisation: guest RIP → symbol+offset → file:line, from an ExitLens `.syms.json`, an ELF with
 * DWARF (llvm-symbolizer / addr2line through an injected ToolRunner) or a System.map/kallsyms/nm
 * listing. Import from here; `nodeToolRunner` and `nodeSymbolFileReader` are the Node adapters.
 */
export type { InlineFrame, ResolutionPrecision, ResolveResult, SymbolMessage, SymbolResolution, SymbolResolver } from './symbolModel';
export { formatSymbolOffset, unresolved } from './symbolModel';
export { canonicalRip, formatAddress, parseAddress } from './address';
export { RangeTable } from './rangeTable';
export type { RangeEntry, RangeHit } from './rangeTable';
export { parseSymbolMap } from './symbolMapParser';
export type { MapSymbol, SymbolMap } from './symbolMapParser';
export { createSymbolMapResolver, lookupMapSymbol } from './symbolMapResolver';
export type { AddressOptions } from './symbolMapResolver';
export { looksLikeSymsFile, parseSymsFile, SYMS_FILE_VERSION } from './symsFileParser';
export type { SymsFile, SymsLine } from './symsFileParser';
export { createSymsFileResolver } from './symsFileResolver';
export type { SymsResolverOptions } from './symsFileResolver';
export { refusingToolRunner, runToCompletion, ToolRefusedError } from './toolRunner';
export type { ToolExit, ToolProcess, ToolRunner } from './toolRunner';
export { addr2lineProtocol, encodeBatch, llvmSymbolizerProtocol, protocolForCommand } from './symbolizerProtocol';
export type { RawAnswer, RawFrame, SymbolizerProtocol, SymbolizerTool } from './symbolizerProtocol';
export { SymbolizerFailure, SymbolizerSession } from './symbolizerSession';
export type { SessionOptions, SymbolizerFailureKind } from './symbolizerSession';
export { createDwarfResolver, DEFAULT_SYMBOLIZERS } from './dwarfResolver';
export type { DwarfResolverOptions } from './dwarfResolver';
export { missedPathsMessage, PathMapper, SourceLocator } from './pathMapper';
export type { PathMatch, PathMatchKind, SourceLocatorOptions } from './pathMapper';
export { basenamePath, dirnamePath, isAbsolutePath, joinPath, normalizePath, relativeToRoot, toSlash } from './pathUtil';
export { globToRegExp, matchGlob } from './globMatcher';
export { guessSymbolSourceKind, pickSymbolSource, pickSymbolSources, SYMBOL_SOURCE_PRECISION } from './symbolSourcePicker';
export type { PickOptions, SymbolSourceChoice, SymbolSourceKind } from './symbolSourcePicker';
export { chainResolvers, failedResolver, openSymbolSource, openSymbolSources, sniffSymbolSource } from './openSymbolSource';
export type { OpenSymbolSourceOptions, SymbolFileReader } from './openSymbolSource';
