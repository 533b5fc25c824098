/**
 * The key tables behind the compact path (exitKeys.ts) and the byte memo behind the fast path
 * (byteMemo.ts): keys are stable and dense, categories equal the taxonomy's, memo hits are exact.
 */
import { strict as assert } from 'assert';
import { CATEGORIES } from '../../../src/core/model/exit';
import { ByteMemo } from '../../../src/core/parsers/byteMemo';
import { ExitKeyTable } from '../../../src/core/parsers/exitKeys';
import { decodeFastPath } from '../../../src/core/parsers/exitDetails';
import { newExit } from '../../../src/core/parsers/openExit';
import { allReasons, refine } from '../../../src/core/taxonomy';

describe('ExitKeyTable', () => {
  it('gives every reason of both tables the category refine() gives a fresh parser record, for every qualification shape', () => {
    const keys = new ExitKeyTable();
    // VM-exit interruption information: valid #PF (vector 14), valid #GP (13), not valid, and absent (-1);
    // VMX CR_ACCESS qualification bits 3:0 = 3 (CR3), 0 (CR0), 4; with and without info1.
    const intrInfos = [0x80000b0e, 0x80000b0d, 0x0000000e, -1];
    const quals = [0x3, 0x0, 0x4, 0x13];
    let checked = 0;
    for (const isa of ['vmx', 'svm'] as const) {
      for (const info of new Set(allReasons(isa).values())) {
        const key = keys.reasonKey(isa, info, info.name);
        assert.equal(keys.reasonName(key), info.name);
        assert.equal(keys.reasonIsa(key), isa);
        for (const intrInfo of intrInfos) {
          for (const q of quals) {
            for (const hasInfo1 of [true, false]) {
              const rec = newExit(0, isa, info.name, 1);
              rec.reason = info.code;
              if (hasInfo1) rec.info1 = '0x' + q.toString(16);
              if (intrInfo >= 0) rec.intrInfo = intrInfo;
              decodeFastPath(rec, info, q);
              assert.equal(CATEGORIES[keys.category(key, hasInfo1, q, intrInfo)], refine(info, rec), `${isa} ${info.name} intr ${intrInfo} q ${q} ${hasInfo1}`);
              checked++;
            }
          }
        }
      }
    }
    assert.ok(checked > 1000);
  });

  it('keys reasons by ISA, name and table entry; a name no table knows is `other`', () => {
    const keys = new ExitKeyTable();
    const hlt = allReasons('vmx').get('HLT');
    const a = keys.reasonKey('vmx', hlt, 'HLT');
    assert.equal(keys.reasonKey('vmx', hlt, 'HLT'), a);
    const b = keys.reasonKey('svm', undefined, 'HLT');
    assert.notEqual(b, a);
    assert.equal(CATEGORIES[keys.category(b, false, 0, -1)], 'other');
    assert.deepEqual([a, b], [0, 1]);
  });

  it('keys RIPs by 64-bit value, densely from 0, through table growth; text is canonical', () => {
    const keys = new ExitKeyTable();
    const n = 20000;
    for (let i = 0; i < n; i++) assert.equal(keys.ripKey(0xffffffff, (0x81000000 + i * 16) >>> 0), i);
    for (let i = 0; i < n; i++) assert.equal(keys.ripKey(0xffffffff, (0x81000000 + i * 16) >>> 0), i);
    assert.equal(keys.ripCount, n);
    assert.equal(keys.ripKey(0, 0), n);
    assert.equal(keys.rip(n), '0x0');
    assert.equal(keys.rip(0), '0xffffffff81000000');
    assert.equal(keys.rip(keys.ripKey(0, 0x401a2c)), '0x401a2c');
    assert.equal(keys.rip(keys.ripKey(0x1, 0x0000f00d)), '0x10000f00d');
  });
});

describe('ByteMemo', () => {
  const bytes = (s: string): DataView => {
    const b = new TextEncoder().encode(s);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  };

  it('hits only on exactly equal bytes of equal length, at any offset', () => {
    const memo = new ByteMemo<string>(4, 48, 2);
    const dv = bytes('xxHLT rip 0xffffffff81000010yy');
    memo.remember(dv, 2, 26, 7, 'HLT');
    const again = bytes('HLT rip 0xffffffff81000010');
    assert.equal(memo.lookup(again, 0, 26), true);
    assert.equal(memo.int, 7);
    assert.equal(memo.object, 'HLT');
    assert.equal(memo.lookup(bytes('HLT rip 0xffffffff81000011'), 0, 26), false);
    assert.equal(memo.lookup(bytes('HLT rip 0xfffffff081000010'), 0, 26), false);
    assert.equal(memo.lookup(again, 0, 25), false);
  });

  it('keeps the two newest keys of a set and refuses keys doubles cannot compare (NaN, ±0)', () => {
    const memo = new ByteMemo<string>(0, 16, 1); // one set of two entries
    const keys = ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc'];
    keys.forEach((k, i) => memo.remember(bytes(k), 0, 10, i, k));
    assert.equal(memo.lookup(bytes(keys[0]), 0, 10), false);
    assert.equal(memo.lookup(bytes(keys[1]), 0, 10), true);
    assert.equal(memo.lookup(bytes(keys[2]), 0, 10), true);
    const zeros = new DataView(new ArrayBuffer(8));
    memo.remember(zeros, 0, 8, 1, 'zero');
    assert.equal(memo.lookup(zeros, 0, 8), false);
    const nan = new DataView(new ArrayBuffer(8));
    nan.setFloat64(0, NaN, true);
    memo.remember(nan, 0, 8, 1, 'nan');
    assert.equal(memo.lookup(nan, 0, 8), false);
  });
});
