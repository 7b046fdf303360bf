// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn-dco-v2 compatible data channel offload: device TX and common RX.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <linux/version.h>
/* 6.12 moved the unaligned access helpers out of asm/ */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "ovpn.h"

/* plaintext of an OpenVPN keepalive ping */
static const u8 ovpn_ping_magic[16] = {
	0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
	0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48
};

static struct ovpn_key *ovpn_key_by_id_rcu(struct ovpn_peer *peer, u8 key_id)
{
	struct ovpn_key *key;
	int i;

	for (i = 0; i < __OVPN_KEY_SLOT_AFTER_LAST; i++) {
		key = rcu_dereference(peer->keys[i]);
		if (key && key->key_id == key_id)
			return key;
	}
	return NULL;
}

/* encrypt and hand to the transport; consumes @skb. RCU held, BH off. */
static void ovpn_xmit_peer(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct net_device *dev = peer->ovpn->dev;
	unsigned int len = skb->len;
	struct ovpn_key *key;
	int err;

	key = rcu_dereference(peer->keys[OVPN_KEY_SLOT_PRIMARY]);
	if (unlikely(!key)) {
		net_dbg_ratelimited("%s: no primary key for peer %u\n",
				    dev->name, peer->id);
		goto drop;
	}

	skb->dev = dev;
	err = ovpn_encrypt(peer, key, skb);
	if (unlikely(err)) {
		net_dbg_ratelimited("%s: encryption failed for peer %u: %d\n",
				    dev->name, peer->id, err);
		goto drop;
	}

	atomic64_add(len, &peer->stats.vpn_tx_bytes);
	atomic_inc(&peer->stats.vpn_tx_pkts);
	WRITE_ONCE(peer->last_tx, jiffies);

	if (peer->sock->proto == IPPROTO_TCP)
		ovpn_tcp_send(peer, skb);
	else
		ovpn_udp_send(peer, skb);
	return;

drop:
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
}

netdev_tx_t ovpn_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);
	struct ovpn_peer *peer;
	__be16 proto;

	if (!pskb_may_pull(skb, sizeof(struct iphdr)))
		goto drop;
	switch (ip_hdr(skb)->version) {
	case 4:
		proto = htons(ETH_P_IP);
		break;
	case 6:
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			goto drop;
		proto = htons(ETH_P_IPV6);
		break;
	default:
		goto drop;
	}
	if (skb->protocol != proto)
		goto drop;
	skb_reset_network_header(skb);

	rcu_read_lock();
	peer = ovpn_peer_find_tx_rcu(ovpn, skb);
	if (unlikely(!peer)) {
		rcu_read_unlock();
		net_dbg_ratelimited("%s: no peer to send data to\n", dev->name);
		goto drop;
	}
	nf_reset_ct(skb);
	skb_dst_drop(skb);
	ovpn_xmit_peer(peer, skb);
	rcu_read_unlock();
	return NETDEV_TX_OK;

drop:
	dev_core_stats_tx_dropped_inc(dev);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/* RCU held, BH off */
void ovpn_send_keepalive(struct ovpn_peer *peer)
{
	struct net_device *dev = peer->ovpn->dev;
	struct sk_buff *skb;

	skb = alloc_skb(LL_MAX_HEADER + OVPN_ENCAP_OVERHEAD + 64 +
			sizeof(ovpn_ping_magic), GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, LL_MAX_HEADER + OVPN_ENCAP_OVERHEAD + 64);
	skb_put_data(skb, ovpn_ping_magic, sizeof(ovpn_ping_magic));
	skb->priority = TC_PRIO_BESTEFFORT;
	skb->dev = dev;
	ovpn_xmit_peer(peer, skb);
}

/*
 * A DATA_V2 packet of @peer; skb->data points at the opcode. Consumes
 * @skb. @src is the UDP source/destination (NULL for TCP).
 * RCU held, BH off.
 */
void ovpn_rx_data(struct ovpn_peer *peer, struct sk_buff *skb,
		  const struct ovpn_bind *src)
{
	struct ovpn_struct *ovpn = peer->ovpn;
	struct net_device *dev = ovpn->dev;
	enum ovpn_replay_verdict verdict;
	struct ovpn_key *key;
	unsigned int len;
	__be16 proto;
	u32 pid;
	u8 key_id;

	atomic64_add(skb->len, &peer->stats.link_rx_bytes);
	atomic_inc(&peer->stats.link_rx_pkts);

	if (!pskb_may_pull(skb, OVPN_OVERHEAD))
		goto drop;

	key_id = skb->data[0] & OVPN_KEY_ID_MASK;
	pid = get_unaligned_be32(skb->data + OVPN_HDR_OP_LEN);
	key = ovpn_key_by_id_rcu(peer, key_id);
	if (unlikely(!key)) {
		net_dbg_ratelimited("%s: no key %u for peer %u\n", dev->name,
				    key_id, peer->id);
		goto drop;
	}

	if (unlikely(ovpn_decrypt(key, skb))) {
		net_dbg_ratelimited("%s: decryption failed, peer %u\n",
				    dev->name, peer->id);
		goto drop;
	}

	/* only authenticated ids move the window */
	spin_lock_bh(&key->replay_lock);
	verdict = ovpn_replay_check(&key->replay, pid);
	spin_unlock_bh(&key->replay_lock);
	if (unlikely(verdict != OVPN_REPLAY_OK)) {
		net_dbg_ratelimited("%s: replayed or old packet id %u, peer %u\n",
				    dev->name, pid, peer->id);
		goto drop;
	}

	/* the packet is genuine: it keeps the peer alive and may float it */
	WRITE_ONCE(peer->last_rx, jiffies);
	if (src)
		ovpn_peer_float_rcu(peer, src);

	__skb_pull(skb, OVPN_OVERHEAD);
	len = skb->len;
	atomic64_add(len, &peer->stats.vpn_rx_bytes);
	atomic_inc(&peer->stats.vpn_rx_pkts);

	if (len == sizeof(ovpn_ping_magic) &&
	    !memcmp(skb->data, ovpn_ping_magic, len)) {
		consume_skb(skb);
		return;
	}

	if (!pskb_may_pull(skb, 1))
		goto drop;
	switch (skb->data[0] >> 4) {
	case 4:
		if (!pskb_may_pull(skb, sizeof(struct iphdr)))
			goto drop;
		proto = htons(ETH_P_IP);
		break;
	case 6:
		if (!pskb_may_pull(skb, sizeof(struct ipv6hdr)))
			goto drop;
		proto = htons(ETH_P_IPV6);
		break;
	default:
		net_dbg_ratelimited("%s: non-IP payload from peer %u\n",
				    dev->name, peer->id);
		goto drop;
	}

	skb->protocol = proto;
	skb_reset_network_header(skb);
	skb_reset_transport_header(skb);
	skb_reset_mac_header(skb);

	if (!ovpn_peer_check_source_rcu(ovpn, peer, skb)) {
		net_dbg_ratelimited("%s: peer %u sent a packet from a foreign source\n",
				    dev->name, peer->id);
		goto drop;
	}

	skb_scrub_packet(skb, true);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	/* authenticated by the AEAD tag */
	skb->ip_summed = CHECKSUM_UNNECESSARY;

	dev_sw_netstats_rx_add(dev, len);
	gro_cells_receive(&ovpn->gro_cells, skb);
	return;

drop:
	dev_core_stats_rx_dropped_inc(dev);
	kfree_skb(skb);
}
