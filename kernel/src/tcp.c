// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn-dco-v2 compatible data channel offload: TCP transport.
 *
 * The stream carries records framed by a 2-byte big-endian length.
 * Once a TCP socket is handed over:
 *  - RX: sk_data_ready only schedules rx_work, which reads the stream in
 *    process context through the original tcp recvmsg. DATA_V2 records
 *    are decrypted here; any other record is queued, with its length
 *    prefix, for userspace, which reads it through our recvmsg.
 *  - TX: both the kernel's encrypted records and whatever userspace
 *    writes through our sendmsg go into one queue that tx_work alone
 *    writes to the socket, so records never interleave.
 * The proto table is a copy of the socket's own (IPv4 or IPv6) with only
 * recvmsg, sendmsg and sock_is_readable replaced.
 */
#include <linux/net.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <linux/version.h>
/* 6.12 moved the unaligned access helpers out of asm/ */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "ovpn.h"

#define OVPN_TCP_RX_BUDGET	64
/* how much of the stream the hand-over resync may look at */
#define OVPN_TCP_PEEK_MAX	8192
/* largest control record OpenVPN sends (control packets are small) */
#define OVPN_TCP_CTRL_MAX	4096
#define OVPN_TCP_USER_MAX	(U16_MAX + 2)

static struct proto ovpn_tcp4_prot, ovpn_tcp6_prot;
static const struct proto *ovpn_tcp4_base, *ovpn_tcp6_base;

static int ovpn_tcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags, int *addr_len);
static int ovpn_tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size);
static bool ovpn_tcp_sock_is_readable(struct sock *sk);

int __init ovpn_tcp_init(void)
{
	return 0;
}

/* build our proto copy for the family of @sk; ovpn_sock_mutex held */
static struct proto *ovpn_tcp_prot_for(struct sock *sk)
{
	struct proto *prot;
	const struct proto **base;

	if (sk->sk_family == AF_INET6) {
		prot = &ovpn_tcp6_prot;
		base = &ovpn_tcp6_base;
	} else {
		prot = &ovpn_tcp4_prot;
		base = &ovpn_tcp4_base;
	}

	if (!*base) {
		*base = sk->sk_prot;
		memcpy(prot, sk->sk_prot, sizeof(*prot));
		prot->recvmsg = ovpn_tcp_recvmsg;
		prot->sendmsg = ovpn_tcp_sendmsg;
		prot->sock_is_readable = ovpn_tcp_sock_is_readable;
	} else if (*base != sk->sk_prot) {
		/* e.g. a ULP is active on this socket */
		return NULL;
	}
	return prot;
}

/* peer of a socket, with a reference */
static struct ovpn_peer *ovpn_tcp_peer_get(struct sock *sk)
{
	struct ovpn_socket *osock;
	struct ovpn_peer *peer = NULL;

	rcu_read_lock();
	osock = rcu_dereference_sk_user_data(sk);
	if (osock && osock->proto == IPPROTO_TCP && osock->peer &&
	    ovpn_peer_hold(osock->peer))
		peer = osock->peer;
	rcu_read_unlock();
	return peer;
}

static void ovpn_tcp_data_ready(struct sock *sk)
{
	struct ovpn_socket *osock;

	rcu_read_lock();
	osock = rcu_dereference_sk_user_data(sk);
	if (osock && osock->peer && !READ_ONCE(osock->peer->tcp.detached))
		queue_work(ovpn_wq, &osock->peer->tcp.rx_work);
	rcu_read_unlock();
}

static void ovpn_tcp_write_space(struct sock *sk)
{
	struct ovpn_socket *osock;
	struct ovpn_tcp *tcp;

	rcu_read_lock();
	osock = rcu_dereference_sk_user_data(sk);
	if (osock && osock->peer) {
		tcp = &osock->peer->tcp;
		if (!READ_ONCE(tcp->detached))
			queue_work(ovpn_wq, &tcp->tx_work);
		if (tcp->saved_write_space)
			tcp->saved_write_space(sk);
	}
	rcu_read_unlock();
}

