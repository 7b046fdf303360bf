// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kernel/nltool.c: provoke the failure paths of an ovpn-dco-v2 module
 * from inside the test VM: malformed requests, unknown peer ids, bad
 * sockets, a socket closed under a live peer. Each check prints
 * "ok <name> ..." or "BAD <name> ..."; the exit code is the number of BADs.
 *
 *   nltool newlink NAME p2p|mp          create an ovpn-dco link
 *   nltool malformed IFINDEX            bad attributes / sizes / flags / ifindex
 *   nltool unknown IFINDEX              every command on a peer id that is not there
 *   nltool p2p IFINDEX                  valid peer + keys, bad key attributes,
 *                                       DEL_PEER notification
 *   nltool mp IFINDEX                   MP rules: VPN IP required, duplicate id,
 *                                       dump lists the peers
 *   nltool closed-udp IFINDEX ID        install a peer + key on a UDP socket,
 *                                       then close the socket (peer stays)
 *   nltool closed-tcp IFINDEX ID        same on a connected TCP socket whose
 *                                       both ends are closed
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/socket.h>
#include <unistd.h>

/* ovpn-dco-v2 numbers (shared/docs/dco-facts.md section 1). */
enum { CMD_NEW_PEER = 1, CMD_SET_PEER, CMD_DEL_PEER, CMD_NEW_KEY, CMD_SWAP_KEYS, CMD_DEL_KEY, CMD_GET_PEER };
enum { A_IFINDEX = 1, A_NEW_PEER, A_SET_PEER, A_DEL_PEER, A_NEW_KEY, A_SWAP_KEYS, A_DEL_KEY, A_GET_PEER };
enum { NP_PEER_ID = 1, NP_REMOTE, NP_SOCKET, NP_IPV4, NP_IPV6, NP_LOCAL_IP };
enum { SP_PEER_ID = 1, SP_KA_INTERVAL, SP_KA_TIMEOUT };
enum { DP_REASON = 1, DP_PEER_ID };
enum { NK_PEER_ID = 1, NK_SLOT, NK_KEY_ID, NK_CIPHER, NK_ENCRYPT, NK_DECRYPT };
enum { KD_KEY = 1, KD_NONCE };
enum { ALG_AES_GCM = 1, ALG_CHACHA = 2 };
#define IFLA_OVPN_MODE 1

static int family = -1;
static int bad;

/* ---- one request, one answer ---------------------------------------- */

struct reply {
	int err;     /* 0, or the positive errno from NLMSG_ERROR */
	int done;
	int msgs;    /* valid (non-ack) messages received */
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct reply *)arg)->msgs++;
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
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

/* Send msg (freed here) and return its result: 0 or a positive errno. */
static int transact(struct nl_sock *sk, struct nl_msg *msg, int *msgs)
{
	struct reply r = { 0, 0, 0 };
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int ret;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, &r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_err, &r);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		fprintf(stderr, "send failed: %s\n", nl_geterror(ret));
		return EIO;
	}
	while (!r.done) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && !r.done) {
			r.err = EIO;
			fprintf(stderr, "recv failed: %s\n", nl_geterror(ret));
			break;
		}
	}
	nl_cb_put(cb);
	if (msgs)
		*msgs = r.msgs;
	return r.err;
}

static struct nl_sock *genl_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk)) {
		fprintf(stderr, "cannot open a generic netlink socket\n");
		exit(100);
	}
	family = genl_ctrl_resolve(sk, "ovpn-dco-v2");
	if (family < 0) {
		fprintf(stderr, "family ovpn-dco-v2 not found: %s\n", nl_geterror(family));
		exit(100);
	}
	return sk;
}

static struct nl_msg *req(int cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	if (!m || !genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, 0)) {
		fprintf(stderr, "nlmsg_alloc failed\n");
		exit(100);
	}
	return m;
}

static struct nlattr *nest(struct nl_msg *m, int type, int flagged)
{
	struct nlattr *n = nla_nest_start(m, type);

	if (flagged)
		n->nla_type |= NLA_F_NESTED;
	else
		n->nla_type &= ~NLA_F_NESTED;
	return n;
}

/* ---- expectations ------------------------------------------------- */

