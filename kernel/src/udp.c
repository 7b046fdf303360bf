// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn-dco-v2 compatible data channel offload: UDP transport.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <linux/version.h>
/* 6.12 moved the unaligned access helpers out of asm/ */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "ovpn.h"

/* source (remote) and destination (local) of a received datagram */
static void ovpn_udp_src(struct sk_buff *skb, struct ovpn_bind *b)
{
	struct udphdr *uh = udp_hdr(skb);

	memset(b, 0, sizeof(*b));
	b->has_local = true;
	if (ip_hdr(skb)->version == 4) {
		b->remote.in4.sin_family = AF_INET;
		b->remote.in4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		b->remote.in4.sin_port = uh->source;
		b->local.ip4 = ip_hdr(skb)->daddr;
	} else {
		b->remote.in6.sin6_family = AF_INET6;
		b->remote.in6.sin6_addr = ipv6_hdr(skb)->saddr;
		b->remote.in6.sin6_port = uh->source;
		if (ipv6_addr_type(&b->remote.in6.sin6_addr) &
		    IPV6_ADDR_LINKLOCAL)
			b->remote.in6.sin6_scope_id = inet6_iif(skb);
		b->local.ip6 = ipv6_hdr(skb)->daddr;
	}
}

/*
 * encap_rcv hook, softirq, under RCU. skb->data points at the UDP header.
 * Returns > 0 to let UDP deliver the datagram to the socket (userspace),
 * 0 when the packet was consumed here.
 */
int ovpn_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct ovpn_socket *osock;
	struct ovpn_peer *peer;
	struct ovpn_bind src;
	u32 word, peer_id;

	osock = rcu_dereference_sk_user_data(sk);
	if (unlikely(!osock || osock->proto != IPPROTO_UDP))
		return 1;

	if (!pskb_may_pull(skb, sizeof(struct udphdr) + OVPN_HDR_OP_LEN))
		return 1;

	word = get_unaligned_be32(skb->data + sizeof(struct udphdr));
	/* control packets, DATA_V1 and anything else: userspace */
	if ((word >> 27) != OVPN_OP_DATA_V2)
		return 1;

	peer_id = word & OVPN_PEER_ID_UNDEF;
	ovpn_udp_src(skb, &src);
	if (peer_id == OVPN_PEER_ID_UNDEF)
		peer = ovpn_peer_find_transp_rcu(osock->ovpn, &src);
	else
		peer = ovpn_peer_find_id_rcu(osock->ovpn, peer_id);

	if (unlikely(!peer || peer->sock != osock)) {
		net_dbg_ratelimited("%s: DATA_V2 for unknown peer %u from %pISpc\n",
				    osock->ovpn->dev->name, peer_id,
				    &src.remote.sa);
		dev_core_stats_rx_dropped_inc(osock->ovpn->dev);
		kfree_skb(skb);
		return 0;
	}

	__skb_pull(skb, sizeof(struct udphdr));
	ovpn_rx_data(peer, skb, &src);
	return 0;
}

static int ovpn_udp4_send(struct ovpn_peer *peer, const struct ovpn_bind *b,
			  struct sock *sk, struct sk_buff *skb)
{
	struct net_device *dev = peer->ovpn->dev;
	struct flowi4 fl4 = {};
	struct rtable *rt;
	int err;

	fl4.daddr = b->remote.in4.sin_addr.s_addr;
	fl4.saddr = b->has_local ? b->local.ip4 : 0;
	fl4.fl4_dport = b->remote.in4.sin_port;
	fl4.fl4_sport = inet_sk(sk)->inet_sport;
	fl4.flowi4_proto = IPPROTO_UDP;
	fl4.flowi4_mark = sk->sk_mark;
	fl4.flowi4_oif = sk->sk_bound_dev_if;

	rt = ip_route_output_flow(sock_net(sk), &fl4, NULL);
	if (IS_ERR(rt) && fl4.saddr) {
		/* the learned local address is gone: let routing choose */
		fl4.saddr = 0;
		rt = ip_route_output_flow(sock_net(sk), &fl4, NULL);
	}
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->dst.dev == dev) {
		/* the tunnel endpoint is routed into the tunnel itself */
		ip_rt_put(rt);
		return -ELOOP;
	}

	err = skb_cow_head(skb, LL_RESERVED_SPACE(rt->dst.dev) +
			   rt->dst.header_len + sizeof(struct iphdr) +
			   sizeof(struct udphdr));
	if (err) {
		ip_rt_put(rt);
		return err;
	}

	udp_tunnel_xmit_skb(rt, sk, skb, fl4.saddr, fl4.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl4.fl4_sport,
			    fl4.fl4_dport, false, sk->sk_no_check_tx);
	return 0;
}

static int ovpn_udp6_send(struct ovpn_peer *peer, const struct ovpn_bind *b,
			  struct sock *sk, struct sk_buff *skb)
{
	struct net_device *dev = peer->ovpn->dev;
	struct dst_entry *dst;
	struct flowi6 fl6 = {};
	int err;

	if (!IS_ENABLED(CONFIG_IPV6) || sk->sk_family != AF_INET6)
		return -EAFNOSUPPORT;

	fl6.daddr = b->remote.in6.sin6_addr;
	if (b->has_local)
		fl6.saddr = b->local.ip6;
	fl6.fl6_dport = b->remote.in6.sin6_port;
	fl6.fl6_sport = inet_sk(sk)->inet_sport;
	fl6.flowi6_proto = IPPROTO_UDP;
	fl6.flowi6_mark = sk->sk_mark;
	fl6.flowi6_oif = sk->sk_bound_dev_if ? sk->sk_bound_dev_if :
			 b->remote.in6.sin6_scope_id;

	dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl6, NULL);
	if (IS_ERR(dst) && !ipv6_addr_any(&fl6.saddr)) {
		fl6.saddr = in6addr_any;
		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl6,
						      NULL);
	}
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	if (dst->dev == dev) {
		dst_release(dst);
		return -ELOOP;
	}

	err = skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			   sizeof(struct ipv6hdr) + sizeof(struct udphdr));
	if (err) {
		dst_release(dst);
		return err;
	}

	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sk, skb, dev, &fl6.saddr, &fl6.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl6.fl6_sport,
			     fl6.fl6_dport, udp_get_no_check6_tx(sk));
	return 0;
}

/* send one encrypted packet; consumes @skb. RCU held, BH off. */
int ovpn_udp_send(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct sock *sk = peer->sock->sock->sk;
	unsigned int len = skb->len;
	struct ovpn_bind *b;
	int err;

	b = rcu_dereference(peer->bind);
	if (unlikely(!b)) {
		err = -ENOTCONN;
		goto drop;
	}

	skb->ignore_df = 1;
	if (b->remote.sa.sa_family == AF_INET)
		err = ovpn_udp4_send(peer, b, sk, skb);
	else
		err = ovpn_udp6_send(peer, b, sk, skb);
	if (unlikely(err))
		goto drop;

	atomic64_add(len, &peer->stats.link_tx_bytes);
	atomic_inc(&peer->stats.link_tx_pkts);
	return 0;

drop:
	net_dbg_ratelimited("%s: cannot send to peer %u: %d\n",
			    peer->ovpn->dev->name, peer->id, err);
	dev_core_stats_tx_dropped_inc(peer->ovpn->dev);
	kfree_skb(skb);
	return err;
}