static void ovpn_tcp_wake_user(struct sock *sk, struct ovpn_tcp *tcp)
{
	wake_up_interruptible_all(&tcp->user_wait);
	if (tcp->saved_data_ready)
		tcp->saved_data_ready(sk);
}

/* read from the stream without blocking, through the original tcp code */
static int ovpn_tcp_read(struct sock *sk, struct ovpn_tcp *tcp, void *buf,
			 size_t len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec kv = { .iov_base = buf, .iov_len = len };
	int addr_len = 0;

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &kv, 1, len);
	return tcp->saved_prot->recvmsg(sk, &msg, len, MSG_DONTWAIT,
					&addr_len);
}

/*
 * Hand-over: OpenVPN reads its TCP socket in userspace until NEW_PEER and
 * may already hold the first part of a record (it reads ahead). The kernel
 * then starts in the middle of that record. So the first bytes are checked
 * for a plausible record chain; if the start is not a record boundary, the
 * bytes up to the first boundary go to userspace unframed, completing the
 * record it holds, and framing starts from there.
 *
 * Returns 1 if the header at @p (with @n bytes available) is plausible,
 * 0 if not, -1 if more bytes are needed to tell.
 */
static int ovpn_tcp_hdr_ok(const u8 *p, int n, const struct ovpn_peer *peer)
{
	u32 word, id;
	u16 len;
	u8 op;

	if (n < 3)
		return -1;
	len = get_unaligned_be16(p);
	op = p[2] >> OVPN_OPCODE_SHIFT;
	switch (op) {
	case OVPN_OP_DATA_V2:
		if (len < OVPN_OVERHEAD)
			return 0;
		if (n < 6)
			return -1;
		word = get_unaligned_be32(p + 2);
		id = word & OVPN_PEER_ID_UNDEF;
		return id == (peer->id & OVPN_PEER_ID_UNDEF) ||
		       id == OVPN_PEER_ID_UNDEF;
	case 3: case 4: case 5: case 6: case 7: case 8: case 10: case 11:
		/* soft reset, control, ack, data v1, resets, wkc */
		return len >= 5 && len <= OVPN_TCP_CTRL_MAX;
	default:
		return 0;
	}
}

/* number of consecutive plausible headers from @k, or -1 if implausible */
static int ovpn_tcp_chain(const u8 *buf, int n, int k,
			  const struct ovpn_peer *peer, bool *need_more)
{
	int good = 0, r;

	*need_more = false;
	while (k < n) {
		r = ovpn_tcp_hdr_ok(buf + k, n - k, peer);
		if (r == 0)
			return -1;
		if (r < 0) {
			*need_more = true;
			return good;
		}
		good++;
		k += 2 + get_unaligned_be16(buf + k);
	}
	return good;
}

