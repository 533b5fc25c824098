/**
 * Shared, frozen detail objects for refinement events (kvm_mmio, kvm_pio, kvm_cr, kvm_msr): a trace
 * repeats the same few accesses (the same APIC register, the same serial port), so records point at
 * one object per distinct access instead of allocating one per event. Each map is bounded.
 */
import type { CrAccess, MmioAccess, MsrAccess, PortIo } from '../model/exit';
import { crAccess } from '../taxonomy';

const LIMIT = 4096;

function bounded<V>(map: Map<string, V>, key: string, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    if (map.size >= LIMIT) map.clear();
    v = make();
    map.set(key, v);
  }
  return v;
}

/** Bounded caches of frozen MmioAccess / PortIo / CrAccess / MsrAccess objects. */
export class RefinementCache {
  private readonly mmios = new Map<string, MmioAccess>();
  private readonly pios = new Map<string, PortIo>();
  private readonly crs = new Map<string, CrAccess>();
  private readonly msrs = new Map<string, MsrAccess>();

  mmio(gpa: string, direction: MmioAccess['direction'], length: number | undefined): MmioAccess {
    return bounded(this.mmios, `${gpa}|${direction}|${length ?? ''}`, () =>
      Object.freeze(length === undefined ? { gpa, direction } : { gpa, direction, length }),
    );
  }

  /**
   * kvm_pio's view of a port access. When the exit qualification already decoded the same port, its
   * string/REP bits are kept and the repeat count added.
   */
  pio(existing: PortIo | undefined, port: number, size: number, direction: 'in' | 'out', count: number): PortIo {
    const same = existing !== undefined && existing.port === port && existing.direction === direction && existing.size === size;
    if (same && count <= 1) return existing;
    const str = same && existing.string === true;
    const rep = same && existing.rep === true;
    return bounded(this.pios, `${port}|${size}|${direction}|${count}|${str ? 1 : 0}${rep ? 1 : 0}`, () => {
      const io: { port: number; size: number; direction: 'in' | 'out'; string?: boolean; rep?: boolean; count?: number } = { port, size, direction };
      if (str) io.string = true;
      if (rep) io.rep = true;
      if (count > 1) io.count = count;
      return Object.freeze(io);
    });
  }

  cr(cr: number, access: CrAccess['access'], value: string | undefined): CrAccess {
    if (value === undefined) return crAccess(cr, access);
    return bounded(this.crs, `${cr}|${access}|${value}`, () => Object.freeze({ cr, access, value }));
  }

  msr(index: number, direction: 'read' | 'write', gp: boolean): MsrAccess {
    return bounded(this.msrs, `${index}|${direction}|${gp ? 1 : 0}`, () => Object.freeze(gp ? { index, direction, gp } : { index, direction }));
  }
}
