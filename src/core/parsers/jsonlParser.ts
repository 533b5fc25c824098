/**
 * ExitLens JSON Lines (docs/trace-format.md): a header object, then one exit per line. Records are
 * emitted as read (they carry their own `d`, so no pairing). The category is the record's `cat` when
 * it is a known category, else derived from the reason and the decoded qualification.
 */
import { CATEGORIES, canonicalHex, type Category, type CrAccess, type Isa, type MmioAccess, type PortIo } from '../model/exit';
import type { TraceSink } from '../model/trace';
import { categorize, decodeQualification, reasonByCode, reasonByName, type ReasonInfo } from '../taxonomy';
import { newExit, type MutableExit } from './openExit';
import { metaFromJsonHeader } from './headerMeta';
import { TextLineParser } from './textLineParser';

/** The JSONL major version this reader understands. */
export const JSONL_VERSION = 1;

const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);
const HEX = /^(0x)?[0-9a-fA-F]{1,16}$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonNegInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

function hexField(v: unknown): string | undefined {
  return typeof v === 'string' && HEX.test(v) ? canonicalHex(v) : undefined;
}

function crField(v: unknown): CrAccess | undefined {
  if (!isRecord(v)) return undefined;
  const cr = nonNegInt(v.cr);
  const access = v.access;
  if (cr === undefined || cr > 15 || (access !== 'write' && access !== 'read' && access !== 'clts' && access !== 'lmsw')) return undefined;
  const value = hexField(v.value);
  return value === undefined ? { cr, access } : { cr, access, value };
}

function ioField(v: unknown): PortIo | undefined {
  if (!isRecord(v)) return undefined;
  const port = nonNegInt(v.port);
  const size = nonNegInt(v.size);
  if (port === undefined || port > 0xffff || size === undefined || (v.direction !== 'in' && v.direction !== 'out')) return undefined;
  const io: { port: number; size: number; direction: 'in' | 'out'; string?: boolean; rep?: boolean; count?: number } = { port, size, direction: v.direction };
  if (v.string === true) io.string = true;
  if (v.rep === true) io.rep = true;
  const count = nonNegInt(v.count);
  if (count !== undefined && count > 1) io.count = count;
  return io;
}

function mmioField(v: unknown): MmioAccess | undefined {
  if (!isRecord(v)) return undefined;
  const gpa = hexField(v.gpa);
  const d = v.direction;
  if (gpa === undefined || (d !== 'read' && d !== 'write' && d !== 'unsatisfied-read')) return undefined;
  const length = nonNegInt(v.length);
  return length === undefined ? { gpa, direction: d } : { gpa, direction: d, length };
}

/** Streaming reader of ExitLens JSON Lines; one ExitRecord per record line, header → meta. */
export class JsonlParser extends TextLineParser {
  private sawFirst = false;
  private isa: Isa | undefined;
  /** Set after a header with an unsupported version: the rest of the file is not read. */
  private refused = false;

  constructor(sink: TraceSink) {
    super('exitlens-jsonl', sink);
  }

  protected onTextLine(text: string, line: number): void {
    if (this.refused || text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.sink.warning({ line, message: 'not valid JSON; skipped' });
      return;
    }
    if (!isRecord(value)) {
      this.sink.warning({ line, message: 'not a JSON object; skipped' });
      return;
    }
    if (!this.sawFirst) {
      this.sawFirst = true;
      if (value.exitlens !== undefined) {
        this.header(value, line);
        return;
      }
      this.sink.warning({ line, message: 'no ExitLens header line; the ISA is taken from the reason names' });
    } else if (value.exitlens !== undefined) {
      this.sink.warning({ line, message: 'a second header line; ignored' });
      return;
    }
    this.record(value, line);
  }

  protected finish(): void {}

  private header(h: Record<string, unknown>, line: number): void {
    if (h.exitlens !== 'trace') {
      this.sink.warning({ line, message: `header says exitlens=${JSON.stringify(h.exitlens)}, not "trace": this is not an ExitLens trace; file not read` });
      this.refused = true;
      return;
    }
    const version = h.version;
    if (typeof version !== 'number' || !Number.isFinite(version)) {
      this.sink.warning({ line, message: `header without a numeric version; read as version ${JSONL_VERSION}` });
    } else if (Math.floor(version) > JSONL_VERSION) {
      this.sink.warning({ line, message: `ExitLens JSONL version ${version} is newer than this reader (version ${JSONL_VERSION}); file not read — update ExitLens` });
      this.refused = true;
      return;
    }
    if (h.isa === 'vmx' || h.isa === 'svm') this.isa = h.isa;
    else this.sink.warning({ line, message: 'header without "isa" ("vmx" or "svm"); the ISA is taken from the reason names' });
    this.sink.meta?.(metaFromJsonHeader(h));
  }

  private record(r: Record<string, unknown>, line: number): void {
    const t = nonNegInt(r.t);
    if (t === undefined) {
      this.sink.warning({ line, message: 'record without an integer "t" (ns); skipped' });
      return;
    }
    const name = typeof r.reason === 'string' && r.reason !== '' ? r.reason : undefined;
    const code = nonNegInt(r.code);
    if (name === undefined && code === undefined) {
      this.sink.warning({ line, message: 'record without "reason" or "code"; skipped' });
      return;
    }
    let isa = this.isa;
    if (isa === undefined && name !== undefined) {
      if (reasonByName('vmx', name)) isa = 'vmx';
      else if (reasonByName('svm', name)) isa = 'svm';
    }
    const useIsa: Isa = isa ?? 'vmx';
    let info: ReasonInfo | undefined = name !== undefined ? reasonByName(useIsa, name) : undefined;
    if (info === undefined && code !== undefined) info = reasonByCode(useIsa, code);
    const rec: MutableExit = newExit(t, useIsa, info?.name ?? (name as string), line);
    rec.reason = info?.code;
    const d = nonNegInt(r.d);
    if (d !== undefined) rec.entryNs = t + d;
    rec.vcpu = nonNegInt(r.vcpu);
    rec.tid = nonNegInt(r.tid);
    if (typeof r.comm === 'string') rec.comm = r.comm;
    rec.hostCpu = nonNegInt(r.cpu);
    rec.rip = hexField(r.rip);
    rec.info1 = hexField(r.info1);
    rec.info2 = hexField(r.info2);
    if (typeof r.intr === 'number' && Number.isInteger(r.intr)) rec.intrInfo = r.intr >>> 0;
    if (typeof r.ec === 'number' && Number.isInteger(r.ec)) rec.errorCode = r.ec >>> 0;
    rec.cr = crField(r.cr);
    rec.io = ioField(r.io);
    rec.mmio = mmioField(r.mmio);
    rec.faultAddress = hexField(r.addr);
    const decoded = decodeQualification(rec);
    rec.cr ??= decoded.cr;
    rec.io ??= decoded.io;
    rec.exception = decoded.exception;
    rec.faultAddress ??= decoded.faultAddress;
    const cat = r.cat;
    rec.category = typeof cat === 'string' && CATEGORY_SET.has(cat) ? (cat as Category) : categorize(rec);
    this.sink.exit(rec);
  }
}
