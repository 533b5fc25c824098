/**
 * The mechanisms, one at a time, on a bare synthetic machine (one process, nothing else running):
 * which guest actions exit under shadow paging and which under EPT, and how long a page walk is.
 * Every expected number is derived in the comment next to it.
 */
import { strict as assert } from 'assert';
import { DM_BASE } from '../../../src/core/sim/guestKernel';
import { bareMachine, noWalkCaches } from './helpers';

describe('sim mechanisms', () => {
  describe('page walks', () => {
    function coldWalk(paging: 'shadow' | 'ept', pages: '4k' | '2m'): { refs: number; walks: number; again: number; large: boolean } {
      const { m, site } = bareMachine(paging, pages, 'skylake', false, noWalkCaches());
      const r = m.kernel.mapRegion(m.kernel.current, 'buf', 512, 'anon', true);
      const va = r.startVpn * 4096;
      m.kernel.access(va, true, site, true); // demand fault: maps (and backs) the page
      m.mmu.flushAll();
      m.mmu.flushNested();
      const w0 = m.acct.walks;
      const r0 = m.acct.walkRefs;
      m.kernel.access(va + 8, false, site, true);
      const w1 = m.acct.walks;
      const refs = m.acct.walkRefs - r0;
      m.kernel.access(va + 16, false, site, true); // same page: TLB hit
      return { refs, walks: w1 - w0, again: m.acct.walks - w1, large: r.large };
    }

    it('a cold EPT walk (no paging-structure caches, no nested TLB) of a 4 KB page takes 24 references: 4 guest levels × (4 EPT + 1) + 4 EPT', () => {
      assert.deepEqual(coldWalk('ept', '4k'), { refs: 24, walks: 1, again: 0, large: false });
    });

    it('a cold shadow walk takes 4 references (one per level of the shadow table)', () => {
      assert.deepEqual(coldWalk('shadow', '4k'), { refs: 4, walks: 1, again: 0, large: false });
    });

    it('with 2 MB pages: 3 references under shadow, 15 under EPT (3 guest levels × (3 EPT + 1) + 3)', () => {
      assert.deepEqual(coldWalk('shadow', '2m'), { refs: 3, walks: 1, again: 0, large: true });
      assert.deepEqual(coldWalk('ept', '2m'), { refs: 15, walks: 1, again: 0, large: true });
    });

    it('with skylake\'s caches flushed, a walk refills the EPT PDE cache as it goes: 12 references', () => {
      const { m, site } = bareMachine('ept');
      const r = m.kernel.mapRegion(m.kernel.current, 'buf', 4, 'anon', true);
      m.kernel.access(r.startVpn * 4096, true, site, true);
      m.mmu.flushAll();
      m.mmu.flushNested();
      const r0 = m.acct.walkRefs;
      m.kernel.access(r.startVpn * 4096 + 8, false, site, true);
      // The process's four guest tables and the data page sit in one 2 MB chunk of guest memory
      // (consecutive frames from the free list). Guest PML4: full EPT walk (4) + the entry (1);
      // PDPT, PD, PT: EPT PDE-cache hit, so the EPT PTE (1) + the entry (1) each; the data page:
      // EPT PTE (1). 4 + 1 + 3 × 2 + 1 = 12.
      assert.equal(m.acct.walkRefs - r0, 12);
    });

    it('a TLB hit costs no walk and no walk cycles', () => {
      const { m, site } = bareMachine('ept');
      const r = m.kernel.mapRegion(m.kernel.current, 'buf', 4, 'anon', true);
      m.kernel.access(r.startVpn * 4096, true, site, true);
      const before = { walks: m.acct.walks, refs: m.acct.walkRefs, cycles: m.acct.pageWalk, tlb: m.acct.tlbAccesses };
      m.kernel.access(r.startVpn * 4096 + 64, false, site, true);
      assert.deepEqual({ walks: m.acct.walks, refs: m.acct.walkRefs, cycles: m.acct.pageWalk, tlb: m.acct.tlbAccesses }, { ...before, tlb: before.tlb + 1 });
    });

    it('paging-structure caches and the nested TLB shorten a warm EPT walk below the architectural 24', () => {
      const { m, site } = bareMachine('ept');
      const r = m.kernel.mapRegion(m.kernel.current, 'buf', 4, 'anon', true);
      m.kernel.access(r.startVpn * 4096, true, site, true);
      m.kernel.access((r.startVpn + 1) * 4096, true, site, true);
      m.mmu.dropTranslation((r.startVpn + 1) * 4096);
      const r0 = m.acct.walkRefs;
      m.kernel.access((r.startVpn + 1) * 4096, false, site, true);
      const refs = m.acct.walkRefs - r0;
      // PDE cache hit: only the guest PTE (its page-table page's nested translation is in the
      // nested TLB) and the final nested translation (EPT PDE cache hit → the EPT PTE) remain.
      assert.ok((refs) >= 1 && (refs) <= 3, `${refs} not in [1, 3]`);
    });
  });

  describe('exits: shadow paging versus EPT', () => {
    function afterSetup(paging: 'shadow' | 'ept'): ReturnType<typeof bareMachine> & { va: number } {
      const b = bareMachine(paging);
      const r = b.m.kernel.mapRegion(b.m.kernel.current, 'buf', 16, 'anon', true);
      for (let p = 0; p < 16; p++) b.m.kernel.access((r.startVpn + p) * 4096, true, b.site, true);
      b.rec.clear();
      return { ...b, va: r.startVpn * 4096 };
    }

    it('a CR3 load exits (CR_ACCESS, qualification 0x3 = CR3, MOV to CR, RAX) under shadow paging, not under EPT', () => {
      for (const paging of ['shadow', 'ept'] as const) {
        const { m, rec } = afterSetup(paging);
        const other = m.kernel.createProcess(undefined);
        rec.clear();
        m.kernel.switchTo(other);
        const cr = rec.exits.filter((e) => e.reason === 'CR_ACCESS');
        if (paging === 'shadow') {
          assert.equal((cr).length, 1);
          assert.equal(cr[0].info1, 0x3);
          assert.equal(cr[0].category, 'cr3');
          assert.equal(cr[0].rip, '0xffffffff810007f0'); // samples/guest-kernel.c:127 switch_mm → 0xffffffff81000000 + 16 × 127
        } else assert.equal((rec.exits).length, 0);
      }
    });

    it('INVLPG exits under shadow paging only, with the linear address as qualification', () => {
      for (const paging of ['shadow', 'ept'] as const) {
        const { m, rec, va } = afterSetup(paging);
        m.kernel.flushPage(va);
        assert.equal(rec.count('INVLPG'), paging === 'shadow' ? 1 : 0);
        if (paging === 'shadow') assert.equal(rec.exits[0].info1, va);
      }
    });

    it('a guest PTE write to a synced page table exits under shadow paging only (#PF, error code P|W = 3)', () => {
      for (const paging of ['shadow', 'ept'] as const) {
        const { m, rec, va } = afterSetup(paging);
        m.kernel.flushMm(); // CR3 reload: KVM resyncs the (now unsync) leaf table and write-protects it again
        rec.clear();
        const region = m.kernel.current.regions.get('buf');
        m.kernel.protect(m.kernel.current, region!, 0, 1, false);
        const pteWrites = rec.exits.filter((e) => e.reason === 'EXCEPTION_NMI');
        if (paging === 'shadow') {
          assert.equal((pteWrites).length, 1);
          assert.equal(pteWrites[0].errorCode, 3);
          assert.equal(pteWrites[0].rip, '0xffffffff810003b0'); // guest-kernel.c:59 set_pte
          assert.ok((pteWrites[0].info1) >= DM_BASE); // the store goes through the kernel's direct map
          assert.equal(rec.count('INVLPG'), 1); // mprotect of 1 page: flush_tlb_one_user
        } else assert.equal((rec.exits).length, 0);
        void va;
      }
    });

    it('the first touch of a guest-physical page the host never backed is one EPT_VIOLATION; the second touch none', () => {
      const { m, rec, site } = bareMachine('ept');
      const fresh = m.mem.layout.frames - m.mem.layout.hugeFrames - 1; // bottom of the free list: never used
      assert.equal(m.mem.isBacked(fresh), false);
      m.kernel.access(DM_BASE + fresh * 4096, true, site, false);
      m.kernel.access(DM_BASE + fresh * 4096 + 64, true, site, false);
      assert.deepEqual(rec.exits.map((e) => e.reason), ['EPT_VIOLATION']);
      assert.equal(rec.exits[0].pfAddress, fresh * 4096); // kvm_page_fault carries the GPA
      assert.equal(rec.exits[0].info1, 0x182); // write | GLA valid | final translation
      assert.equal(m.mem.isBacked(fresh), true);
    });

    it('a demand fault is two #PF exits under shadow (true fault reflected, hidden fault filled) and none under EPT', () => {
      for (const paging of ['shadow', 'ept'] as const) {
        const { m, rec, site } = afterSetup(paging);
        const r2 = m.kernel.mapRegion(m.kernel.current, 'more', 4, 'anon', true);
        m.kernel.access(r2.startVpn * 4096, true, site, true); // creates the leaf table, then shadows it (synced)
        const seen: string[][] = [];
        for (const page of [1, 2]) {
          rec.clear();
          m.kernel.access((r2.startVpn + page) * 4096, true, site, true);
          seen.push(rec.exits.map((e) => `${e.reason}/${e.errorCode}`));
        }
        // Page 1: true fault (not present, user write: U|W = 6), the guest's PTE store hits the
        // write-protected (synced) leaf table (P|W = 3: KVM marks it unsync), hidden fault (6).
        // Page 2: the table is unsync, so the store does not trap: true fault + hidden fault only.
        if (paging === 'shadow') {
          assert.deepEqual(seen, [
            ['EXCEPTION_NMI/6', 'EXCEPTION_NMI/3', 'EXCEPTION_NMI/6'],
            ['EXCEPTION_NMI/6', 'EXCEPTION_NMI/6'],
          ]);
        } else assert.deepEqual(seen, [[], []]);
      }
    });

    it('KPTI: every kernel entry and exit loads CR3 — two exits per system call under shadow paging, none under EPT', () => {
      for (const paging of ['shadow', 'ept'] as const) {
        const { m, rec } = bareMachine(paging, '4k', 'skylake', true);
        rec.clear();
        for (let i = 0; i < 5; i++) {
          m.kernel.enterKernel();
          m.kernel.kernelWork(4, 100);
          m.kernel.leaveKernel();
        }
        assert.equal(rec.count('CR_ACCESS'), paging === 'shadow' ? 10 : 0);
      }
    });

    it('port I/O exits under both with the VMX qualification port<<16 | dir<<3 | size-1 (out 0x3f8, 1 byte → 0x3f80000)', () => {
      for (const paging of ['shadow', 'ept'] as const) {
        const { m, rec, site } = bareMachine(paging);
        m.kernel.pio(0x3f8, 1, true, 0x41, site);
        m.kernel.pio(0x60, 1, false, 0, site);
        assert.deepEqual(rec.exits.map((e) => [e.reason, e.info1]), [
          ['IO_INSTRUCTION', 0x3f80000],
          ['IO_INSTRUCTION', 0x600008], // IN sets bit 3
        ]);
      }
    });

    it('MMIO: shadow paging faults on an MMIO shadow entry (#PF with RSVD), EPT takes a violation once then misconfigurations; both are category mmio', () => {
      const seen: Record<string, string[]> = {};
      for (const paging of ['shadow', 'ept'] as const) {
        const { m, rec, site } = afterSetup(paging);
        const r = m.kernel.mapRegion(m.kernel.current, 'bar', 1, 'mmio', true, 0, m.kernel.newMmioPage());
        for (let i = 0; i < 3; i++) m.kernel.access(r.startVpn * 4096 + 0x40, true, site, true, i);
        seen[paging] = rec.exits.map((e) => `${e.reason}/${e.category}/${e.errorCode}`);
      }
      // Shadow: no guest PTE yet (true fault, U|W = 6); the guest's pte_alloc stores the new table
      // into the shadowed PD (a non-leaf table: always trapped, P|W = 3); a hidden fault installs
      // the MMIO entry and emulates the store (kvm_mmio → mmio); then P|W|U|RSVD = 0xf faults.
      assert.deepEqual(seen.shadow, ['EXCEPTION_NMI/pagefault/6', 'EXCEPTION_NMI/pagefault/3', 'EXCEPTION_NMI/mmio/6', 'EXCEPTION_NMI/mmio/15', 'EXCEPTION_NMI/mmio/15']);
      // EPT: the guest fault is the guest's own; the device page exits once as a violation, then misconfigured.
      assert.deepEqual(seen.ept, ['EPT_VIOLATION/mmio/0', 'EPT_MISCONFIG/mmio/0', 'EPT_MISCONFIG/mmio/0']);
    });

    it('shadow page tables take host memory; EPT runs report none', () => {
      const s = bareMachine('shadow');
      const e = bareMachine('ept');
      assert.ok((s.m.vmm.shadowPages) > 0);
      assert.equal(e.m.vmm.shadowPages, 0);
    });
  });

  describe('exit costs', () => {
    it('an exit costs the preset round trip plus its handler (skylake out: 1,000 + 4,174 cycles)', () => {
      const { m, rec, site } = bareMachine('ept');
      const before = m.acct.now();
      m.kernel.pio(0x3f8, 1, true, 0x41, site);
      assert.equal(rec.exits[0].cycles, 1000 + 4174);
      assert.equal(m.acct.now() - before, 5174);
      // 5,174 cycles at 3 GHz = 1,724.67 ns; durations are whole ns on the trace clock.
      assert.ok((rec.exits[0].durNs) >= 1724 && (rec.exits[0].durNs) <= 1725, `${rec.exits[0].durNs} not in [1724, 1725]`);
    });

    it('without VPID (Prescott) every exit flushes the TLB, so the next reference walks again', () => {
      const { m, site } = bareMachine('shadow', '4k', 'prescott');
      const r = m.kernel.mapRegion(m.kernel.current, 'buf', 1, 'anon', true);
      m.kernel.access(r.startVpn * 4096, true, site, true);
      m.kernel.access(r.startVpn * 4096, true, site, true);
      const w0 = m.acct.walks;
      m.kernel.access(r.startVpn * 4096, true, site, true);
      assert.equal(m.acct.walks, w0); // TLB hit
      m.kernel.pio(0x3f8, 1, true, 0x41, site);
      m.kernel.access(r.startVpn * 4096, true, site, true);
      assert.equal(m.acct.walks, w0 + 1);
    });
  });
});
