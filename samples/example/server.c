/*
 * Example for a user-written ExitLens workload (server.workload.json names these lines).
 * A toy request loop: each request reads a packet (system call), parses it into a fresh buffer
 * (page faults), touches a hash table, and every 64 requests forks a logger and rings a NIC
 * doorbell through a UIO mapping. Synthetic example code: not a benchmark of anything real.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t table[1 << 20];

static void handle(volatile uint32_t *doorbell, int fd, int i)
{
	char pkt[2048];
	ssize_t n = read(fd, pkt, sizeof pkt);                 /* recv */
	char *buf = mmap(NULL, 64 << 10, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);  /* buffer */
	for (ssize_t j = 0; j < n; j++)
		buf[j * 32] = pkt[j];                          /* parse */
	table[(uint64_t)buf[0] * 2654435761u % (1 << 20)]++;  /* lookup */
	munmap(buf, 64 << 10);                                 /* release */
	if (i % 64 == 0) {
		if (fork() == 0)                               /* logger */
			_exit(0);
		wait(NULL);
		doorbell[0] = (uint32_t)i;                     /* doorbell */
	}
}

int main(void)
{
	for (int i = 0;; i++)
		handle(NULL, 0, i);
}
