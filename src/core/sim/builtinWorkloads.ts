/**
 * The bundled workloads. Each mirrors a function of samples/workloads.c and names its lines
 * (a unit test checks that every line used here carries the matching `@site` marker), so
 * annotations work on simulated traces. Sizes are chosen so that a default run of one paging mode
 * takes well under a second here; `--scale` multiplies the traced loops.
 */
import type { FunctionSpan } from './sourceMap';
import type { Workload } from './workload';

/** The bundled guest program, relative to the repository / workspace root. */
export const WORKLOADS_SOURCE = 'samples/workloads.c';

/** Functions of samples/workloads.c with their line spans (for symbol files). */
export const WORKLOAD_FUNCTIONS: readonly FunctionSpan[] = [
  { name: 'forkwait', startLine: 30, endLine: 39 },
  { name: 'ptemod', startLine: 42, endLine: 50 },
  { name: 'pgfault', startLine: 53, endLine: 62 },
  { name: 'compute', startLine: 65, endLine: 72 },
  { name: 'syscalls', startLine: 75, endLine: 79 },
  { name: 'pingpong', startLine: 82, endLine: 100 },
  { name: 'gups', startLine: 103, endLine: 110 },
  { name: 'mmio', startLine: 113, endLine: 119 },
  { name: 'pio', startLine: 122, endLine: 129 },
  { name: 'compile_one', startLine: 132, endLine: 148 },
  { name: 'kbuild', startLine: 150, endLine: 161 },
  { name: 'main', startLine: 163, endLine: 183 },
];

/** `@site` marker of each line the built-in workloads use (checked against the C file by a test). */
export const WORKLOAD_SITE_MARKERS: Readonly<Record<number, string>> = {
  33: 'forkwait:fork',
  35: 'forkwait:exit',
  36: 'forkwait:wait',
  37: 'forkwait:work',
  45: 'ptemod:protect-ro',
  46: 'ptemod:protect-rw',
  48: 'ptemod:write',
  57: 'pgfault:mmap',
  59: 'pgfault:touch',
  60: 'pgfault:munmap',
  70: 'compute:loop',
  78: 'syscall:getppid',
  90: 'pingpong:peer-read',
  91: 'pingpong:peer-write',
  96: 'pingpong:write',
  97: 'pingpong:read',
  108: 'gups:update',
  116: 'mmio:work',
  117: 'mmio:doorbell',
  126: 'pio:work',
  127: 'pio:outb',
  135: 'kbuild:open',
  136: 'kbuild:read',
  139: 'kbuild:heap',
  141: 'kbuild:compile',
  143: 'kbuild:write',
  144: 'kbuild:fsync',
  153: 'kbuild:spawn',
  155: 'kbuild:exec',
  157: 'kbuild:exit',
  159: 'kbuild:wait',
};

const base = { source: WORKLOADS_SOURCE, line: 164, functions: WORKLOAD_FUNCTIONS } as const;

const syscallProgram: Workload['program'] = [{ op: 'loop', count: 200, body: [{ op: 'syscall', line: 78, count: 100, kernelRefs: 4, kernelInstructions: 60 }] }];

