// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kernel/kstress/stress.c: the stress driver's commands (see main()
 * for usage). Every check prints "ok ..." or "BAD ..."; the exit status is
 * the number of BADs (capped at 99; 100 = could not run).
 *
 * Topology the scenarios build (lib.sh): netns S holds the MP ovpn-dco device
 * DEV (10.99.0.1/16) and veth 10.98.0.1; netns C holds veth 10.98.0.2, where
 * the emulated clients' sockets live. Peer index i has the VPN address
 * 10.99.(1 + i / 250).(2 + i % 250).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kstress.h"

#define NCLIENT_FDS 16
#define SERVER_ADDR "10.98.0.1"
#define CLIENT_ADDR "10.98.0.2"

struct ctx {
	struct nl_sock *sk, *mc;
	uint32_t ifx;
	int sfd;
	struct sockaddr_in server;
	int cfd[NCLIENT_FDS];
	struct sockaddr_in cname[NCLIENT_FDS];
	uint32_t vpn_server;
};

int ks_fuzz(const char *ns, const char *dev, uint64_t seed, int secs);

static uint32_t vpn_of(int i)
{
	char a[32];

	snprintf(a, sizeof(a), "10.99.%d.%d", 1 + i / 250, 2 + i % 250);
	return inet_addr(a);
}

/* Client sockets in ns_c, the server socket (port) and netlink in ns_s. */
static void setup(struct ctx *c, const char *ns_s, const char *ns_c, const char *dev, int port)
{
	int i;

	memset(c, 0, sizeof(*c));
	ks_enter_ns(ns_c);
	for (i = 0; i < NCLIENT_FDS; i++) {
		c->cfd[i] = ks_udp_bound(CLIENT_ADDR, 0, &c->cname[i]);
		if (c->cfd[i] < 0)
			ks_die("client socket on %s: %s", CLIENT_ADDR, strerror(errno));
	}
	ks_enter_ns(ns_s);
	c->sfd = ks_udp_bound(SERVER_ADDR, port, &c->server);
	if (c->sfd < 0)
		ks_die("server socket %s:%d: %s", SERVER_ADDR, port, strerror(errno));
	c->sk = ks_genl_open();
	c->mc = ks_mcast_open();
	c->ifx = ks_ifindex(dev);
	c->vpn_server = inet_addr("10.99.0.1");
}

static void peer_init(struct ctx *c, struct ks_peer *p, uint32_t id, int idx)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	p->vpn4 = vpn_of(idx);
	p->fd = c->cfd[idx % NCLIENT_FDS];
	ks_peer_keys(p);
}

static int install(struct ctx *c, struct ks_peer *p, int idx)
{
	return ks_peer_install(c->sk, c->ifx, p, c->sfd, &c->cname[idx % NCLIENT_FDS]);
}

/* One echo round trip for peers [first, first+n), one retry for the missing. */
static int round_trip(struct ctx *c, struct ks_peer *peers, int npeers, int first, int n)
{
	int i, miss, try;

	for (i = first; i < first + n; i++)
		peers[i].want = peers[i].replies + 1;
	for (try = 0; try < 2; try++) {
		for (i = first; i < first + n; i++)
			if (peers[i].replies < peers[i].want && ks_send_echo(&peers[i], c->vpn_server, &c->server))
				ks_fail("send for peer %u: %s", peers[i].id, strerror(errno));
		miss = ks_wait_replies(peers, npeers, first, n, 5000);
		if (!miss)
			return 0;
	}
	return miss;
}

/* Wait until total notifications arrived (or ms); count per id in seen[id - base]. */
static int collect(struct ctx *c, uint32_t base, int span, int *seen, int *reason, int total, int ms)
{
	struct ks_notif nb[256];
	int got = 0, k, n;
	double end = ks_now() + ms / 1000.0;

	while (ks_now() < end) {
		n = ks_notif_read(c->mc, c->ifx, nb, 256, got >= total ? 300 : 500);
		for (k = 0; k < n; k++) {
			int j = (int)(nb[k].id - base);

			got++;
			if (j < 0 || j >= span) {
				ks_fail("DEL_PEER notification for id %u (not ours, reason %d)", nb[k].id, nb[k].reason);
				continue;
			}
			seen[j]++;
			if (reason)
				reason[j] = nb[k].reason;
		}
		if (got >= total && n == 0)
			break;
	}
	return got;
}