/* 1: synced; -EAGAIN: wait for more data; other < 0 / 0: error / EOF */
static int ovpn_tcp_resync(struct ovpn_peer *peer, struct sock *sk)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_PEEK };
	struct ovpn_tcp *tcp = &peer->tcp;
	struct sk_buff *skb;
	struct kvec kv;
	int n, k, good, addr_len = 0, ret;
	bool more;
	u8 *buf;

	buf = kmalloc(OVPN_TCP_PEEK_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	kv.iov_base = buf;
	kv.iov_len = OVPN_TCP_PEEK_MAX;
	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &kv, 1, OVPN_TCP_PEEK_MAX);
	n = tcp->saved_prot->recvmsg(sk, &msg, OVPN_TCP_PEEK_MAX,
				     MSG_DONTWAIT | MSG_PEEK, &addr_len);
	if (n <= 0) {
		ret = n;
		goto out;
	}

	good = ovpn_tcp_chain(buf, n, 0, peer, &more);
	pr_debug("ovpn-dco: peer %u: resync peek %d bytes %*ph chain %d more %d\n",
		 peer->id, n, min_t(int, n, 8), buf, good, more);
	if (good > 0 || (good == 0 && more)) {
		if (good == 0) {
			ret = -EAGAIN;	/* not even one header yet */
			goto out;
		}
		tcp->synced = true;
		ret = 1;
		goto out;
	}

	/* the stream starts inside a record: find the next boundary */
	for (k = 1; k < n; k++) {
		good = ovpn_tcp_chain(buf, n, k, peer, &more);
		/* two headers in a row make a boundary credible */
		if (good >= 2)
			break;
	}
	if (k >= n) {
		if (n < OVPN_TCP_PEEK_MAX) {
			ret = -EAGAIN;
			goto out;
		}
		/* nothing credible in a full window: frame from here */
		tcp->synced = true;
		ret = 1;
		goto out;
	}

	net_dbg_ratelimited("%s: peer %u: TCP hand-over inside a record, %d bytes to userspace\n",
			    peer->ovpn->dev->name, peer->id, k);
	skb = alloc_skb(k, GFP_KERNEL);
	if (!skb) {
		ret = -ENOMEM;
		goto out;
	}
	ret = ovpn_tcp_read(sk, tcp, skb_put(skb, k), k);
	if (ret != k) {
		kfree_skb(skb);
		ret = ret < 0 ? ret : -EIO;
		goto out;
	}
	skb_queue_tail(&tcp->user_queue, skb);
	ovpn_tcp_wake_user(sk, tcp);
	tcp->synced = true;
	ret = 1;
out:
	kfree(buf);
	return ret;
}

static void ovpn_tcp_dispatch(struct ovpn_peer *peer, struct sock *sk,
			      struct sk_buff *skb)
{
	struct ovpn_tcp *tcp = &peer->tcp;
	u16 len;

	if (skb->len >= OVPN_HDR_OP_LEN &&
	    (skb->data[0] >> OVPN_OPCODE_SHIFT) == OVPN_OP_DATA_V2) {
		local_bh_disable();
		rcu_read_lock();
		ovpn_rx_data(peer, skb, NULL);
		rcu_read_unlock();
		local_bh_enable();
		return;
	}

	/* control channel: back to userspace, framed as on the wire */
	len = skb->len;
	put_unaligned_be16(len, skb_push(skb, 2));
	if (skb_queue_len(&tcp->user_queue) >= OVPN_TCP_QUEUE_MAX) {
		net_dbg_ratelimited("%s: control queue of peer %u full\n",
				    peer->ovpn->dev->name, peer->id);
		kfree_skb(skb);
		return;
	}
	pr_debug("ovpn-dco: peer %u: control record %u bytes %*ph to userspace\n",
		 peer->id, skb->len, min_t(int, skb->len, 6), skb->data);
	skb_queue_tail(&tcp->user_queue, skb);
	ovpn_tcp_wake_user(sk, tcp);
}

