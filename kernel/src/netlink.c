// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn-dco-v2 compatible data channel offload: generic netlink API.
 *
 * Family "ovpn-dco-v2", version 1, one family-wide policy validated
 * strictly (exact integer sizes, NLA_F_NESTED on every nest), all
 * operations need CAP_NET_ADMIN, multicast group "peers".
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "ovpn.h"

#ifndef NLA_POLICY_MAX_LEN
/* older kernels: the len of an NLA_BINARY policy is its maximum */
#define NLA_POLICY_MAX_LEN(_len)	{ .type = NLA_BINARY, .len = (_len) }
#endif

static const struct nla_policy ovpn_nl_key_dir_policy[OVPN_KEY_DIR_ATTR_MAX + 1] = {
	[OVPN_KEY_DIR_ATTR_CIPHER_KEY] = NLA_POLICY_MAX_LEN(U8_MAX),
	[OVPN_KEY_DIR_ATTR_NONCE_TAIL] = NLA_POLICY_EXACT_LEN(OVPN_NONCE_TAIL_SIZE),
};

static const struct nla_policy ovpn_nl_new_key_policy[OVPN_NEW_KEY_ATTR_MAX + 1] = {
	[OVPN_NEW_KEY_ATTR_PEER_ID] = { .type = NLA_U32 },
	[OVPN_NEW_KEY_ATTR_KEY_SLOT] = NLA_POLICY_RANGE(NLA_U8, OVPN_KEY_SLOT_PRIMARY,
							OVPN_KEY_SLOT_SECONDARY),
	[OVPN_NEW_KEY_ATTR_KEY_ID] = { .type = NLA_U8 },
	[OVPN_NEW_KEY_ATTR_CIPHER_ALG] = { .type = NLA_U16 },
	[OVPN_NEW_KEY_ATTR_ENCRYPT_KEY] = NLA_POLICY_NESTED(ovpn_nl_key_dir_policy),
	[OVPN_NEW_KEY_ATTR_DECRYPT_KEY] = NLA_POLICY_NESTED(ovpn_nl_key_dir_policy),
};

static const struct nla_policy ovpn_nl_del_key_policy[OVPN_DEL_KEY_ATTR_MAX + 1] = {
	[OVPN_DEL_KEY_ATTR_PEER_ID] = { .type = NLA_U32 },
	[OVPN_DEL_KEY_ATTR_KEY_SLOT] = NLA_POLICY_RANGE(NLA_U8, OVPN_KEY_SLOT_PRIMARY,
							OVPN_KEY_SLOT_SECONDARY),
};

static const struct nla_policy ovpn_nl_swap_keys_policy[OVPN_SWAP_KEYS_ATTR_MAX + 1] = {
	[OVPN_SWAP_KEYS_ATTR_PEER_ID] = { .type = NLA_U32 },
};

