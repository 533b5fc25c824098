/**
 * Builds test/fixtures/symbols/guestSites.c (synthetic guest code) with `gcc -g -O0` in a temp folder
 * laid out like a foreign build tree (`<tmp>/build/src/guestSites.c`), and reads, independently of
 * DWARF, what the tests expect: source lines from the SITE markers in the C text, function starts from
 * `nm -n`, and the address of each exit-causing instruction from `objdump -d`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const GUEST_SOURCE_REL = 'test/fixtures/symbols/guestSites.c';

export interface GuestElf {
  readonly dir: string;
  readonly elf: string;
  /** Where the source sat when built (what DWARF records). */
  readonly builtSource: string;
  /** `SITE:<name>` marker → 1-based line. */
  readonly lines: Readonly<Record<string, number>>;
  /** Function → start address (nm). */
  readonly fn: Readonly<Record<string, bigint>>;
  /** Exit-causing instructions found by disassembly. */
  readonly insn: { readonly cpuid: bigint; readonly cr3: bigint; readonly outb: bigint; readonly hlt: bigint };
  /** A bss variable's address, for "RIP in data". */
  readonly guestSink: bigint;
  /** `nm -n` output, to write a System.map from. */
  readonly nmText: string;
  remove(): void;
}

function run(cmd: string, args: string[], cwd?: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`${cmd} failed (the symbol tests need gcc, binutils and llvm installed): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Instruction matching `re` inside `<fn>:` of `objdump -d` output. */
function findInsn(disasm: string, fn: string, re: RegExp): bigint {
  const start = disasm.indexOf(`<${fn}>:\n`);
  if (start < 0) throw new Error(`objdump: no function ${fn}`);
  const end = disasm.indexOf('\n\n', start);
  for (const line of disasm.slice(start, end < 0 ? undefined : end).split('\n').slice(1)) {
    const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
    if (m && re.test(m[2])) return BigInt('0x' + m[1]);
  }
  throw new Error(`objdump: no ${re} in ${fn}`);
}

export function buildGuestElf(): GuestElf {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exitlens-symbols-'));
  const srcText = fs.readFileSync(path.join(REPO_ROOT, GUEST_SOURCE_REL), 'utf8');
  fs.mkdirSync(path.join(dir, 'build', 'src'), { recursive: true });
  const builtSource = path.join(dir, 'build', 'src', 'guestSites.c');
  fs.writeFileSync(builtSource, srcText);
  const elf = path.join(dir, 'guest.elf');
  run('gcc', ['-g', '-O0', '-o', elf, 'build/src/guestSites.c'], dir);

  const lines: Record<string, number> = {};
  srcText.split('\n').forEach((l, i) => {
    const m = /\/\* SITE:(\w+) \*\//.exec(l);
    if (m) lines[m[1]] = i + 1;
  });
  const nmText = run('nm', ['-n', elf]);
  const fn: Record<string, bigint> = {};
  let guestSink = 0n;
  for (const l of nmText.split('\n')) {
    const m = /^([0-9a-f]+) (\w) (\w+)$/.exec(l);
    if (!m) continue;
    if (m[2] === 'T' || m[2] === 't') fn[m[3]] = BigInt('0x' + m[1]);
    if (m[3] === 'guest_sink') guestSink = BigInt('0x' + m[1]);
  }
  const disasm = run('objdump', ['-d', '--no-show-raw-insn', elf]);
  const insn = {
    cpuid: findInsn(disasm, 'guest_cpuid', /^cpuid\b/),
    cr3: findInsn(disasm, 'guest_write_cr3', /^mov\s+%\w+,%cr3$/),
    outb: findInsn(disasm, 'guest_udelay', /^out\s+%al,\$0x80$/),
    hlt: findInsn(disasm, 'guest_halt', /^hlt\b/),
  };
  return { dir, elf, builtSource, lines, fn, insn, guestSink, nmText, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `0x…` of an address. */
export function hexOf(a: bigint): string {
  return '0x' + a.toString(16);
}
