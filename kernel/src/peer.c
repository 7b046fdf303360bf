// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn-dco-v2 compatible data channel offload: peers.
 *
 * Lifetime: a peer is created with one reference, which the device tables
 * take over on success. Removal (ovpn_peer_remove) unlinks the peer from
 * every table exactly once, sends the DEL_PEER notification while the peer
 * is still fully alive, then drops the table reference. The last reference
 * queues release_work, which detaches the transport, waits for RCU readers
 * and frees everything. Datapath readers run inside RCU read sections and
 * do not take references.
 */
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <net/addrconf.h>
#include <net/ip6_route.h>
#include <net/route.h>

#include "ovpn.h"

static void ovpn_peer_release_work(struct work_struct *work);
static void ovpn_peer_del_work(struct work_struct *work);
static void ovpn_peer_ka_timer(struct timer_list *t);

struct ovpn_peer *ovpn_peer_new(struct ovpn_struct *ovpn, u32 id)
{
	struct ovpn_peer *peer;

	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return NULL;

	peer->ovpn = ovpn;
	peer->id = id;
	refcount_set(&peer->refcount, 1);
	spin_lock_init(&peer->lock);
	INIT_HLIST_NODE(&peer->node_id);
	INIT_HLIST_NODE(&peer->node_transp);
	INIT_HLIST_NODE(&peer->node_vpn4);
	INIT_HLIST_NODE(&peer->node_vpn6);
	INIT_WORK(&peer->del_work, ovpn_peer_del_work);
	INIT_WORK(&peer->release_work, ovpn_peer_release_work);
	timer_setup(&peer->ka_timer, ovpn_peer_ka_timer, 0);
	peer->last_rx = jiffies;
	peer->last_tx = jiffies;
	dev_hold(ovpn->dev);
	return peer;
}

static void ovpn_peer_free_rcu(struct rcu_head *head)
{
	struct ovpn_peer *peer = container_of(head, struct ovpn_peer, rcu);

	dev_put(peer->ovpn->dev);
	kfree(peer);
}

static void ovpn_peer_release_work(struct work_struct *work)
{
	struct ovpn_peer *peer = container_of(work, struct ovpn_peer,
					      release_work);
	struct ovpn_bind *bind;
	int i;

	WRITE_ONCE(peer->removed, true);
	del_timer_sync(&peer->ka_timer);

	if (peer->sock && peer->sock->proto == IPPROTO_TCP)
		ovpn_tcp_detach(peer);

	/* no datapath reader may still look at keys, bind or socket */
	synchronize_rcu();

	for (i = 0; i < __OVPN_KEY_SLOT_AFTER_LAST; i++)
		ovpn_key_free(rcu_dereference_protected(peer->keys[i], true));

	bind = rcu_dereference_protected(peer->bind, true);
	kfree(bind);

	if (peer->sock)
		ovpn_socket_put(peer->sock);

	/* UDP receive of other peers may still use the device briefly */
	call_rcu(&peer->rcu, ovpn_peer_free_rcu);
}

void ovpn_peer_put(struct ovpn_peer *peer)
{
	if (refcount_dec_and_test(&peer->refcount))
		queue_work(ovpn_wq, &peer->release_work);
}

static u32 ovpn_hash_v4(__be32 a)
{
	return jhash_1word((__force u32)a, 0);
}

static u32 ovpn_hash_v6(const struct in6_addr *a)
{
	return jhash2(a->s6_addr32, 4, 0);
}

static u32 ovpn_hash_bind(const struct ovpn_bind *b)
{
	if (b->remote.sa.sa_family == AF_INET)
		return jhash_2words((__force u32)b->remote.in4.sin_addr.s_addr,
				    (__force u32)b->remote.in4.sin_port, 0);
	return jhash2(b->remote.in6.sin6_addr.s6_addr32, 4,
		      (__force u32)b->remote.in6.sin6_port);
}