static const struct nla_policy ovpn_nl_new_peer_policy[OVPN_NEW_PEER_ATTR_MAX + 1] = {
	[OVPN_NEW_PEER_ATTR_PEER_ID] = { .type = NLA_U32 },
	[OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE] = NLA_POLICY_MIN_LEN(sizeof(struct sockaddr)),
	[OVPN_NEW_PEER_ATTR_SOCKET] = { .type = NLA_U32 },
	[OVPN_NEW_PEER_ATTR_IPV4] = { .type = NLA_U32 },
	[OVPN_NEW_PEER_ATTR_IPV6] = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[OVPN_NEW_PEER_ATTR_LOCAL_IP] = NLA_POLICY_MAX_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy ovpn_nl_set_peer_policy[OVPN_SET_PEER_ATTR_MAX + 1] = {
	[OVPN_SET_PEER_ATTR_PEER_ID] = { .type = NLA_U32 },
	[OVPN_SET_PEER_ATTR_KEEPALIVE_INTERVAL] = { .type = NLA_U32 },
	[OVPN_SET_PEER_ATTR_KEEPALIVE_TIMEOUT] = { .type = NLA_U32 },
};

static const struct nla_policy ovpn_nl_del_peer_policy[OVPN_DEL_PEER_ATTR_MAX + 1] = {
	[OVPN_DEL_PEER_ATTR_REASON] = NLA_POLICY_RANGE(NLA_U8, OVPN_DEL_PEER_REASON_TEARDOWN,
						       OVPN_DEL_PEER_REASON_TRANSPORT_DISCONNECT),
	[OVPN_DEL_PEER_ATTR_PEER_ID] = { .type = NLA_U32 },
};

static const struct nla_policy ovpn_nl_get_peer_policy[OVPN_GET_PEER_ATTR_MAX + 1] = {
	[OVPN_GET_PEER_ATTR_PEER_ID] = { .type = NLA_U32 },
};

static const struct nla_policy ovpn_nl_policy[OVPN_ATTR_MAX + 1] = {
	[OVPN_ATTR_IFINDEX] = { .type = NLA_U32 },
	[OVPN_ATTR_NEW_PEER] = NLA_POLICY_NESTED(ovpn_nl_new_peer_policy),
	[OVPN_ATTR_SET_PEER] = NLA_POLICY_NESTED(ovpn_nl_set_peer_policy),
	[OVPN_ATTR_DEL_PEER] = NLA_POLICY_NESTED(ovpn_nl_del_peer_policy),
	[OVPN_ATTR_NEW_KEY] = NLA_POLICY_NESTED(ovpn_nl_new_key_policy),
	[OVPN_ATTR_SWAP_KEYS] = NLA_POLICY_NESTED(ovpn_nl_swap_keys_policy),
	[OVPN_ATTR_DEL_KEY] = NLA_POLICY_NESTED(ovpn_nl_del_key_policy),
	[OVPN_ATTR_GET_PEER] = NLA_POLICY_NESTED(ovpn_nl_get_peer_policy),
};

static struct genl_family ovpn_nl_family;

enum ovpn_nl_mcgrp {
	OVPN_NL_MCGRP_PEERS,
};

/* DEL_PEER events name peers and their addresses: only CAP_NET_ADMIN may
 * listen (as upstream ovpn), on kernels that can check it at bind time.
 */
static const struct genl_multicast_group ovpn_nl_mcgrps[] = {
	[OVPN_NL_MCGRP_PEERS] = {
		.name = OVPN_NL_MULTICAST_GROUP_PEERS,
#ifdef GENL_MCAST_CAP_NET_ADMIN
		.flags = GENL_MCAST_CAP_NET_ADMIN,
#endif
	},
};

/* the ovpn device named by OVPN_ATTR_IFINDEX, with a reference */
static struct net_device *ovpn_nl_get_dev(struct net *net,
					  struct nlattr **attrs,
					  struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	if (!attrs[OVPN_ATTR_IFINDEX]) {
		NL_SET_ERR_MSG_MOD(extack, "missing OVPN_ATTR_IFINDEX");
		return ERR_PTR(-EINVAL);
	}

	dev = dev_get_by_index(net, nla_get_u32(attrs[OVPN_ATTR_IFINDEX]));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[OVPN_ATTR_IFINDEX],
				    "no such interface");
		return ERR_PTR(-ENODEV);
	}
	if (!ovpn_dev_is_ovpn(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG_ATTR(extack, attrs[OVPN_ATTR_IFINDEX],
				    "interface is not an ovpn-dco device");
		return ERR_PTR(-EINVAL);
	}
	return dev;
}

static int ovpn_nl_pre_doit(const OVPN_GENL_OPS *ops, struct sk_buff *skb,
			    struct genl_info *info)
{
	struct net_device *dev;

	dev = ovpn_nl_get_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	info->user_ptr[0] = netdev_priv(dev);
	return 0;
}

static void ovpn_nl_post_doit(const OVPN_GENL_OPS *ops, struct sk_buff *skb,
			      struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];

	if (ovpn)
		dev_put(ovpn->dev);
}

/* parse the command's nest; absent nest is an error */
static int ovpn_nl_nest(struct genl_info *info, int attr, struct nlattr **tb,
			int max, const struct nla_policy *policy)
{
	if (!info->attrs[attr]) {
		NL_SET_ERR_MSG_MOD(info->extack, "missing command attribute");
		return -EINVAL;
	}
	return nla_parse_nested(tb, max, info->attrs[attr], policy,
				info->extack);
}

#define OVPN_REQUIRE(info, tb, a, nest) ({				\
	bool __missing = !(tb)[a];					\
	if (__missing)							\
		NL_SET_ERR_MSG_ATTR((info)->extack, (info)->attrs[nest], \
				    "missing attribute: " #a);		\
	__missing; })

