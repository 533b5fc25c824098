/**
 * System.map / kallsyms / nm listings → symbol+offset. All inputs here are SYNTHETIC listings written
 * in the formats the tools print (address, type letter, name; kallsyms adds `\t[module]`, `nm -S` a size).
 */
import { strict as assert } from 'assert';
import { canonicalRip, formatAddress, parseAddress } from '../../../src/core/symbols/address';
import { RangeTable } from '../../../src/core/symbols/rangeTable';
import { parseSymbolMap } from '../../../src/core/symbols/symbolMapParser';
import { createSymbolMapResolver } from '../../../src/core/symbols/symbolMapResolver';

const SYSTEM_MAP = [
  'ffffffff81000000 T _text',
  'ffffffff81000000 T startup_64',
  'ffffffff81000070 T secondary_startup_64',
  'ffffffff81001000 t native_write_cr3',
  'ffffffff81001010 T native_read_msr',
  'ffffffff81002000 D some_data',
  'ffffffff81002100 W weak_fn',
  '',
].join('\n');

async function resolveOne(text: string, name: string, rip: string) {
  const resolver = createSymbolMapResolver(parseSymbolMap(text, name), name);
  const res = await resolver.resolve([rip]);
  return { r: res.resolutions.get(rip)!, messages: res.messages };
}

describe('symbols/address', () => {
  it('parses 64-bit hex with or without 0x and refuses the rest', () => {
    assert.equal(parseAddress('0xffffffff81000000'), 0xffffffff81000000n);
    assert.equal(parseAddress('FFFFFFFF81000000'), 0xffffffff81000000n);
    assert.equal(parseAddress('0x'), undefined);
    assert.equal(parseAddress('0x1ffffffffffffffff'), undefined); // 17 digits: not a 64-bit address
    assert.equal(parseAddress('12g'), undefined);
    assert.equal(formatAddress(0x401a2cn), '0x401a2c');
    assert.equal(canonicalRip('0x0000401A2C'), '0x401a2c');
  });
});

describe('symbols/rangeTable', () => {
  it('finds the greatest start at or below an address, honouring sizes and first-wins for equal starts', () => {
    const t = new RangeTable<string>([
      { start: 0x2000n, size: 0x10n, value: 'b' },
      { start: 0x1000n, value: 'a' },
      { start: 0x2000n, size: 0x100n, value: 'b-alias' },
    ]);
    assert.equal(t.size, 2);
    assert.equal(t.find(0xfffn), undefined);
    assert.deepEqual(t.find(0x1000n), { start: 0x1000n, value: 'a' });
    assert.deepEqual(t.find(0x1fffn), { start: 0x1000n, value: 'a' }); // no size: runs to the next start
    assert.deepEqual(t.find(0x200fn), { start: 0x2000n, value: 'b' });
    assert.equal(t.find(0x2010n), undefined); // past b's 0x10 bytes; the alias lost
  });
});

