// SPDX-License-Identifier: GPL-2.0-only
/*
 * ovpn-dco-v2 compatible data channel offload: AEAD data channel crypto.
 *
 * Wire format of a DATA_V2 packet:
 *   [op|key_id (1)][peer-id (3)][packet-id (4)][tag (16)][ciphertext]
 * AAD = the first 8 bytes, nonce = packet-id || 8 byte implicit IV.
 *
 * Only synchronous AEAD implementations are requested, so encryption and
 * decryption run to completion in the calling (softirq or process)
 * context and never sleep.
 */
#include <crypto/aead.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/version.h>
/* 6.12 moved the unaligned access helpers out of asm/ */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "ovpn.h"

static struct crypto_aead *ovpn_aead_new(const char *alg, const u8 *key,
					 unsigned int keylen,
					 struct netlink_ext_ack *extack)
{
	struct crypto_aead *tfm;
	int err;

	tfm = crypto_alloc_aead(alg, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm)) {
		NL_SET_ERR_MSG_MOD(extack, "cipher not available in kernel");
		return tfm;
	}

	err = crypto_aead_setkey(tfm, key, keylen);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "invalid key for cipher");
		goto err_free;
	}
	err = crypto_aead_setauthsize(tfm, OVPN_TAG_LEN);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "cannot set tag size");
		goto err_free;
	}
	if (crypto_aead_ivsize(tfm) != OVPN_NONCE_LEN) {
		NL_SET_ERR_MSG_MOD(extack, "unexpected nonce size");
		err = -EINVAL;
		goto err_free;
	}
	return tfm;

err_free:
	crypto_free_aead(tfm);
	return ERR_PTR(err);
}

struct ovpn_key *ovpn_key_new(u16 alg, u8 key_id,
			      const u8 *enc_key, unsigned int enc_len,
			      const u8 *enc_nonce,
			      const u8 *dec_key, unsigned int dec_len,
			      const u8 *dec_nonce, struct netlink_ext_ack *extack)
{
	struct ovpn_key *key;
	const char *name;
	int err;

	switch (alg) {
	case OVPN_CIPHER_ALG_AES_GCM:
		name = "gcm(aes)";
		break;
	case OVPN_CIPHER_ALG_CHACHA20_POLY1305:
		name = "rfc7539(chacha20,poly1305)";
		break;
	default:
		NL_SET_ERR_MSG_MOD(extack, "unsupported cipher algorithm");
		return ERR_PTR(-EINVAL);
	}

	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);

	key->enc = ovpn_aead_new(name, enc_key, enc_len, extack);
	if (IS_ERR(key->enc)) {
		err = PTR_ERR(key->enc);
		key->enc = NULL;
		goto err_free;
	}
	key->dec = ovpn_aead_new(name, dec_key, dec_len, extack);
	if (IS_ERR(key->dec)) {
		err = PTR_ERR(key->dec);
		key->dec = NULL;
		goto err_free;
	}

	key->key_id = key_id;
	memcpy(key->nonce_enc, enc_nonce, OVPN_NONCE_TAIL_SIZE);
	memcpy(key->nonce_dec, dec_nonce, OVPN_NONCE_TAIL_SIZE);
	atomic64_set(&key->tx_pid, 0);
	spin_lock_init(&key->replay_lock);
	ovpn_replay_init(&key->replay);
	return key;

err_free:
	ovpn_key_free(key);
	return ERR_PTR(err);
}

void ovpn_key_free(struct ovpn_key *key)
{
	if (!key)
		return;
	/* crypto_free_aead wipes the key schedule */
	if (key->enc)
		crypto_free_aead(key->enc);
	if (key->dec)
		crypto_free_aead(key->dec);
	kfree_sensitive(key);
}

/* one allocation holding the request, the nonce and the scatterlist */
struct ovpn_crypto_buf {
	u8 iv[OVPN_NONCE_LEN];
	struct scatterlist *sg;
	struct aead_request *req;
};

