// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn-dco-v2 compatible data channel offload: module, device, rtnl link.
 */
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include "ovpn.h"

struct workqueue_struct *ovpn_wq;

/* Per-CPU tx/rx counters: since 6.6 the core allocates and frees them when
 * the device says which kind it keeps (and the UDP tunnel transmit helper
 * warns when it says none); before, the driver does both.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define OVPN_CORE_TSTATS 1
#else
#define OVPN_CORE_TSTATS 0
#endif

static int ovpn_dev_init(struct net_device *dev)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);
	int err;

	if (!OVPN_CORE_TSTATS) {
		dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
		if (!dev->tstats)
			return -ENOMEM;
	}

	err = gro_cells_init(&ovpn->gro_cells, dev);
	if (err) {
		if (!OVPN_CORE_TSTATS) {
			free_percpu(dev->tstats);
			dev->tstats = NULL;
		}
		return err;
	}
	return 0;
}

static void ovpn_dev_uninit(struct net_device *dev)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);

	gro_cells_destroy(&ovpn->gro_cells);
	if (!OVPN_CORE_TSTATS) {
		free_percpu(dev->tstats);
		dev->tstats = NULL;
	}
}

static int ovpn_dev_open(struct net_device *dev)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);
	struct in_device *idev;

	/*
	 * A server routes between its clients through this very device;
	 * ICMP redirects would only confuse them.
	 */
	if (ovpn->mode == OVPN_MODE_MP) {
		idev = __in_dev_get_rtnl(dev);
		if (idev)
			IN_DEV_CONF_SET(idev, SEND_REDIRECTS, false);
		IPV4_DEVCONF_ALL(dev_net(dev), SEND_REDIRECTS) = false;
	}
	netif_tx_start_all_queues(dev);
	return 0;
}

static int ovpn_dev_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

const struct net_device_ops ovpn_netdev_ops = {
	.ndo_init		= ovpn_dev_init,
	.ndo_uninit		= ovpn_dev_uninit,
	.ndo_open		= ovpn_dev_open,
	.ndo_stop		= ovpn_dev_stop,
	.ndo_start_xmit		= ovpn_start_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void ovpn_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, OVPN_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, OVPN_VERSION, sizeof(info->version));
	strscpy(info->bus_info, "ovpn", sizeof(info->bus_info));
}

static const struct ethtool_ops ovpn_ethtool_ops = {
	.get_drvinfo	= ovpn_get_drvinfo,
	.get_link	= ethtool_op_get_link,
};

static void ovpn_setup(struct net_device *dev)
{
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP | IFF_MULTICAST;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN - OVPN_ENCAP_OVERHEAD;
	dev->min_mtu = IPV4_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - OVPN_ENCAP_OVERHEAD;
	dev->needed_headroom = ALIGN(OVPN_ENCAP_OVERHEAD + 16, 4) +
			       LL_MAX_HEADER;
	dev->needed_tailroom = OVPN_TAG_LEN;
#if OVPN_CORE_TSTATS
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	dev->lltx = true; /* NETIF_F_LLTX became a device field in 6.11 */
#else
	dev->features |= NETIF_F_LLTX;
#endif
	dev->netdev_ops = &ovpn_netdev_ops;
	dev->ethtool_ops = &ovpn_ethtool_ops;
	dev->needs_free_netdev = true;
}

static const struct nla_policy ovpn_link_policy[IFLA_OVPN_MAX + 1] = {
	[IFLA_OVPN_MODE] = NLA_POLICY_RANGE(NLA_U8, OVPN_MODE_P2P,
					    OVPN_MODE_MP),
};

static int ovpn_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);

	ovpn->dev = dev;
	ovpn->mode = OVPN_MODE_P2P;
	if (data && data[IFLA_OVPN_MODE])
		ovpn->mode = nla_get_u8(data[IFLA_OVPN_MODE]);
	spin_lock_init(&ovpn->lock);
	RCU_INIT_POINTER(ovpn->peer, NULL);
	hash_init(ovpn->by_id);
	hash_init(ovpn->by_transp);
	hash_init(ovpn->by_vpn4);
	hash_init(ovpn->by_vpn6);

	netdev_dbg(dev, "creating device in %s mode\n",
		   ovpn->mode == OVPN_MODE_MP ? "MP" : "P2P");
	return register_netdevice(dev);
}

static void ovpn_dellink(struct net_device *dev, struct list_head *head)
{
	struct ovpn_struct *ovpn = netdev_priv(dev);

	ovpn_peers_release_all(ovpn);
	unregister_netdevice_queue(dev, head);
}

static size_t ovpn_get_size(const struct net_device *dev)
{
	return nla_total_size(sizeof(u8));
}

static int ovpn_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct ovpn_struct *ovpn = netdev_priv(dev);

	if (nla_put_u8(skb, IFLA_OVPN_MODE, ovpn->mode))
		return -EMSGSIZE;
	return 0;
}

static struct rtnl_link_ops ovpn_link_ops __read_mostly = {
	.kind		= OVPN_DRV_NAME,
	.priv_size	= sizeof(struct ovpn_struct),
	.setup		= ovpn_setup,
	.maxtype	= IFLA_OVPN_MAX,
	.policy		= ovpn_link_policy,
	.newlink	= ovpn_newlink,
	.dellink	= ovpn_dellink,
	.get_size	= ovpn_get_size,
	.fill_info	= ovpn_fill_info,
};

static int __init ovpn_init(void)
{
	int err;

	ovpn_wq = alloc_workqueue("ovpn-dco", WQ_MEM_RECLAIM, 0);
	if (!ovpn_wq)
		return -ENOMEM;

	err = ovpn_tcp_init();
	if (err)
		goto err_wq;

	err = rtnl_link_register(&ovpn_link_ops);
	if (err) {
		pr_err("ovpn-dco: cannot register rtnl link ops: %d\n", err);
		goto err_wq;
	}

	err = ovpn_netlink_init();
	if (err) {
		pr_err("ovpn-dco: cannot register genl family: %d\n", err);
		goto err_rtnl;
	}

	pr_info("ovpn-dco: data channel offload (ovpn-dco-v2 API) %s\n",
		OVPN_VERSION);
	return 0;

err_rtnl:
	rtnl_link_unregister(&ovpn_link_ops);
err_wq:
	destroy_workqueue(ovpn_wq);
	return err;
}

static void __exit ovpn_exit(void)
{
	/* no new requests from here on */
	ovpn_netlink_exit();
	/* removes every device and, through dellink, every peer */
	rtnl_link_unregister(&ovpn_link_ops);
	/* pending peer releases drop the last device references */
	flush_workqueue(ovpn_wq);
	rcu_barrier();
	destroy_workqueue(ovpn_wq);
}

module_init(ovpn_init);
module_exit(ovpn_exit);

MODULE_DESCRIPTION("OpenVPN data channel offload (ovpn-dco-v2 API)");
MODULE_LICENSE("GPL");
MODULE_VERSION(OVPN_VERSION);
MODULE_ALIAS_RTNL_LINK(OVPN_DRV_NAME);
MODULE_ALIAS_GENL_FAMILY(OVPN_NL_NAME);
