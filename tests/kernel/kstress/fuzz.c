// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kernel/kstress/fuzz.c: a seeded, time-bounded fuzzer for the
 * ovpn-dco-v2 generic netlink family. Requests are built from the family's
 * attribute sets (shared/docs/dco-facts.md section 1.3) with mutated values,
 * sizes, types and nesting flags, on an MP and a P2P device, with real UDP
 * and TCP sockets (and non-sockets) as SOCKET; meanwhile random DATA_V2-like
 * packets go to the UDP sockets and random bytes down the TCP streams.
 * Checks: every request is answered within 10 s, and afterwards the module
 * still adds, reads and deletes a peer. The dmesg scan of the guest does
 * the rest. The same seed gives the same requests.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "kstress.h"

#define NPOOL 12

struct fz {
	struct nl_sock *sk;
	uint32_t ifx[2];             /* MP, P2P */
	int pool[NPOOL];             /* fds offered as SOCKET */
	struct sockaddr_in udp_name[2];
	int tcp_cli[3];              /* client ends of the TCP pool sockets */
	int lfd, tx;                 /* TCP listener, packet sender */
	long answers[140];           /* by errno */
	long sent;
};

static int pick(int n)
{
	return (int)(ks_rand() % (uint64_t)n);
}

static int chance(int percent)
{
	return pick(100) < percent;
}

/* ---- the socket pool ---- */

static void tcp_pair_new(struct fz *f, int slot, int k)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (f->pool[slot] >= 0)
		close(f->pool[slot]);
	if (f->tcp_cli[k] >= 0)
		close(f->tcp_cli[k]);
	getsockname(f->lfd, (struct sockaddr *)&a, &al);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
		ks_die("fuzz tcp connect: %s", strerror(errno));
	f->tcp_cli[k] = c;
	f->pool[slot] = accept(f->lfd, NULL, NULL);
	fcntl(c, F_SETFL, O_NONBLOCK);
}

static void pool_init(struct fz *f)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int k;

	memset(f->pool, -1, sizeof(f->pool));
	memset(f->tcp_cli, -1, sizeof(f->tcp_cli));
	f->pool[0] = ks_udp_bound("127.0.0.1", 0, &f->udp_name[0]);
	f->pool[1] = ks_udp_bound("127.0.0.1", 0, &f->udp_name[1]);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (f->pool[0] < 0 || f->pool[1] < 0 || f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(f->lfd, 8))
		ks_die("fuzz sockets: %s", strerror(errno));
	for (k = 0; k < 3; k++)
		tcp_pair_new(f, 2 + k, k);
	f->pool[5] = f->lfd;                                              /* listening TCP */
	f->pool[6] = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);      /* unbound UDP6 */
	f->pool[7] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);      /* unconnected TCP */
	f->pool[8] = open("/dev/null", O_RDONLY | O_CLOEXEC);             /* not a socket */
	f->pool[9] = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0);      /* another family */
	f->pool[10] = 1000;                                               /* closed */
	f->pool[11] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	f->tx = ks_udp_bound("127.0.0.1", 0, NULL);
}

/* ---- attribute values ---- */

static uint32_t peer_id(void)
{
	static const uint32_t odd[] = { 0xffffff, 0x1000000, 0xffffffff, 0x800000 };

	if (chance(85))
		return (uint32_t)pick(8);
	return chance(50) ? odd[pick(4)] : (uint32_t)ks_rand();
}

/* A random-length blob instead of the right type (5%), else the right one. */
static int mutated(struct nl_msg *m, int type)
{
	uint8_t junk[40];

	if (!chance(5))
		return 0;
	ks_rand_bytes(junk, sizeof(junk));
	nla_put(m, type, pick(sizeof(junk) + 1), junk);
	return 1;
}

static void put_u32(struct nl_msg *m, int type, uint32_t v)
{
	if (chance(90) && !mutated(m, type))
		nla_put_u32(m, type, v);
}

static void put_u8(struct nl_msg *m, int type, uint8_t v)
{
	if (chance(90) && !mutated(m, type))
		nla_put_u8(m, type, v);
}