static const char *ename(int e)
{
	static char buf[32];

	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case ENODEV: return "ENODEV";
	case ERANGE: return "ERANGE";
	case EEXIST: return "EEXIST";
	case EBADF: return "EBADF";
	case ENOTSOCK: return "ENOTSOCK";
	case EPERM: return "EPERM";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOMEM: return "ENOMEM";
	case EIO: return "EIO(local)";
	default:
		snprintf(buf, sizeof(buf), "errno %d", e);
		return buf;
	}
}

/* want: an exact errno (0 = success); want2: an accepted alternative or -1. */
static void expect2(const char *name, int got, int want, int want2)
{
	if (got == want || got == want2) {
		printf("ok  %-36s %s\n", name, ename(got));
		return;
	}
	printf("BAD %-36s got %s, want %s", name, ename(got), ename(want));
	if (want2 >= 0)
		printf(" or %s", ename(want2));
	printf("\n");
	bad++;
}

static void expect(const char *name, int got, int want)
{
	expect2(name, got, want, -1);
}

/* any error at all */
static void expect_err(const char *name, int got)
{
	if (got != 0 && got != EIO) {
		printf("ok  %-36s %s\n", name, ename(got));
		return;
	}
	printf("BAD %-36s got %s, want an error\n", name, ename(got));
	bad++;
}

/* ---- request builders -------------------------------------------- */

static void put_ifindex(struct nl_msg *m, uint32_t ifindex)
{
	nla_put_u32(m, A_IFINDEX, ifindex);
}

static int peer_only(struct nl_sock *sk, uint32_t ifx, int cmd, int attr, int idattr, uint32_t id)
{
	struct nl_msg *m = req(cmd, 0);
	struct nlattr *n;

	put_ifindex(m, ifx);
	n = nest(m, attr, 1);
	nla_put_u32(m, idattr, id);
	nla_nest_end(m, n);
	return transact(sk, m, NULL);
}

static int get_peer(struct nl_sock *sk, uint32_t ifx, uint32_t id)
{
	return peer_only(sk, ifx, CMD_GET_PEER, A_GET_PEER, 1, id);
}

static int del_peer(struct nl_sock *sk, uint32_t ifx, uint32_t id)
{
	return peer_only(sk, ifx, CMD_DEL_PEER, A_DEL_PEER, DP_PEER_ID, id);
}

static int swap_keys(struct nl_sock *sk, uint32_t ifx, uint32_t id)
{
	return peer_only(sk, ifx, CMD_SWAP_KEYS, A_SWAP_KEYS, 1, id);
}

static int set_peer(struct nl_sock *sk, uint32_t ifx, uint32_t id, uint32_t iv, uint32_t to)
{
	struct nl_msg *m = req(CMD_SET_PEER, 0);
	struct nlattr *n;

	put_ifindex(m, ifx);
	n = nest(m, A_SET_PEER, 1);
	nla_put_u32(m, SP_PEER_ID, id);
	nla_put_u32(m, SP_KA_INTERVAL, iv);
	nla_put_u32(m, SP_KA_TIMEOUT, to);
	nla_nest_end(m, n);
	return transact(sk, m, NULL);
}

static int del_key(struct nl_sock *sk, uint32_t ifx, uint32_t id, uint8_t slot)
{
	struct nl_msg *m = req(CMD_DEL_KEY, 0);
	struct nlattr *n;

	put_ifindex(m, ifx);
	n = nest(m, A_DEL_KEY, 1);
	nla_put_u32(m, 1, id);
	nla_put_u8(m, 2, slot);
	nla_nest_end(m, n);
	return transact(sk, m, NULL);
}

struct keyspec {
	int slot, key_id, alg;
	int keylen, noncelen;
	int skip_decrypt;
	int key_id_u16; /* send KEY_ID with a wrong size */
};

