/**
 * Qualification decoding, with values worked out from the Intel SDM / AMD APM bit layouts.
 */
import { strict as assert } from 'assert';
import {
  decodeInterruptionInfo,
  decodeQualification,
  decodeSvmIo,
  decodeVmxCrAccess,
  decodeVmxIo,
  hexLow32,
  svmCrAccess,
  svmExceptionVector,
} from '../../../src/core/taxonomy';

describe('qualification decoding', () => {
  it('VMX CR access: bits 3:0 CR, bits 5:4 access type', () => {
    // 0x3: CR3, type 0 (MOV to CR). 0x13: CR3, type 1 (MOV from CR). 0x104: CR4, type 0, GPR 1.
    assert.deepEqual(decodeVmxCrAccess(0x3), { cr: 3, access: 'write' });
    assert.deepEqual(decodeVmxCrAccess(0x13), { cr: 3, access: 'read' });
    assert.deepEqual(decodeVmxCrAccess(0x104), { cr: 4, access: 'write' });
    // 0x20: CR0, type 2 (CLTS); 0x30: type 3 (LMSW); 0x18: CR8 read.
    assert.deepEqual(decodeVmxCrAccess(0x20), { cr: 0, access: 'clts' });
    assert.deepEqual(decodeVmxCrAccess(0x30), { cr: 0, access: 'lmsw' });
    assert.deepEqual(decodeVmxCrAccess(0x18), { cr: 8, access: 'read' });
  });

  it('VMX I/O: bits 2:0 size-1, bit 3 IN, bit 4 string, bit 5 REP, bits 31:16 port', () => {
    // 0xe90008: port 0xe9, IN, 1 byte. 0x3f80000: port 0x3f8, OUT, 1 byte.
    assert.deepEqual(decodeVmxIo(0xe90008), { port: 0xe9, size: 1, direction: 'in' });
    assert.deepEqual(decodeVmxIo(0x3f80000), { port: 0x3f8, size: 1, direction: 'out' });
    // 0xcf80003: port 0xcf8, OUT, 4 bytes. 0x1f00039: port 0x1f0, IN, 2 bytes, REP, string (rep insw).
    assert.deepEqual(decodeVmxIo(0xcf80003), { port: 0xcf8, size: 4, direction: 'out' });
    assert.deepEqual(decodeVmxIo(0x1f00039), { port: 0x1f0, size: 2, direction: 'in', string: true, rep: true });
  });

  it('SVM IOIO EXITINFO1: bit 0 IN, bit 2 string, bit 3 REP, bits 6:4 one-hot size, bits 31:16 port', () => {
    assert.deepEqual(decodeSvmIo(0x3f80010), { port: 0x3f8, size: 1, direction: 'out' });
    assert.deepEqual(decodeSvmIo(0x3f80011), { port: 0x3f8, size: 1, direction: 'in' });
    assert.deepEqual(decodeSvmIo(0xcfc0040), { port: 0xcfc, size: 4, direction: 'out' });
    // 0x1f0002d: SZ16 (bit 5), REP, string, IN.
    assert.deepEqual(decodeSvmIo(0x1f0002d), { port: 0x1f0, size: 2, direction: 'in', string: true, rep: true });
  });

  it('VMX interruption information: valid bit, vector, type, error code', () => {
    // 0x80000b0e: valid, error code valid (bit 11), type 3 (hardware exception), vector 14 (#PF).
    assert.deepEqual(decodeInterruptionInfo(0x80000b0e, 6), { vector: 14, type: 'hardware', errorCode: 6 });
    // Without the error code at hand (gen-1 traces) none is invented.
    assert.deepEqual(decodeInterruptionInfo(0x80000b0e), { vector: 14, type: 'hardware' });
    // Bit 11 clear: an error code printed anyway (0) is not the exception's.
    assert.deepEqual(decodeInterruptionInfo(0x80000306, 0), { vector: 6, type: 'hardware' });
    assert.deepEqual(decodeInterruptionInfo(0x800000fb), { vector: 0xfb, type: 'external' });
    assert.deepEqual(decodeInterruptionInfo(0x80000202), { vector: 2, type: 'nmi' });
    assert.deepEqual(decodeInterruptionInfo(0x80000603), { vector: 3, type: 'software' });
    assert.equal(decodeInterruptionInfo(0x0000000e), undefined);
  });

  it('SVM intercept codes carry the CR and the exception vector', () => {
    assert.deepEqual(svmCrAccess(0x03), { cr: 3, access: 'read' });
    assert.deepEqual(svmCrAccess(0x13), { cr: 3, access: 'write' });
    assert.deepEqual(svmCrAccess(0x65), { cr: 0, access: 'write' });
    assert.deepEqual(svmCrAccess(0x94), { cr: 4, access: 'write' });
    assert.equal(svmCrAccess(0x7b), undefined);
    assert.equal(svmExceptionVector(0x4e), 14);
    assert.equal(svmExceptionVector(0x40), 0);
    assert.equal(svmExceptionVector(0x60), undefined);
  });

  it('hexLow32 reads printed qualifications with or without 0x', () => {
    assert.equal(hexLow32('0x0000000000000104'), 0x104);
    assert.equal(hexLow32('80000b0e'), 0x80000b0e);
    assert.equal(hexLow32('0x100000014'), 0x14);
    assert.equal(hexLow32('zz'), undefined);
    assert.equal(hexLow32(''), undefined);
  });

  it('decodeQualification for the JSONL reader and the simulator', () => {
    assert.deepEqual(decodeQualification({ isa: 'vmx', reason: 28, info1: '0x3' }), { cr: { cr: 3, access: 'write' } });
    assert.deepEqual(decodeQualification({ isa: 'vmx', reason: 30, info1: '0x3f80000' }), { io: { port: 0x3f8, size: 1, direction: 'out' } });
    // #PF: the qualification is the faulting linear address.
    assert.deepEqual(decodeQualification({ isa: 'vmx', reason: 0, info1: '0x00007f0000001000', intrInfo: 0x80000b0e, errorCode: 2 }), {
      exception: { vector: 14, type: 'hardware', errorCode: 2 },
      faultAddress: '0x7f0000001000',
    });
    assert.deepEqual(decodeQualification({ isa: 'svm', reason: 0x400, info1: '0x100000014', info2: '0xfd000' }), { faultAddress: '0xfd000' });
    assert.deepEqual(decodeQualification({ isa: 'svm', reason: 0x4e, info1: '0x4', info2: '0x7f0000002000' }), {
      exception: { vector: 14, type: 'hardware', errorCode: 4 },
      faultAddress: '0x7f0000002000',
    });
    assert.deepEqual(decodeQualification({ isa: 'svm', reason: 0x13 }), { cr: { cr: 3, access: 'write' } });
    assert.deepEqual(decodeQualification({ isa: 'vmx' }), {});
  });
});