static void put_remote(struct fz *f, struct nl_msg *m)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = f->udp_name[pick(2)];
	uint8_t junk[32];

	if (!chance(85) || mutated(m, NP_REMOTE))
		return;
	s6.sin6_port = s4.sin_port;
	switch (pick(4)) {
	case 0:
	case 1:
		nla_put(m, NP_REMOTE, sizeof(s4), &s4);
		break;
	case 2: /* v4-mapped */
		s6.sin6_addr.s6_addr[10] = 0xff;
		s6.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&s6.sin6_addr.s6_addr[12], &s4.sin_addr, 4);
		nla_put(m, NP_REMOTE, sizeof(s6), &s6);
		break;
	default:
		ks_rand_bytes(junk, sizeof(junk));
		junk[0] = (uint8_t)pick(12);
		junk[1] = 0;
		nla_put(m, NP_REMOTE, pick(sizeof(junk) + 1), junk);
	}
}

static void put_blob(struct nl_msg *m, int type, int len)
{
	uint8_t b[64];

	ks_rand_bytes(b, sizeof(b));
	nla_put(m, type, len, b);
}

static void nest_new_peer(struct fz *f, struct nl_msg *m)
{
	static const int ip6len[] = { 16, 16, 4, 0, 20 };
	uint32_t vpn = htonl(0x0a630000u | (uint32_t)pick(16));

	put_u32(m, NP_PEER_ID, peer_id());
	put_remote(f, m);
	put_u32(m, NP_SOCKET, chance(95) ? (uint32_t)f->pool[pick(NPOOL)] : (uint32_t)ks_rand());
	put_u32(m, NP_IPV4, chance(80) ? vpn : (uint32_t)ks_rand());
	if (chance(40))
		put_blob(m, NP_IPV6, ip6len[pick(5)]);
	if (chance(30))
		put_blob(m, NP_LOCAL_IP, chance(60) ? 4 : pick(20));
}

static void nest_key_dir(struct nl_msg *m, int type)
{
	static const int keylen[] = { 32, 32, 16, 24, 0, 31, 64 };
	struct nlattr *d;

	if (!chance(90))
		return;
	d = nla_nest_start(m, type);
	if (chance(95))
		d->nla_type |= NLA_F_NESTED;
	if (chance(92))
		put_blob(m, KD_KEY, keylen[pick(7)]);
	if (chance(92))
		put_blob(m, KD_NONCE, chance(85) ? 8 : pick(13));
	nla_nest_end(m, d);
}

static void nest_new_key(struct nl_msg *m)
{
	put_u32(m, NK_PEER_ID, peer_id());
	put_u8(m, NK_SLOT, (uint8_t)(chance(90) ? pick(2) : pick(256)));
	if (chance(90) && !mutated(m, NK_KEY_ID))
		nla_put_u8(m, NK_KEY_ID, (uint8_t)(chance(90) ? pick(8) : pick(256)));
	if (chance(92) && !mutated(m, NK_CIPHER))
		nla_put_u16(m, NK_CIPHER, (uint16_t)(chance(90) ? 1 + pick(2) : pick(5)));
	nest_key_dir(m, NK_ENCRYPT);
	nest_key_dir(m, NK_DECRYPT);
}

static void nest_body(struct fz *f, struct nl_msg *m, int attr)
{
	switch (attr) {
	case A_NEW_PEER:
		nest_new_peer(f, m);
		break;
	case A_SET_PEER:
		put_u32(m, SP_PEER_ID, peer_id());
		put_u32(m, SP_KA_INTERVAL, chance(90) ? (uint32_t)pick(4) : (uint32_t)ks_rand());
		put_u32(m, SP_KA_TIMEOUT, chance(90) ? (uint32_t)pick(4) : (uint32_t)ks_rand());
		break;
	case A_DEL_PEER:
		put_u8(m, DP_REASON, (uint8_t)pick(7));
		put_u32(m, DP_PEER_ID, peer_id());
		break;
	case A_NEW_KEY:
		nest_new_key(m);
		break;
	case A_DEL_KEY:
		put_u32(m, 1, peer_id());
		put_u8(m, 2, (uint8_t)(chance(90) ? pick(2) : pick(256)));
		break;
	default:
		put_u32(m, 1, peer_id());
	}
	if (chance(5))
		put_blob(m, pick(20), pick(24));
}

static struct nl_msg *fuzz_msg(struct fz *f)
{
	int cmd = chance(85) ? 1 + pick(7) : pick(256), attr, k;
	struct nl_msg *m = ks_req(cmd, chance(10) ? NLM_F_DUMP : 0);
	uint32_t ifx = f->ifx[pick(2)];