static int new_key(struct nl_sock *sk, uint32_t ifx, uint32_t id, const struct keyspec *k)
{
	struct nl_msg *m = req(CMD_NEW_KEY, 0);
	struct nlattr *n, *d;
	unsigned char key[64], nonce[16];
	int i;

	for (i = 0; i < (int)sizeof(key); i++)
		key[i] = (unsigned char)(i * 7 + 1);
	memset(nonce, 0x5a, sizeof(nonce));
	put_ifindex(m, ifx);
	n = nest(m, A_NEW_KEY, 1);
	nla_put_u32(m, NK_PEER_ID, id);
	nla_put_u8(m, NK_SLOT, (uint8_t)k->slot);
	if (k->key_id_u16)
		nla_put_u16(m, NK_KEY_ID, (uint16_t)k->key_id);
	else
		nla_put_u8(m, NK_KEY_ID, (uint8_t)k->key_id);
	nla_put_u16(m, NK_CIPHER, (uint16_t)k->alg);
	d = nest(m, NK_ENCRYPT, 1);
	nla_put(m, KD_KEY, k->keylen, key);
	nla_put(m, KD_NONCE, k->noncelen, nonce);
	nla_nest_end(m, d);
	if (!k->skip_decrypt) {
		d = nest(m, NK_DECRYPT, 1);
		nla_put(m, KD_KEY, k->keylen, key + 1);
		nla_put(m, KD_NONCE, k->noncelen, nonce);
		nla_nest_end(m, d);
	}
	nla_nest_end(m, n);
	return transact(sk, m, NULL);
}

static const struct keyspec good_key = { 0, 0, ALG_AES_GCM, 32, 8, 0, 0 };

/* NEW_PEER on fd; remote may be NULL (TCP); vpn4 0 = none. */
static int new_peer(struct nl_sock *sk, uint32_t ifx, uint32_t id, int fd, const void *remote,
		    int remote_len, uint32_t vpn4)
{
	struct nl_msg *m = req(CMD_NEW_PEER, 0);
	struct nlattr *n;

	put_ifindex(m, ifx);
	n = nest(m, A_NEW_PEER, 1);
	nla_put_u32(m, NP_PEER_ID, id);
	if (fd != -2)
		nla_put_u32(m, NP_SOCKET, (uint32_t)fd);
	if (remote)
		nla_put(m, NP_REMOTE, remote_len, remote);
	if (vpn4)
		nla_put_u32(m, NP_IPV4, vpn4);
	nla_nest_end(m, n);
	return transact(sk, m, NULL);
}

static int udp_socket(struct sockaddr_in *remote, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		perror("socket");
		exit(100);
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("bind");
		exit(100);
	}
	memset(remote, 0, sizeof(*remote));
	remote->sin_family = AF_INET;
	remote->sin_port = htons((uint16_t)port);
	remote->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return fd;
}

/* ---- check groups --------------------------------------------------- */

static int cmd_malformed(struct nl_sock *sk, uint32_t ifx)
{
	struct nl_msg *m;
	struct nlattr *n;
	uint16_t short_id = 1;
	unsigned char junk[8] = { 0 };

	/* no IFINDEX at all */
	m = req(CMD_GET_PEER, 0);
	n = nest(m, A_GET_PEER, 1);
	nla_put_u32(m, 1, 1);
	nla_nest_end(m, n);
	expect_err("no-ifindex", transact(sk, m, NULL));

	/* IFINDEX of a device that is not ovpn-dco (lo) and of none at all */
	expect_err("ifindex-lo", get_peer(sk, 1, 1));
	expect_err("ifindex-missing-dev", get_peer(sk, 0x7ffffff0, 1));

	/* IFINDEX with a wrong size */
	m = req(CMD_GET_PEER, 0);
	nla_put_u16(m, A_IFINDEX, (uint16_t)ifx);
	n = nest(m, A_GET_PEER, 1);
	nla_put_u32(m, 1, 1);
	nla_nest_end(m, n);
	expect_err("ifindex-u16", transact(sk, m, NULL));

	/* NEW_PEER without its nest */
	m = req(CMD_NEW_PEER, 0);
	put_ifindex(m, ifx);
	expect_err("new-peer-no-nest", transact(sk, m, NULL));

	/* NEW_PEER nest without NLA_F_NESTED */
	m = req(CMD_NEW_PEER, 0);
	put_ifindex(m, ifx);
	n = nest(m, A_NEW_PEER, 0);
	nla_put_u32(m, NP_PEER_ID, 1);
	nla_put_u32(m, NP_SOCKET, 0);
	nla_nest_end(m, n);
	expect_err("new-peer-nest-unflagged", transact(sk, m, NULL));

	/* peer id as u16 */
	m = req(CMD_NEW_PEER, 0);
	put_ifindex(m, ifx);
	n = nest(m, A_NEW_PEER, 1);
	nla_put(m, NP_PEER_ID, sizeof(short_id), &short_id);
	nla_put_u32(m, NP_SOCKET, 0);
	nla_nest_end(m, n);
	expect_err("new-peer-id-u16", transact(sk, m, NULL));

	/* NEW_PEER without SOCKET */
	expect_err("new-peer-no-socket", new_peer(sk, ifx, 1, -2, NULL, 0, 0));

	/* top-level attribute above the maximum */
	m = req(CMD_GET_PEER, 0);
	put_ifindex(m, ifx);
	nla_put_u32(m, 9, 0);
	expect_err("attr-above-max", transact(sk, m, NULL));

	/* attribute type 0 inside a nest */
	m = req(CMD_DEL_PEER, 0);
	put_ifindex(m, ifx);
	n = nest(m, A_DEL_PEER, 1);
	nla_put(m, 0, sizeof(junk), junk);
	nla_put_u32(m, DP_PEER_ID, 1);
	nla_nest_end(m, n);
	expect_err("nested-attr-type-0", transact(sk, m, NULL));

	/* DEL_PEER reason out of range (0..4) */
	m = req(CMD_DEL_PEER, 0);
	put_ifindex(m, ifx);
	n = nest(m, A_DEL_PEER, 1);
	nla_put_u8(m, DP_REASON, 9);
	nla_put_u32(m, DP_PEER_ID, 1);
	nla_nest_end(m, n);
	expect_err("del-peer-reason-range", transact(sk, m, NULL));

	/* unknown command number */
	m = req(42, 0);
	put_ifindex(m, ifx);
	expect_err("unknown-command", transact(sk, m, NULL));
	return 0;
}