bool ovpn_bind_same_remote(const struct ovpn_bind *a,
			   const struct ovpn_bind *b)
{
	if (a->remote.sa.sa_family != b->remote.sa.sa_family)
		return false;
	if (a->remote.sa.sa_family == AF_INET)
		return a->remote.in4.sin_addr.s_addr ==
			b->remote.in4.sin_addr.s_addr &&
		       a->remote.in4.sin_port == b->remote.in4.sin_port;
	return ipv6_addr_equal(&a->remote.in6.sin6_addr,
			       &b->remote.in6.sin6_addr) &&
	       a->remote.in6.sin6_port == b->remote.in6.sin6_port;
}

static bool ovpn_bind_same_local(const struct ovpn_bind *a,
				 const struct ovpn_bind *b)
{
	if (a->has_local != b->has_local)
		return false;
	if (!a->has_local)
		return true;
	if (a->remote.sa.sa_family == AF_INET)
		return a->local.ip4 == b->local.ip4;
	return ipv6_addr_equal(&a->local.ip6, &b->local.ip6);
}

int ovpn_peer_add(struct ovpn_struct *ovpn, struct ovpn_peer *peer,
		  struct netlink_ext_ack *extack)
{
	struct ovpn_peer *old = NULL, *tmp;
	struct ovpn_bind *bind;

	spin_lock_bh(&ovpn->lock);
	if (ovpn->dying) {
		spin_unlock_bh(&ovpn->lock);
		NL_SET_ERR_MSG_MOD(extack, "interface is being removed");
		return -ENODEV;
	}

	if (ovpn->mode == OVPN_MODE_P2P) {
		old = rcu_dereference_protected(ovpn->peer,
						lockdep_is_held(&ovpn->lock));
		/*
		 * Once unlocked, a keepalive expiry may remove and release
		 * the replaced peer before we get to it: hold it.
		 */
		if (old && !ovpn_peer_hold(old))
			old = NULL;
		peer->linked = true;
		rcu_assign_pointer(ovpn->peer, peer);
		spin_unlock_bh(&ovpn->lock);
		/* the replaced peer goes away with a TEARDOWN notification */
		if (old) {
			ovpn_peer_remove(old, OVPN_DEL_PEER_REASON_TEARDOWN);
			ovpn_peer_put(old);
		}
		return 0;
	}

	hash_for_each_possible(ovpn->by_id, tmp, node_id, peer->id) {
		if (tmp->id == peer->id) {
			spin_unlock_bh(&ovpn->lock);
			NL_SET_ERR_MSG_MOD(extack, "peer id already in use");
			return -EEXIST;
		}
	}

	peer->linked = true;
	hash_add_rcu(ovpn->by_id, &peer->node_id, peer->id);
	bind = rcu_dereference_protected(peer->bind, true);
	if (bind) {
		hash_add_rcu(ovpn->by_transp, &peer->node_transp,
			     ovpn_hash_bind(bind));
		peer->hashed_transp = true;
	}
	if (peer->vpn4)
		hash_add_rcu(ovpn->by_vpn4, &peer->node_vpn4,
			     ovpn_hash_v4(peer->vpn4));
	if (!ipv6_addr_any(&peer->vpn6))
		hash_add_rcu(ovpn->by_vpn6, &peer->node_vpn6,
			     ovpn_hash_v6(&peer->vpn6));
	spin_unlock_bh(&ovpn->lock);
	return 0;
}

static void ovpn_hlist_del(struct hlist_node *n)
{
	if (!hlist_unhashed(n))
		hlist_del_init_rcu(n);
}

/*
 * True if this call unlinked the peer. A peer the tables never took (NEW_PEER
 * failed after its TCP socket was attached, whose RX work may already have
 * asked for a removal) is not theirs to remove: no notification for its id,
 * which may be another peer's, and no table reference to drop.
 */
