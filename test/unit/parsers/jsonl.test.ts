/**
 * ExitLens JSON Lines (docs/trace-format.md), on synthetic inputs written from the spec.
 */
import { strict as assert } from 'assert';
import { parseText } from './helpers';

const HEADER = '{"exitlens":"trace","version":1,"isa":"vmx","simulated":true,"workload":"forkwait","paging":"shadow","cpu":"skylake","pages":"4k","seed":1,"cpuHz":3000000000,"symbols":"forkwait-shadow.syms.json"}';

describe('ExitLens JSONL (synthetic)', () => {
  it('reads the header into meta and the records into ExitRecords', () => {
    const r = parseText(
      [
        HEADER,
        // The spec's own example record.
        '{"t":1200345,"d":2150,"vcpu":0,"reason":"CR_ACCESS","rip":"0x401a2c","info1":"0x3","cr":{"cr":3,"access":"write"}}',
        '',
        '{"t":1300000,"vcpu":1,"code":0,"rip":"0x0000401B00","info1":"0x7f0000001000","intr":2147486478,"ec":2,"tid":4001,"comm":"CPU 1/KVM","cpu":3}',
        '{"t":1400000,"d":500,"reason":"EPT_VIOLATION","mmio":{"gpa":"0xfee000b0","direction":"write","length":4},"addr":"0xfee000b0"}',
        '{"t":1500000,"reason":"IO_INSTRUCTION","info1":"0x3f80000","cat":"io"}',
        '{"t":1600000,"reason":"HLT","cat":"not-a-category"}',
      ].join('\r\n'),
    );
    assert.equal(r.format, 'exitlens-jsonl');
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.metas, [
      { simulated: true, workload: 'forkwait', paging: 'shadow', cpu: 'skylake', pages: '4k', seed: 1, cpuHz: 3000000000, symbols: 'forkwait-shadow.syms.json', isa: 'vmx' },
    ]);
    assert.equal(r.records.length, 5);
    const [cr, pf, ept, io, hlt] = r.records;
    assert.deepEqual(cr, {
      timeNs: 1200345,
      entryNs: 1202495,
      vcpu: 0,
      isa: 'vmx',
      reason: 28,
      reasonName: 'CR_ACCESS',
      rip: '0x401a2c',
      info1: '0x3',
      cr: { cr: 3, access: 'write' },
      category: 'cr3',
      line: 2,
    });
    // `code` only: the name comes from the table; intr 0x80000b0e = #PF → decoded, pagefault.
    assert.equal(pf.reasonName, 'EXCEPTION_NMI');
    assert.equal(pf.rip, '0x401b00');
    assert.deepEqual(pf.exception, { vector: 14, type: 'hardware', errorCode: 2 });
    assert.equal(pf.faultAddress, '0x7f0000001000');
    assert.equal(pf.category, 'pagefault');
    assert.equal(pf.entryNs, undefined);
    assert.deepEqual([pf.tid, pf.comm, pf.hostCpu, pf.line], [4001, 'CPU 1/KVM', 3, 4]);
    // An MMIO access on an EPT violation: mmio.
    assert.equal(ept.category, 'mmio');
    assert.equal(ept.faultAddress, '0xfee000b0');
    assert.deepEqual(io.io, { port: 0x3f8, size: 1, direction: 'out' });
    assert.equal(io.category, 'io');
    // An unknown `cat` is derived instead.
    assert.equal(hlt.category, 'hlt');
  });

  it('bad lines are warnings with their line; the rest is read', () => {
    const r = parseText(
      [HEADER, '{"t":1,"reason":"HLT"', '[1,2]', '{"reason":"HLT"}', '{"t":-5,"reason":"HLT"}', '{"t":2}', '{"t":3,"reason":"HLT"}', HEADER].join('\n'),
      'exitlens-jsonl',
    );
    assert.deepEqual(r.warnings, [
      { line: 2, message: 'not valid JSON; skipped' },
      { line: 3, message: 'not a JSON object; skipped' },
      { line: 4, message: 'record without an integer "t" (ns); skipped' },
      { line: 5, message: 'record without an integer "t" (ns); skipped' },
      { line: 6, message: 'record without "reason" or "code"; skipped' },
      { line: 8, message: 'a second header line; ignored' },
    ]);
    assert.deepEqual(
      r.records.map((x) => [x.line, x.reasonName]),
      [[7, 'HLT']],
    );
  });

  it('refuses a newer major version with one clear error and reads nothing more', () => {
    const r = parseText(['{"exitlens":"trace","version":2,"isa":"vmx"}', '{"t":1,"reason":"HLT"}'].join('\n'), 'exitlens-jsonl');
    assert.deepEqual(r.warnings, [{ line: 1, message: 'ExitLens JSONL version 2 is newer than this reader (version 1); file not read — update ExitLens' }]);
    assert.deepEqual(r.records, []);
    assert.deepEqual(r.metas, []);
  });

  it('without a header, the ISA comes from the reason names', () => {
    const r = parseText(['{"t":1,"reason":"npf","info2":"0xfd000"}', '{"t":2,"reason":"EPT_VIOLATION"}'].join('\n'), 'exitlens-jsonl');
    assert.deepEqual(r.warnings, [{ line: 1, message: 'no ExitLens header line; the ISA is taken from the reason names' }]);
    assert.deepEqual(
      r.records.map((x) => [x.isa, x.reasonName, x.reason, x.category, x.faultAddress]),
      [
        ['svm', 'npf', 0x400, 'ept', '0xfd000'],
        ['vmx', 'EPT_VIOLATION', 48, 'ept', undefined],
      ],
    );
  });
});