describe('symbols/symbolMapParser + symbolMapResolver', () => {
  it('resolves System.map RIPs to symbol+offset, local (t) symbols included', async () => {
    const { r, messages } = await resolveOne(SYSTEM_MAP, 'System.map', '0xffffffff81001004');
    assert.deepEqual(r, { rip: '0xffffffff81001004', precision: 'symbol', symbol: 'native_write_cr3', offset: 4 });
    assert.deepEqual(messages, []);
  });

  it('keeps the first name of aliases at one address and counts every defined symbol', async () => {
    const map = parseSymbolMap(SYSTEM_MAP, 'System.map');
    assert.equal(map.symbolCount, 7);
    assert.equal(map.table.size, 6);
    const { r } = await resolveOne(SYSTEM_MAP, 'System.map', '0xffffffff81000010');
    assert.equal(r.symbol, '_text');
    assert.equal(r.offset, 0x10);
  });

  it('leaves RIPs in data or before the first symbol unresolved', async () => {
    assert.equal((await resolveOne(SYSTEM_MAP, 'System.map', '0xffffffff81002010')).r.precision, 'none');
    assert.equal((await resolveOne(SYSTEM_MAP, 'System.map', '0xffffffff80ffffff')).r.precision, 'none');
  });

  it('counts weak (W) symbols as code, and the last symbol runs open-ended', async () => {
    const { r } = await resolveOne(SYSTEM_MAP, 'System.map', '0xffffffff81002105');
    assert.equal(r.symbol, 'weak_fn');
    assert.equal(r.offset, 5);
  });

  it('reads a kallsyms copy with module names and CRLF line ends', async () => {
    const text = 'ffffffffc0a00000 t vmx_vcpu_run\t[kvm_intel]\r\nffffffffc0a00400 T vmx_handle_exit\t[kvm_intel]\r\n';
    const { r, messages } = await resolveOne(text, 'kallsyms', '0xffffffffc0a0042a');
    assert.deepEqual(r, { rip: '0xffffffffc0a0042a', precision: 'symbol', symbol: 'vmx_handle_exit', offset: 0x2a });
    assert.deepEqual(messages, []);
  });

  it('says once that a kallsyms copy read without privilege is useless', async () => {
    const text = '0000000000000000 T _text\n0000000000000000 T startup_64\n0000000000000000 t native_write_cr3\n';
    const resolver = createSymbolMapResolver(parseSymbolMap(text, 'kallsyms.txt'), 'kallsyms.txt');
    const res = await resolver.resolve(['0x10', '0x20', '0x30']);
    assert.equal(res.messages.length, 1);
    assert.equal(res.messages[0].severity, 'error');
    assert.match(res.messages[0].message, /kallsyms\.txt: every address is 0 .*as root/);
    assert.deepEqual([...res.resolutions.values()].map((r) => r.precision), ['none', 'none', 'none']);
  });

  it('reads nm -S sizes and stops a symbol at its end; skips undefined symbols and object headers', async () => {
    const text = [
      'guest.o:',
      '                 U printf',
      '                 w __gmon_start__',
      '0000000000001129 0000000000000037 T guest_cpuid',
      '0000000000001170 0000000000000012 T guest_write_cr3',
    ].join('\n');
    const map = parseSymbolMap(text, 'nm.txt');
    assert.deepEqual(map.messages, []);
    assert.equal(map.symbolCount, 2);
    const resolver = createSymbolMapResolver(map, 'nm.txt');
    const res = await resolver.resolve(['0x1134', '0x1160', '0x1181', '0x1182']);
    assert.deepEqual(res.resolutions.get('0x1134'), { rip: '0x1134', precision: 'symbol', symbol: 'guest_cpuid', offset: 0xb });
    assert.equal(res.resolutions.get('0x1160')!.precision, 'none'); // 0x1129 + 0x37 = 0x1160: just past the end
    assert.equal(res.resolutions.get('0x1181')!.offset, 0x11);
    assert.equal(res.resolutions.get('0x1182')!.precision, 'none');
  });

  it('collapses unreadable lines into one warning naming the file, the count and the first line', () => {
    const text = 'ffffffff81000000 T _text\nthis is not a symbol\nffffffff81000070 T secondary_startup_64\nzzz T bad\n';
    const map = parseSymbolMap(text, 'System.map-6.1');
    assert.equal(map.symbolCount, 2);
    assert.equal(map.messages.length, 1);
    assert.equal(map.messages[0].line, 2);
    assert.equal(map.messages[0].file, 'System.map-6.1');
    assert.match(map.messages[0].message, /^System\.map-6\.1: 2 lines not understood .*first at line 2: "this is not a symbol"/);
  });

  it('reports an empty listing as one error', () => {
    const map = parseSymbolMap('\n\n', 'empty.map');
    assert.equal(map.messages.length, 1);
    assert.match(map.messages[0].message, /empty\.map: no symbols found/);
  });

  it('subtracts an address bias (KASLR slide) before the lookup', async () => {
    const resolver = createSymbolMapResolver(parseSymbolMap(SYSTEM_MAP, 'System.map'), 'System.map', { addressBias: 0x1e000000n });
    const res = await resolver.resolve(['0xffffffff9f001004']);
    assert.deepEqual(res.resolutions.get('0xffffffff9f001004'), { rip: '0xffffffff9f001004', precision: 'symbol', symbol: 'native_write_cr3', offset: 4 });
  });
});
