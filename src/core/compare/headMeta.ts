/**
 * The header metadata of a trace from its first line alone, so a picker can propose labels (build
 * and paging mode from the simulator header or the JSONL header) before any trace is parsed — a
 * 1 GB trace is not read to fill an input box. The full parse later reads the same header.
 */
import type { TraceMeta } from '../model/trace';
import { metaFromJsonHeader, parseSimulatedHeader, SIMULATED_PREFIX } from '../parsers/headerMeta';

/** Bytes of a file worth reading for its header line. */
export const HEAD_BYTES = 4096;

/** TraceMeta from the first line of `head` (the first bytes of a trace), or `{}` when it has none. */
export function metaFromHead(head: string): TraceMeta {
  const first = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (first.startsWith(SIMULATED_PREFIX)) return parseSimulatedHeader(first.slice(SIMULATED_PREFIX.length));
  if (first.startsWith('{')) {
    try {
      const header: unknown = JSON.parse(first);
      if (typeof header === 'object' && header !== null && (header as Record<string, unknown>).exitlens === 'trace') {
        return metaFromJsonHeader(header as Record<string, unknown>);
      }
    } catch {
      // A JSON object line that is not a header (or a cut-off one): no metadata.
    }
  }
  return {};
}