/** Built-in workloads by name. */
export const BUILTIN_WORKLOADS: Readonly<Record<string, Workload>> = {
  forkwait: {
    ...base,
    name: 'forkwait',
    description: 'fork, the child exits at once, the parent waits (page-table copy, COW, CR3 switches, teardown)',
    setup: [
      { op: 'alloc', region: 'heap', bytes: 2 << 20, line: 37 },
      { op: 'alloc', region: 'data', bytes: 16 * 4096, line: 37 },
      { op: 'touch', region: 'heap', line: 37 },
      { op: 'touch', region: 'data', line: 37 },
      { op: 'touch', region: 'stack', line: 37 },
    ],
    program: [
      {
        op: 'loop',
        count: 200,
        body: [
          {
            op: 'fork',
            line: 33,
            waitLine: 36,
            exitLine: 35,
            // Returning from fork into _exit: the child writes its stack and libc data, runs libc text.
            child: [
              { op: 'touch', region: 'stack', line: 35, pages: 2, write: true },
              { op: 'touch', region: 'data', line: 35, pages: 4, write: true },
              { op: 'touch', region: 'text', line: 35, pages: 8, write: false },
            ],
          },
          { op: 'touch', region: 'stack', line: 37, pages: 2, write: true },
          { op: 'touch', region: 'data', line: 37, pages: 4, write: true },
          { op: 'compute', line: 37, instructions: 2000, refs: 200 },
        ],
      },
    ],
  },
  ptemod: {
    ...base,
    name: 'ptemod',
    description: 'mprotect a 16-page buffer read-only and back, then write it (PTE updates + INVLPG)',
    setup: [
      { op: 'alloc', region: 'buf', bytes: 16 * 4096, line: 48 },
      { op: 'touch', region: 'buf', line: 48 },
    ],
    program: [
      {
        op: 'loop',
        count: 1500,
        body: [
          { op: 'protect', region: 'buf', line: 45, writable: false },
          { op: 'protect', region: 'buf', line: 46, writable: true },
          { op: 'touch', region: 'buf', line: 48, write: true },
        ],
      },
    ],
  },
  pgfault: {
    ...base,
    name: 'pgfault',
    description: 'mmap 1 MB, touch every page (demand-zero faults), munmap',
    program: [
      {
        op: 'loop',
        count: 40,
        body: [
          { op: 'alloc', region: 'buf', bytes: 1 << 20, line: 57 },
          { op: 'touch', region: 'buf', line: 59, write: true },
          { op: 'free', region: 'buf', line: 60 },
        ],
      },
    ],
  },
  compute: {
    ...base,
    name: 'compute',
    description: 'arithmetic over a 64 KB array (cache- and TLB-resident)',
    setup: [
      { op: 'alloc', region: 'arr', bytes: 64 << 10, line: 70 },
      { op: 'touch', region: 'arr', line: 70 },
    ],
    program: [{ op: 'loop', count: 20, body: [{ op: 'compute', line: 70, region: 'arr', refs: 50000, instructions: 400000, pattern: 'seq', writes: 0.1 }] }],
  },
  syscall: {
    ...base,
    name: 'syscall',
    description: 'getppid() in a loop, no page-table isolation',
    setup: [{ op: 'touch', region: 'stack', line: 78 }],
    program: syscallProgram,
  },
  'syscall-kpti': {
    ...base,
    name: 'syscall-kpti',
    description: 'getppid() in a loop with KPTI: a CR3 switch on every kernel entry and exit',
    kpti: true,
    setup: [{ op: 'touch', region: 'stack', line: 78 }],
    program: syscallProgram,
  },
  pingpong: {
    ...base,
    name: 'pingpong',
    description: 'two processes bounce a byte through pipes: a context switch per message',
    setup: [{ op: 'touch', region: 'stack', line: 96 }],
    program: [{ op: 'loop', count: 10, body: [{ op: 'pingpong', messages: 200, line: 96, readLine: 97, peerReadLine: 90, peerWriteLine: 91 }] }],
  },
  gups: {
    ...base,
    name: 'gups',
    description: 'random read-modify-write updates over a 128 MB table (20x the STLB reach, 16x the LLC)',
    setup: [
      { op: 'alloc', region: 'table', bytes: 128 << 20, line: 108 },
      { op: 'touch', region: 'table', line: 108 },
    ],
    program: [{ op: 'loop', count: 10, body: [{ op: 'compute', line: 108, region: 'table', refs: 100000, instructions: 600000, pattern: 'random', writes: 1 }] }],
  },
  mmio: {
    ...base,
    name: 'mmio',
    description: 'a user-space driver rings a device doorbell register (MMIO write) between bits of work',
    setup: [
      { op: 'alloc', region: 'bar', bytes: 4096, kind: 'mmio', line: 117 },
      { op: 'mmio', region: 'bar', line: 117, count: 1 },
      { op: 'touch', region: 'stack', line: 116 },
    ],
    program: [
      {
        op: 'loop',
        count: 100,
        body: [
          { op: 'compute', line: 116, refs: 400, instructions: 20000 },
          { op: 'mmio', region: 'bar', line: 117, count: 10 },
        ],
      },
    ],
  },
  pio: {
    ...base,
    name: 'pio',
    description: 'outb to the serial port 0x3f8 between bits of work',
    setup: [{ op: 'touch', region: 'stack', line: 126 }],
    program: [
      {
        op: 'loop',
        count: 100,
        body: [
          { op: 'compute', line: 126, refs: 400, instructions: 20000 },
          { op: 'pio', line: 127, port: 0x3f8, count: 10, size: 1, value: 0x41 },
        ],
      },
    ],
  },
  kbuild: {
    ...base,
    name: 'kbuild',
    description: 'a compile-like mix: short processes that exec, read sources, fill an 8 MB heap, compute, write objects and fsync',
    program: [
      {
        op: 'loop',
        count: 12,
        body: [
          {
            op: 'fork',
            line: 153,
            waitLine: 159,
            exitLine: 157,
            child: [
              { op: 'exec', line: 155, textPages: 256 },
              { op: 'touch', region: 'text', line: 141, pages: 96, write: false },
              { op: 'alloc', region: 'buf', bytes: 16384, line: 135 },
              { op: 'file', region: 'buf', line: 136, bytes: 16384, direction: 'read' },
              { op: 'alloc', region: 'heap', bytes: 8 << 20, line: 139 },
              { op: 'touch', region: 'heap', line: 139, write: true },
              { op: 'compute', line: 141, region: 'heap', refs: 150000, instructions: 20000000, pattern: 'random', writes: 0.3 },
              { op: 'file', region: 'heap', line: 143, bytes: 65536, direction: 'write' },
              { op: 'file', region: 'buf', line: 144, bytes: 4096, direction: 'write', sync: true },
            ],
          },
        ],
      },
    ],
  },
};

/** Names of the built-in workloads, in the order the CLI lists them. */
export const BUILTIN_NAMES: readonly string[] = ['forkwait', 'ptemod', 'pgfault', 'compute', 'syscall', 'syscall-kpti', 'pingpong', 'gups', 'mmio', 'pio', 'kbuild'];