static int ovpn_nl_parse_remote(struct nlattr *attr, struct ovpn_bind *b,
				struct netlink_ext_ack *extack)
{
	const struct sockaddr_in6 *in6;
	int len = nla_len(attr);

	memset(b, 0, sizeof(*b));
	if (len == sizeof(struct sockaddr_in) &&
	    ((struct sockaddr *)nla_data(attr))->sa_family == AF_INET) {
		memcpy(&b->remote.in4, nla_data(attr), sizeof(b->remote.in4));
		return 0;
	}
	if (len == sizeof(struct sockaddr_in6) &&
	    ((struct sockaddr *)nla_data(attr))->sa_family == AF_INET6) {
		in6 = nla_data(attr);
		if (ipv6_addr_v4mapped(&in6->sin6_addr)) {
			b->remote.in4.sin_family = AF_INET;
			b->remote.in4.sin_port = in6->sin6_port;
			b->remote.in4.sin_addr.s_addr = in6->sin6_addr.s6_addr32[3];
			return 0;
		}
		memcpy(&b->remote.in6, in6, sizeof(b->remote.in6));
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "remote must be a sockaddr_in or sockaddr_in6");
	return -EINVAL;
}

static int ovpn_nl_parse_local(struct nlattr *attr, struct ovpn_bind *b,
			       struct netlink_ext_ack *extack)
{
	const struct in6_addr *a6;
	int len = nla_len(attr);

	if (b->remote.sa.sa_family == AF_INET) {
		if (len == sizeof(struct in_addr)) {
			memcpy(&b->local.ip4, nla_data(attr), len);
			b->has_local = b->local.ip4 != 0;
			return 0;
		}
		if (len == sizeof(struct in6_addr)) {
			a6 = nla_data(attr);
			if (ipv6_addr_v4mapped(a6)) {
				b->local.ip4 = a6->s6_addr32[3];
				b->has_local = b->local.ip4 != 0;
				return 0;
			}
		}
	} else if (len == sizeof(struct in6_addr)) {
		memcpy(&b->local.ip6, nla_data(attr), len);
		b->has_local = !ipv6_addr_any(&b->local.ip6);
		return 0;
	}
	NL_SET_ERR_MSG_ATTR(extack, attr,
			    "local IP does not match the remote address family");
	return -EINVAL;
}

static int ovpn_nl_new_peer(struct sk_buff *skb, struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct nlattr *tb[OVPN_NEW_PEER_ATTR_MAX + 1];
	struct ovpn_bind *bind = NULL;
	struct ovpn_socket *osock;
	struct ovpn_peer *peer;
	u32 id;
	int ret;

	ret = ovpn_nl_nest(info, OVPN_ATTR_NEW_PEER, tb, OVPN_NEW_PEER_ATTR_MAX,
			   ovpn_nl_new_peer_policy);
	if (ret)
		return ret;

	if (OVPN_REQUIRE(info, tb, OVPN_NEW_PEER_ATTR_PEER_ID, OVPN_ATTR_NEW_PEER) ||
	    OVPN_REQUIRE(info, tb, OVPN_NEW_PEER_ATTR_SOCKET, OVPN_ATTR_NEW_PEER))
		return -EINVAL;

	if (ovpn->mode == OVPN_MODE_MP && !tb[OVPN_NEW_PEER_ATTR_IPV4] &&
	    !tb[OVPN_NEW_PEER_ATTR_IPV6]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "a peer in MP mode needs a VPN IPv4 or IPv6 address");
		return -EINVAL;
	}

	peer = ovpn_peer_new(ovpn, nla_get_u32(tb[OVPN_NEW_PEER_ATTR_PEER_ID]));
	if (!peer)
		return -ENOMEM;

	if (tb[OVPN_NEW_PEER_ATTR_IPV4])
		peer->vpn4 = nla_get_in_addr(tb[OVPN_NEW_PEER_ATTR_IPV4]);
	if (tb[OVPN_NEW_PEER_ATTR_IPV6])
		peer->vpn6 = nla_get_in6_addr(tb[OVPN_NEW_PEER_ATTR_IPV6]);

	osock = ovpn_socket_get(ovpn, peer,
				nla_get_u32(tb[OVPN_NEW_PEER_ATTR_SOCKET]),
				info->extack);
	if (IS_ERR(osock)) {
		ret = PTR_ERR(osock);
		goto err_put;
	}
	peer->sock = osock;

	if (osock->proto == IPPROTO_UDP) {
		if (!tb[OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE]) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "a UDP peer needs a remote address");
			ret = -EINVAL;
			goto err_put;
		}
		bind = kzalloc(sizeof(*bind), GFP_KERNEL);
		if (!bind) {
			ret = -ENOMEM;
			goto err_put;
		}
		ret = ovpn_nl_parse_remote(tb[OVPN_NEW_PEER_ATTR_SOCKADDR_REMOTE],
					   bind, info->extack);
		if (!ret && tb[OVPN_NEW_PEER_ATTR_LOCAL_IP])
			ret = ovpn_nl_parse_local(tb[OVPN_NEW_PEER_ATTR_LOCAL_IP],
						  bind, info->extack);
		if (!ret && bind->remote.sa.sa_family == AF_INET6 &&
		    osock->sock->sk->sk_family != AF_INET6) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "IPv6 remote on an IPv4 socket");
			ret = -EINVAL;
		}
		if (ret) {
			kfree(bind);
			goto err_put;
		}
		rcu_assign_pointer(peer->bind, bind);
	}

	/* from here on the tables own the peer: it may go at any time */
	id = peer->id;
	ret = ovpn_peer_add(ovpn, peer, info->extack);
	if (ret)
		goto err_put;

	netdev_dbg(ovpn->dev, "added peer %u\n", id);
	return 0;

