/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/kernel/kstress/kstress.h: shared parts of the stress driver for the
 * ovpn-dco-v2 modules under qemu (scenarios 91-97): generic netlink requests,
 * network namespaces, and an emulated OpenVPN client (DATA_V2 packets built
 * and checked in userspace with OpenSSL) so that one process can drive
 * hundreds of peers with real traffic through the module under test.
 */
#ifndef KSTRESS_H
#define KSTRESS_H

#include <netinet/in.h>
#include <netlink/genl/genl.h>
#include <stdint.h>

/* ovpn-dco-v2 numbers (shared/docs/dco-facts.md section 1). */
enum { CMD_NEW_PEER = 1, CMD_SET_PEER, CMD_DEL_PEER, CMD_NEW_KEY, CMD_SWAP_KEYS, CMD_DEL_KEY, CMD_GET_PEER };
enum { A_IFINDEX = 1, A_NEW_PEER, A_SET_PEER, A_DEL_PEER, A_NEW_KEY, A_SWAP_KEYS, A_DEL_KEY, A_GET_PEER };
enum { NP_PEER_ID = 1, NP_REMOTE, NP_SOCKET, NP_IPV4, NP_IPV6, NP_LOCAL_IP };
enum { SP_PEER_ID = 1, SP_KA_INTERVAL, SP_KA_TIMEOUT };
enum { DP_REASON = 1, DP_PEER_ID };
enum { NK_PEER_ID = 1, NK_SLOT, NK_KEY_ID, NK_CIPHER, NK_ENCRYPT, NK_DECRYPT };
enum { KD_KEY = 1, KD_NONCE };
enum { ALG_AES_GCM = 1, ALG_CHACHA = 2 };
enum { REASON_TEARDOWN = 0, REASON_USERSPACE = 1, REASON_EXPIRED = 2 };

extern int ks_family;
extern int ks_bad;

/* ---- output, randomness, time ---- */
void ks_ok(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void ks_fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void ks_die(const char* fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
uint64_t ks_rand(void);
void ks_seed(uint64_t seed);
void ks_rand_bytes(void* buf, size_t len);
double ks_now(void);
void ks_sleep_ms(int ms);

/* ---- namespaces and generic netlink ---- */
void ks_enter_ns(const char* name);
struct nl_sock* ks_genl_open(void);
struct nl_msg* ks_req(int cmd, int flags);
struct nlattr* ks_nest(struct nl_msg* m, int type);
/* Send msg (freed here); 0 or a positive errno. *msgs: replies counted. */
int ks_transact(struct nl_sock* sk, struct nl_msg* msg, int* msgs);
uint32_t ks_ifindex(const char* name);

/* ---- requests ---- */
struct ks_dir {
    uint8_t key[32];
    uint8_t tail[8];
};
int ks_new_peer(struct nl_sock* sk, uint32_t ifx, uint32_t id, int fd, const struct sockaddr_in* remote,
                uint32_t vpn4);
int ks_new_key(struct nl_sock* sk, uint32_t ifx, uint32_t id, int slot, int key_id, int alg,
               const struct ks_dir* enc, const struct ks_dir* dec);
int ks_set_peer(struct nl_sock* sk, uint32_t ifx, uint32_t id, uint32_t interval, uint32_t timeout);
int ks_del_peer(struct nl_sock* sk, uint32_t ifx, uint32_t id);
int ks_swap_keys(struct nl_sock* sk, uint32_t ifx, uint32_t id);
int ks_del_key(struct nl_sock* sk, uint32_t ifx, uint32_t id, int slot);
int ks_dump_count(struct nl_sock* sk, uint32_t ifx, int* count);

/* ---- DEL_PEER notifications ---- */
struct ks_notif {
    uint32_t id;
    int reason;
};
struct nl_sock* ks_mcast_open(void);
/* Read what is queued (up to max entries) within ms; returns how many. */
int ks_notif_read(struct nl_sock* mc, uint32_t ifx, struct ks_notif* out, int max, int ms);

/* ---- sockets ---- */
int ks_udp_bound(const char* addr, int port, struct sockaddr_in* name);

/* ---- the emulated client: DATA_V2 with AES-256-GCM ---- */
struct ks_peer {
    uint32_t id;
    uint32_t vpn4;          /* network order */
    struct ks_dir c2s, s2c; /* client->server, server->client */
    uint32_t tx_pid;
    int key_id;
    int fd;  /* the client's socket */
    int tcp; /* records with a 2-byte length prefix */
    uint16_t seq;
    int replies; /* echo replies seen */
    int want;    /* replies expected so far */
};
void ks_peer_keys(struct ks_peer* p);
/* Install p on the server (NEW_PEER on sfd toward remote, NEW_KEY primary). */
int ks_peer_install(struct nl_sock* sk, uint32_t ifx, struct ks_peer* p, int sfd,
                    const struct sockaddr_in* remote);
/* Build p's DATA_V2 packet holding an ICMP echo request to dst (network order). */
int ks_echo_packet(struct ks_peer* p, uint32_t dst, uint8_t* out, size_t cap);
/* Send one echo request from p to dst. 0 ok. */
int ks_send_echo(struct ks_peer* p, uint32_t dst, const struct sockaddr_in* server);
/* Check a packet from the server: 1 = echo reply for the peer found,
 * 2 = keepalive, 0 = not for us / broken. *who gets the peer's index. */
int ks_check_reply(struct ks_peer* peers, int n, const uint8_t* pkt, size_t len, int* who);
/* Read replies (for any of the npeers) until every peer in [first, first+n) has replies >= want, or
 * ms passes; returns how many peers still miss one. */
int ks_wait_replies(struct ks_peer* peers, int npeers, int first, int n, int ms);

#endif
