#!/usr/bin/env node
// Generates vmxReasons.json and svmReasons.json from the TSV tables in ./sources (copied from
// /work/shared/fixtures, each with its provenance header). The JSON files are what the taxonomy loads;
// edit the TSVs or the category rules below, never the JSON, then run:
//   node src/core/data/generateReasonTables.mjs          (rewrite the JSON)
//   node src/core/data/generateReasonTables.mjs --check  (exit 1 if the JSON is stale; the unit tests run this)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const src = (name) => join(here, 'sources', name);

/** Rows of a TSV: comment lines (#) dropped, first remaining line is the column header. */
function readTsv(name) {
  const lines = readFileSync(src(name), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const header = lines[0].split('\t');
  return lines.slice(1).map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? '').trim()]));
  });
}

/** The provenance comment lines of a TSV, so the JSON states its sources. */
function provenance(name) {
  return readFileSync(src(name), 'utf8').split('\n').filter((l) => l.startsWith('#')).map((l) => l.replace(/^#\s?/, ''));
}

// Cost categories (docs/formats.md "Taxonomy"). Anything not listed is 'other'. Categories that depend on the
// qualification (EXCEPTION_NMI vector 14 -> pagefault, CR_ACCESS CR3 -> cr3) are refined at run time by
// src/core/taxonomy/categorize.ts; this is the category when nothing more is known.
const VMX_CATEGORY = {
  EXCEPTION_NMI: 'exception',
  EXTERNAL_INTERRUPT: 'interrupt',
  INIT_SIGNAL: 'interrupt',
  SIPI_SIGNAL: 'interrupt',
  INTERRUPT_WINDOW: 'interrupt',
  NMI_WINDOW: 'interrupt',
  CPUID: 'cpuid',
  HLT: 'hlt',
  INVLPG: 'invlpg',
  INVPCID: 'invlpg',
  VMCALL: 'hypercall',
  TDCALL: 'hypercall',
  CR_ACCESS: 'cr',
  IO_INSTRUCTION: 'io',
  MSR_READ: 'msr',
  MSR_WRITE: 'msr',
  TPR_BELOW_THRESHOLD: 'interrupt',
  EOI_INDUCED: 'interrupt',
  APIC_ACCESS: 'mmio',
  APIC_WRITE: 'mmio',
  EPT_VIOLATION: 'ept',
  EPT_MISCONFIG: 'mmio',
  PREEMPTION_TIMER: 'interrupt',
};

const SVM_CATEGORY = {
  read_cr0: 'cr', read_cr2: 'cr', read_cr3: 'cr3', read_cr4: 'cr', read_cr8: 'cr',
  write_cr0: 'cr', write_cr2: 'cr', write_cr3: 'cr3', write_cr4: 'cr', write_cr8: 'cr',
  cr0_sel_write: 'cr', write_cr0_trap: 'cr', write_cr4_trap: 'cr', write_cr8_trap: 'cr',
  write_efer_trap: 'msr',
  'DE excp': 'exception', 'DB excp': 'exception', 'BP excp': 'exception', 'OF excp': 'exception',
  'BR excp': 'exception', 'UD excp': 'exception', 'NM excp': 'exception', 'DF excp': 'exception',
  'TS excp': 'exception', 'NP excp': 'exception', 'SS excp': 'exception', 'GP excp': 'exception',
  'PF excp': 'pagefault',
  'MF excp': 'exception', 'AC excp': 'exception', 'MC excp': 'exception', 'XF excp': 'exception',
  interrupt: 'interrupt', nmi: 'interrupt', smi: 'interrupt', init: 'interrupt', vintr: 'interrupt',
  // KVM intercepts IRET only to learn when an NMI window opens: the SVM counterpart of VMX NMI_WINDOW.
  iret: 'interrupt',
  avic_incomplete_ipi: 'interrupt',
  vmgexit_nmi_complete: 'interrupt',
  cpuid: 'cpuid',
  hlt: 'hlt', 'idle-halt': 'hlt', vmgexit_ap_hlt_loop: 'hlt',
  invlpg: 'invlpg', invlpga: 'invlpg', invpcid: 'invlpg',
  io: 'io',
  msr: 'msr',
  hypercall: 'hypercall',
  npf: 'ept',
  // AVIC's trap for an APIC register it does not accelerate: the SVM counterpart of VMX APIC_ACCESS.
  avic_unaccelerated_access: 'mmio',
  vmgexit_mmio_read: 'mmio', vmgexit_mmio_write: 'mmio',
};

const CATEGORIES = new Set(['pagefault', 'ept', 'mmio', 'cr3', 'cr', 'invlpg', 'io', 'interrupt', 'exception', 'hlt', 'msr', 'cpuid', 'hypercall', 'other']);

function fail(msg) {
  console.error(`generateReasonTables: ${msg}`);
  process.exit(1);
}

function buildReasons(rows, codeOf, nameOf, rules, isa) {
  const reasons = [];
  const seen = new Set();
  for (const row of rows) {
    const name = nameOf(row);
    if (!name) continue;
    const code = codeOf(row);
    if (!Number.isSafeInteger(code)) fail(`${isa}: bad code in row ${JSON.stringify(row)}`);
    if (seen.has(code)) fail(`${isa}: duplicate code ${code}`);
    seen.add(code);
    reasons.push({ code, name, category: rules[name] ?? 'other' });
  }
  for (const [name, cat] of Object.entries(rules)) {
    if (!CATEGORIES.has(cat)) fail(`${isa}: unknown category ${cat}`);
    if (!reasons.some((r) => r.name === name)) fail(`${isa}: category rule for unknown reason ${name}`);
  }
  return reasons;
}

function build() {
  const vmxRows = readTsv('vmx-exit-reasons.tsv');
  const vmxReasons = buildReasons(
    vmxRows,
    (r) => Number(r.number_dec),
    // "(printed as 0x6)": defined by the SDM but absent from the kernel's print table, so it prints as hex.
    (r) => (r.name_printed.startsWith('(') ? '' : r.name_printed),
    VMX_CATEGORY,
    'vmx',
  );
  const svmRows = readTsv('svm-exit-reasons.tsv');
  const svmReasons = buildReasons(svmRows, (r) => Number(r.code_dec), (r) => r.name_printed, SVM_CATEGORY, 'svm');

  const aliases = { vmx: [], svm: [] };
  for (const r of readTsv('vmx-exit-reasons-legacy-2.6.3x.tsv')) {
    aliases.vmx.push({ name: r.legacy_name_printed, code: Number(r.number_dec), source: 'kernel-2.6.3x-lowercase' });
  }
  for (const r of readTsv('exit-reason-aliases.tsv')) {
    aliases[r.isa].push({ name: r.alias, code: Number.parseInt(r.code_hex, 16), source: r.source, ...(r.keep_name === 'yes' ? { keepName: true } : {}) });
  }
  const canonical = { vmx: new Set(vmxReasons.map((r) => r.name)), svm: new Set(svmReasons.map((r) => r.name)) };
  for (const isa of ['vmx', 'svm']) {
    for (const a of aliases[isa]) {
      if (canonical[isa].has(a.name)) fail(`${isa}: alias ${a.name} is also a canonical name`);
    }
  }

  const header = (isa, files) => ({
    $comment: 'GENERATED by src/core/data/generateReasonTables.mjs from src/core/data/sources/*.tsv. Do not edit: edit the TSV or the category rules in the generator and re-run it.',
    isa,
    sources: files.flatMap((f) => [`== ${f}`, ...provenance(f)]),
  });
  const vmx = {
    ...header('vmx', ['vmx-exit-reasons.tsv', 'vmx-exit-reasons-legacy-2.6.3x.tsv', 'exit-reason-aliases.tsv']),
    // __print_flags(exit_reason & ~0xffff, " ", VMX_EXIT_REASON_FLAGS): only FAILED_VMENTRY has a name.
    flags: [{ mask: 0x80000000, name: 'FAILED_VMENTRY' }],
    reasons: vmxReasons,
    aliases: aliases.vmx,
  };
  const svm = {
    ...header('svm', ['svm-exit-reasons.tsv', 'exit-reason-aliases.tsv']),
    flags: [],
    reasons: svmReasons,
    aliases: aliases.svm,
  };
  return { 'vmxReasons.json': vmx, 'svmReasons.json': svm };
}

const outputs = build();
const check = process.argv.includes('--check');
let stale = false;
for (const [file, data] of Object.entries(outputs)) {
  const text = JSON.stringify(data, null, 1) + '\n';
  const path = join(here, file);
  if (check) {
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = '';
    }
    if (current !== text) {
      console.error(`${file} is stale: run node src/core/data/generateReasonTables.mjs`);
      stale = true;
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
process.exit(stale ? 1 : 0);
