// SPDX-License-Identifier: GPL-2.0
/*
 * tests/kernel/kstress/client.c: the emulated OpenVPN client of the stress
 * driver. Builds DATA_V2 packets (AES-256-GCM, shared/docs/dco-facts.md
 * section 4.5: AAD = opcode/peer-id + packet-id, nonce = packet-id + tail)
 * carrying ICMP echo requests, and checks the server's encrypted replies.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kstress.h"

#define OP_DATA_V2 9
#define HDR 8
#define TAG 16

static const uint8_t ping_magic[16] = { 0x2a, 0x18, 0x7b, 0xf3, 0x64, 0x1e, 0xb4, 0xcb,
					0x07, 0xed, 0x2d, 0x0a, 0x98, 0x1f, 0xc7, 0x48 };

void ks_peer_keys(struct ks_peer *p)
{
	ks_rand_bytes(p->c2s.key, sizeof(p->c2s.key));
	ks_rand_bytes(p->c2s.tail, sizeof(p->c2s.tail));
	ks_rand_bytes(p->s2c.key, sizeof(p->s2c.key));
	ks_rand_bytes(p->s2c.tail, sizeof(p->s2c.tail));
	p->tx_pid = 0;
}

int ks_peer_install(struct nl_sock *sk, uint32_t ifx, struct ks_peer *p, int sfd, const struct sockaddr_in *remote)
{
	int r = ks_new_peer(sk, ifx, p->id, sfd, remote, p->vpn4);

	if (r)
		return r;
	/* the server encrypts server->client and decrypts client->server */
	return ks_new_key(sk, ifx, p->id, 0, p->key_id, ALG_AES_GCM, &p->s2c, &p->c2s);
}

/* AES-256-GCM over buf[HDR+TAG .. len) with AAD buf[0..HDR); 0 ok. */
static int aead(int enc, const struct ks_dir *d, uint8_t *buf, size_t len)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t nonce[12];
	int out = 0, ok;

	memcpy(nonce, buf + 4, 4);
	memcpy(nonce + 4, d->tail, 8);
	ok = c && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_CipherInit_ex(c, NULL, NULL, d->key, nonce, enc) && EVP_CipherUpdate(c, NULL, &out, buf, HDR);
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG, buf + HDR);
	ok = ok && EVP_CipherUpdate(c, buf + HDR + TAG, &out, buf + HDR + TAG, (int)(len - HDR - TAG)) &&
	     EVP_CipherFinal_ex(c, buf + len, &out);
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG, buf + HDR);
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

static uint16_t csum(const uint8_t *b, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		s += (uint32_t)(b[len - 1] << 8);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* IPv4 + ICMP echo request from p->vpn4 to dst, 16 bytes of payload. */
static size_t echo_request(struct ks_peer *p, uint32_t dst, uint8_t *ip)
{
	size_t len = 20 + 8 + 16;
	uint16_t c;

	memset(ip, 0, len);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(len >> 8);
	ip[3] = (uint8_t)len;
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, &p->vpn4, 4);
	memcpy(ip + 16, &dst, 4);
	c = csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	ip[20] = 8;
	ip[24] = (uint8_t)(p->id >> 8);
	ip[25] = (uint8_t)p->id;
	p->seq++;
	ip[26] = (uint8_t)(p->seq >> 8);
	ip[27] = (uint8_t)p->seq;
	memcpy(ip + 28, "kstress-payload!", 16);
	c = csum(ip + 20, len - 20);
	ip[22] = (uint8_t)(c >> 8);
	ip[23] = (uint8_t)c;
	return len;
}

int ks_echo_packet(struct ks_peer *p, uint32_t dst, uint8_t *out, size_t cap)
{
	size_t len;

	if (cap < HDR + TAG + 64)
		return -1;
	len = HDR + TAG + echo_request(p, dst, out + HDR + TAG);
	p->tx_pid++;
	out[0] = (uint8_t)(OP_DATA_V2 << 3 | (p->key_id & 7));
	out[1] = (uint8_t)(p->id >> 16);
	out[2] = (uint8_t)(p->id >> 8);
	out[3] = (uint8_t)p->id;
	out[4] = (uint8_t)(p->tx_pid >> 24);
	out[5] = (uint8_t)(p->tx_pid >> 16);
	out[6] = (uint8_t)(p->tx_pid >> 8);
	out[7] = (uint8_t)p->tx_pid;
	if (aead(1, &p->c2s, out, len))
		return -1;
	return (int)len;
}