/* ---- many: N peers on one MP device, a packet each way ---- */

static int cmd_many(const char *ns_s, const char *ns_c, const char *dev, int n, int keep)
{
	struct ctx c;
	struct ks_peer *peers = calloc((size_t)n, sizeof(*peers));
	int i, r, cnt = 0, before = 0, miss = 0, *seen = calloc((size_t)n, sizeof(int)), *why = calloc((size_t)n, sizeof(int));
	double t0;

	setup(&c, ns_s, ns_c, dev, 1300);
	ks_dump_count(c.sk, c.ifx, &before);
	t0 = ks_now();
	for (i = 0; i < n; i++) {
		peer_init(&c, &peers[i], 100 + (uint32_t)i, i);
		r = install(&c, &peers[i], i);
		if (r) {
			ks_fail("peer %d of %d: NEW_PEER/NEW_KEY: %s", i, n, strerror(r));
			n = i;
			break;
		}
	}
	ks_ok("many-install %d peers in %.1f s", n, ks_now() - t0);
	r = ks_dump_count(c.sk, c.ifx, &cnt);
	if (r || cnt != before + n)
		ks_fail("many-dump: %s, %d peers listed, want %d", strerror(r), cnt, before + n);
	else
		ks_ok("many-dump lists %d peers", cnt);
	t0 = ks_now();
	for (i = 0; i < n; i += 50)
		miss += round_trip(&c, peers, n, i, n - i < 50 ? n - i : 50);
	if (miss)
		ks_fail("many-traffic: %d of %d peers got no echo reply", miss, n);
	else
		ks_ok("many-traffic: %d peers, one echo each way each, in %.1f s", n, ks_now() - t0);
	if (keep) {
		for (i = 0; i < n; i++)
			if ((r = ks_set_peer(c.sk, c.ifx, peers[i].id, 1, 30)))
				ks_fail("many-keepalive peer %u: %s", peers[i].id, strerror(r));
		printf("many: %d peers left in place with keepalive 1/30\n", n);
		return ks_bad;
	}
	t0 = ks_now();
	for (i = 0; i < n; i++)
		if ((r = ks_del_peer(c.sk, c.ifx, peers[i].id)))
			ks_fail("many-del peer %u: %s", peers[i].id, strerror(r));
	r = collect(&c, 100, n, seen, why, n, 20000);
	for (i = 0, cnt = 0; i < n; i++)
		cnt += seen[i] != 1 || why[i] != REASON_USERSPACE;
	if (r != n || cnt)
		ks_fail("many-notify: %d notifications for %d deletions, %d peers without exactly one USERSPACE one", r, n,
			cnt);
	else
		ks_ok("many-del: %d DEL_PEER, one USERSPACE notification each, %.1f s", n, ks_now() - t0);
	ks_dump_count(c.sk, c.ifx, &cnt);
	if (cnt != before)
		ks_fail("many-dump-after: %d peers listed, want the %d from before", cnt, before);
	return ks_bad;
}

/* The module let go of the server socket: its port can be bound again. */
static void port_released(struct ctx *c, const char *what)
{
	int i, fd = -1, port = ntohs(c->server.sin_port);

	close(c->sfd);
	for (i = 0; i < 50 && fd < 0; i++) {
		fd = ks_udp_bound(SERVER_ADDR, port, NULL);
		if (fd < 0)
			ks_sleep_ms(100);
	}
	if (fd < 0)
		ks_fail("%s: UDP port %d still bound 5 s after its peers went: a socket reference leaked", what, port);
	else
		ks_ok("%s: the server socket was released (port %d bound again)", what, port);
	if (fd >= 0)
		close(fd);
}

/* ---- churn: NEW_PEER/DEL_PEER cycles beside a steady peer ---- */

