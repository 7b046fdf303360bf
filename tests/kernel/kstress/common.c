// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kernel/kstress/common.c: output, randomness, namespaces and the
 * generic netlink requests of the stress driver (see kstress.h).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netlink/genl/ctrl.h>
#include <netlink/msg.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kstress.h"

int ks_family = -1;
int ks_bad;

/* ---- output ---- */

void ks_ok(const char *fmt, ...)
{
	va_list ap;

	printf("ok  ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void ks_fail(const char *fmt, ...)
{
	va_list ap;

	printf("BAD ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	ks_bad++;
}

void ks_die(const char *fmt, ...)
{
	va_list ap;

	printf("BAD (fatal) ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(100);
}

/* ---- randomness (xorshift64*, seeded: runs are repeatable) ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

void ks_seed(uint64_t seed)
{
	rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint64_t ks_rand(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

void ks_rand_bytes(void *buf, size_t len)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (uint8_t)ks_rand();
}

double ks_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ks_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- namespaces ---- */

void ks_enter_ns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		ks_die("cannot enter netns %s: %s", name, strerror(errno));
	close(fd);
}

uint32_t ks_ifindex(const char *name)
{
	uint32_t ifx = if_nametoindex(name);

	if (!ifx)
		ks_die("no interface %s in this netns", name);
	return ifx;
}

/* ---- generic netlink ---- */

struct nl_sock *ks_genl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk))
		ks_die("cannot open a generic netlink socket");
	ks_family = genl_ctrl_resolve(sk, "ovpn-dco-v2");
	if (ks_family < 0)
		ks_die("family ovpn-dco-v2 not found: %s", nl_geterror(ks_family));
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	return sk;
}

struct nl_msg *ks_req(int cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, ks_family, 0, flags, (uint8_t)cmd, 0))
		ks_die("nlmsg_alloc failed");
	return m;
}

struct nlattr *ks_nest(struct nl_msg *m, int type)
{
	struct nlattr *n = nla_nest_start(m, type);

	n->nla_type |= NLA_F_NESTED;
	return n;
}

struct reply {
	int err;
	int done;
	int msgs;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->msgs++;
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->done = 1;
	return NL_STOP;
}

static int on_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct reply *r = arg;

	(void)nla;
	r->err = -e->error;
	r->done = 1;
	return NL_STOP;
}

int ks_transact(struct nl_sock *sk, struct nl_msg *msg, int *msgs)
{
	struct reply r = { 0, 0, 0 };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_err, &r);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return EIO;
	}
	while (!r.done) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && !r.done) {
			r.err = EIO;
			break;
		}
	}
	nl_cb_put(cb);
	if (msgs)
		*msgs = r.msgs;
	return r.err;
}

/* ---- requests ---- */

static int peer_only(struct nl_sock *sk, uint32_t ifx, int cmd, int attr, int idattr, uint32_t id)
{
	struct nl_msg *m = ks_req(cmd, 0);
	struct nlattr *n;

	nla_put_u32(m, A_IFINDEX, ifx);
	n = ks_nest(m, attr);
	nla_put_u32(m, idattr, id);
	nla_nest_end(m, n);
	return ks_transact(sk, m, NULL);
}

int ks_new_peer(struct nl_sock *sk, uint32_t ifx, uint32_t id, int fd, const struct sockaddr_in *remote,
		uint32_t vpn4)
{
	struct nl_msg *m = ks_req(CMD_NEW_PEER, 0);
	struct nlattr *n;

	nla_put_u32(m, A_IFINDEX, ifx);
	n = ks_nest(m, A_NEW_PEER);
	nla_put_u32(m, NP_PEER_ID, id);
	nla_put_u32(m, NP_SOCKET, (uint32_t)fd);
	if (remote)
		nla_put(m, NP_REMOTE, sizeof(*remote), remote);
	if (vpn4)
		nla_put_u32(m, NP_IPV4, vpn4);
	nla_nest_end(m, n);
	return ks_transact(sk, m, NULL);
}

static void put_dir(struct nl_msg *m, int type, const struct ks_dir *d)
{
	struct nlattr *n = ks_nest(m, type);

	nla_put(m, KD_KEY, sizeof(d->key), d->key);
	nla_put(m, KD_NONCE, sizeof(d->tail), d->tail);
	nla_nest_end(m, n);
}

int ks_new_key(struct nl_sock *sk, uint32_t ifx, uint32_t id, int slot, int key_id, int alg,
	       const struct ks_dir *enc, const struct ks_dir *dec)
{
	struct nl_msg *m = ks_req(CMD_NEW_KEY, 0);
	struct nlattr *n;

	nla_put_u32(m, A_IFINDEX, ifx);
	n = ks_nest(m, A_NEW_KEY);
	nla_put_u32(m, NK_PEER_ID, id);
	nla_put_u8(m, NK_SLOT, (uint8_t)slot);
	nla_put_u8(m, NK_KEY_ID, (uint8_t)key_id);
	nla_put_u16(m, NK_CIPHER, (uint16_t)alg);
	put_dir(m, NK_ENCRYPT, enc);
	put_dir(m, NK_DECRYPT, dec);
	nla_nest_end(m, n);
	return ks_transact(sk, m, NULL);
}