	if (chance(10))
		ifx = chance(50) ? 1 : (uint32_t)ks_rand();
	put_u32(m, A_IFINDEX, ifx);
	for (k = 0; k < (chance(90) ? 1 : pick(3)); k++) {
		struct nlattr *n;

		attr = chance(80) && cmd >= 1 && cmd <= 7 ? cmd + 1 : pick(12);
		n = nla_nest_start(m, attr);
		if (chance(93))
			n->nla_type |= NLA_F_NESTED;
		nest_body(f, m, attr);
		nla_nest_end(m, n);
	}
	return m;
}

/* ---- traffic noise ---- */

static void noise(struct fz *f)
{
	uint8_t pkt[200];
	int len = 4 + pick(190), k = pick(3);

	ks_rand_bytes(pkt, sizeof(pkt));
	pkt[0] = (uint8_t)(chance(80) ? 9 << 3 | pick(8) : pick(256));
	pkt[1] = 0;
	pkt[2] = 0;
	pkt[3] = (uint8_t)pick(8);
	sendto(f->tx, pkt, (size_t)len, MSG_DONTWAIT, (struct sockaddr *)&f->udp_name[pick(2)],
	       sizeof(f->udp_name[0]));
	if (chance(50)) {
		pkt[0] = 0;
		pkt[1] = (uint8_t)(chance(90) ? len - 2 : pick(256));
		pkt[2] = (uint8_t)(chance(80) ? 9 << 3 | pick(8) : pick(256));
		send(f->tcp_cli[k], pkt, (size_t)(chance(90) ? len : pick(len)), MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	if (chance(2))
		tcp_pair_new(f, 2 + k, k);
}

static void fuzz_setup(struct fz *f, const char *ns, const char *devs)
{
	char names[64], *comma;
	struct timeval tv = { 10, 0 };

	memset(f, 0, sizeof(*f));
	ks_enter_ns(ns);
	f->sk = ks_genl_open();
	setsockopt(nl_socket_get_fd(f->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	snprintf(names, sizeof(names), "%s", devs);
	comma = strchr(names, ',');
	if (!comma)
		ks_die("fuzz: DEV must be MPDEV,P2PDEV");
	*comma = 0;
	f->ifx[0] = ks_ifindex(names);
	f->ifx[1] = ks_ifindex(comma + 1);
	pool_init(f);
}

/* After the storm: the MP device still takes, shows and drops a peer. */
static void fuzz_sanity(struct fz *f)
{
	struct nl_msg *m;
	int r, id;

	for (id = 0; id < 8; id++) {
		ks_del_peer(f->sk, f->ifx[0], (uint32_t)id);
		ks_del_peer(f->sk, f->ifx[1], (uint32_t)id);
	}
	r = ks_new_peer(f->sk, f->ifx[0], 4242, f->pool[0], &f->udp_name[1], htonl(0x0a63ff02));
	m = ks_req(CMD_GET_PEER, 0);
	nla_put_u32(m, A_IFINDEX, f->ifx[0]);
	{
		struct nlattr *n = ks_nest(m, A_GET_PEER);

		nla_put_u32(m, 1, 4242);
		nla_nest_end(m, n);
	}
	if (r || (r = ks_transact(f->sk, m, NULL)) || (r = ks_del_peer(f->sk, f->ifx[0], 4242)))
		ks_fail("fuzz-after: NEW_PEER/GET_PEER/DEL_PEER on the MP device: %s", strerror(r));
	else
		ks_ok("fuzz-after: the MP device still adds, reads and deletes a peer");
}

int ks_fuzz(const char *ns, const char *devs, uint64_t seed, int secs)
{
	struct fz f;
	double end;
	int e, shown = 0;

	fuzz_setup(&f, ns, devs);
	ks_seed(seed);
	printf("fuzz: seed %llu, %d s\n", (unsigned long long)seed, secs);
	end = ks_now() + secs;
	while (ks_now() < end) {
		int r = ks_transact(f.sk, fuzz_msg(&f), NULL);

		f.sent++;
		if (r == EIO) {
			ks_fail("fuzz: request %ld got no answer (seed %llu)", f.sent, (unsigned long long)seed);
			break;
		}
		f.answers[r < 140 ? r : 139]++;
		noise(&f);
	}
	printf("fuzz: %ld requests; answers:", f.sent);
	for (e = 0; e < 140; e++)
		if (f.answers[e] && shown++ < 16)
			printf(" %s=%ld", e ? strerrorname_np(e) ? strerrorname_np(e) : "?" : "ok", f.answers[e]);
	printf("\n");
	if (!f.answers[0])
		ks_fail("fuzz: no request succeeded: the generator does not reach the module's paths");
	fuzz_sanity(&f);
	return ks_bad;
}