#define CHURN_SLOTS 64
#define CHURN_LIVE 8

static int cmd_churn(const char *ns_s, const char *ns_c, const char *dev, int cycles)
{
	struct ctx c;
	struct ks_peer peers[CHURN_SLOTS];
	int i, r, miss = 0, seen[CHURN_SLOTS] = { 0 }, why[CHURN_SLOTS], got, bad_reason = 0;
	double t0 = ks_now();

	memset(peers, 0, sizeof(peers));
	setup(&c, ns_s, ns_c, dev, 1300);
	for (i = 0; i < cycles + CHURN_LIVE; i++) {
		if (i < cycles) {
			struct ks_peer *p = &peers[i % CHURN_SLOTS];

			peer_init(&c, p, 1000 + (uint32_t)(i % CHURN_SLOTS), i % CHURN_SLOTS);
			p->key_id = i % 8;
			if ((r = install(&c, p, i % CHURN_SLOTS)))
				ks_die("churn cycle %d: NEW_PEER/NEW_KEY id %u: %s", i, p->id, strerror(r));
			p->want = 1;
			ks_send_echo(p, c.vpn_server, &c.server);
		}
		if (i >= CHURN_LIVE) {
			struct ks_peer *q = &peers[(i - CHURN_LIVE) % CHURN_SLOTS];
			int slot = (i - CHURN_LIVE) % CHURN_SLOTS;

			if (ks_wait_replies(peers, CHURN_SLOTS, slot, 1, 3000)) {
				ks_send_echo(q, c.vpn_server, &c.server);
				miss += ks_wait_replies(peers, CHURN_SLOTS, slot, 1, 3000);
			}
			if ((r = ks_del_peer(c.sk, c.ifx, q->id)))
				ks_die("churn cycle %d: DEL_PEER id %u: %s", i, q->id, strerror(r));
		}
	}
	ks_ok("churn: %d NEW_PEER/NEW_KEY/echo/DEL_PEER cycles in %.1f s", cycles, ks_now() - t0);
	if (miss)
		ks_fail("churn-traffic: %d of %d short-lived peers got no echo reply", miss, cycles);
	else
		ks_ok("churn-traffic: every short-lived peer got its echo reply");
	got = collect(&c, 1000, CHURN_SLOTS, seen, why, cycles, 20000);
	for (i = 0; i < CHURN_SLOTS; i++)
		bad_reason += seen[i] && why[i] != REASON_USERSPACE;
	if (got != cycles || bad_reason)
		ks_fail("churn-notify: %d DEL_PEER notifications for %d deletions (%d with another reason)", got, cycles,
			bad_reason);
	else
		ks_ok("churn-notify: %d notifications, all USERSPACE", got);
	port_released(&c, "churn");
	return ks_bad;
}

/* ---- race: DEL_PEER at the moment keepalive expires ---- */

static void race_round(struct ctx *c, uint32_t base, int batch, int offset_ms, int *ret)
{
	struct ks_peer p;
	int j, r;
	double t_set = 0;

	for (j = 0; j < batch; j++) {
		peer_init(c, &p, base + (uint32_t)j, j);
		if ((r = install(c, &p, j)))
			ks_die("race: NEW_PEER id %u: %s", p.id, strerror(r));
	}
	for (j = 0; j < batch; j++) {
		if ((r = ks_set_peer(c->sk, c->ifx, base + (uint32_t)j, 0, 1)))
			ks_die("race: SET_PEER id %u: %s", base + (uint32_t)j, strerror(r));
		if (!j)
			t_set = ks_now();
	}
	r = (int)((t_set + offset_ms / 1000.0 - ks_now()) * 1000);
	if (r > 0)
		ks_sleep_ms(r);
	for (j = 0; j < batch; j++)
		ret[j] = ks_del_peer(c->sk, c->ifx, base + (uint32_t)j);
}