err_put:
	/* never linked: the release detaches the socket again */
	ovpn_peer_put(peer);
	return ret;
}

static int ovpn_nl_set_peer(struct sk_buff *skb, struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct nlattr *tb[OVPN_SET_PEER_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	int ret;

	ret = ovpn_nl_nest(info, OVPN_ATTR_SET_PEER, tb, OVPN_SET_PEER_ATTR_MAX,
			   ovpn_nl_set_peer_policy);
	if (ret)
		return ret;
	if (OVPN_REQUIRE(info, tb, OVPN_SET_PEER_ATTR_PEER_ID, OVPN_ATTR_SET_PEER))
		return -EINVAL;

	peer = ovpn_peer_get_by_id(ovpn, nla_get_u32(tb[OVPN_SET_PEER_ATTR_PEER_ID]));
	if (!peer) {
		NL_SET_ERR_MSG_MOD(info->extack, "no peer with this id");
		return -ENOENT;
	}

	/* as the original: keepalive changes only with both values */
	if (tb[OVPN_SET_PEER_ATTR_KEEPALIVE_INTERVAL] &&
	    tb[OVPN_SET_PEER_ATTR_KEEPALIVE_TIMEOUT])
		ovpn_peer_keepalive_set(peer,
					nla_get_u32(tb[OVPN_SET_PEER_ATTR_KEEPALIVE_INTERVAL]),
					nla_get_u32(tb[OVPN_SET_PEER_ATTR_KEEPALIVE_TIMEOUT]));

	ovpn_peer_put(peer);
	return 0;
}

static int ovpn_nl_del_peer(struct sk_buff *skb, struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct nlattr *tb[OVPN_DEL_PEER_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	int ret;

	ret = ovpn_nl_nest(info, OVPN_ATTR_DEL_PEER, tb, OVPN_DEL_PEER_ATTR_MAX,
			   ovpn_nl_del_peer_policy);
	if (ret)
		return ret;
	if (OVPN_REQUIRE(info, tb, OVPN_DEL_PEER_ATTR_PEER_ID, OVPN_ATTR_DEL_PEER))
		return -EINVAL;

	peer = ovpn_peer_get_by_id(ovpn, nla_get_u32(tb[OVPN_DEL_PEER_ATTR_PEER_ID]));
	if (!peer) {
		NL_SET_ERR_MSG_MOD(info->extack, "no peer with this id");
		return -ENOENT;
	}
	ovpn_peer_remove(peer, OVPN_DEL_PEER_REASON_USERSPACE);
	ovpn_peer_put(peer);
	return 0;
}

static int ovpn_nl_get_key_dir(struct genl_info *info, struct nlattr *attr,
			       struct nlattr **tb)
{
	int ret;

	ret = nla_parse_nested(tb, OVPN_KEY_DIR_ATTR_MAX, attr,
			       ovpn_nl_key_dir_policy, info->extack);
	if (ret)
		return ret;
	if (!tb[OVPN_KEY_DIR_ATTR_CIPHER_KEY] ||
	    !tb[OVPN_KEY_DIR_ATTR_NONCE_TAIL]) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "key direction needs CIPHER_KEY and NONCE_TAIL");
		return -EINVAL;
	}
	return 0;
}

