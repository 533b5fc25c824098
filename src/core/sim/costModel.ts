/**
 * CPU generation presets: hardware sizes, latencies and per-operation costs, read from
 * `data/cpuPresets.json`, where every figure carries its source. The simulator never hard-codes a
 * cost: it takes them from here, so recalibrating means editing one data file.
 */
import presetsJson from './data/cpuPresets.json';

/** The generations `--cpu` accepts, oldest first. */
export const CPU_NAMES = ['prescott', 'nehalem', 'sandybridge', 'skylake', 'modern'] as const;
/** One of CPU_NAMES. */
export type CpuName = (typeof CPU_NAMES)[number];

/** Default generation when none is given. */
export const DEFAULT_CPU: CpuName = 'skylake';

/** A set-associative structure's geometry. */
export interface Geometry {
  readonly entries: number;
  readonly ways: number;
}

/** A cache level: capacity in bytes, associativity, load-to-use latency in cycles. */
export interface CacheLevel {
  readonly bytes: number;
  readonly ways: number;
  readonly latency: number;
}

/** Paging-structure cache sizes per level (0 = no cache for that level). */
export interface PwcSizes {
  readonly pml4: number;
  readonly pdpt: number;
  readonly pde: number;
}

/** Native guest costs in cycles (identical under shadow paging and EPT). */
export interface GuestCosts {
  readonly pageFault: number;
  readonly syscall: number;
  readonly contextSwitch: number;
  readonly fork: number;
  readonly forkPerPte: number;
  readonly exit: number;
  readonly exec: number;
  readonly timerTick: number;
  readonly pipeOp: number;
  readonly copyPage: number;
  readonly fileOp: number;
  readonly cr3Write: number;
  readonly invlpg: number;
  readonly instructionCpi: number;
}

/** VMM handling costs in cycles per exit kind, on top of the exit round trip. */
export interface VmmCosts {
  readonly pfTrue: number;
  readonly pfHidden: number;
  readonly ptWrite: number;
  readonly cr3Cached: number;
  readonly cr3Miss: number;
  readonly syncPage: number;
  readonly invlpg: number;
  readonly eptViolation: number;
  readonly mmio: number;
  readonly pio: number;
  readonly extInt: number;
  readonly msrWrite: number;
  readonly hlt: number;
  readonly hostBack4k: number;
  readonly hostBack2m: number;
}

/** Everything the simulator needs to know about one CPU generation. */
export interface CpuPreset {
  readonly name: CpuName;
  readonly description: string;
  readonly cpuHz: number;
  readonly features: { readonly ept: boolean; readonly vpid: boolean; readonly pcid: boolean };
  readonly exitRoundTrip: number;
  readonly tlb: {
    readonly l1: Geometry;
    readonly l1Large: Geometry | null;
    readonly l2: Geometry | null;
    /** Whether the second-level TLB also holds 2 MB translations. */
    readonly l2Large: boolean;
    readonly l2HitLatency: number;
  };
  readonly pwc: PwcSizes;
  readonly nestedTlb: number;
  readonly eptPwc: PwcSizes;
  readonly memory: {
    readonly l1: CacheLevel;
    readonly l2: CacheLevel | null;
    readonly l3: CacheLevel | null;
    readonly dramLatency: number;
  };
  readonly guest: GuestCosts;
  readonly vmm: VmmCosts;
  /** Field (or `group.field`) → where the number comes from. */
  readonly sources: Readonly<Record<string, string>>;
}

/** The published per-event figures the presets are calibrated against (Adams & Agesen 2006). */
export interface CalibrationTable {
  readonly source: string;
  readonly cpu: string;
  readonly events: Readonly<Record<string, { readonly native: number; readonly hardwareVmm: number }>>;
}

interface PresetFile {
  readonly references: Readonly<Record<string, string>>;
  readonly calibration: CalibrationTable;
  readonly exitRoundTripByGeneration: { readonly source: string; readonly cycles: Readonly<Record<string, number>> };
  readonly presets: Readonly<Record<string, Omit<CpuPreset, 'name'>>>;
}

const file = presetsJson as unknown as PresetFile;

/** True when `name` is a CPU generation the simulator knows. */
export function isCpuName(name: string): name is CpuName {
  return (CPU_NAMES as readonly string[]).includes(name);
}

/** The preset of one generation. */
export function getCpuPreset(name: CpuName): CpuPreset {
  const p = file.presets[name];
  if (!p) throw new Error(`cpuPresets.json has no preset "${name}"`);
  return { name, ...p };
}

/** The Adams & Agesen calibration table as stored in the data file. */
export function calibrationTable(): CalibrationTable {
  return file.calibration;
}

/** Exit round-trip cycles by generation (Agesen et al. 2010), as stored in the data file. */
export function roundTripTable(): { readonly source: string; readonly cycles: Readonly<Record<string, number>> } {
  return file.exitRoundTripByGeneration;
}

/** The bibliography the data file cites. */
export function references(): Readonly<Record<string, string>> {
  return file.references;
}

/**
 * Where a preset figure comes from: the `group.field` entry, else the `group` entry, else the
 * `field` entry; undefined when the data file gives no source (a unit test forbids that).
 */
export function sourceOf(preset: CpuPreset, group: string, field?: string): string | undefined {
  if (field !== undefined && preset.sources[`${group}.${field}`]) return preset.sources[`${group}.${field}`];
  return preset.sources[group];
}