static int cmd_unknown(struct nl_sock *sk, uint32_t ifx)
{
	uint32_t id = 0xabcde;
	struct keyspec k = good_key;

	expect("get-peer-unknown", get_peer(sk, ifx, id), ENOENT);
	expect("del-peer-unknown", del_peer(sk, ifx, id), ENOENT);
	expect("set-peer-unknown", set_peer(sk, ifx, id, 2, 6), ENOENT);
	expect("new-key-unknown", new_key(sk, ifx, id, &k), ENOENT);
	expect("swap-keys-unknown", swap_keys(sk, ifx, id), ENOENT);
	expect("del-key-unknown", del_key(sk, ifx, id, 0), ENOENT);
	return 0;
}

/* Wait for a DEL_PEER notification for id on the mcast socket. */
static void on_notif_parse(struct nl_msg *msg, uint32_t *id, int *reason, int *cmd)
{
	struct nlattr *tb[9], *p[3];
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));

	*cmd = g->cmd;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, 8, NULL) || !tb[A_DEL_PEER])
		return;
	if (nla_parse_nested(p, 2, tb[A_DEL_PEER], NULL))
		return;
	if (p[DP_PEER_ID])
		*id = nla_get_u32(p[DP_PEER_ID]);
	if (p[DP_REASON])
		*reason = nla_get_u8(p[DP_REASON]);
}

struct notif {
	uint32_t id;
	int reason, cmd, seen;
};

static int on_notif(struct nl_msg *msg, void *arg)
{
	struct notif *n = arg;

	n->id = 0xffffffff;
	n->reason = -1;
	on_notif_parse(msg, &n->id, &n->reason, &n->cmd);
	n->seen++;
	return NL_STOP;
}

static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* 0: a DEL_PEER for want_id with want_reason arrived; -1: none; else 1000 + reason */
static int wait_notif(struct nl_sock *mc, uint32_t want_id, int want_reason, int secs)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct notif n = { 0, 0, 0, 0 };
	struct pollfd pfd = { .fd = nl_socket_get_fd(mc), .events = POLLIN };
	int i, found = 0;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_notif, &n);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	for (i = 0; i < secs * 10 && !found; i++) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n.seen = 0;
		nl_recvmsgs(mc, cb);
		if (n.seen && n.cmd == CMD_DEL_PEER && n.id == want_id)
			found = 1;
	}
	nl_cb_put(cb);
	if (!found)
		return -1;
	return n.reason == want_reason ? 0 : 1000 + n.reason;
}