static int cmd_race(const char *ns_s, const char *ns_c, const char *dev, int rounds, int batch)
{
	struct ctx c;
	int total = rounds * batch, r, j, got, *ret = calloc((size_t)total, sizeof(int));
	int *seen = calloc((size_t)total, sizeof(int)), *why = calloc((size_t)total, sizeof(int));
	int dels = 0, exps = 0, mixed = 0, wrong = 0, other = 0;

	setup(&c, ns_s, ns_c, dev, 1300);
	for (r = 0; r < rounds; r++) {
		int d = 0;

		race_round(&c, 10000 + (uint32_t)(r * batch), batch, 880 + (r * 11) % 150, ret + r * batch);
		for (j = 0; j < batch; j++) {
			d += !ret[r * batch + j];
			if (ret[r * batch + j] && ret[r * batch + j] != ENOENT)
				ks_fail("race: DEL_PEER id %d: %s", 10000 + r * batch + j, strerror(ret[r * batch + j]));
		}
		mixed += d && d < batch;
	}
	got = collect(&c, 10000, total, seen, why, total, 20000);
	for (j = 0; j < total; j++) {
		int want = ret[j] ? REASON_EXPIRED : REASON_USERSPACE;

		dels += !ret[j];
		exps += ret[j] == ENOENT;
		if (seen[j] != 1)
			other++;
		else if (why[j] != want)
			wrong++;
	}
	printf("race: %d peers, %d deleted by DEL_PEER, %d expired first; %d of %d rounds had both outcomes\n", total,
	       dels, exps, mixed, rounds);
	if (other)
		ks_fail("race-notify: %d of %d peers without exactly one DEL_PEER notification (%d received)", other,
			total, got);
	else
		ks_ok("race-notify: exactly one notification per peer (%d)", got);
	if (wrong)
		ks_fail("race-reason: %d notifications disagree with DEL_PEER's answer (0 => USERSPACE, ENOENT => EXPIRED)",
			wrong);
	else
		ks_ok("race-reason: every notification's reason matches who won");
	port_released(&c, "race");
	return ks_bad;
}

int ks_keyswap(const char *ns_a, const char *ns_b, const char *dev, uint32_t id_a, uint32_t id_b, int secs);
int ks_tcp_close(const char *ns_s, const char *ns_c, const char *dev, int rounds);

static const char *usage =
	"usage: kstress many S C DEV N [keep] | churn S C DEV CYCLES | race S C DEV ROUNDS BATCH |\n"
	"       keyswap NS_A NS_B DEV ID_A ID_B SECONDS | tcp-close S C DEV ROUNDS | fuzz S DEV SEED SECONDS\n";

int main(int argc, char **argv)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ks_seed((uint64_t)getpid() * 2654435761ULL ^ (uint64_t)(ks_now() * 1e6));
	if (argc >= 6 && !strcmp(argv[1], "many"))
		rc = cmd_many(argv[2], argv[3], argv[4], atoi(argv[5]), argc > 6 && !strcmp(argv[6], "keep"));
	else if (argc == 6 && !strcmp(argv[1], "churn"))
		rc = cmd_churn(argv[2], argv[3], argv[4], atoi(argv[5]));
	else if (argc == 7 && !strcmp(argv[1], "race"))
		rc = cmd_race(argv[2], argv[3], argv[4], atoi(argv[5]), atoi(argv[6]));
	else if (argc == 8 && !strcmp(argv[1], "keyswap"))
		rc = ks_keyswap(argv[2], argv[3], argv[4], (uint32_t)atoi(argv[5]), (uint32_t)atoi(argv[6]),
				atoi(argv[7]));
	else if (argc == 6 && !strcmp(argv[1], "tcp-close"))
		rc = ks_tcp_close(argv[2], argv[3], argv[4], atoi(argv[5]));
	else if (argc == 6 && !strcmp(argv[1], "fuzz"))
		rc = ks_fuzz(argv[2], argv[3], strtoull(argv[4], NULL, 0), atoi(argv[5]));
	else {
		fputs(usage, stderr);
		return 100;
	}
	printf("kstress %s: %d bad\n", argv[1], ks_bad);
	return rc > 99 ? 99 : rc;
}
