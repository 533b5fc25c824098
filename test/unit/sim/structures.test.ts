/**
 * Building blocks: the set-associative store (hits, bit-PLRU eviction, tag flushes), the branch-free
 * PLRU arithmetic, the seeded
 * PRNG and the line-tracking JSON parser.
 */
import { strict as assert } from 'assert';
import { JsonSyntaxError, parseJsonWithLines } from '../../../src/core/sim/jsonLines';
import { lowestClear, touched } from '../../../src/core/sim/plru';
import { Xorshift128 } from '../../../src/core/sim/prng';
import { SetAssoc } from '../../../src/core/sim/setAssoc';

describe('sim structures', () => {
  describe('SetAssoc', () => {
    it('hits what it holds and misses the rest; the hint picks the set', () => {
      const c = new SetAssoc(8, 2); // 4 sets × 2 ways
      assert.equal(c.access(100, 0), false);
      assert.equal(c.access(100, 0), true);
      assert.equal(c.lookup(100, 1), false); // another set
      c.insert(7, 3, 42);
      const i = c.find(7, 3);
      assert.ok(i >= 0);
      assert.equal(c.value(i), 42);
    });

    it('evicts a not-recently-used way (bit-PLRU): the way touched last survives', () => {
      const c = new SetAssoc(4, 4); // one set, 4 ways
      for (const k of [1, 2, 3, 4]) c.access(k, 0);
      // All four used-bits set → reset to just way 3 (key 4). Touch key 1 (way 0): bits {0, 3}.
      assert.equal(c.access(1, 0), true);
      // A new key goes to the lowest way whose bit is clear: way 1 (key 2).
      assert.equal(c.access(5, 0), false);
      assert.equal(c.lookup(2, 0), false);
      for (const k of [1, 3, 4, 5]) assert.equal(c.lookup(k, 0), true, `key ${k}`);
    });

    it('flushes by tag: keep the global tag, or drop one tag only', () => {
      const c = new SetAssoc(16, 4);
      const key = (page: number, tag: number): number => page * 4096 + tag;
      c.insert(key(1, 4095), 1);
      c.insert(key(2, 7), 2);
      c.insert(key(3, 8), 3);
      c.flushOnly(4096, 7);
      assert.deepEqual([c.lookup(key(1, 4095), 1), c.lookup(key(2, 7), 2), c.lookup(key(3, 8), 3)], [true, false, true]);
      c.flushExcept(4096, 4095);
      assert.deepEqual([c.lookup(key(1, 4095), 1), c.lookup(key(3, 8), 3)], [true, false]);
      assert.equal(c.occupancy(), 1);
    });

    it('refuses geometries it cannot index (non power-of-two sets, more than 32 ways)', () => {
      assert.throws(() => new SetAssoc(12, 4));
      assert.throws(() => new SetAssoc(64, 64));
      assert.equal(new SetAssoc(0, 0).lookup(1, 1), false);
    });
  });

  describe('plru', () => {
    it('touched() is the bit-PLRU rule (only the touched way stays marked once all are used), for 1 to 32 ways', () => {
      const rng = new Xorshift128(3);
      for (let ways = 1; ways <= 32; ways++) {
        const full = ways >= 32 ? -1 : (1 << ways) - 1;
        for (let k = 0; k < 2000; k++) {
          const u = rng.nextU32() & full & ~(1 << rng.below(ways)); // a used word is never full
          const bit = 1 << rng.below(ways);
          const n = u | bit;
          assert.equal(touched(u, bit, full), (n & full) === full ? bit : n, `ways ${ways} u ${u} bit ${bit}`);
          const free = ~u & full;
          assert.equal(lowestClear(u, full), free & -free);
        }
      }
    });
  });

  describe('Xorshift128', () => {
    it('is deterministic per seed and differs across seeds', () => {
      const seq = (seed: number): number[] => {
        const r = new Xorshift128(seed);
        return Array.from({ length: 5 }, () => r.nextU32());
      };
      assert.deepEqual(seq(1), seq(1));
      assert.notDeepEqual(seq(1), seq(2));
    });

    it('below(n) stays in [0, n) and covers it', () => {
      const r = new Xorshift128(3);
      const seen = new Set<number>();
      for (let i = 0; i < 1000; i++) {
        const v = r.below(10);
        assert.ok(Number.isInteger(v) && v >= 0 && v < 10);
        seen.add(v);
      }
      assert.equal(seen.size, 10);
    });
  });

  describe('parseJsonWithLines', () => {
    it('gives each object and array the line it starts on', () => {
      const { value, lineOf } = parseJsonWithLines('{\n "a": [\n  {"b": 1},\n  {"c": "x\\u0041"}\n ]\n}');
      const v = value as { a: { b?: number; c?: string }[] };
      assert.deepEqual(v, { a: [{ b: 1 }, { c: 'xA' }] });
      assert.equal(lineOf.get(v), 1);
      assert.equal(lineOf.get(v.a), 2);
      assert.equal(lineOf.get(v.a[0]), 3);
      assert.equal(lineOf.get(v.a[1]), 4);
    });

    it('reports syntax errors with line and column', () => {
      assert.throws(
        () => parseJsonWithLines('{\n  "a": 1,\n  "b": tru\n}'),
        (e: unknown) => e instanceof JsonSyntaxError && e.line === 3 && e.column === 8,
      );
      assert.throws(() => parseJsonWithLines('[1, 2'), (e: unknown) => e instanceof JsonSyntaxError && /expected "," or "\]"/.test(e.message));
    });
  });
});