int ks_send_echo(struct ks_peer *p, uint32_t dst, const struct sockaddr_in *server)
{
	uint8_t buf[2 + 256];
	int len = ks_echo_packet(p, dst, buf + 2, sizeof(buf) - 2);

	if (len < 0)
		return -1;
	if (p->tcp) {
		buf[0] = (uint8_t)(len >> 8);
		buf[1] = (uint8_t)len;
		return send(p->fd, buf, (size_t)len + 2, MSG_NOSIGNAL) == len + 2 ? 0 : -1;
	}
	return sendto(p->fd, buf + 2, (size_t)len, 0, (const struct sockaddr *)server, sizeof(*server)) == len ? 0 : -1;
}

static int find_peer(struct ks_peer *peers, int n, uint32_t id)
{
	int i, guess = (int)(id - peers[0].id);

	if (guess >= 0 && guess < n && peers[guess].id == id)
		return guess;
	for (i = 0; i < n; i++)
		if (peers[i].id == id)
			return i;
	return -1;
}

int ks_check_reply(struct ks_peer *peers, int n, const uint8_t *pkt, size_t len, int *who)
{
	uint8_t buf[2048];
	struct ks_peer *p;
	const uint8_t *ip;
	int i;

	if (len < HDR + TAG + 16 || len > sizeof(buf) - 16 || pkt[0] >> 3 != OP_DATA_V2)
		return 0;
	i = find_peer(peers, n, (uint32_t)pkt[1] << 16 | (uint32_t)pkt[2] << 8 | pkt[3]);
	if (i < 0)
		return 0;
	p = &peers[i];
	*who = i;
	memcpy(buf, pkt, len);
	if ((buf[0] & 7) != (p->key_id & 7) || aead(0, &p->s2c, buf, len))
		return 0;
	ip = buf + HDR + TAG;
	len -= HDR + TAG;
	if (len == sizeof(ping_magic) && !memcmp(ip, ping_magic, len))
		return 2;
	if (len < 28 || ip[0] != 0x45 || ip[9] != 1 || ip[20] != 0)
		return 0;
	if (memcmp(ip + 16, &p->vpn4, 4) || ip[24] != (uint8_t)(p->id >> 8) || ip[25] != (uint8_t)p->id)
		return 0;
	p->replies++;
	return 1;
}

/* Read every datagram queued on fd and account the replies. */
static void drain(struct ks_peer *peers, int n, int fd)
{
	uint8_t pkt[2048];
	ssize_t len;
	int who;

	while ((len = recv(fd, pkt, sizeof(pkt), MSG_DONTWAIT)) > 0)
		ks_check_reply(peers, n, pkt, (size_t)len, &who);
}

static int missing(struct ks_peer *peers, int first, int n)
{
	int i, miss = 0;

	for (i = first; i < first + n; i++)
		if (peers[i].replies < peers[i].want)
			miss++;
	return miss;
}

int ks_wait_replies(struct ks_peer *peers, int npeers, int first, int n, int ms)
{
	struct pollfd pfd[64];
	int nfd = 0, i, j, total = first + n;
	double end = ks_now() + ms / 1000.0;

	for (i = first; i < total; i++) {
		for (j = 0; j < nfd && pfd[j].fd != peers[i].fd; j++)
			;
		if (j == nfd && nfd < 64) {
			pfd[nfd].fd = peers[i].fd;
			pfd[nfd++].events = POLLIN;
		}
	}
	while (missing(peers, first, n)) {
		int left = (int)((end - ks_now()) * 1000);

		if (left <= 0 || poll(pfd, (nfds_t)nfd, left) <= 0)
			break;
		for (j = 0; j < nfd; j++)
			if (pfd[j].revents & POLLIN)
				drain(peers, npeers, pfd[j].fd);
	}
	return missing(peers, first, n);
}