static void ovpn_tcp_rx_work(struct work_struct *work)
{
	struct ovpn_tcp *tcp = container_of(work, struct ovpn_tcp, rx_work);
	struct ovpn_peer *peer = container_of(tcp, struct ovpn_peer, tcp);
	struct sk_buff *skb;
	struct sock *sk;
	int budget, ret;
	u16 len;

	if (!ovpn_peer_hold(peer))
		return;
	sk = peer->sock->sock->sk;

	if (!tcp->synced) {
		ret = ovpn_tcp_resync(peer, sk);
		if (ret <= 0)
			goto stop;
	}

	for (budget = OVPN_TCP_RX_BUDGET; budget > 0; budget--) {
		if (READ_ONCE(tcp->detached) || READ_ONCE(tcp->eof))
			goto out;

		if (tcp->hdr_got < 2) {
			ret = ovpn_tcp_read(sk, tcp, tcp->hdr + tcp->hdr_got,
					    2 - tcp->hdr_got);
			if (ret <= 0)
				goto stop;
			tcp->hdr_got += ret;
			if (tcp->hdr_got < 2)
				continue;

			len = get_unaligned_be16(tcp->hdr);
			if (!len) {
				net_dbg_ratelimited("%s: empty TCP record from peer %u\n",
						    peer->ovpn->dev->name,
						    peer->id);
				ovpn_peer_remove_async(peer,
					OVPN_DEL_PEER_REASON_TRANSPORT_ERROR);
				WRITE_ONCE(tcp->eof, true);
				goto out;
			}
			/* room for the length prefix when it goes to userspace */
			skb = alloc_skb(NET_SKB_PAD + 2 + len, GFP_KERNEL);
			if (!skb) {
				ovpn_peer_remove_async(peer,
					OVPN_DEL_PEER_REASON_TRANSPORT_ERROR);
				WRITE_ONCE(tcp->eof, true);
				goto out;
			}
			skb_reserve(skb, NET_SKB_PAD + 2);
			tcp->rx_skb = skb;
			tcp->rx_need = len;
		}

		skb = tcp->rx_skb;
		ret = ovpn_tcp_read(sk, tcp, skb_tail_pointer(skb),
				    tcp->rx_need - skb->len);
		if (ret <= 0)
			goto stop;
		skb_put(skb, ret);
		if (skb->len < tcp->rx_need)
			continue;

		tcp->rx_skb = NULL;
		tcp->hdr_got = 0;
		ovpn_tcp_dispatch(peer, sk, skb);
	}
	/* more may be pending: yield and come back */
	queue_work(ovpn_wq, &tcp->rx_work);
	goto out;

stop:
	if (ret == -EAGAIN)
		goto out;
	/* end of stream or error: userspace sees it and removes the peer */
	tcp->err = ret;
	WRITE_ONCE(tcp->eof, true);
	ovpn_tcp_wake_user(sk, tcp);
out:
	ovpn_peer_put(peer);
}

static void ovpn_tcp_tx_work(struct work_struct *work)
{
	struct ovpn_tcp *tcp = container_of(work, struct ovpn_tcp, tx_work);
	struct ovpn_peer *peer = container_of(tcp, struct ovpn_peer, tcp);
	struct msghdr msg;
	struct sk_buff *skb;
	struct sock *sk;
	struct kvec kv;
	int ret;

	if (!ovpn_peer_hold(peer))
		return;
	sk = peer->sock->sock->sk;

	while (!READ_ONCE(tcp->detached)) {
		skb = skb_peek(&tcp->tx_queue);
		if (!skb)
			break;

		memset(&msg, 0, sizeof(msg));
		msg.msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL;
		kv.iov_base = skb->data + tcp->tx_off;
		kv.iov_len = skb->len - tcp->tx_off;
		iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, &kv, 1, kv.iov_len);
		ret = tcp->saved_prot->sendmsg(sk, &msg, kv.iov_len);
		if (ret == -EAGAIN || ret == 0)
			break;	/* write_space brings us back */
		if (ret < 0) {
			net_dbg_ratelimited("%s: TCP send to peer %u failed: %d\n",
					    peer->ovpn->dev->name, peer->id,
					    ret);
			skb_queue_purge(&tcp->tx_queue);
			tcp->tx_off = 0;
			ovpn_peer_remove_async(peer,
					       OVPN_DEL_PEER_REASON_TRANSPORT_ERROR);
			break;
		}
		tcp->tx_off += ret;
		if (tcp->tx_off < skb->len)
			continue;
		tcp->tx_off = 0;
		skb = skb_dequeue(&tcp->tx_queue);
		consume_skb(skb);
	}
	ovpn_peer_put(peer);
}