static void *ovpn_crypto_alloc(struct crypto_aead *tfm, int nsg,
			       struct ovpn_crypto_buf *b)
{
	size_t req_size = sizeof(struct aead_request) + crypto_aead_reqsize(tfm);
	size_t sg_off = ALIGN(req_size, __alignof__(struct scatterlist));
	void *mem;

	mem = kmalloc(sg_off + nsg * sizeof(struct scatterlist), GFP_ATOMIC);
	if (!mem)
		return NULL;
	b->req = mem;
	b->sg = mem + sg_off;
	return mem;
}

static int ovpn_aead_run(struct crypto_aead *tfm, struct sk_buff *skb,
			 int nfrags, unsigned int payload_len,
			 const u8 *nonce_tail, bool encrypt)
{
	struct ovpn_crypto_buf b;
	void *mem;
	int n, ret;

	mem = ovpn_crypto_alloc(tfm, nfrags + 2, &b);
	if (!mem)
		return -ENOMEM;

	memcpy(b.iv, skb->data + OVPN_HDR_OP_LEN, 4);
	memcpy(b.iv + 4, nonce_tail, OVPN_NONCE_TAIL_SIZE);

	sg_init_table(b.sg, nfrags + 2);
	sg_set_buf(&b.sg[0], skb->data, OVPN_HDR_LEN);
	n = skb_to_sgvec_nomark(skb, &b.sg[1], OVPN_OVERHEAD, payload_len);
	if (n < 0 || n > nfrags) {
		ret = -EINVAL;
		goto out;
	}
	sg_set_buf(&b.sg[n + 1], skb->data + OVPN_HDR_LEN, OVPN_TAG_LEN);
	sg_mark_end(&b.sg[n + 1]);

	aead_request_set_tfm(b.req, tfm);
	aead_request_set_callback(b.req, 0, NULL, NULL);
	aead_request_set_ad(b.req, OVPN_HDR_LEN);
	if (encrypt) {
		aead_request_set_crypt(b.req, b.sg, b.sg, payload_len, b.iv);
		ret = crypto_aead_encrypt(b.req);
	} else {
		aead_request_set_crypt(b.req, b.sg, b.sg,
				       payload_len + OVPN_TAG_LEN, b.iv);
		ret = crypto_aead_decrypt(b.req);
	}
out:
	kfree_sensitive(mem);
	return ret;
}

/* @skb holds the plaintext; on success it holds the whole DATA_V2 packet */
int ovpn_encrypt(struct ovpn_peer *peer, struct ovpn_key *key,
		 struct sk_buff *skb)
{
	unsigned int payload_len;
	struct sk_buff *trailer;
	int nfrags, err;
	u64 pid;
	u8 *hdr;

	pid = atomic64_inc_return(&key->tx_pid);
	if (unlikely(pid > U32_MAX))
		return -ERANGE;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return -EINVAL;

	err = skb_cow_head(skb, OVPN_OVERHEAD);
	if (err)
		return err;
	nfrags = skb_cow_data(skb, 0, &trailer);
	if (nfrags < 0)
		return nfrags;

	payload_len = skb->len;
	hdr = __skb_push(skb, OVPN_OVERHEAD);
	put_unaligned_be32((OVPN_OP_DATA_V2 << 27) |
			   ((u32)(key->key_id & OVPN_KEY_ID_MASK) << 24) |
			   (peer->id & OVPN_PEER_ID_UNDEF), hdr);
	put_unaligned_be32((u32)pid, hdr + OVPN_HDR_OP_LEN);

	return ovpn_aead_run(key->enc, skb, nfrags, payload_len,
			     key->nonce_enc, true);
}

/* @skb->data points at the opcode; at least OVPN_OVERHEAD bytes linear */
int ovpn_decrypt(struct ovpn_key *key, struct sk_buff *skb)
{
	unsigned int payload_len = skb->len - OVPN_OVERHEAD;
	struct sk_buff *trailer;
	int nfrags;

	nfrags = skb_cow_data(skb, 0, &trailer);
	if (nfrags < 0)
		return nfrags;

	return ovpn_aead_run(key->dec, skb, nfrags, payload_len,
			     key->nonce_dec, false);
}
