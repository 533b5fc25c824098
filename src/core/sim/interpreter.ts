/**
 * Runs a workload's operations on the guest kernel: each operation becomes user-mode work at its
 * source line (data references through the MMU, instructions) and/or system calls into the guest
 * kernel, with the timer ticking in between. Deterministic: the only randomness is the seeded PRNG.
 */
import type { Accounting } from './accounting';
import type { CpuPreset } from './costModel';
import { type GuestKernel, type Process, type Region, SimulationError } from './guestKernel';
import type { Xorshift128 } from './prng';
import type { SiteTable } from './sourceMap';
import { type Op, opOrigin } from './workload';

/** References between timer checks in long loops. */
const TICK_CHUNK = 256;
/** Pages of the stack every process starts with, and of the program text. */
const STACK_PAGES = 16;
const TEXT_PAGES = 16;

/** Executes workload operations on one machine's guest kernel. */
export class Interpreter {
  private readonly kernel: GuestKernel;
  private readonly sites: SiteTable;
  private readonly source: string;
  private readonly rng: Xorshift128;
  private readonly acct: Accounting;
  private readonly preset: CpuPreset;
  private readonly defaultLine: number;
  private readonly fileBases = new WeakMap<Op, number>();

  constructor(kernel: GuestKernel, sites: SiteTable, source: string, defaultLine: number, rng: Xorshift128, acct: Accounting, preset: CpuPreset) {
    this.kernel = kernel;
    this.sites = sites;
    this.source = source;
    this.defaultLine = defaultLine;
    this.rng = rng;
    this.acct = acct;
    this.preset = preset;
  }

  /** The workload's first process, with its text and stack mapped. */
  startProcess(): Process {
    const k = this.kernel;
    const p = k.start();
    k.mapRegion(p, 'text', TEXT_PAGES, 'file', false, k.pageCacheFile(TEXT_PAGES));
    k.mapRegion(p, 'stack', STACK_PAGES, 'anon', true);
    return p;
  }

  private site(line: number | undefined): number {
    return this.sites.site(this.source, line ?? this.defaultLine, false);
  }

  private region(proc: Process, name: string): Region {
    const r = proc.regions.get(name);
    if (!r) throw new SimulationError(`process ${proc.pid} has no region "${name}" (allocate it with an "alloc" operation first)`);
    return r;
  }

  private instructions(n: number): void {
    this.acct.guest += n * this.preset.guest.instructionCpi;
  }

  /**
   * Runs `ops` in process `proc` (which must be current); returns the process current afterwards.
   * A SimulationError names the operation that failed: its place in the workload file when it came
   * from one, and its source line.
   */
  run(ops: readonly Op[], proc: Process): Process {
    for (const op of ops) {
      try {
        proc = this.exec(op, proc);
      } catch (e) {
        // The innermost operation names itself; enclosing loops pass the error on unchanged.
        if (e instanceof SimulationError && !e.located) {
          const origin = opOrigin(op);
          const at = 'line' in op && op.line !== undefined ? ` (${this.source}:${op.line})` : '';
          throw new SimulationError(`${origin ? origin + ': ' : ''}${op.op}${at}: ${e.message}`, true);
        }
        throw e;
      }
      this.kernel.tick(this.site(('line' in op ? op.line : undefined) ?? this.defaultLine));
    }
    return proc;
  }

  private syscall<T>(line: number | undefined, work: () => T): T {
    const k = this.kernel;
    k.tick(this.site(line));
    k.enterKernel();
    const r = work();
    k.leaveKernel();
    return r;
  }

  private exec(op: Op, proc: Process): Process {
    const k = this.kernel;
    switch (op.op) {
      case 'loop':
        for (let i = 0; i < op.count; i++) proc = this.run(op.body, proc);
        return proc;
      case 'alloc': {
        const pages = Math.ceil(op.bytes / 4096);
        this.syscall(op.line, () => {
          k.kernelWork(8, 300);
          if (op.kind === 'mmio') k.mapRegion(proc, op.region, 1, 'mmio', true, 0, k.newMmioPage());
          else if (op.kind === 'file') k.mapRegion(proc, op.region, pages, 'file', op.writable ?? false, k.pageCacheFile(pages));
          else k.mapRegion(proc, op.region, pages, 'anon', op.writable ?? true);
        });
        return proc;
      }
      case 'free':
        this.syscall(op.line, () => k.unmap(proc, this.region(proc, op.region)));
        return proc;
      case 'touch':
        this.touch(proc, op);
        return proc;
      case 'compute':
        this.compute(proc, op);
        return proc;
      case 'protect': {
        const r = this.region(proc, op.region);
        this.syscall(op.line, () => k.protect(proc, r, op.first ?? 0, op.pages ?? r.pages, op.writable));
        return proc;
      }
      case 'fork':
        return this.fork(proc, op);
      case 'exec':
        this.syscall(op.line, () => {
          k.exec(proc, op.textPages ?? TEXT_PAGES);
          k.mapRegion(proc, 'stack', STACK_PAGES, 'anon', true);
        });
        return proc;
      case 'syscall':
        for (let i = 0; i < (op.count ?? 1); i++) {
          this.instructions(20);
          this.syscall(op.line, () => k.kernelWork(op.kernelRefs ?? 4, (op.kernelInstructions ?? 50) * this.preset.guest.instructionCpi));
        }
        return proc;
      case 'file': {
        const r = this.region(proc, op.region);
        let base = this.fileBases.get(op);
        if (base === undefined) this.fileBases.set(op, (base = k.pageCacheFile(16)));
        for (let i = 0; i < (op.count ?? 1); i++) {
          this.syscall(op.line, () => {
            this.acct.guest += this.preset.guest.fileOp;
            k.copyUser(r, op.bytes, op.direction === 'read', base as number);
            if (op.sync) k.blockIo(this.usToCycles(100));
          });
        }
        return proc;
      }
      case 'pingpong':
        return this.pingpong(proc, op);
      case 'mmio': {
        const r = this.region(proc, op.region);
        if (r.kind !== 'mmio') throw new SimulationError(`region "${op.region}" is not an mmio region`);
        const site = this.site(op.line);
        for (let i = 0; i < (op.count ?? 1); i++) {
          this.instructions(op.instructions ?? 0);
          k.access(r.startVpn * 4096 + 0x40, true, site, true, (op.value ?? i) >>> 0);
          k.tick(site);
        }
        return proc;
      }
      case 'pio': {
        const site = this.site(op.line);
        for (let i = 0; i < (op.count ?? 1); i++) {
          this.instructions(op.instructions ?? 0);
          k.pio(op.port, op.size ?? 1, (op.direction ?? 'out') === 'out', op.value ?? 0x41, site);
          k.tick(site);
        }
        return proc;
      }
      case 'iowait':
        this.syscall(op.line, () => k.blockIo(this.usToCycles(op.microseconds)));
        return proc;
      case 'sleep':
        this.syscall(op.line, () => k.idle(this.usToCycles(op.microseconds)));
        return proc;
    }
  }

