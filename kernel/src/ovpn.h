/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ovpn-dco-v2 compatible data channel offload: shared definitions.
 */
#ifndef OVPN_H
#define OVPN_H

#include <linux/hashtable.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/version.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/gro_cells.h>
#include <uapi/linux/ovpn_dco.h>

#include "replay.h"

/* Kernel API differences between 6.1 (Debian 12) and 6.12 (Debian 13 and
 * bookworm's newer kernel): 6.2 split the generic netlink ops handed to
 * pre/post_doit and moved the dump's parsed attributes into an info.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define OVPN_GENL_OPS struct genl_split_ops
#define OVPN_DUMP_ATTRS(dinfo) ((dinfo)->info.attrs)
#else
#define OVPN_GENL_OPS struct genl_ops
#define OVPN_DUMP_ATTRS(dinfo) ((dinfo)->attrs)
#endif

#define OVPN_DRV_NAME		"ovpn-dco"
#define OVPN_VERSION		"0.1.0"

/* private value, as used by the original out-of-tree module on < 6.16 */
#define OVPN_UDP_ENCAP_TYPE	100

/* DATA_V2 wire header: opcode/key-id (1) + peer-id (3) + packet-id (4) */
#define OVPN_OP_DATA_V2		9
#define OVPN_OPCODE_SHIFT	3
#define OVPN_KEY_ID_MASK	0x07
#define OVPN_PEER_ID_UNDEF	0x00FFFFFF
#define OVPN_HDR_OP_LEN		4
#define OVPN_HDR_LEN		8
#define OVPN_TAG_LEN		16
#define OVPN_OVERHEAD		(OVPN_HDR_LEN + OVPN_TAG_LEN)
#define OVPN_NONCE_LEN		12
/* worst case outer headers: IPv6 + UDP */
#define OVPN_ENCAP_OVERHEAD	(OVPN_OVERHEAD + sizeof(struct ipv6hdr) + 8)

#define OVPN_TCP_QUEUE_MAX	1024

#define OVPN_HASH_BITS		10

struct ovpn_peer;

/* the device */
struct ovpn_struct {
	struct net_device *dev;
	u8 mode;			/* enum ovpn_mode */
	bool dying;			/* dellink ran: no new peers */
	spinlock_t lock;		/* protects all peer tables below */
	struct ovpn_peer __rcu *peer;	/* P2P mode only */
	DECLARE_HASHTABLE(by_id, OVPN_HASH_BITS);
	DECLARE_HASHTABLE(by_transp, OVPN_HASH_BITS);
	DECLARE_HASHTABLE(by_vpn4, OVPN_HASH_BITS);
	DECLARE_HASHTABLE(by_vpn6, OVPN_HASH_BITS);
	struct gro_cells gro_cells;
};

/* remote endpoint and local source address of a UDP peer */
struct ovpn_bind {
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} remote;
	union {
		__be32 ip4;
		struct in6_addr ip6;
	} local;
	bool has_local;
	struct rcu_head rcu;
};

/* one data channel key (a key slot content) */
struct ovpn_key {
	u8 key_id;
	struct crypto_aead *enc;
	struct crypto_aead *dec;
	u8 nonce_enc[OVPN_NONCE_TAIL_SIZE];
	u8 nonce_dec[OVPN_NONCE_TAIL_SIZE];
	atomic64_t tx_pid;
	spinlock_t replay_lock;		/* protects replay */
	struct ovpn_replay replay;
	struct rcu_head rcu;
};

/* the transport socket handed over by userspace */
struct ovpn_socket {
	struct socket *sock;		/* holds a file reference */
	struct ovpn_struct *ovpn;
	unsigned int refs;		/* protected by ovpn_sock_mutex */
	u8 proto;			/* IPPROTO_UDP / IPPROTO_TCP */
	/* TCP only */
	struct ovpn_peer *peer;
	struct rcu_head rcu;
};

struct ovpn_tcp {
	void (*saved_data_ready)(struct sock *sk);
	void (*saved_write_space)(struct sock *sk);
	struct proto *saved_prot;
	/* RX: record being assembled */
	u8 hdr[2];
	unsigned int hdr_got;
	struct sk_buff *rx_skb;
	unsigned int rx_need;
	struct work_struct rx_work;
	/* records for userspace (control channel), with length prefix */
	struct sk_buff_head user_queue;
	wait_queue_head_t user_wait;
	bool eof;
	bool synced;			/* record boundary found */
	int err;
	/* TX: kernel data records and userspace writes, in order */
	struct sk_buff_head tx_queue;
	unsigned int tx_off;		/* bytes of the head already sent */
	struct work_struct tx_work;
	bool detached;
};

struct ovpn_peer_stats {
	atomic64_t vpn_rx_bytes, vpn_tx_bytes;
	atomic64_t link_rx_bytes, link_tx_bytes;
	atomic_t vpn_rx_pkts, vpn_tx_pkts;
	atomic_t link_rx_pkts, link_tx_pkts;
};

struct ovpn_peer {
	struct ovpn_struct *ovpn;
	u32 id;
	refcount_t refcount;
	__be32 vpn4;
	struct in6_addr vpn6;

