/**
 * Guest addresses as bigint: kernel RIPs (0xffffffff8…) do not fit in a double, and every symbol
 * source compares them, so parsing and formatting live in one place.
 */

const HEX_RE = /^(?:0[xX])?([0-9a-fA-F]{1,16})$/;

/** Parses `0x…` or bare hex (≤ 64 bits); undefined for anything else, so callers can warn with a line number. */
export function parseAddress(text: string): bigint | undefined {
  const m = HEX_RE.exec(text.trim());
  return m ? BigInt('0x' + m[1]) : undefined;
}

/** The model's canonical hex (`0x…`, lowercase, no leading zeros), the key sites are stored under. */
export function formatAddress(addr: bigint): string {
  return '0x' + addr.toString(16);
}

/** Re-canonicalises a RIP string, or undefined when it is not an address. */
export function canonicalRip(text: string): string | undefined {
  const a = parseAddress(text);
  return a === undefined ? undefined : formatAddress(a);
}

/**
 * Distance `addr − start` as a number. Offsets inside one function or line range are small, so the
 * conversion is exact; callers only call it after checking `start <= addr`.
 */
export function addressOffset(addr: bigint, start: bigint): number {
  return Number(addr - start);
}