static struct nl_sock *mcast_open(void)
{
	struct nl_sock *mc = nl_socket_alloc();
	int grp;

	if (!mc || genl_connect(mc)) {
		fprintf(stderr, "cannot open the multicast socket\n");
		exit(100);
	}
	grp = genl_ctrl_resolve_grp(mc, "ovpn-dco-v2", "peers");
	if (grp < 0) {
		printf("BAD %-36s %s\n", "mcast-group-peers", nl_geterror(grp));
		bad++;
		return mc;
	}
	printf("ok  %-36s id %d\n", "mcast-group-peers", grp);
	nl_socket_disable_seq_check(mc);
	nl_socket_set_nonblocking(mc);
	nl_socket_add_membership(mc, grp);
	return mc;
}

/* Joining the peers group without CAP_NET_ADMIN (as nobody) is refused. */
static void cmd_mcast_unprivileged(void)
{
	struct nl_sock *mc = nl_socket_alloc();
	int grp, err;

	if (!mc || genl_connect(mc)) {
		fprintf(stderr, "cannot open the multicast socket\n");
		exit(100);
	}
	grp = genl_ctrl_resolve_grp(mc, "ovpn-dco-v2", "peers");
	if (grp < 0) {
		printf("BAD %-36s %s\n", "mcast-group-peers", nl_geterror(grp));
		bad++;
		return;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("drop to nobody");
		exit(100);
	}
	err = nl_socket_add_membership(mc, grp);
	if (err < 0) {
		printf("ok  %-36s %s\n", "mcast-peers-unprivileged-refused", nl_geterror(err));
	} else {
		printf("BAD %-36s joined without CAP_NET_ADMIN\n", "mcast-peers-unprivileged-refused");
		bad++;
	}
	nl_socket_free(mc);
}