static bool ovpn_peer_unlink(struct ovpn_peer *peer, u8 reason)
{
	struct ovpn_struct *ovpn = peer->ovpn;

	spin_lock_bh(&ovpn->lock);
	if (peer->removed || !peer->linked) {
		spin_unlock_bh(&ovpn->lock);
		return false;
	}
	WRITE_ONCE(peer->removed, true);
	peer->del_reason = reason;

	if (rcu_access_pointer(ovpn->peer) == peer)
		RCU_INIT_POINTER(ovpn->peer, NULL);
	ovpn_hlist_del(&peer->node_id);
	ovpn_hlist_del(&peer->node_transp);
	ovpn_hlist_del(&peer->node_vpn4);
	ovpn_hlist_del(&peer->node_vpn6);
	spin_unlock_bh(&ovpn->lock);
	return true;
}

/* process context only */
void ovpn_peer_remove(struct ovpn_peer *peer, u8 reason)
{
	if (!ovpn_peer_unlink(peer, reason))
		return;

	netdev_dbg(peer->ovpn->dev, "deleting peer with id %u, reason %u\n",
		   peer->id, reason);
	/* stop the timers now: nothing must fire for a removed peer */
	del_timer_sync(&peer->ka_timer);
	/* a blocked reader of a TCP peer must let go of its reference */
	if (peer->sock && peer->sock->proto == IPPROTO_TCP)
		wake_up_interruptible_all(&peer->tcp.user_wait);
	ovpn_netlink_notify_del_peer(peer->ovpn, peer->id, reason);
	/* drop the reference owned by the tables */
	ovpn_peer_put(peer);
}

static void ovpn_peer_del_work(struct work_struct *work)
{
	struct ovpn_peer *peer = container_of(work, struct ovpn_peer,
					      del_work);

	ovpn_peer_remove(peer, READ_ONCE(peer->del_reason));
	ovpn_peer_put(peer);
}

/* any context: the removal itself runs in the module's workqueue */
void ovpn_peer_remove_async(struct ovpn_peer *peer, u8 reason)
{
	if (READ_ONCE(peer->removed) || !ovpn_peer_hold(peer))
		return;

	spin_lock_bh(&peer->ovpn->lock);
	if (!peer->removed)
		peer->del_reason = reason;
	spin_unlock_bh(&peer->ovpn->lock);

	if (!queue_work(ovpn_wq, &peer->del_work))
		ovpn_peer_put(peer);
}

/* dellink: remove every peer, no new ones accepted afterwards */
void ovpn_peers_release_all(struct ovpn_struct *ovpn)
{
	struct ovpn_peer *peer;
	int bkt;

	for (;;) {
		peer = NULL;
		spin_lock_bh(&ovpn->lock);
		ovpn->dying = true;
		if (ovpn->mode == OVPN_MODE_P2P) {
			peer = rcu_dereference_protected(ovpn->peer,
							 lockdep_is_held(&ovpn->lock));
		} else {
			hash_for_each(ovpn->by_id, bkt, peer, node_id)
				break;
		}
		if (peer && !ovpn_peer_hold(peer))
			peer = NULL;
		spin_unlock_bh(&ovpn->lock);

		if (!peer)
			break;
		ovpn_peer_remove(peer, OVPN_DEL_PEER_REASON_TEARDOWN);
		ovpn_peer_put(peer);
	}
}

struct ovpn_peer *ovpn_peer_find_id_rcu(struct ovpn_struct *ovpn, u32 id)
{
	struct ovpn_peer *peer;

	if (ovpn->mode == OVPN_MODE_P2P) {
		peer = rcu_dereference(ovpn->peer);
		if (peer && peer->id == id)
			return peer;
		return NULL;
	}

	hash_for_each_possible_rcu(ovpn->by_id, peer, node_id, id)
		if (peer->id == id)
			return peer;
	return NULL;
}

struct ovpn_peer *ovpn_peer_get_by_id(struct ovpn_struct *ovpn, u32 id)
{
	struct ovpn_peer *peer;

	rcu_read_lock();
	peer = ovpn_peer_find_id_rcu(ovpn, id);
	if (peer && !ovpn_peer_hold(peer))
		peer = NULL;
	rcu_read_unlock();
	return peer;
}

