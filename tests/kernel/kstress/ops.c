// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kernel/kstress/ops.c: key rotation under traffic (keyswap) and TCP
 * peers whose stream ends in the middle of a record (tcp-close).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kstress.h"

/* ---- keyswap: NEW_KEY secondary, SWAP_KEYS, DEL_KEY once a second ---- */

struct side {
	struct nl_sock *sk;
	uint32_t ifx, id;
};

static void must(int r, const char *what, int round)
{
	if (r)
		ks_fail("keyswap round %d: %s: %s", round, what, strerror(r));
}

/* Both ends get the new key as secondary before either swaps, so no packet
 * meets a key its receiver lacks; the old key goes 300 ms after the swap. */
static void swap_round(struct side *a, struct side *b, int r)
{
	struct ks_dir ab, ba;
	int k = (r + 1) % 8, alg = r % 2 ? ALG_CHACHA : ALG_AES_GCM;

	ks_rand_bytes(&ab, sizeof(ab));
	ks_rand_bytes(&ba, sizeof(ba));
	must(ks_new_key(a->sk, a->ifx, a->id, 1, k, alg, &ab, &ba), "NEW_KEY A", r);
	must(ks_new_key(b->sk, b->ifx, b->id, 1, k, alg, &ba, &ab), "NEW_KEY B", r);
	must(ks_swap_keys(a->sk, a->ifx, a->id), "SWAP_KEYS A", r);
	must(ks_swap_keys(b->sk, b->ifx, b->id), "SWAP_KEYS B", r);
	ks_sleep_ms(300);
	must(ks_del_key(a->sk, a->ifx, a->id, 1), "DEL_KEY A", r);
	must(ks_del_key(b->sk, b->ifx, b->id, 1), "DEL_KEY B", r);
}

int ks_keyswap(const char *ns_a, const char *ns_b, const char *dev, uint32_t id_a, uint32_t id_b, int secs)
{
	struct side a, b;
	int r;
	double t0;

	ks_enter_ns(ns_a);
	a.sk = ks_genl_open();
	a.ifx = ks_ifindex(dev);
	a.id = id_a;
	ks_enter_ns(ns_b);
	b.sk = ks_genl_open();
	b.ifx = ks_ifindex(dev);
	b.id = id_b;
	t0 = ks_now();
	for (r = 0; r < secs; r++) {
		double next = t0 + r + 1;

		swap_round(&a, &b, r);
		if (ks_now() < next)
			ks_sleep_ms((int)((next - ks_now()) * 1000));
	}
	if (!ks_bad)
		ks_ok("keyswap: %d rounds of NEW_KEY/SWAP_KEYS/DEL_KEY on both ends (AES-GCM and ChaCha20 in turn)", secs);
	return ks_bad;
}

/* ---- tcp-close: a TCP peer whose stream stops mid-record ---- */

static int read_full(int fd, uint8_t *buf, size_t len, double end)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)((end - ks_now()) * 1000);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -1;
		n = recv(fd, buf + got, len - got, 0);
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/* Read records until p's echo reply (1) or ms pass / the stream ends (0). */
static int tcp_reply(struct ks_peer *p, int ms)
{
	double end = ks_now() + ms / 1000.0;
	uint8_t buf[2048];
	size_t len;
	int who;

	for (;;) {
		if (read_full(p->fd, buf, 2, end))
			return 0;
		len = (size_t)buf[0] << 8 | buf[1];
		if (len > sizeof(buf) - 16 || read_full(p->fd, buf, len, end))
			return 0;
		if (ks_check_reply(p, 1, buf, len, &who) == 1)
			return 1;
	}
}

static void tcp_pair(int lfd, const struct sockaddr_in *srv, const char *ns_c, const char *ns_s, int *cfd, int *afd)
{
	ks_enter_ns(ns_c);
	*cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ks_enter_ns(ns_s);
	if (*cfd < 0 || connect(*cfd, (const struct sockaddr *)srv, sizeof(*srv)))
		ks_die("tcp connect: %s", strerror(errno));
	*afd = accept(lfd, NULL, NULL);
	if (*afd < 0)
		ks_die("tcp accept: %s", strerror(errno));
}

