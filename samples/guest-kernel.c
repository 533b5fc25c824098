/*
 * ExitLens simulator — the guest-kernel paths the simulated workloads run through.
 *
 * A real trace names kernel RIPs whenever the guest kernel causes the exit (a CR3 load in
 * switch_mm, an INVLPG after a PTE change, HLT in the idle loop...). The simulator models a
 * small Linux-like guest kernel and reports its exits at the lines marked `@site` below, so
 * annotations land on the code that really executes the exiting instruction. This is a
 * condensed, readable model of the Linux x86-64 paths (names follow mm/memory.c,
 * arch/x86/mm/tlb.c, arch/x86/entry/entry_64.S), not kernel source.
 *
 * Synthetic guest text layout used by the simulator: line N of this file has its first
 * instruction at RIP 0xffffffff81000000 + 16 * N (see docs/simulator.md).
 */
#include <stdint.h>

typedef uint64_t pte_t;
struct mm { pte_t *pgd; pte_t *user_pgd; uint16_t pcid; };
struct page;

#define X86_CR3_PCID_NOFLUSH (1ULL << 63)
#define MSR_IA32_TSC_DEADLINE 0x6e0

extern uint64_t __pa(const void *p);
extern void *page_address(struct page *pg);
extern struct page *alloc_zeroed_page(void);
extern int kpti_enabled, pcid_enabled;

static inline void write_cr3(uint64_t val)
{
	asm volatile("mov %0, %%cr3" : : "a"(val) : "memory");
}

static inline void invlpg(unsigned long addr)
{
	asm volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

/* --- page allocation ------------------------------------------------------------------ */

void clear_page(void *page)
{
	uint64_t *p = page;
	for (int i = 0; i < 512; i++)
		p[i] = 0;                                       /* @site kernel:clear-page */
}

void copy_page(void *to, const void *from)
{
	const uint64_t *s = from;
	uint64_t *d = to;
	for (int i = 0; i < 512; i++)
		d[i] = s[i];                                    /* @site kernel:copy-page */
}

/* --- page tables --------------------------------------------------------------------- */

static inline void set_pte(pte_t *ptep, pte_t pte)
{
	*ptep = pte;                                            /* @site kernel:set-pte */
}

static inline void set_pmd(pte_t *pmdp, pte_t pmd)
{
	*pmdp = pmd;                                            /* @site kernel:set-pmd */
}

pte_t *pte_alloc(pte_t *pmdp)
{
	struct page *pg = alloc_zeroed_page();
	clear_page(page_address(pg));
	set_pmd(pmdp, __pa(page_address(pg)) | 0x67);
	return page_address(pg);
}

/* Demand-zero and copy-on-write faults (mm/memory.c: do_anonymous_page, do_wp_page). */
void handle_mm_fault(pte_t *ptep, unsigned long addr, int write)
{
	struct page *pg = alloc_zeroed_page();
	if (write && (*ptep & 1))
		copy_page(page_address(pg), (void *)addr);
	else
		clear_page(page_address(pg));
	set_pte(ptep, __pa(page_address(pg)) | 0x67);
}

/* fork: copy the parent's page tables and write-protect both sides (copy_pte_range). */
void copy_pte_range(pte_t *dst, pte_t *src, int n)
{
	for (int i = 0; i < n; i++) {
		if (!(src[i] & 1))
			continue;
		src[i] &= ~2ULL;                                /* @site kernel:wrprotect */
		dst[i] = src[i];                                /* @site kernel:copy-pte */
	}
}

/* exit / munmap: clear the PTEs, then free the page-table pages (zap_pte_range, free_pgtables). */
void zap_pte_range(pte_t *pte, int n)
{
	for (int i = 0; i < n; i++)
		pte[i] = 0;                                     /* @site kernel:zap-pte */
}

void free_pgtables(pte_t *pmdp)
{
	*pmdp = 0;                                              /* @site kernel:free-pgtable */
}

/* --- TLB flushing (arch/x86/mm/tlb.c) -------------------------------------------------- */

void flush_tlb_one_user(unsigned long addr)
{
	invlpg(addr);                                           /* @site kernel:invlpg */
}

void flush_tlb_mm(struct mm *mm)
{
	write_cr3(__pa(mm->pgd));                               /* @site kernel:flush-cr3 */
}

void switch_mm(struct mm *prev, struct mm *next)
{
	(void)prev;
	uint64_t cr3 = __pa(next->pgd) | next->pcid;
	if (pcid_enabled)
		cr3 |= X86_CR3_PCID_NOFLUSH;
	write_cr3(cr3);                                         /* @site kernel:switch-mm */
}

/* --- system calls (arch/x86/entry/entry_64.S with page-table isolation) ------------------ */

void entry_SYSCALL_64(struct mm *mm)
{
	if (kpti_enabled)
		write_cr3(__pa(mm->pgd));                       /* @site kernel:kpti-enter */
}

void syscall_return_via_sysret(struct mm *mm)
{
	if (kpti_enabled)
		write_cr3(__pa(mm->user_pgd) | 0x800);          /* @site kernel:kpti-exit */
}

long do_syscall_work(const uint64_t *data, int n)
{
	long r = 0;
	for (int i = 0; i < n; i++)
		r += data[i];                                   /* @site kernel:syscall-work */
	return r;
}

long copy_user(void *to, const void *from, unsigned long n)
{
	const char *s = from;
	char *d = to;
	for (unsigned long i = 0; i < n; i++)
		d[i] = s[i];                                    /* @site kernel:copy-user */
	return 0;
}

void exec_mmap(struct mm *mm)
{
	switch_mm(0, mm);                                       /* @site kernel:exec */
}

/* --- interrupts, timers, idle, block I/O ------------------------------------------------- */

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
}

void lapic_next_deadline(uint64_t tsc)
{
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc);                      /* @site kernel:wrmsr-deadline */
}

void timer_interrupt(uint64_t now)
{
	lapic_next_deadline(now + 4000000);                     /* @site kernel:timer */
}

void default_idle(void)
{
	asm volatile("sti; hlt" : : : "memory");               /* @site kernel:hlt */
}

void virtio_blk_notify(volatile uint32_t *notify, uint16_t queue)
{
	*notify = queue;                                        /* @site kernel:virtio-notify */
}