static int cmd_p2p(struct nl_sock *sk, uint32_t ifx)
{
	struct sockaddr_in remote;
	struct nl_sock *mc = mcast_open();
	int fd = udp_socket(&remote, 51999);
	int nullfd = open("/dev/null", O_RDONLY);
	int closed = dup(fd);
	unsigned char short_addr[10] = { 0 };
	struct keyspec k;
	int msgs = 0, r;
	uint32_t id = 5;

	close(closed);
	expect("new-peer-notsock", new_peer(sk, ifx, id, nullfd, &remote, sizeof(remote), 0), ENOTSOCK);
	/* the reference maps every sockfd_lookup() failure to ENOTSOCK */
	expect2("new-peer-closed-fd", new_peer(sk, ifx, id, closed, &remote, sizeof(remote), 0), EBADF, ENOTSOCK);
	expect_err("new-peer-remote-10-bytes", new_peer(sk, ifx, id, fd, short_addr, sizeof(short_addr), 0));
	expect("new-peer-udp", new_peer(sk, ifx, id, fd, &remote, sizeof(remote), 0), 0);
	expect("set-peer-keepalive", set_peer(sk, ifx, id, 10, 60), 0);

	k = good_key;
	k.alg = 0;
	expect("new-key-cipher-none", new_key(sk, ifx, id, &k), EINVAL);
	k = good_key;
	k.alg = 9;
	expect("new-key-cipher-9", new_key(sk, ifx, id, &k), EINVAL);
	k = good_key;
	k.slot = 2;
	expect_err("new-key-slot-2", new_key(sk, ifx, id, &k));
	k = good_key;
	k.skip_decrypt = 1;
	expect("new-key-no-decrypt", new_key(sk, ifx, id, &k), EINVAL);
	k = good_key;
	k.noncelen = 7;
	expect_err("new-key-nonce-7", new_key(sk, ifx, id, &k));
	k = good_key;
	k.keylen = 20;
	expect_err("new-key-aes-20-bytes", new_key(sk, ifx, id, &k));
	k = good_key;
	k.alg = ALG_CHACHA;
	k.keylen = 16;
	expect_err("new-key-chacha-16-bytes", new_key(sk, ifx, id, &k));

	expect("new-key-primary", new_key(sk, ifx, id, &good_key), 0);
	k = good_key;
	k.slot = 1;
	k.key_id = 1;
	k.alg = ALG_CHACHA;
	expect("new-key-secondary-chacha", new_key(sk, ifx, id, &k), 0);
	expect("swap-keys", swap_keys(sk, ifx, id), 0);
	expect("del-key-secondary", del_key(sk, ifx, id, 1), 0);
	expect("del-key-secondary-again", del_key(sk, ifx, id, 1), 0);
	expect("swap-keys-one-empty", swap_keys(sk, ifx, id), 0);
	r = peer_only(sk, ifx, CMD_GET_PEER, A_GET_PEER, 1, id);
	expect("get-peer", r, 0);
	{
		struct nl_msg *m = req(CMD_GET_PEER, 0);
		struct nlattr *n;

		put_ifindex(m, ifx);
		n = nest(m, A_GET_PEER, 1);
		nla_put_u32(m, 1, id);
		nla_nest_end(m, n);
		r = transact(sk, m, &msgs);
		if (r == 0 && msgs == 1)
			printf("ok  %-36s 1 reply\n", "get-peer-reply");
		else {
			printf("BAD %-36s %s, %d replies\n", "get-peer-reply", ename(r), msgs);
			bad++;
		}
	}
	expect("get-peer-other-id", get_peer(sk, ifx, id + 1), ENOENT);
	expect("del-peer", del_peer(sk, ifx, id), 0);
	r = wait_notif(mc, id, 1, 5);
	if (r == 0)
		printf("ok  %-36s reason USERSPACE\n", "del-peer-notification");
	else {
		printf("BAD %-36s %s\n", "del-peer-notification", r < 0 ? "none within 5 s" : "wrong reason");
		if (r > 0)
			printf("    reason %d\n", r - 1000);
		bad++;
	}
	expect("del-peer-again", del_peer(sk, ifx, id), ENOENT);
	expect("new-key-after-del", new_key(sk, ifx, id, &good_key), ENOENT);

	/* P2P: a second NEW_PEER replaces the first (TEARDOWN notification) */
	expect("new-peer-a", new_peer(sk, ifx, 10, fd, &remote, sizeof(remote), 0), 0);
	expect("new-peer-b-replaces", new_peer(sk, ifx, 11, fd, &remote, sizeof(remote), 0), 0);
	r = wait_notif(mc, 10, 0, 5);
	if (r == 0)
		printf("ok  %-36s reason TEARDOWN\n", "replaced-peer-notification");
	else {
		printf("BAD %-36s %s\n", "replaced-peer-notification", r < 0 ? "none within 5 s" : "wrong reason");
		bad++;
	}
	expect("get-peer-replaced-gone", get_peer(sk, ifx, 10), ENOENT);
	expect("del-peer-b", del_peer(sk, ifx, 11), 0);
	close(fd);
	close(nullfd);
	nl_socket_free(mc);
	return 0;
}

static int cmd_mp(struct nl_sock *sk, uint32_t ifx)
{
	struct sockaddr_in remote;
	int fd = udp_socket(&remote, 52999);
	int msgs = 0, r;
	struct nl_msg *m;

	expect("mp-new-peer-no-vpn-ip", new_peer(sk, ifx, 1, fd, &remote, sizeof(remote), 0), EINVAL);
	expect("mp-new-peer-1", new_peer(sk, ifx, 1, fd, &remote, sizeof(remote), inet_addr("10.77.0.2")), 0);
	remote.sin_port = htons(53000);
	expect("mp-new-peer-dup-id", new_peer(sk, ifx, 1, fd, &remote, sizeof(remote), inet_addr("10.77.0.3")),
	       EEXIST);
	expect("mp-new-peer-2", new_peer(sk, ifx, 2, fd, &remote, sizeof(remote), inet_addr("10.77.0.3")), 0);
	expect("mp-new-key-1", new_key(sk, ifx, 1, &good_key), 0);
	m = req(CMD_GET_PEER, NLM_F_DUMP);
	put_ifindex(m, ifx);
	r = transact(sk, m, &msgs);
	if (r == 0 && msgs == 2)
		printf("ok  %-36s 2 peers\n", "mp-dump");
	else {
		printf("BAD %-36s %s, %d peers (want 2)\n", "mp-dump", ename(r), msgs);
		bad++;
	}
	expect("mp-del-peer-2", del_peer(sk, ifx, 2), 0);
	expect("mp-get-peer-2-gone", get_peer(sk, ifx, 2), ENOENT);
	expect("mp-get-peer-1", get_peer(sk, ifx, 1), 0);
	/* peer 1 is left in place: the interface is deleted with it */
	close(fd);
	return 0;
}