/* The stream's end, in one of four ways, with a record half sent. */
static const char *tcp_end(int v, struct ks_peer *p, int *afd, const struct sockaddr_in *srv, int *late)
{
	uint8_t part[2 + 40], rest[60];
	struct linger lg = { 1, 0 };

	part[0] = 0;
	part[1] = 100;
	ks_rand_bytes(part + 2, sizeof(part) - 2);
	part[2] = (uint8_t)(9 << 3);
	switch (v) {
	case 0:
		send(p->fd, part, sizeof(part), MSG_NOSIGNAL);
		return "half a record, then FIN";
	case 1:
		send(p->fd, part, sizeof(part), MSG_NOSIGNAL);
		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		return "half a record, then RST";
	case 2:
		send(p->fd, part, sizeof(part), MSG_NOSIGNAL);
		ks_sleep_ms(50);
		close(*afd);
		*afd = -1;
		ks_rand_bytes(rest, sizeof(rest));
		send(p->fd, rest, sizeof(rest), MSG_NOSIGNAL);
		ks_send_echo(p, inet_addr("10.99.0.1"), srv);
		*late = tcp_reply(p, 2000);
		return "half a record, server fd closed, then the rest and an echo";
	default:
		send(p->fd, part, 1, MSG_NOSIGNAL);
		ks_sleep_ms(50);
		close(*afd);
		*afd = -1;
		return "one byte of a length, server fd closed, then FIN";
	}
}

static void tcp_round(struct nl_sock *sk, uint32_t ifx, int lfd, const struct sockaddr_in *srv, const char *ns_c,
		      const char *ns_s, int r, int *ret)
{
	struct ks_peer p;
	int afd, late = -1, e;
	const char *how;

	memset(&p, 0, sizeof(p));
	p.id = 5000 + (uint32_t)r;
	p.vpn4 = htonl(0x0a630000u | (uint32_t)(2 + r));
	p.tcp = 1;
	ks_peer_keys(&p);
	tcp_pair(lfd, srv, ns_c, ns_s, &p.fd, &afd);
	if ((e = ks_peer_install(sk, ifx, &p, afd, NULL)))
		ks_die("tcp round %d: NEW_PEER/NEW_KEY: %s", r, strerror(e));
	if (ks_send_echo(&p, inet_addr("10.99.0.1"), srv) || !tcp_reply(&p, 5000))
		ks_fail("tcp round %d: no echo reply over TCP before the cut", r);
	how = tcp_end(r % 4, &p, &afd, srv, &late);
	close(p.fd);
	if (afd >= 0)
		close(afd);
	ks_sleep_ms(200);
	*ret = ks_del_peer(sk, ifx, p.id);
	if (*ret && *ret != ENOENT)
		ks_fail("tcp round %d (%s): DEL_PEER: %s", r, how, strerror(*ret));
	printf("tcp round %d: %s: DEL_PEER %s%s\n", r, how, *ret ? "ENOENT (already gone)" : "ok",
	       late < 0 ? "" : late ? ", the echo after the close was answered" : ", no answer after the close");
}

int ks_tcp_close(const char *ns_s, const char *ns_c, const char *dev, int rounds)
{
	struct sockaddr_in srv = { .sin_family = AF_INET };
	struct nl_sock *sk, *mc;
	struct ks_notif nb[64];
	int lfd, r, n, k, *ret = calloc((size_t)rounds, sizeof(int)), *seen = calloc((size_t)rounds, sizeof(int));
	uint32_t ifx;
	double end;

	ks_enter_ns(ns_s);
	sk = ks_genl_open();
	mc = ks_mcast_open();
	ifx = ks_ifindex(dev);
	srv.sin_port = htons(1400);
	srv.sin_addr.s_addr = inet_addr("10.98.0.1");
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&srv, sizeof(srv)) || listen(lfd, 8))
		ks_die("tcp listener: %s", strerror(errno));
	for (r = 0; r < rounds; r++)
		tcp_round(sk, ifx, lfd, &srv, ns_c, ns_s, r, &ret[r]);
	end = ks_now() + 10;
	for (k = 0, n = 0; ks_now() < end && n < rounds;) {
		int got = ks_notif_read(mc, ifx, nb, 64, 500);

		for (k = 0; k < got; k++) {
			n++;
			if (nb[k].id >= 5000 && nb[k].id < 5000 + (uint32_t)rounds)
				seen[nb[k].id - 5000]++;
		}
	}
	n += ks_notif_read(mc, ifx, nb, 64, 1000);
	for (r = 0, k = 0; r < rounds; r++)
		k += seen[r] != 1;
	if (k || n != rounds)
		ks_fail("tcp-notify: %d notifications for %d TCP peers, %d peers without exactly one", n, rounds, k);
	else
		ks_ok("tcp-close: %d TCP peers cut mid-record, each removed with one notification", rounds);
	return ks_bad;
}
