/**
 * The general path's search for the event of a trace line: the `[sys:]kvm_<name>:` token that starts
 * a record, told apart from text that merely contains `kvm_` (comms, prose, other events' payloads).
 * Native search finds `kvm_` once per occurrence in a chunk; the column where the last line had its
 * event is tried first, since tools pad their columns.
 */
import { ascii, COLON, indexOfSeq, isBlank } from './bytes';
import { eventId, EV_NONE } from './kvmEvents';

const KVM_ = ascii('kvm_');

function isIdent(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || (c >= 65 && c <= 90);
}

/**
 * Whether [cs, evStart) holds `<digits>: ` — a timestamp and the event it stamps — so that the kvm_
 * token found later is text inside another event's payload (a tracing_mark_write), not a record.
 */
export function hasEarlierEvent(buf: Uint8Array, cs: number, evStart: number): boolean {
  for (let i = cs + 1; i + 1 < evStart; i++) {
    if (buf[i] === COLON && isBlank(buf[i + 1]) && buf[i - 1] >= 48 && buf[i - 1] <= 57) return true;
  }
  return false;
}

/** Finds events in lines; after find() or search(), evStart and payload describe the event found. */
export class EventFinder {
  /** Cache of the next `kvm_` position in the current chunk (kvmPos ≥ buffer length: none left). */
  private kvmBuf: Uint8Array | undefined;
  private kvmPos = 0;
  /** Where `sys:event` starts and where the payload starts. */
  evStart = 0;
  payload = 0;
  /** Offset of `kvm_` from the content start on the last line where it was searched for. */
  private eventOffset = 0;
  /** Whether the last find() used the positional guess. */
  guessed = false;

  /**
   * Finds the `[sys:]kvm_<name>:` event token in [cs, end); returns its id (EV_NONE when there is none
   * or ExitLens does not read that event) and sets evStart/payload. Tools pad their columns, so the
   * token is usually where it was on the previous line (±1: `kvm_exit` and `kvm_entry` are
   * right-aligned by perf): that position is tried before searching.
   */
  find(buf: Uint8Array, cs: number, end: number): number {
    const guess = cs + this.eventOffset;
    for (let d = 0; d < 3; d++) {
      const k = d === 0 ? guess : d === 1 ? guess - 1 : guess + 1;
      if (k >= cs && k + 5 < end && buf[k] === 107 && buf[k + 1] === 118 && buf[k + 2] === 109 && buf[k + 3] === 95) {
        const id = this.eventAt(buf, cs, end, k);
        if (id >= 0) {
          this.guessed = true;
          return id;
        }
      }
    }
    return this.search(buf, cs, end);
  }

  /** find() without the positional guess. */
  search(buf: Uint8Array, cs: number, end: number): number {
    this.guessed = false;
    let from = cs;
    for (;;) {
      let k: number;
      if (this.kvmBuf === buf && this.kvmPos >= from) k = this.kvmPos;
      else {
        k = indexOfSeq(buf, KVM_, from);
        if (k < 0) k = buf.length;
        this.kvmBuf = buf;
        this.kvmPos = k;
      }
      if (k + 4 >= end) return EV_NONE;
      from = k + 1;
      const id = this.eventAt(buf, cs, end, k);
      if (id >= 0) {
        this.eventOffset = k - cs;
        return id;
      }
    }
  }

  /** The event id when an event token starts at k (`kvm_` there), else -1. */
  private eventAt(buf: Uint8Array, cs: number, end: number, k: number): number {
    let e = k + 4;
    while (e < end && isIdent(buf[e])) e++;
    if (e >= end || buf[e] !== COLON) return -1;
    let s = k;
    if (k > cs) {
      const before = buf[k - 1];
      if (before === COLON) {
        // perf's `sys:event`: the system name must be a whole token.
        s = k - 1;
        while (s > cs && isIdent(buf[s - 1])) s--;
        if (s === k - 1 || (s > cs && !isBlank(buf[s - 1]))) return -1;
      } else if (isIdent(before)) return -1;
    }
    this.evStart = s;
    this.payload = e + 1;
    return eventId(buf, k, e);
  }
}