int ks_set_peer(struct nl_sock *sk, uint32_t ifx, uint32_t id, uint32_t interval, uint32_t timeout)
{
	struct nl_msg *m = ks_req(CMD_SET_PEER, 0);
	struct nlattr *n;

	nla_put_u32(m, A_IFINDEX, ifx);
	n = ks_nest(m, A_SET_PEER);
	nla_put_u32(m, SP_PEER_ID, id);
	nla_put_u32(m, SP_KA_INTERVAL, interval);
	nla_put_u32(m, SP_KA_TIMEOUT, timeout);
	nla_nest_end(m, n);
	return ks_transact(sk, m, NULL);
}

int ks_del_peer(struct nl_sock *sk, uint32_t ifx, uint32_t id)
{
	return peer_only(sk, ifx, CMD_DEL_PEER, A_DEL_PEER, DP_PEER_ID, id);
}

int ks_swap_keys(struct nl_sock *sk, uint32_t ifx, uint32_t id)
{
	return peer_only(sk, ifx, CMD_SWAP_KEYS, A_SWAP_KEYS, 1, id);
}

int ks_del_key(struct nl_sock *sk, uint32_t ifx, uint32_t id, int slot)
{
	struct nl_msg *m = ks_req(CMD_DEL_KEY, 0);
	struct nlattr *n;

	nla_put_u32(m, A_IFINDEX, ifx);
	n = ks_nest(m, A_DEL_KEY);
	nla_put_u32(m, 1, id);
	nla_put_u8(m, 2, (uint8_t)slot);
	nla_nest_end(m, n);
	return ks_transact(sk, m, NULL);
}

int ks_dump_count(struct nl_sock *sk, uint32_t ifx, int *count)
{
	struct nl_msg *m = ks_req(CMD_GET_PEER, NLM_F_DUMP);

	nla_put_u32(m, A_IFINDEX, ifx);
	return ks_transact(sk, m, count);
}

/* ---- DEL_PEER notifications ---- */

struct nl_sock *ks_mcast_open(void)
{
	struct nl_sock *mc = nl_socket_alloc();
	int grp, bufsize;

	if (!mc || genl_connect(mc))
		ks_die("cannot open the multicast socket");
	grp = genl_ctrl_resolve_grp(mc, "ovpn-dco-v2", "peers");
	if (grp < 0)
		ks_die("no multicast group peers: %s", nl_geterror(grp));
	nl_socket_disable_seq_check(mc);
	nl_socket_set_nonblocking(mc);
	/* root may pass rmem_max: 1,000 queued notifications need ~1 MB */
	bufsize = 8 << 20;
	setsockopt(nl_socket_get_fd(mc), SOL_SOCKET, SO_RCVBUFFORCE, &bufsize, sizeof(bufsize));
	if (nl_socket_add_membership(mc, grp) < 0)
		ks_die("cannot join the peers group");
	return mc;
}

struct notif_sink {
	uint32_t ifx;
	struct ks_notif *out;
	int n, max;
};

static int on_notif(struct nl_msg *msg, void *arg)
{
	struct notif_sink *s = arg;
	struct nlattr *tb[A_GET_PEER + 1], *p[DP_PEER_ID + 1];
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));

	if (g->cmd != CMD_DEL_PEER || genlmsg_parse(nlmsg_hdr(msg), 0, tb, A_GET_PEER, NULL))
		return NL_OK;
	if (!tb[A_DEL_PEER] || !tb[A_IFINDEX] || nla_get_u32(tb[A_IFINDEX]) != s->ifx)
		return NL_OK;
	if (nla_parse_nested(p, DP_PEER_ID, tb[A_DEL_PEER], NULL) || !p[DP_PEER_ID])
		return NL_OK;
	if (s->n < s->max) {
		s->out[s->n].id = nla_get_u32(p[DP_PEER_ID]);
		s->out[s->n].reason = p[DP_REASON] ? nla_get_u8(p[DP_REASON]) : -1;
	}
	s->n++;
	return NL_OK;
}

static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int ks_notif_read(struct nl_sock *mc, uint32_t ifx, struct ks_notif *out, int max, int ms)
{
	struct notif_sink s = { ifx, out, 0, max };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct pollfd pfd = { .fd = nl_socket_get_fd(mc), .events = POLLIN };
	double end = ks_now() + ms / 1000.0;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_notif, &s);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	while (s.n < max) {
		int left = (int)((end - ks_now()) * 1000);

		int ret;

		if (poll(&pfd, 1, left > 0 ? left : 0) <= 0)
			break;
		ret = nl_recvmsgs(mc, cb);
		if (ret < 0 && ret != -NLE_AGAIN)
			ks_fail("notifications: %s (some were lost)", nl_geterror(ret));
	}
	nl_cb_put(cb);
	return s.n < max ? s.n : max;
}

/* ---- sockets ---- */

int ks_udp_bound(const char *addr, int port, struct sockaddr_in *name)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = inet_addr(addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || getsockname(fd, (struct sockaddr *)&a, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (name)
		*name = a;
	return fd;
}
