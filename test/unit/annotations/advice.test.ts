/** Which advice a hot line gets for which exit mix and paging mode (the texts themselves are prose). */
import { strict as assert } from 'assert';
import { adviceFor, inferPaging, MAX_ADVICE, type AdviceInput } from '../../../src/extension/annotations/advice';

const ids = (input: AdviceInput) => adviceFor(input).map((a) => a.id);

describe('annotations: advice for an exit mix', () => {
  it('CR3 loads under shadow paging: shadow-only overhead and the context-switch explanation', () => {
    assert.deepEqual(ids({ byCategory: { cr3: 800 }, byReason: { CR_ACCESS: 800 }, paging: 'shadow' }), ['shadow-only', 'cr3-shadow']);
    const cr3 = adviceFor({ byCategory: { cr3: 1 }, byReason: {}, paging: 'shadow' })[1];
    assert.match(cr3.text, /context switch/);
    assert.match(cr3.text, /vanish under EPT/);
  });

  it('CR3 loads under EPT are flagged as unexpected, without the shadow-only note', () => {
    assert.deepEqual(ids({ byCategory: { cr3: 5 }, byReason: { CR_ACCESS: 5 }, paging: 'ept' }), ['cr3-ept']);
  });

  it('guest page faults: shadow explanation by default, the unusual-intercept note under EPT', () => {
    assert.deepEqual(ids({ byCategory: { pagefault: 10 }, byReason: { EXCEPTION_NMI: 10 } }), ['shadow-only', 'pagefault-shadow']);
    assert.deepEqual(ids({ byCategory: { pagefault: 10 }, byReason: { EXCEPTION_NMI: 10 }, paging: 'ept' }), ['pagefault-ept']);
  });

  it('a high INVLPG count points at munmap/mprotect churn', () => {
    const a = adviceFor({ byCategory: { invlpg: 1200 }, byReason: { INVLPG: 1200 }, paging: 'shadow' });
    assert.deepEqual(a.map((x) => x.id), ['shadow-only', 'invlpg-churn']);
    assert.match(a[1].text, /munmap\/mprotect/);
  });

  it('EPT violations: first touch and large pages; the walk note only without 2 MB pages', () => {
    const a = adviceFor({ byCategory: { ept: 7 }, byReason: { EPT_VIOLATION: 7 }, paging: 'ept' });
    assert.deepEqual(a.map((x) => x.id), ['ept-first-touch', 'ept-walks']);
    assert.match(a[0].text, /first touch/);
    assert.match(a[1].text, /large pages/);
    assert.deepEqual(ids({ byCategory: { ept: 7 }, byReason: { EPT_VIOLATION: 7 }, paging: 'ept', pages: '2m' }), ['ept-first-touch']);
  });

  it('MMIO: an emulated device (VFIO / virtio help), or the APIC when only APIC exits are there', () => {
    const mmio = adviceFor({ byCategory: { mmio: 100 }, byReason: { EPT_MISCONFIG: 100 }, reasonCategory: { EPT_MISCONFIG: 'mmio' } });
    assert.deepEqual(mmio.map((a) => a.id), ['mmio-device']);
    assert.match(mmio[0].text, /VT-d/);
    assert.match(mmio[0].text, /virtio/);
    assert.deepEqual(ids({ byCategory: { mmio: 3 }, byReason: { APIC_ACCESS: 2, APIC_WRITE: 1 }, reasonCategory: { APIC_ACCESS: 'mmio', APIC_WRITE: 'mmio' } }), ['apic-access']);
    // APIC and a device register on the same line: the device advice.
    assert.deepEqual(
      ids({ byCategory: { mmio: 3 }, byReason: { APIC_ACCESS: 2, EPT_MISCONFIG: 1 }, reasonCategory: { APIC_ACCESS: 'mmio', EPT_MISCONFIG: 'mmio' } }),
      ['mmio-device'],
    );
  });

  it('orders by the line\'s counts and stops at MAX_ADVICE', () => {
    assert.equal(MAX_ADVICE, 3);
    assert.deepEqual(ids({ byCategory: { io: 5, cpuid: 50, msr: 20, hlt: 1 }, byReason: {} }), ['cpuid', 'msr', 'port-io']);
    assert.deepEqual(ids({ byCategory: { hlt: 9 }, byReason: { HLT: 9 } }), ['hlt-idle']);
    assert.deepEqual(ids({ byCategory: {}, byReason: {} }), []);
  });

  it('infers the paging mode from the header, else from the trace\'s exit mix', () => {
    assert.deepEqual(inferPaging({ paging: 'ept' }, { cr3: 5 }), { paging: 'ept', inferred: false });
    assert.deepEqual(inferPaging({}, { ept: 1, cr3: 5 }), { paging: 'ept', inferred: true });
    assert.deepEqual(inferPaging({}, { invlpg: 3 }), { paging: 'shadow', inferred: true });
    assert.deepEqual(inferPaging({}, { pagefault: 3, io: 1 }), { inferred: true });
  });
});