/* an encrypted DATA_V2 packet for the peer; consumes @skb. BH off. */
int ovpn_tcp_send(struct ovpn_peer *peer, struct sk_buff *skb)
{
	struct ovpn_tcp *tcp = &peer->tcp;
	unsigned int len = skb->len;

	if (unlikely(READ_ONCE(tcp->detached) || len > U16_MAX))
		goto drop;
	if (unlikely(skb_queue_len(&tcp->tx_queue) >= OVPN_TCP_QUEUE_MAX))
		goto drop;
	if (skb_linearize(skb) || skb_cow_head(skb, 2))
		goto drop;
	put_unaligned_be16(len, skb_push(skb, 2));
	skb_orphan(skb);
	skb_queue_tail(&tcp->tx_queue, skb);
	queue_work(ovpn_wq, &tcp->tx_work);

	atomic64_add(len, &peer->stats.link_tx_bytes);
	atomic_inc(&peer->stats.link_tx_pkts);
	dev_sw_netstats_tx_add(peer->ovpn->dev, 1, len);
	return 0;

drop:
	dev_core_stats_tx_dropped_inc(peer->ovpn->dev);
	kfree_skb(skb);
	return -ENOBUFS;
}

/* userspace reads control records */
static int ovpn_tcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags, int *addr_len)
{
	struct ovpn_peer *peer;
	struct ovpn_tcp *tcp;
	struct sk_buff *skb;
	size_t copy;
	long timeo;
	int ret;

	peer = ovpn_tcp_peer_get(sk);
	if (!peer)	/* detached meanwhile: the socket's own TCP recvmsg
			 * (through the saved proto: tcp_recvmsg is not
			 * exported to modules since 6.x)
			 */
		return (sk->sk_family == AF_INET6 ? ovpn_tcp6_base :
			ovpn_tcp4_base)->recvmsg(sk, msg, len, flags,
						 addr_len);
	tcp = &peer->tcp;

	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	for (;;) {
		skb = skb_dequeue(&tcp->user_queue);
		if (skb)
			break;
		if (READ_ONCE(tcp->eof) || READ_ONCE(tcp->detached) ||
		    READ_ONCE(peer->removed)) {
			ret = (tcp->err && tcp->err != -EAGAIN) ? tcp->err : 0;
			goto out;
		}
		if (!timeo) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible_timeout(tcp->user_wait,
				!skb_queue_empty(&tcp->user_queue) ||
				READ_ONCE(tcp->eof) ||
				READ_ONCE(tcp->detached) ||
				READ_ONCE(peer->removed), timeo);
		if (ret < 0) {
			ret = sock_intr_errno(timeo);
			goto out;
		}
		if (ret == 0) {
			ret = -EAGAIN;
			goto out;
		}
		timeo = ret;
	}

	copy = min_t(size_t, len, skb->len);
	ret = skb_copy_datagram_msg(skb, 0, msg, copy);
	if (ret) {
		skb_queue_head(&tcp->user_queue, skb);
		goto out;
	}
	if (flags & MSG_PEEK) {
		skb_queue_head(&tcp->user_queue, skb);
	} else if (copy < skb->len) {
		/* byte stream: the rest stays for the next read */
		skb_pull(skb, copy);
		skb_queue_head(&tcp->user_queue, skb);
	} else {
		consume_skb(skb);
	}
	ret = copy;
out:
	ovpn_peer_put(peer);
	return ret;
}

/* userspace writes control records: queued behind kernel data records */
static int ovpn_tcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct ovpn_peer *peer;
	struct ovpn_tcp *tcp;
	struct sk_buff *skb;
	int ret;

	peer = ovpn_tcp_peer_get(sk);
	if (!peer)
		return tcp_sendmsg(sk, msg, size);
	tcp = &peer->tcp;

	if (READ_ONCE(tcp->detached) || READ_ONCE(sk->sk_err) ||
	    (READ_ONCE(sk->sk_shutdown) & SEND_SHUTDOWN)) {
		ret = -EPIPE;
		goto out;
	}
	if (skb_queue_len(&tcp->tx_queue) >= OVPN_TCP_QUEUE_MAX) {
		ret = -EAGAIN;
		goto out;
	}

	size = min_t(size_t, size, OVPN_TCP_USER_MAX);
	skb = alloc_skb(size, GFP_KERNEL);
	if (!skb) {
		ret = -ENOMEM;
		goto out;
	}
	if (memcpy_from_msg(skb_put(skb, size), msg, size)) {
		kfree_skb(skb);
		ret = -EFAULT;
		goto out;
	}
	pr_debug("ovpn-dco: peer %u: userspace writes %zu bytes %*ph\n",
		 peer->id, size, min_t(int, size, 6), skb->data);
	skb_queue_tail(&tcp->tx_queue, skb);
	queue_work(ovpn_wq, &tcp->tx_work);
	ret = size;
