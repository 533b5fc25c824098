/*
 * ExitLens simulator workloads — the guest user programs the bundled simulator runs.
 *
 * This file is what `exitlens simulate` names in the guest RIPs of its traces: each line
 * marked with an `@site` comment is an operation of a built-in workload (src/core/sim/
 * builtinWorkloads.ts refers to these line numbers and a unit test checks the markers).
 * The simulator does not compile or execute this C; it runs the operation program that
 * mirrors it. The code is nevertheless real, buildable C (cc -O2 -o workloads workloads.c)
 * so the same workloads can be run in a real guest and traced with perf for comparison.
 *
 * Synthetic guest text layout used by the simulator: line N of this file has its first
 * instruction at RIP 0x401000 + 16 * N (see docs/simulator.md).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

static volatile uint64_t sink;

/* forkwait: fork, the child exits at once, the parent waits (Adams & Agesen, VMware EPT study). */
static void forkwait(int iterations)
{
	for (int i = 0; i < iterations; i++) {
		pid_t pid = fork();                             /* @site forkwait:fork */
		if (pid == 0)
			_exit(0);                               /* @site forkwait:exit */
		waitpid(pid, NULL, 0);                          /* @site forkwait:wait */
		sink += i;                                      /* @site forkwait:work */
	}
}

/* ptemod: flip the protection of a few pages and write them (page-table updates + TLB shootdown). */
static void ptemod(char *buf, size_t pages, int iterations)
{
	for (int i = 0; i < iterations; i++) {
		mprotect(buf, pages * PAGE, PROT_READ);         /* @site ptemod:protect-ro */
		mprotect(buf, pages * PAGE, PROT_READ | PROT_WRITE); /* @site ptemod:protect-rw */
		for (size_t p = 0; p < pages; p++)
			buf[p * PAGE] += 1;                     /* @site ptemod:write */
	}
}

/* pgfault: map fresh anonymous memory, touch every page, unmap (demand-zero faults). */
static void pgfault(size_t pages, int iterations)
{
	for (int i = 0; i < iterations; i++) {
		char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); /* @site pgfault:mmap */
		for (size_t j = 0; j < pages; j++)
			p[j * PAGE] = 1;                        /* @site pgfault:touch */
		munmap(p, pages * PAGE);                        /* @site pgfault:munmap */
	}
}

/* compute: arithmetic over a small, cache- and TLB-resident array. */
static void compute(uint64_t *a, size_t n, int iterations)
{
	uint64_t acc = 0;
	for (int i = 0; i < iterations; i++)
		for (size_t j = 0; j < n; j++)
			acc = acc * 6364136223846793005ULL + a[j]; /* @site compute:loop */
	sink = acc;
}

/* syscall: a cheap system call in a loop (run with and without KPTI in the guest kernel). */
static void syscalls(int iterations)
{
	for (int i = 0; i < iterations; i++)
		sink += syscall(SYS_getppid);                   /* @site syscall:getppid */
}

/* pingpong: two processes bounce a byte through two pipes; one context switch per message. */
static void pingpong(int messages)
{
	int ab[2], ba[2];
	char c = 0;
	pipe(ab);
	pipe(ba);
	if (fork() == 0) {
		for (int i = 0; i < messages; i++) {
			read(ab[0], &c, 1);                     /* @site pingpong:peer-read */
			write(ba[1], &c, 1);                    /* @site pingpong:peer-write */
		}
		_exit(0);
	}
	for (int i = 0; i < messages; i++) {
		write(ab[1], &c, 1);                            /* @site pingpong:write */
		read(ba[0], &c, 1);                             /* @site pingpong:read */
	}
	wait(NULL);
}

/* gups: random read-modify-write updates over a table far larger than the TLB reach. */
static void gups(uint64_t *table, size_t words, long updates)
{
	uint64_t x = 88172645463325252ULL;
	for (long i = 0; i < updates; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		table[x % words] ^= x;                          /* @site gups:update */
	}
}

/* mmio: a user-space (UIO/VFIO) driver rings a device doorbell register. */
static void mmio(volatile uint32_t *bar, int iterations)
{
	for (int i = 0; i < iterations; i++) {
		sink += i * 7;                                  /* @site mmio:work */
		bar[0x10] = (uint32_t)i;                        /* @site mmio:doorbell */
	}
}

/* pio: write bytes to the legacy serial port with outb (needs ioperm). */
static void pio(int iterations)
{
	ioperm(0x3f8, 8, 1);
	for (int i = 0; i < iterations; i++) {
		sink += i;                                      /* @site pio:work */
		outb('A', 0x3f8);                               /* @site pio:outb */
	}
}

/* kbuild: a compile-like mix — short processes that read sources, compute, write objects. */
static void compile_one(const char *src, const char *obj)
{
	char buf[16384];
	int in = open(src, O_RDONLY);                           /* @site kbuild:open */
	ssize_t n = read(in, buf, sizeof buf);                  /* @site kbuild:read */
	char *heap = malloc(8 << 20);
	for (size_t i = 0; i < (8 << 20); i += PAGE)
		heap[i] = (char)i;                              /* @site kbuild:heap */
	for (ssize_t i = 0; i < n; i++)
		sink += buf[i] * heap[(i * 64) % (8 << 20)];    /* @site kbuild:compile */
	int out = open(obj, O_WRONLY | O_CREAT, 0644);
	write(out, heap, 65536);                                /* @site kbuild:write */
	fsync(out);                                             /* @site kbuild:fsync */
	close(out);
	close(in);
	free(heap);
}

static void kbuild(int jobs)
{
	for (int j = 0; j < jobs; j++) {
		pid_t pid = fork();                             /* @site kbuild:spawn */
		if (pid == 0) {
			execl("/bin/true", "cc1", NULL);        /* @site kbuild:exec */
			compile_one("in.c", "out.o");
			_exit(0);                               /* @site kbuild:exit */
		}
		waitpid(pid, NULL, 0);                          /* @site kbuild:wait */
	}
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "compute";
	static uint64_t small[8192];
	if (!strcmp(w, "forkwait")) forkwait(40000);
	else if (!strcmp(w, "ptemod")) ptemod(mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), 16, 100000);
	else if (!strcmp(w, "pgfault")) pgfault(256, 10000);
	else if (!strcmp(w, "compute")) compute(small, 8192, 100000);
	else if (!strcmp(w, "syscall")) syscalls(10000000);
	else if (!strcmp(w, "pingpong")) pingpong(1000000);
	else if (!strcmp(w, "gups")) {
		size_t words = (256UL << 20) / 8;
		gups(calloc(words, 8), words, 100000000L);
	} else if (!strcmp(w, "mmio")) {
		int fd = open("/dev/uio0", O_RDWR);
		mmio(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), 1000000);
	} else if (!strcmp(w, "pio")) pio(1000000);
	else if (!strcmp(w, "kbuild")) kbuild(1000);
	return 0;
}