struct ovpn_peer *ovpn_peer_find_transp_rcu(struct ovpn_struct *ovpn,
					    const struct ovpn_bind *src)
{
	struct ovpn_peer *peer;
	struct ovpn_bind *b;

	if (ovpn->mode == OVPN_MODE_P2P) {
		peer = rcu_dereference(ovpn->peer);
		if (!peer)
			return NULL;
		b = rcu_dereference(peer->bind);
		return (b && ovpn_bind_same_remote(b, src)) ? peer : NULL;
	}

	hash_for_each_possible_rcu(ovpn->by_transp, peer, node_transp,
				   ovpn_hash_bind(src)) {
		b = rcu_dereference(peer->bind);
		if (b && ovpn_bind_same_remote(b, src))
			return peer;
	}
	return NULL;
}

static struct ovpn_peer *ovpn_peer_find_vpn4_rcu(struct ovpn_struct *ovpn,
						 __be32 addr)
{
	struct ovpn_peer *peer;

	hash_for_each_possible_rcu(ovpn->by_vpn4, peer, node_vpn4,
				   ovpn_hash_v4(addr))
		if (peer->vpn4 == addr)
			return peer;
	return NULL;
}

static struct ovpn_peer *ovpn_peer_find_vpn6_rcu(struct ovpn_struct *ovpn,
						 const struct in6_addr *addr)
{
	struct ovpn_peer *peer;

	hash_for_each_possible_rcu(ovpn->by_vpn6, peer, node_vpn6,
				   ovpn_hash_v6(addr))
		if (ipv6_addr_equal(&peer->vpn6, addr))
			return peer;
	return NULL;
}

/*
 * Find the peer that owns @addr: either its VPN address, or a network
 * routed through this device via a peer's VPN address (an iroute).
 */
static struct ovpn_peer *ovpn_peer_route4_rcu(struct ovpn_struct *ovpn,
					      __be32 addr)
{
	struct ovpn_peer *peer;
	struct flowi4 fl4 = {};
	struct rtable *rt;
	__be32 nh;

	peer = ovpn_peer_find_vpn4_rcu(ovpn, addr);
	if (peer)
		return peer;

	fl4.daddr = addr;
	rt = ip_route_output_key(dev_net(ovpn->dev), &fl4);
	if (IS_ERR(rt))
		return NULL;
	nh = 0;
	if (rt->dst.dev == ovpn->dev && rt->rt_uses_gateway &&
	    rt->rt_gw_family == AF_INET)
		nh = rt->rt_gw4;
	ip_rt_put(rt);
	return nh ? ovpn_peer_find_vpn4_rcu(ovpn, nh) : NULL;
}

static struct ovpn_peer *ovpn_peer_route6_rcu(struct ovpn_struct *ovpn,
					      const struct in6_addr *addr)
{
	struct ovpn_peer *peer = NULL;
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	struct rt6_info *rt;

	peer = ovpn_peer_find_vpn6_rcu(ovpn, addr);
	if (peer)
		return peer;

	fl6.daddr = *addr;
	dst = ip6_route_output(dev_net(ovpn->dev), NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return NULL;
	}
	rt = (struct rt6_info *)dst;
	if (dst->dev == ovpn->dev && (rt->rt6i_flags & RTF_GATEWAY))
		peer = ovpn_peer_find_vpn6_rcu(ovpn, &rt->rt6i_gateway);
	dst_release(dst);
	return peer;
}

/* TX: which peer gets this packet (network header is set and pulled) */
struct ovpn_peer *ovpn_peer_find_tx_rcu(struct ovpn_struct *ovpn,
					struct sk_buff *skb)
{
	if (ovpn->mode == OVPN_MODE_P2P)
		return rcu_dereference(ovpn->peer);

	if (skb->protocol == htons(ETH_P_IP))
		return ovpn_peer_route4_rcu(ovpn, ip_hdr(skb)->daddr);
	return ovpn_peer_route6_rcu(ovpn, &ipv6_hdr(skb)->daddr);
}

/* RX in MP mode: the source address must belong to the sending peer */
bool ovpn_peer_check_source_rcu(struct ovpn_struct *ovpn,
				struct ovpn_peer *peer, struct sk_buff *skb)
{
	if (ovpn->mode == OVPN_MODE_P2P)
		return true;