out:
	ovpn_peer_put(peer);
	return ret;
}

static bool ovpn_tcp_sock_is_readable(struct sock *sk)
{
	struct ovpn_socket *osock;
	bool ret = false;

	rcu_read_lock();
	osock = rcu_dereference_sk_user_data(sk);
	if (osock && osock->peer)
		ret = !skb_queue_empty(&osock->peer->tcp.user_queue) ||
		      READ_ONCE(osock->peer->tcp.eof);
	rcu_read_unlock();
	return ret;
}

/* ovpn_sock_mutex held */
int ovpn_tcp_attach(struct ovpn_peer *peer, struct socket *sock)
{
	struct ovpn_tcp *tcp = &peer->tcp;
	struct sock *sk = sock->sk;
	struct proto *prot;
	int err = 0;

	skb_queue_head_init(&tcp->user_queue);
	skb_queue_head_init(&tcp->tx_queue);
	init_waitqueue_head(&tcp->user_wait);
	INIT_WORK(&tcp->rx_work, ovpn_tcp_rx_work);
	INIT_WORK(&tcp->tx_work, ovpn_tcp_tx_work);

	lock_sock(sk);
	if (sk->sk_state != TCP_ESTABLISHED) {
		pr_debug("ovpn-dco: TCP socket not in ESTABLISHED state: %d\n",
			 sk->sk_state);
		err = -ENOTCONN;
		goto out;
	}
	if (rcu_access_pointer(sk->sk_user_data)) {
		err = -EBUSY;
		goto out;
	}
	prot = ovpn_tcp_prot_for(sk);
	if (!prot) {
		err = -EBUSY;
		goto out;
	}

	write_lock_bh(&sk->sk_callback_lock);
	tcp->saved_data_ready = sk->sk_data_ready;
	tcp->saved_write_space = sk->sk_write_space;
	tcp->saved_prot = sk->sk_prot;
	rcu_assign_sk_user_data(sk, peer->sock);
	sk->sk_data_ready = ovpn_tcp_data_ready;
	sk->sk_write_space = ovpn_tcp_write_space;
	WRITE_ONCE(sk->sk_prot, prot);
	write_unlock_bh(&sk->sk_callback_lock);
out:
	release_sock(sk);
	if (!err)	/* bytes may already be waiting */
		queue_work(ovpn_wq, &tcp->rx_work);
	return err;
}

/* process context, peer release */
void ovpn_tcp_detach(struct ovpn_peer *peer)
{
	struct ovpn_tcp *tcp = &peer->tcp;
	struct sock *sk = peer->sock->sock->sk;

	lock_sock(sk);
	write_lock_bh(&sk->sk_callback_lock);
	WRITE_ONCE(tcp->detached, true);
	sk->sk_data_ready = tcp->saved_data_ready;
	sk->sk_write_space = tcp->saved_write_space;
	WRITE_ONCE(sk->sk_prot, tcp->saved_prot);
	rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
	release_sock(sk);

	wake_up_interruptible_all(&tcp->user_wait);
	/* callbacks that fetched the old pointers are done after this */
	synchronize_rcu();
	cancel_work_sync(&tcp->rx_work);
	cancel_work_sync(&tcp->tx_work);

	skb_queue_purge(&tcp->user_queue);
	skb_queue_purge(&tcp->tx_queue);
	kfree_skb(tcp->rx_skb);
	tcp->rx_skb = NULL;
	/* whatever userspace may still read comes from the stream itself */
	tcp->saved_data_ready(sk);
}
