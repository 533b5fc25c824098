/**
 * Writes simulated exits as ExitLens JSON Lines (docs/trace-format.md, version 1): one header
 * object, then one object per exit with `t`/`d` in integer ns, the kernel reason name and number,
 * the guest RIP, the qualification fields and the decoded refinements (`cr`, `io`, `mmio`, `addr`).
 * Keys are written in a fixed order so equal simulations give byte-identical files.
 */
import { EV_CR, EV_MMIO, EV_PAGE_FAULT, EV_PIO, SIM_REASONS, type SimExit, type SimTraceSink } from '../sim/exitEvent';
import { BufferedOut, canonicalAddress, HOST_COMM, HOST_CPU_BASE, HOST_TID_BASE, type SimTraceHeader, type TextOut } from './traceHeader';

/** A SimTraceSink that prints ExitLens JSONL. Call `end()` after the simulation. */
export class JsonlWriter implements SimTraceSink {
  private readonly out: BufferedOut;

  constructor(out: TextOut, header: SimTraceHeader) {
    this.out = new BufferedOut(out);
    const h: Record<string, unknown> = {
      exitlens: 'trace',
      version: 1,
      isa: 'vmx',
      simulated: true,
      workload: header.workload,
      paging: header.paging,
      cpu: header.cpu,
      pages: header.pages,
      seed: header.seed,
      cpuHz: header.cpuHz,
    };
    if (header.symbols) h.symbols = header.symbols;
    this.out.write(JSON.stringify(h) + '\n');
  }

  exit(e: SimExit): void {
    const [reason, code] = SIM_REASONS[e.reason];
    const r: Record<string, unknown> = {
      t: e.timeNs,
      d: e.durNs,
      vcpu: e.vcpu,
      reason,
      code,
      rip: e.rip,
      info1: canonicalAddress(e.info1),
      info2: '0x0',
    };
    if (e.intrInfo !== 0) r.intr = e.intrInfo;
    if (e.intrInfo !== 0) r.ec = e.errorCode;
    r.cat = e.category;
    if (e.events & EV_CR) r.cr = { cr: e.crNumber, access: 'write', value: e.crValue };
    if (e.events & EV_PIO) r.io = { port: e.ioAddr, size: e.ioLen, direction: e.ioWrite ? 'out' : 'in' };
    if (e.events & EV_MMIO) r.mmio = { gpa: '0x' + e.ioAddr.toString(16), direction: e.ioWrite ? 'write' : 'read', length: e.ioLen };
    if (e.events & EV_PAGE_FAULT) r.addr = canonicalAddress(e.pfAddress);
    r.tid = HOST_TID_BASE + e.vcpu;
    r.comm = HOST_COMM;
    r.cpu = HOST_CPU_BASE + e.vcpu;
    this.out.write(JSON.stringify(r) + '\n');
  }

  /** Flushes buffered text to the output. */
  end(): void {
    this.out.flush();
  }
}