static void ovpn_peer_set_slot(struct ovpn_peer *peer, u8 slot,
			       struct ovpn_key *key)
{
	struct ovpn_key *old;

	spin_lock_bh(&peer->lock);
	old = rcu_replace_pointer(peer->keys[slot], key,
				  lockdep_is_held(&peer->lock));
	spin_unlock_bh(&peer->lock);
	if (old) {
		synchronize_rcu();
		ovpn_key_free(old);
	}
}

static int ovpn_nl_new_key(struct sk_buff *skb, struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct nlattr *tb[OVPN_NEW_KEY_ATTR_MAX + 1];
	struct nlattr *enc[OVPN_KEY_DIR_ATTR_MAX + 1];
	struct nlattr *dec[OVPN_KEY_DIR_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	struct ovpn_key *key;
	int ret;

	ret = ovpn_nl_nest(info, OVPN_ATTR_NEW_KEY, tb, OVPN_NEW_KEY_ATTR_MAX,
			   ovpn_nl_new_key_policy);
	if (ret)
		return ret;
	if (OVPN_REQUIRE(info, tb, OVPN_NEW_KEY_ATTR_PEER_ID, OVPN_ATTR_NEW_KEY) ||
	    OVPN_REQUIRE(info, tb, OVPN_NEW_KEY_ATTR_KEY_SLOT, OVPN_ATTR_NEW_KEY) ||
	    OVPN_REQUIRE(info, tb, OVPN_NEW_KEY_ATTR_KEY_ID, OVPN_ATTR_NEW_KEY) ||
	    OVPN_REQUIRE(info, tb, OVPN_NEW_KEY_ATTR_CIPHER_ALG, OVPN_ATTR_NEW_KEY) ||
	    OVPN_REQUIRE(info, tb, OVPN_NEW_KEY_ATTR_ENCRYPT_KEY, OVPN_ATTR_NEW_KEY) ||
	    OVPN_REQUIRE(info, tb, OVPN_NEW_KEY_ATTR_DECRYPT_KEY, OVPN_ATTR_NEW_KEY))
		return -EINVAL;

	ret = ovpn_nl_get_key_dir(info, tb[OVPN_NEW_KEY_ATTR_ENCRYPT_KEY], enc);
	if (ret)
		return ret;
	ret = ovpn_nl_get_key_dir(info, tb[OVPN_NEW_KEY_ATTR_DECRYPT_KEY], dec);
	if (ret)
		return ret;

	peer = ovpn_peer_get_by_id(ovpn, nla_get_u32(tb[OVPN_NEW_KEY_ATTR_PEER_ID]));
	if (!peer) {
		NL_SET_ERR_MSG_MOD(info->extack, "no peer with this id");
		return -ENOENT;
	}

	key = ovpn_key_new(nla_get_u16(tb[OVPN_NEW_KEY_ATTR_CIPHER_ALG]),
			   nla_get_u8(tb[OVPN_NEW_KEY_ATTR_KEY_ID]),
			   nla_data(enc[OVPN_KEY_DIR_ATTR_CIPHER_KEY]),
			   nla_len(enc[OVPN_KEY_DIR_ATTR_CIPHER_KEY]),
			   nla_data(enc[OVPN_KEY_DIR_ATTR_NONCE_TAIL]),
			   nla_data(dec[OVPN_KEY_DIR_ATTR_CIPHER_KEY]),
			   nla_len(dec[OVPN_KEY_DIR_ATTR_CIPHER_KEY]),
			   nla_data(dec[OVPN_KEY_DIR_ATTR_NONCE_TAIL]),
			   info->extack);
	if (IS_ERR(key)) {
		ret = PTR_ERR(key);
		goto out;
	}

	ovpn_peer_set_slot(peer, nla_get_u8(tb[OVPN_NEW_KEY_ATTR_KEY_SLOT]), key);
	netdev_dbg(ovpn->dev, "peer %u: new key id %u in slot %u\n", peer->id,
		   key->key_id, nla_get_u8(tb[OVPN_NEW_KEY_ATTR_KEY_SLOT]));
	ret = 0;
out:
	ovpn_peer_put(peer);
	return ret;
}

static int ovpn_nl_swap_keys(struct sk_buff *skb, struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct nlattr *tb[OVPN_SWAP_KEYS_ATTR_MAX + 1];
	struct ovpn_key *pri, *sec;
	struct ovpn_peer *peer;
	int ret;

	ret = ovpn_nl_nest(info, OVPN_ATTR_SWAP_KEYS, tb, OVPN_SWAP_KEYS_ATTR_MAX,
			   ovpn_nl_swap_keys_policy);
	if (ret)
		return ret;
	if (OVPN_REQUIRE(info, tb, OVPN_SWAP_KEYS_ATTR_PEER_ID, OVPN_ATTR_SWAP_KEYS))
		return -EINVAL;

	peer = ovpn_peer_get_by_id(ovpn, nla_get_u32(tb[OVPN_SWAP_KEYS_ATTR_PEER_ID]));
	if (!peer) {
		NL_SET_ERR_MSG_MOD(info->extack, "no peer with this id");
		return -ENOENT;
	}

	/* readers see either the old or the new pair, never a hole */
	spin_lock_bh(&peer->lock);
	pri = rcu_dereference_protected(peer->keys[OVPN_KEY_SLOT_PRIMARY],
					lockdep_is_held(&peer->lock));
	sec = rcu_dereference_protected(peer->keys[OVPN_KEY_SLOT_SECONDARY],
					lockdep_is_held(&peer->lock));
	rcu_assign_pointer(peer->keys[OVPN_KEY_SLOT_PRIMARY], sec);
	rcu_assign_pointer(peer->keys[OVPN_KEY_SLOT_SECONDARY], pri);
	spin_unlock_bh(&peer->lock);

	ovpn_peer_put(peer);
	return 0;
}

static int ovpn_nl_del_key(struct sk_buff *skb, struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct nlattr *tb[OVPN_DEL_KEY_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	int ret;

	ret = ovpn_nl_nest(info, OVPN_ATTR_DEL_KEY, tb, OVPN_DEL_KEY_ATTR_MAX,
			   ovpn_nl_del_key_policy);
	if (ret)
		return ret;
	if (OVPN_REQUIRE(info, tb, OVPN_DEL_KEY_ATTR_PEER_ID, OVPN_ATTR_DEL_KEY) ||
	    OVPN_REQUIRE(info, tb, OVPN_DEL_KEY_ATTR_KEY_SLOT, OVPN_ATTR_DEL_KEY))
		return -EINVAL;

	peer = ovpn_peer_get_by_id(ovpn, nla_get_u32(tb[OVPN_DEL_KEY_ATTR_PEER_ID]));
	if (!peer) {
		NL_SET_ERR_MSG_MOD(info->extack, "no peer with this id");
		return -ENOENT;
	}
	ovpn_peer_set_slot(peer, nla_get_u8(tb[OVPN_DEL_KEY_ATTR_KEY_SLOT]), NULL);
	ovpn_peer_put(peer);
	return 0;
}

static int ovpn_nl_fill_peer(struct sk_buff *skb, struct ovpn_peer *peer,
			     u32 portid, u32 seq, int flags)
{
	struct ovpn_socket *osock = peer->sock;
	struct ovpn_bind *b;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ovpn_nl_family, flags,
			  OVPN_CMD_GET_PEER);
	if (!hdr)
		return -EMSGSIZE;

	nest = nla_nest_start(skb, OVPN_ATTR_GET_PEER);
	if (!nest)
		goto err;

	if (nla_put_u32(skb, OVPN_GET_PEER_RESP_ATTR_PEER_ID, peer->id))
		goto err;

	rcu_read_lock();
	b = rcu_dereference(peer->bind);
	if (b) {
		if (b->remote.sa.sa_family == AF_INET) {
			if (nla_put(skb, OVPN_GET_PEER_RESP_ATTR_SOCKADDR_REMOTE,
				    sizeof(b->remote.in4), &b->remote.in4) ||
			    (b->has_local &&
			     nla_put(skb, OVPN_GET_PEER_RESP_ATTR_LOCAL_IP,
				     sizeof(b->local.ip4), &b->local.ip4)))
				goto err_unlock;
		} else {
			if (nla_put(skb, OVPN_GET_PEER_RESP_ATTR_SOCKADDR_REMOTE,
				    sizeof(b->remote.in6), &b->remote.in6) ||
			    (b->has_local &&
			     nla_put(skb, OVPN_GET_PEER_RESP_ATTR_LOCAL_IP,
				     sizeof(b->local.ip6), &b->local.ip6)))
				goto err_unlock;
		}
	}
	rcu_read_unlock();

	if (peer->vpn4 &&
	    nla_put(skb, OVPN_GET_PEER_RESP_ATTR_IPV4, sizeof(peer->vpn4),
		    &peer->vpn4))
		goto err;
	if (!ipv6_addr_any(&peer->vpn6) &&
	    nla_put(skb, OVPN_GET_PEER_RESP_ATTR_IPV6, sizeof(peer->vpn6),
		    &peer->vpn6))
		goto err;

	if (nla_put_net16(skb, OVPN_GET_PEER_RESP_ATTR_LOCAL_PORT,
			  inet_sk(osock->sock->sk)->inet_sport) ||
	    nla_put_u32(skb, OVPN_GET_PEER_RESP_ATTR_KEEPALIVE_INTERVAL,
			READ_ONCE(peer->ka_interval)) ||
	    nla_put_u32(skb, OVPN_GET_PEER_RESP_ATTR_KEEPALIVE_TIMEOUT,
			READ_ONCE(peer->ka_timeout)) ||
	    nla_put_u64_64bit(skb, OVPN_GET_PEER_RESP_ATTR_VPN_RX_BYTES,
			      atomic64_read(&peer->stats.vpn_rx_bytes),
			      OVPN_GET_PEER_RESP_ATTR_UNSPEC) ||
	    nla_put_u64_64bit(skb, OVPN_GET_PEER_RESP_ATTR_VPN_TX_BYTES,
			      atomic64_read(&peer->stats.vpn_tx_bytes),
			      OVPN_GET_PEER_RESP_ATTR_UNSPEC) ||
	    nla_put_u32(skb, OVPN_GET_PEER_RESP_ATTR_VPN_RX_PACKETS,
			atomic_read(&peer->stats.vpn_rx_pkts)) ||
	    nla_put_u32(skb, OVPN_GET_PEER_RESP_ATTR_VPN_TX_PACKETS,
			atomic_read(&peer->stats.vpn_tx_pkts)) ||
	    nla_put_u64_64bit(skb, OVPN_GET_PEER_RESP_ATTR_LINK_RX_BYTES,
			      atomic64_read(&peer->stats.link_rx_bytes),
			      OVPN_GET_PEER_RESP_ATTR_UNSPEC) ||
	    nla_put_u64_64bit(skb, OVPN_GET_PEER_RESP_ATTR_LINK_TX_BYTES,
			      atomic64_read(&peer->stats.link_tx_bytes),
			      OVPN_GET_PEER_RESP_ATTR_UNSPEC) ||
	    nla_put_u32(skb, OVPN_GET_PEER_RESP_ATTR_LINK_RX_PACKETS,
			atomic_read(&peer->stats.link_rx_pkts)) ||
	    nla_put_u32(skb, OVPN_GET_PEER_RESP_ATTR_LINK_TX_PACKETS,
			atomic_read(&peer->stats.link_tx_pkts)))
		goto err;

	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

err_unlock:
	rcu_read_unlock();
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int ovpn_nl_get_peer(struct sk_buff *skb, struct genl_info *info)
{
	struct ovpn_struct *ovpn = info->user_ptr[0];
	struct nlattr *tb[OVPN_GET_PEER_ATTR_MAX + 1];
	struct ovpn_peer *peer;
	struct sk_buff *msg;
	int ret;

	ret = ovpn_nl_nest(info, OVPN_ATTR_GET_PEER, tb, OVPN_GET_PEER_ATTR_MAX,
			   ovpn_nl_get_peer_policy);
	if (ret)
		return ret;
	if (OVPN_REQUIRE(info, tb, OVPN_GET_PEER_ATTR_PEER_ID, OVPN_ATTR_GET_PEER))
		return -EINVAL;

	peer = ovpn_peer_get_by_id(ovpn, nla_get_u32(tb[OVPN_GET_PEER_ATTR_PEER_ID]));
	if (!peer) {
		NL_SET_ERR_MSG_MOD(info->extack, "no peer with this id");
		return -ENOENT;
	}

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = ovpn_nl_fill_peer(msg, peer, info->snd_portid, info->snd_seq, 0);
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	ret = genlmsg_reply(msg, info);
out:
	ovpn_peer_put(peer);
	return ret;
}

/* cb->args[0]: bucket, cb->args[1]: entries of that bucket already sent */
static int ovpn_nl_dump_peers(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct genl_dumpit_info *dinfo = genl_dumpit_info(cb);
	struct ovpn_struct *ovpn;
	struct net_device *dev;
	struct ovpn_peer *peer;
	int bkt, idx, ret = 0;

	dev = ovpn_nl_get_dev(sock_net(cb->skb->sk), OVPN_DUMP_ATTRS(dinfo),
			      cb->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ovpn = netdev_priv(dev);

	/* like the original: a P2P device dumps nothing */
	if (ovpn->mode != OVPN_MODE_MP)
		goto out;

	rcu_read_lock();
	for (bkt = cb->args[0]; bkt < HASH_SIZE(ovpn->by_id); bkt++) {
		idx = 0;
		hlist_for_each_entry_rcu(peer, &ovpn->by_id[bkt], node_id) {
			if (idx++ < cb->args[1])
				continue;
			if (ovpn_nl_fill_peer(skb, peer,
					      NETLINK_CB(cb->skb).portid,
					      cb->nlh->nlmsg_seq,
					      NLM_F_MULTI)) {
				cb->args[0] = bkt;
				cb->args[1] = idx - 1;
				rcu_read_unlock();
				ret = skb->len;
				goto out;
			}
		}
		cb->args[1] = 0;
	}
	rcu_read_unlock();
	cb->args[0] = bkt;
	ret = skb->len;
out:
	dev_put(dev);
	return ret;
}

void ovpn_netlink_notify_del_peer(struct ovpn_struct *ovpn, u32 id, u8 reason)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	netdev_info(ovpn->dev, "deleting peer with id %u, reason %u\n", id,
		    reason);

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ovpn_nl_family, 0, OVPN_CMD_DEL_PEER);
	if (!hdr)
		goto err;
	if (nla_put_u32(msg, OVPN_ATTR_IFINDEX, ovpn->dev->ifindex))
		goto err;
	nest = nla_nest_start(msg, OVPN_ATTR_DEL_PEER);
	if (!nest ||
	    nla_put_u8(msg, OVPN_DEL_PEER_ATTR_REASON, reason) ||
	    nla_put_u32(msg, OVPN_DEL_PEER_ATTR_PEER_ID, id))
		goto err;
	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	ret = genlmsg_multicast_netns(&ovpn_nl_family, dev_net(ovpn->dev), msg,
				      0, OVPN_NL_MCGRP_PEERS, GFP_KERNEL);
	if (ret && ret != -ESRCH)
		netdev_dbg(ovpn->dev, "DEL_PEER notification not sent: %d\n",
			   ret);
	return;
err:
	nlmsg_free(msg);
}

static const struct genl_small_ops ovpn_nl_ops[] = {
	{
		.cmd = OVPN_CMD_NEW_PEER,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_new_peer,
	},
	{
		.cmd = OVPN_CMD_SET_PEER,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_set_peer,
	},
	{
		.cmd = OVPN_CMD_DEL_PEER,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_del_peer,
	},
	{
		.cmd = OVPN_CMD_NEW_KEY,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_new_key,
	},
	{
		.cmd = OVPN_CMD_SWAP_KEYS,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_swap_keys,
	},
	{
		.cmd = OVPN_CMD_DEL_KEY,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_del_key,
	},
	{
		.cmd = OVPN_CMD_GET_PEER,
		.flags = GENL_ADMIN_PERM,
		.doit = ovpn_nl_get_peer,
		.dumpit = ovpn_nl_dump_peers,
	},
};

static struct genl_family ovpn_nl_family __ro_after_init = {
	.hdrsize = 0,
	.name = OVPN_NL_NAME,
	.version = 1,
	.maxattr = OVPN_ATTR_MAX,
	.policy = ovpn_nl_policy,
	.netnsok = true,
	.pre_doit = ovpn_nl_pre_doit,
	.post_doit = ovpn_nl_post_doit,
	.module = THIS_MODULE,
	.small_ops = ovpn_nl_ops,
	.n_small_ops = ARRAY_SIZE(ovpn_nl_ops),
	.mcgrps = ovpn_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ovpn_nl_mcgrps),
};

int __init ovpn_netlink_init(void)
{
	return genl_register_family(&ovpn_nl_family);
}

void ovpn_netlink_exit(void)
{
	genl_unregister_family(&ovpn_nl_family);
}