	struct hlist_node node_id;
	struct hlist_node node_transp;
	struct hlist_node node_vpn4;
	struct hlist_node node_vpn6;
	bool hashed_transp;

	struct ovpn_socket *sock;
	struct ovpn_tcp tcp;		/* used when sock->proto is TCP */
	struct ovpn_bind __rcu *bind;	/* UDP only */

	spinlock_t lock;		/* protects keys and bind updates */
	struct ovpn_key __rcu *keys[__OVPN_KEY_SLOT_AFTER_LAST];

	/* keepalive, seconds; 0 = off */
	u32 ka_interval;
	u32 ka_timeout;
	unsigned long last_rx;		/* jiffies */
	unsigned long last_tx;		/* jiffies */
	struct timer_list ka_timer;

	struct ovpn_peer_stats stats;

	bool linked;			/* the tables own it (ovpn->lock) */
	bool removed;			/* unlinked from the device */
	u8 del_reason;
	struct work_struct del_work;	/* removal requested from atomic ctx */
	struct work_struct release_work;
	struct rcu_head rcu;
};

extern struct workqueue_struct *ovpn_wq;
extern const struct net_device_ops ovpn_netdev_ops;

static inline bool ovpn_dev_is_ovpn(const struct net_device *dev)
{
	return dev->netdev_ops == &ovpn_netdev_ops;
}

static inline bool ovpn_peer_hold(struct ovpn_peer *peer)
{
	return refcount_inc_not_zero(&peer->refcount);
}

/* peer.c */
struct ovpn_peer *ovpn_peer_new(struct ovpn_struct *ovpn, u32 id);
void ovpn_peer_put(struct ovpn_peer *peer);
int ovpn_peer_add(struct ovpn_struct *ovpn, struct ovpn_peer *peer,
		  struct netlink_ext_ack *extack);
void ovpn_peer_remove(struct ovpn_peer *peer, u8 reason);
void ovpn_peer_remove_async(struct ovpn_peer *peer, u8 reason);
void ovpn_peers_release_all(struct ovpn_struct *ovpn);
struct ovpn_peer *ovpn_peer_get_by_id(struct ovpn_struct *ovpn, u32 id);
struct ovpn_peer *ovpn_peer_find_id_rcu(struct ovpn_struct *ovpn, u32 id);
struct ovpn_peer *ovpn_peer_find_transp_rcu(struct ovpn_struct *ovpn,
					    const struct ovpn_bind *src);
struct ovpn_peer *ovpn_peer_find_tx_rcu(struct ovpn_struct *ovpn,
					struct sk_buff *skb);
bool ovpn_peer_check_source_rcu(struct ovpn_struct *ovpn,
				struct ovpn_peer *peer, struct sk_buff *skb);
void ovpn_peer_float_rcu(struct ovpn_peer *peer, const struct ovpn_bind *src);
void ovpn_peer_keepalive_set(struct ovpn_peer *peer, u32 interval,
			     u32 timeout);
void ovpn_peer_keepalive_stop(struct ovpn_peer *peer);

/* crypto.c */
struct ovpn_key *ovpn_key_new(u16 alg, u8 key_id,
			      const u8 *enc_key, unsigned int enc_len,
			      const u8 *enc_nonce,
			      const u8 *dec_key, unsigned int dec_len,
			      const u8 *dec_nonce, struct netlink_ext_ack *extack);
void ovpn_key_free(struct ovpn_key *key);
int ovpn_encrypt(struct ovpn_peer *peer, struct ovpn_key *key,
		 struct sk_buff *skb);
int ovpn_decrypt(struct ovpn_key *key, struct sk_buff *skb);

/* io.c */
netdev_tx_t ovpn_start_xmit(struct sk_buff *skb, struct net_device *dev);
void ovpn_rx_data(struct ovpn_peer *peer, struct sk_buff *skb,
		  const struct ovpn_bind *src);
bool ovpn_bind_same_remote(const struct ovpn_bind *a,
			   const struct ovpn_bind *b);
void ovpn_send_keepalive(struct ovpn_peer *peer);

/* udp.c */
int ovpn_udp_encap_recv(struct sock *sk, struct sk_buff *skb);
int ovpn_udp_send(struct ovpn_peer *peer, struct sk_buff *skb);

/* tcp.c */
int ovpn_tcp_attach(struct ovpn_peer *peer, struct socket *sock);
void ovpn_tcp_detach(struct ovpn_peer *peer);
int ovpn_tcp_send(struct ovpn_peer *peer, struct sk_buff *skb);
int __init ovpn_tcp_init(void);

/* socket.c */
struct ovpn_socket *ovpn_socket_get(struct ovpn_struct *ovpn,
				    struct ovpn_peer *peer, int fd,
				    struct netlink_ext_ack *extack);
void ovpn_socket_put(struct ovpn_socket *osock);

/* netlink.c */
int __init ovpn_netlink_init(void);
void ovpn_netlink_exit(void);
void ovpn_netlink_notify_del_peer(struct ovpn_struct *ovpn, u32 id,
				  u8 reason);

#endif /* OVPN_H */