	if (skb->protocol == htons(ETH_P_IP))
		return ovpn_peer_route4_rcu(ovpn, ip_hdr(skb)->saddr) == peer;
	return ovpn_peer_route6_rcu(ovpn, &ipv6_hdr(skb)->saddr) == peer;
}

/*
 * Called only after the packet from @src was authenticated and passed the
 * replay check: follow a peer that changed address (float) and learn the
 * local address it talks to.
 */
void ovpn_peer_float_rcu(struct ovpn_peer *peer, const struct ovpn_bind *src)
{
	struct ovpn_struct *ovpn = peer->ovpn;
	struct ovpn_bind *old, *nb;
	bool remote_changed;

	old = rcu_dereference(peer->bind);
	if (!old)
		return;
	remote_changed = !ovpn_bind_same_remote(old, src);
	if (!remote_changed && ovpn_bind_same_local(old, src))
		return;

	nb = kmemdup(src, sizeof(*src), GFP_ATOMIC);
	if (!nb)
		return;

	spin_lock_bh(&ovpn->lock);
	spin_lock(&peer->lock);
	old = rcu_dereference_protected(peer->bind,
					lockdep_is_held(&peer->lock));
	rcu_assign_pointer(peer->bind, nb);
	if (remote_changed && peer->hashed_transp && !peer->removed) {
		hlist_del_init_rcu(&peer->node_transp);
		hash_add_rcu(ovpn->by_transp, &peer->node_transp,
			     ovpn_hash_bind(nb));
	}
	spin_unlock(&peer->lock);
	spin_unlock_bh(&ovpn->lock);

	if (remote_changed)
		net_dbg_ratelimited("%s: peer %u floated to %pISpc\n",
				    ovpn->dev->name, peer->id, &nb->remote.sa);
	if (old)
		kfree_rcu(old, rcu);
}

static void ovpn_peer_ka_timer(struct timer_list *t)
{
	struct ovpn_peer *peer = from_timer(peer, t, ka_timer);
	unsigned long now = jiffies, next = 0, deadline;
	u32 interval, timeout;

	if (READ_ONCE(peer->removed))
		return;

	interval = READ_ONCE(peer->ka_interval);
	timeout = READ_ONCE(peer->ka_timeout);

	if (timeout) {
		deadline = READ_ONCE(peer->last_rx) + (unsigned long)timeout * HZ;
		if (time_after_eq(now, deadline)) {
			netdev_dbg(peer->ovpn->dev,
				   "peer %u: keepalive timeout\n", peer->id);
			ovpn_peer_remove_async(peer,
					       OVPN_DEL_PEER_REASON_EXPIRED);
			return;
		}
		next = deadline;
	}

	if (interval) {
		deadline = READ_ONCE(peer->last_tx) + (unsigned long)interval * HZ;
		if (time_after_eq(now, deadline)) {
			rcu_read_lock();
			ovpn_send_keepalive(peer);
			rcu_read_unlock();
			deadline = now + (unsigned long)interval * HZ;
		}
		if (!next || time_before(deadline, next))
			next = deadline;
	}

	if (next)
		mod_timer(&peer->ka_timer, next);
}

void ovpn_peer_keepalive_set(struct ovpn_peer *peer, u32 interval,
			     u32 timeout)
{
	/* keep the arithmetic on jiffies far from overflow */
	interval = min_t(u32, interval, 86400U * 365);
	timeout = min_t(u32, timeout, 86400U * 365);

	WRITE_ONCE(peer->last_rx, jiffies);
	WRITE_ONCE(peer->last_tx, jiffies);
	WRITE_ONCE(peer->ka_interval, interval);
	WRITE_ONCE(peer->ka_timeout, timeout);

	if (!interval && !timeout) {
		del_timer_sync(&peer->ka_timer);
		return;
	}
	if (!READ_ONCE(peer->removed))
		mod_timer(&peer->ka_timer, jiffies + HZ);
}
