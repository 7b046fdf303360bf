// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn-dco-v2 compatible data channel offload: transport sockets handed
 * over by userspace.
 *
 * A UDP socket may be shared by all peers of one device; it is attached
 * (encap_rcv) on first use and detached when its last peer is released.
 * A TCP socket belongs to exactly one peer.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "ovpn.h"

/* serialises attach and detach of every socket */
static DEFINE_MUTEX(ovpn_sock_mutex);

static struct ovpn_socket *ovpn_udp_attach(struct ovpn_struct *ovpn,
					   struct socket *sock, bool *retry,
					   struct netlink_ext_ack *extack)
{
	struct udp_tunnel_sock_cfg cfg = {};
	struct sock *sk = sock->sk;
	struct ovpn_socket *osock;

	osock = rcu_dereference_protected(sk->sk_user_data,
					  lockdep_is_held(&ovpn_sock_mutex));
	if (osock) {
		if (READ_ONCE(udp_sk(sk)->encap_rcv) != ovpn_udp_encap_recv) {
			NL_SET_ERR_MSG_MOD(extack,
					   "socket is in use by another subsystem");
			return ERR_PTR(-EBUSY);
		}
		if (osock->ovpn != ovpn) {
			/* maybe a device that is just going away */
			*retry = true;
			NL_SET_ERR_MSG_MOD(extack,
					   "socket is in use by another interface");
			return ERR_PTR(-EBUSY);
		}
		osock->refs++;
		return osock;
	}
	if (READ_ONCE(udp_sk(sk)->encap_type)) {
		NL_SET_ERR_MSG_MOD(extack, "socket is in use by another subsystem");
		return ERR_PTR(-EBUSY);
	}

	osock = kzalloc(sizeof(*osock), GFP_KERNEL);
	if (!osock)
		return ERR_PTR(-ENOMEM);
	osock->sock = sock;
	osock->ovpn = ovpn;
	osock->refs = 1;
	osock->proto = IPPROTO_UDP;

	cfg.sk_user_data = osock;
	cfg.encap_type = OVPN_UDP_ENCAP_TYPE;
	cfg.encap_rcv = ovpn_udp_encap_recv;
	setup_udp_tunnel_sock(sock_net(sk), sock, &cfg);
	return osock;
}

static void ovpn_udp_detach(struct ovpn_socket *osock)
{
	struct sock *sk = osock->sock->sk;

	lock_sock(sk);
	WRITE_ONCE(udp_sk(sk)->encap_rcv, NULL);
	WRITE_ONCE(udp_sk(sk)->encap_type, 0);
	rcu_assign_sk_user_data(sk, NULL);
	release_sock(sk);
}

struct ovpn_socket *ovpn_socket_get(struct ovpn_struct *ovpn,
				    struct ovpn_peer *peer, int fd,
				    struct netlink_ext_ack *extack)
{
	struct ovpn_socket *osock;
	bool retry = false, retried = false;
	struct socket *sock;
	int err;

again:
	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		NL_SET_ERR_MSG_MOD(extack, "cannot find the transport socket");
		return ERR_PTR(err);
	}
	if (!sock->sk) {
		err = -ENOTSOCK;
		goto err_put;
	}

	if (sock->sk->sk_protocol == IPPROTO_UDP &&
	    sock->sk->sk_type == SOCK_DGRAM &&
	    (sock->sk->sk_family == AF_INET ||
	     sock->sk->sk_family == AF_INET6)) {
		mutex_lock(&ovpn_sock_mutex);
		osock = ovpn_udp_attach(ovpn, sock, &retry, extack);
		mutex_unlock(&ovpn_sock_mutex);
		if (IS_ERR(osock)) {
			err = PTR_ERR(osock);
			sockfd_put(sock);
			if (retry && !retried) {
				/* let pending releases of old peers finish */
				retried = true;
				retry = false;
				flush_workqueue(ovpn_wq);
				goto again;
			}
			return ERR_PTR(err);
		}
		if (osock->sock != sock || osock->refs > 1)
			sockfd_put(sock);	/* osock holds its own file ref */
		return osock;
	}

	if (sock->sk->sk_protocol == IPPROTO_TCP &&
	    sock->sk->sk_type == SOCK_STREAM &&
	    (sock->sk->sk_family == AF_INET ||
	     sock->sk->sk_family == AF_INET6)) {
		osock = kzalloc(sizeof(*osock), GFP_KERNEL);
		if (!osock) {
			err = -ENOMEM;
			goto err_put;
		}
		osock->sock = sock;
		osock->ovpn = ovpn;
		osock->refs = 1;
		osock->proto = IPPROTO_TCP;
		osock->peer = peer;
		peer->sock = osock;
		mutex_lock(&ovpn_sock_mutex);
		err = ovpn_tcp_attach(peer, sock);
		mutex_unlock(&ovpn_sock_mutex);
		if (err) {
			peer->sock = NULL;
			kfree(osock);
			if (err == -ENOTCONN)
				NL_SET_ERR_MSG_MOD(extack,
						   "TCP socket is not in ESTABLISHED state");
			else
				NL_SET_ERR_MSG_MOD(extack,
						   "TCP socket is already in use");
			if (err == -ENOTCONN)
				err = -EINVAL;
			goto err_put;
		}
		return osock;
	}

	NL_SET_ERR_MSG_MOD(extack, "transport must be a UDP or TCP socket");
	err = -EINVAL;
err_put:
	sockfd_put(sock);
	return ERR_PTR(err);
}

/* process context */
void ovpn_socket_put(struct ovpn_socket *osock)
{
	bool last;

	mutex_lock(&ovpn_sock_mutex);
	last = --osock->refs == 0;
	if (last && osock->proto == IPPROTO_UDP)
		ovpn_udp_detach(osock);
	mutex_unlock(&ovpn_sock_mutex);

	if (!last)
		return;
	sockfd_put(osock->sock);
	kfree_rcu(osock, rcu);
}