  private usToCycles(us: number): number {
    return Math.round((us * this.preset.cpuHz) / 1e6);
  }

  private touch(proc: Process, op: Extract<Op, { op: 'touch' }>): void {
    const r = this.region(proc, op.region);
    const site = this.site(op.line);
    const first = op.first ?? 0;
    const n = Math.min(op.pages ?? r.pages - first, r.pages - first);
    const write = op.write ?? true;
    for (let i = 0; i < n; i++) {
      const page = op.pattern === 'random' ? first + this.rng.below(n) : first + i;
      this.kernel.access((r.startVpn + page) * 4096, write, site, true);
      if ((i & 63) === 63) this.kernel.tick(site);
    }
  }

  private compute(proc: Process, op: Extract<Op, { op: 'compute' }>): void {
    const site = this.site(op.line);
    const refs = op.refs ?? 0;
    const instr = op.instructions ?? 0;
    const r = this.region(proc, op.region ?? 'stack');
    const span = Math.min(op.span ?? r.pages * 4096, r.pages * 4096);
    const base = r.startVpn * 4096;
    const writes = op.writes ?? 0;
    const k = this.kernel;
    const rng = this.rng;
    const random = op.pattern === 'random';
    const chunks = Math.max(1, Math.ceil(refs / TICK_CHUNK));
    const perChunk = instr / chunks;
    let off = 0;
    let done = 0;
    for (let c = 0; c < chunks; c++) {
      this.instructions(perChunk);
      const end = Math.min(refs, done + TICK_CHUNK);
      for (; done < end; done++) {
        if (random) off = Math.floor(rng.nextFloat() * (span / 8)) * 8;
        else {
          off += 64;
          if (off >= span) off = 0;
        }
        k.access(base + off, writes > 0 && (writes >= 1 || rng.nextFloat() < writes), site, true);
      }
      k.tick(site);
    }
  }

  private fork(parent: Process, op: Extract<Op, { op: 'fork' }>): Process {
    const k = this.kernel;
    const child = this.syscall(op.line, () => k.fork(parent));
    // The parent waits; the scheduler runs the child, which returns from fork to user mode.
    k.tick(this.site(op.waitLine ?? op.line));
    k.enterKernel();
    k.switchTo(child);
    k.leaveKernel();
    let cur = this.run(op.child, child);
    if (cur !== child) throw new SimulationError('a forked child must end in its own process');
    // Child exit: tear down and switch back to the parent, whose wait() returns.
    k.tick(this.site(op.exitLine ?? op.line));
    k.enterKernel();
    k.exit(child, parent);
    k.leaveKernel();
    cur = parent;
    return cur;
  }

  private pingpong(proc: Process, op: Extract<Op, { op: 'pingpong' }>): Process {
    const k = this.kernel;
    const g = this.preset.guest;
    const peer = this.syscall(op.line, () => k.fork(proc));
    for (let m = 0; m < op.messages; m++) {
      // Parent writes a byte (wakes the peer), then blocks in read: switch to the peer.
      this.syscall(op.line, () => (this.acct.guest += g.pipeOp));
      k.tick(this.site(op.readLine ?? op.line));
      k.enterKernel();
      this.acct.guest += g.pipeOp;
      k.switchTo(peer);
      k.leaveKernel();
      // The peer's read returns; it writes the byte back and blocks in read: switch back.
      this.syscall(op.peerWriteLine ?? op.line, () => (this.acct.guest += g.pipeOp));
      k.tick(this.site(op.peerReadLine ?? op.line));
      k.enterKernel();
      this.acct.guest += g.pipeOp;
      k.switchTo(proc);
      k.leaveKernel();
    }
    k.enterKernel();
    k.switchTo(peer);
    k.exit(peer, proc);
    k.leaveKernel();
    return proc;
  }
}