/* Install a peer with a key on a socket and close the socket afterwards. */
static int cmd_closed(struct nl_sock *sk, uint32_t ifx, uint32_t id, int tcp)
{
	struct sockaddr_in remote;
	int fd, lfd = -1, afd = -1;

	if (!tcp) {
		fd = udp_socket(&remote, 54999);
		expect("closed-udp-new-peer", new_peer(sk, ifx, id, fd, &remote, sizeof(remote), 0), 0);
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t al = sizeof(a);

		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 1) ||
		    getsockname(lfd, (struct sockaddr *)&a, &al)) {
			perror("tcp listener");
			return 100;
		}
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
			perror("tcp connect");
			return 100;
		}
		afd = accept(lfd, NULL, NULL);
		expect("closed-tcp-new-peer", new_peer(sk, ifx, id, fd, &a, sizeof(a), 0), 0);
	}
	expect("closed-new-key", new_key(sk, ifx, id, &good_key), 0);
	expect("closed-set-peer", set_peer(sk, ifx, id, 1, 3), 0);
	close(fd);
	if (afd >= 0)
		close(afd);
	if (lfd >= 0)
		close(lfd);
	/* the peer may already be gone (TCP: the other end closed) */
	expect2("closed-get-peer", get_peer(sk, ifx, id), 0, ENOENT);
	return 0;
}

/* ---- rtnetlink: create the link ----------------------------------- */

static int cmd_newlink(const char *name, int mode)
{
	struct nl_sock *rt = nl_socket_alloc();
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *m;
	struct nlattr *li, *data;
	int r;

	if (!rt || nl_connect(rt, NETLINK_ROUTE)) {
		fprintf(stderr, "cannot open rtnetlink\n");
		return 100;
	}
	m = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
	nla_put_string(m, IFLA_IFNAME, name);
	li = nla_nest_start(m, IFLA_LINKINFO);
	nla_put_string(m, IFLA_INFO_KIND, "ovpn-dco");
	data = nla_nest_start(m, IFLA_INFO_DATA);
	nla_put_u8(m, IFLA_OVPN_MODE, (uint8_t)mode);
	nla_nest_end(m, data);
	nla_nest_end(m, li);
	r = transact(rt, m, NULL);
	nl_socket_free(rt);
	if (r) {
		fprintf(stderr, "RTM_NEWLINK %s: %s\n", name, strerror(r));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk;
	uint32_t ifx;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "newlink"))
		return cmd_newlink(argv[2], !strcmp(argv[3], "mp"));
	if (argc == 2 && !strcmp(argv[1], "mcast-unprivileged")) {
		cmd_mcast_unprivileged();
		printf("nltool %s: %d bad\n", argv[1], bad);
		return bad;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: nltool newlink NAME p2p|mp | mcast-unprivileged | malformed|unknown|p2p|mp IFINDEX | "
				"closed-udp|closed-tcp IFINDEX ID\n");
		return 100;
	}
	ifx = (uint32_t)strtoul(argv[2], NULL, 0);
	sk = genl_open();
	if (!strcmp(argv[1], "malformed"))
		cmd_malformed(sk, ifx);
	else if (!strcmp(argv[1], "unknown"))
		cmd_unknown(sk, ifx);
	else if (!strcmp(argv[1], "p2p"))
		cmd_p2p(sk, ifx);
	else if (!strcmp(argv[1], "mp"))
		cmd_mp(sk, ifx);
	else if (argc == 4 && !strcmp(argv[1], "closed-udp"))
		cmd_closed(sk, ifx, (uint32_t)strtoul(argv[3], NULL, 0), 0);
	else if (argc == 4 && !strcmp(argv[1], "closed-tcp"))
		cmd_closed(sk, ifx, (uint32_t)strtoul(argv[3], NULL, 0), 1);
	else {
		fprintf(stderr, "nltool: unknown command %s\n", argv[1]);
		return 100;
	}
	nl_socket_free(sk);
	printf("nltool %s: %d bad\n", argv[1], bad);
	return bad > 99 ? 99 : bad;
}
