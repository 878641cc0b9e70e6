// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmux_udp: send or receive a counted stream of UDP datagrams, for the
 * BAM-DMUX selftests. Every datagram carries its sequence number and a
 * payload pattern derived from it, so the receiver checks content as well
 * as count.
 *
 *   dmux_udp send ADDR PORT COUNT SIZE
 *   dmux_udp recv PORT COUNT TIMEOUT_MS [6]
 *   dmux_udp echo ADDR PORT COUNT SIZE TIMEOUT_MS
 *
 * recv prints "received N bad M" and exits 0 only if N == COUNT and M == 0.
 * echo sends one datagram at a time and waits for it to come back unchanged
 * (an XDP_TX program on the far side); it prints "echoed N bad M".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PAYLOAD 65507

static unsigned char buf[MAX_PAYLOAD];

static void fill(unsigned char *p, size_t len, uint32_t seq)
{
	size_t i;

	for (i = 4; i < len; i++)
		p[i] = (unsigned char)(seq * 31 + i);
	if (len >= 4)
		memcpy(p, &seq, 4);
}

static int check(const unsigned char *p, size_t len, size_t want)
{
	uint32_t seq;
	size_t i;

	if (len != want || len < 4)
		return len == want;
	memcpy(&seq, p, 4);
	for (i = 4; i < len; i++)
		if (p[i] != (unsigned char)(seq * 31 + i))
			return 0;
	return 1;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int parse_addr(const char *s, int port, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return AF_INET6;
	}
	return -1;
}

/* A UDP socket for sending to ADDR:PORT; -2 bad address, -1 no socket. */
static int open_to(const char *addr, int port, struct sockaddr_storage *ss,
		   socklen_t *sslen)
{
	int fd, one = 1, af = parse_addr(addr, port, ss, sslen);

	if (af < 0) {
		fprintf(stderr, "dmux_udp: bad address '%s'\n", addr);
		return -2;
	}
	fd = socket(af, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("dmux_udp: socket");
		return -1;
	}
	/*
	 * Without IP_RECVERR, UDP reports a datagram the full qdisc dropped
	 * as sent: ask for ENOBUFS, and send it again.
	 */
	if (setsockopt(fd, af == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
		       af == AF_INET ? IP_RECVERR : IPV6_RECVERR, &one,
		       sizeof(one)) < 0) {
		perror("dmux_udp: setsockopt RECVERR");
		close(fd);
		return -1;
	}
	return fd;
}

static int do_send(const char *addr, int port, long count, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	long sent = 0;
	int fd;

	fd = open_to(addr, port, &ss, &sslen);
	if (fd < 0)
		return -fd;
	while (sent < count) {
		fill(buf, size, (uint32_t)sent);
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&ss, sslen) < 0) {
			/* The qdisc is full: the device stopped its queue. */
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			/*
			 * An ICMP error for an earlier datagram (no receiver,
			 * as in a flood): reported, with IP_RECVERR, instead
			 * of sending this one. Send it again.
			 */
			if (errno == ECONNREFUSED || errno == EHOSTUNREACH ||
			    errno == ENETUNREACH)
				continue;
			perror("dmux_udp: sendto");
			close(fd);
			return 1;
		}
		sent++;
	}
	close(fd);
	printf("sent %ld\n", sent);
	return 0;
}

static int do_recv(int port, long count, int timeout_ms, int v6)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_port = htons(port) };
	long got = 0, bad = 0, want_size = -1;
	long long deadline = now_ms() + timeout_ms;
	int fd, rcvbuf = 16 << 20;

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("dmux_udp: socket");
		return 1;
	}
	/* Beyond rmem_max when root: the test counts what the device
	 * delivered, not what a busy receiver had room for.
	 */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
		 v6 ? sizeof(a6) : sizeof(a4)) < 0) {
		perror("dmux_udp: bind");
		return 1;
	}
	/* Tell a waiting script that we listen. */
	printf("listening\n");
	fflush(stdout);

	while (got < count) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			continue;
		if (want_size < 0)
			want_size = n;
		if (!check(buf, (size_t)n, (size_t)want_size))
			bad++;
		got++;
	}
	close(fd);
	printf("received %ld bad %ld\n", got, bad);
	return got == count && !bad ? 0 : 1;
}

static int do_echo(const char *addr, int port, long count, size_t size,
		   int timeout_ms)
{
	static unsigned char reply[MAX_PAYLOAD];
	struct sockaddr_storage ss;
	long done = 0, bad = 0;
	socklen_t sslen;
	int fd;

	fd = open_to(addr, port, &ss, &sslen);
	if (fd < 0)
		return -fd;
	for (; done < count; done++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		fill(buf, size, (uint32_t)done);
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&ss, sslen) < 0) {
			perror("dmux_udp: sendto");
			break;
		}
		if (poll(&pfd, 1, timeout_ms) <= 0) {
			fprintf(stderr, "dmux_udp: no echo for datagram %ld\n", done);
			break;
		}
		n = recv(fd, reply, sizeof(reply), 0);
		if (n != (ssize_t)size || memcmp(reply, buf, size))
			bad++;
	}
	close(fd);
	printf("echoed %ld bad %ld\n", done, bad);
	return done == count && !bad ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 6 && !strcmp(argv[1], "send")) {
		size_t size = strtoul(argv[5], NULL, 0);

		if (size > MAX_PAYLOAD) {
			fprintf(stderr, "dmux_udp: size too large\n");
			return 2;
		}
		return do_send(argv[2], atoi(argv[3]), atol(argv[4]), size);
	}
	if (argc == 7 && !strcmp(argv[1], "echo")) {
		size_t size = strtoul(argv[5], NULL, 0);

		if (size > MAX_PAYLOAD) {
			fprintf(stderr, "dmux_udp: size too large\n");
			return 2;
		}
		return do_echo(argv[2], atoi(argv[3]), atol(argv[4]), size,
			       atoi(argv[6]));
	}
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), atol(argv[3]), atoi(argv[4]),
			       argc == 6 && !strcmp(argv[5], "6"));

	fprintf(stderr,
		"usage: dmux_udp send ADDR PORT COUNT SIZE\n"
		"       dmux_udp recv PORT COUNT TIMEOUT_MS [6]\n"
		"       dmux_udp echo ADDR PORT COUNT SIZE TIMEOUT_MS\n");
	return 2;
}
