#include "openvpn/crypto/data_channel.hpp"

#include <array>
#include <cstring>

#include <openssl/rand.h>

#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/wire/opcode.hpp"

namespace ovpn::crypto {

namespace {

using wire::Drop;

void put_u32(std::uint8_t* p, std::uint32_t v) noexcept
{
    p[0] = static_cast<std::uint8_t>(v >> 24);
    p[1] = static_cast<std::uint8_t>(v >> 16);
    p[2] = static_cast<std::uint8_t>(v >> 8);
    p[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get_u32(const std::uint8_t* p) noexcept
{
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

Result<wire::CipherCtxPtr> make_ctx(const CipherInfo& info, Bytes key, bool encrypt)
{
    if (key.size() != info.key_len)
        return Err{"wrong key length for " + info.name};
    wire::CipherPtr c{EVP_CIPHER_fetch(nullptr, info.name.c_str(), nullptr)};
    wire::CipherCtxPtr ctx{EVP_CIPHER_CTX_new()};
    if (!c || !ctx ||
        EVP_CipherInit_ex2(ctx.get(), c.get(), key.data(), nullptr, encrypt ? 1 : 0, nullptr) != 1)
        return Err{"cipher init failed for " + info.name};
    return ctx;
}

} // namespace

Result<DataChannel> DataChannel::create(const data::DataKeys& keys, const DataChannelConfig& cfg)
{
    auto info = lookup_cipher(keys.cipher_name.empty() ? "none" : keys.cipher_name);
    if (!info)
        return Err{info.error()};
    DataChannel dc;
    dc.cfg_ = cfg;
    dc.key_id_ = keys.key_id;
    dc.alg_ = info->alg;
    dc.aead_ = info->aead;
    dc.iv_pid_ = info->iv_packet_id;
    dc.tx_ = wire::PacketIdSend(cfg.session_time, cfg.last_sent_id);
    dc.rx_ = wire::ReplayWindow(cfg.replay_window, cfg.replay_time);
    dc.rx_.seed(cfg.rx_start);
    if (info->alg != data::CipherAlg::None) {
        auto e = make_ctx(*info, keys.encrypt.cipher_key, true);
        auto d = make_ctx(*info, keys.decrypt.cipher_key, false);
        if (!e)
            return Err{e.error()};
        if (!d)
            return Err{d.error()};
        dc.enc_ = std::move(*e);
        dc.dec_ = std::move(*d);
    }
    if (info->aead) {
        if (keys.encrypt.implicit_iv.size() != kImplicitIvLen ||
            keys.decrypt.implicit_iv.size() != kImplicitIvLen)
            return Err{std::string("AEAD implicit IV must be 8 bytes")};
        dc.enc_iv_ = keys.encrypt.implicit_iv;
        dc.dec_iv_ = keys.decrypt.implicit_iv;
        return dc;
    }
    dc.block_ = info->alg == data::CipherAlg::None ? 0 : info->iv_len;
    auto hl = digest_len(keys.auth_name.empty() ? "none" : keys.auth_name);
    if (!hl)
        return Err{hl.error()};
    dc.hmac_len_ = *hl;
    if (dc.hmac_len_ > 0) {
        if (keys.encrypt.hmac_key.size() != dc.hmac_len_ || keys.decrypt.hmac_key.size() != dc.hmac_len_)
            return Err{"HMAC key must be " + std::to_string(dc.hmac_len_) + " bytes"};
        auto eh = wire::Hmac::create(keys.auth_name, keys.encrypt.hmac_key);
        auto dh = wire::Hmac::create(keys.auth_name, keys.decrypt.hmac_key);
        if (!eh)
            return Err{eh.error()};
        if (!dh)
            return Err{dh.error()};
        dc.enc_hmac_.emplace(std::move(*eh));
        dc.dec_hmac_.emplace(std::move(*dh));
    }
    return dc;
}

std::size_t DataChannel::header_len() const noexcept
{
    switch (cfg_.header) {
    case DataHeader::None:
        return 0;
    case DataHeader::DataV1:
        return wire::kDataV1HeaderLen;
    case DataHeader::DataV2:
        return wire::kDataV2HeaderLen;
    }
    return 0;
}

Result<std::size_t, Drop> DataChannel::rx_header_len(const PacketBuf& buf) const noexcept
{
    if (cfg_.header == DataHeader::None)
        return std::size_t{0};
    if (buf.empty())
        return Err{Drop::TooShort};
    const auto op = wire::opcode_of(buf.data()[0]);
    if (op == wire::Opcode::DataV1)
        return wire::kDataV1HeaderLen;
    if (op == wire::Opcode::DataV2)
        return wire::kDataV2HeaderLen;
    return Err{Drop::BadOpcode};
}

void DataChannel::write_header(std::uint8_t* p) const noexcept
{
    if (cfg_.header == DataHeader::DataV1)
        p[0] = wire::op_byte(wire::Opcode::DataV1, key_id_);
    else if (cfg_.header == DataHeader::DataV2)
        put_u32(p, wire::data_v2_header(key_id_, cfg_.peer_id));
}

std::size_t DataChannel::overhead(std::size_t plaintext_len) const noexcept
{
    const std::size_t pid_len = cfg_.long_packet_id ? 8 : 4;
    if (aead_)
        return header_len() + 4 + kAeadTagLen;
    if (block_ == 0)
        return header_len() + hmac_len_ + pid_len;
    if (iv_pid_)
        return header_len() + hmac_len_ + block_;
    const std::size_t plain = pid_len + plaintext_len;
    const std::size_t padded = (plain / block_ + 1) * block_;
    return header_len() + hmac_len_ + block_ + padded - plaintext_len;
}

std::size_t DataChannel::frame_overhead() const noexcept
{
    const std::size_t pid_len = cfg_.long_packet_id || iv_pid_ ? 8 : 4;
    if (aead_)
        return header_len() + pid_len + kAeadTagLen;
    return header_len() + pid_len + block_ + hmac_len_;
}

Status<Drop> DataChannel::encrypt(PacketBuf& buf, std::uint32_t now) noexcept
{
    wire::PacketId pid;
    if (cfg_.long_packet_id || iv_pid_) {
        auto p = tx_.next_long(now);
        if (!p)
            return Err{Drop::PacketIdRollover};
        pid = *p;
    } else {
        auto p = tx_.next_short();
        if (!p)
            return Err{Drop::PacketIdRollover};
        pid.id = *p;
    }
    if (aead_)
        return encrypt_aead(buf, pid.id);
    if (iv_pid_)
        return encrypt_iv_pid(buf, pid);
    return encrypt_cbc(buf, pid);
}

Status<Drop> DataChannel::decrypt(PacketBuf& buf, std::uint32_t now) noexcept
{
    if (aead_)
        return decrypt_aead(buf, now);
    if (iv_pid_)
        return decrypt_iv_pid(buf, now);
    return decrypt_cbc(buf, now);
}

Status<Drop> DataChannel::replay_check(wire::PacketId pid, std::uint32_t now) noexcept
{
    if (!cfg_.replay_protect)
        return Ok{};
    if (auto d = rx_.check_and_add(pid, now))
        return Err{*d};
    return Ok{};
}

Status<Drop> DataChannel::encrypt_aead(PacketBuf& buf, std::uint32_t pid) noexcept
{
    const std::size_t hdr = header_len();
    const std::size_t n = buf.size();
    if (buf.headroom() < hdr + 4 + kAeadTagLen)
        return Err{Drop::NoRoom};
    buf.prepend(hdr + 4 + kAeadTagLen);
    std::uint8_t* p = buf.data();
    write_header(p);
    put_u32(p + hdr, pid);
    std::array<std::uint8_t, 12> nonce{};
    put_u32(nonce.data(), pid);
    std::memcpy(nonce.data() + 4, enc_iv_.data(), kImplicitIvLen);
    std::uint8_t* pt = p + hdr + 4 + kAeadTagLen;
    // AAD: V2 authenticates its header too; V1 only the packet id.
    const std::uint8_t* aad = cfg_.header == DataHeader::DataV2 ? p : p + hdr;
    const int aad_len = cfg_.header == DataHeader::DataV2 ? 8 : 4;
    int outl = 0, fin = 0;
    if (EVP_EncryptInit_ex2(enc_.get(), nullptr, nullptr, nonce.data(), nullptr) != 1 ||
        EVP_EncryptUpdate(enc_.get(), nullptr, &outl, aad, aad_len) != 1 ||
        (n > 0 && EVP_EncryptUpdate(enc_.get(), pt, &outl, pt, static_cast<int>(n)) != 1) ||
        EVP_EncryptFinal_ex(enc_.get(), pt + outl, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(enc_.get(), EVP_CTRL_AEAD_GET_TAG, kAeadTagLen, p + hdr + 4) != 1)
        return Err{Drop::Crypto};
    return Ok{};
}

Status<Drop> DataChannel::decrypt_aead(PacketBuf& buf, std::uint32_t now) noexcept
{
    auto hl = rx_header_len(buf);
    if (!hl)
        return Err{hl.error()};
    const std::size_t hdr = *hl;
    if (buf.size() < hdr + 4 + kAeadTagLen)
        return Err{Drop::TooShort};
    std::uint8_t* p = buf.data();
    const std::uint32_t pid = get_u32(p + hdr);
    std::array<std::uint8_t, 12> nonce{};
    put_u32(nonce.data(), pid);
    std::memcpy(nonce.data() + 4, dec_iv_.data(), kImplicitIvLen);
    std::array<std::uint8_t, kAeadTagLen> tag{};
    std::memcpy(tag.data(), p + hdr + 4, kAeadTagLen);
    std::uint8_t* ct = p + hdr + 4 + kAeadTagLen;
    const std::size_t ct_len = buf.size() - hdr - 4 - kAeadTagLen;
    const std::uint8_t* aad = hdr == wire::kDataV2HeaderLen ? p : p + hdr;
    const int aad_len = hdr == wire::kDataV2HeaderLen ? 8 : 4;
    int outl = 0, fin = 0;
    if (EVP_DecryptInit_ex2(dec_.get(), nullptr, nullptr, nonce.data(), nullptr) != 1 ||
        EVP_DecryptUpdate(dec_.get(), nullptr, &outl, aad, aad_len) != 1 ||
        (ct_len > 0 && EVP_DecryptUpdate(dec_.get(), ct, &outl, ct, static_cast<int>(ct_len)) != 1) ||
        EVP_CIPHER_CTX_ctrl(dec_.get(), EVP_CTRL_AEAD_SET_TAG, kAeadTagLen, tag.data()) != 1)
        return Err{Drop::Crypto};
    if (EVP_DecryptFinal_ex(dec_.get(), ct + outl, &fin) != 1) {
        OPENSSL_cleanse(ct, ct_len);
        return Err{Drop::BadTag};
    }
    auto r = replay_check({pid, 0}, now);
    if (!r)
        return r;
    buf.consume_front(hdr + 4 + kAeadTagLen);
    return Ok{};
}

Status<Drop> DataChannel::encrypt_cbc(PacketBuf& buf, wire::PacketId pid) noexcept
{
    const std::size_t hdr = header_len();
    const std::size_t pid_len = cfg_.long_packet_id ? 8 : 4;
    if (buf.headroom() < hdr + hmac_len_ + block_ + pid_len)
        return Err{Drop::NoRoom};
    std::uint8_t* pp = buf.prepend(pid_len).data();
    put_u32(pp, pid.id);
    if (cfg_.long_packet_id)
        put_u32(pp + 4, pid.time);
    if (block_ > 0) {
        const std::size_t plen = buf.size();
        const std::size_t padded = (plen / block_ + 1) * block_;
        if (buf.tailroom() < padded - plen)
            return Err{Drop::NoRoom};
        std::uint8_t* p = buf.data();
        std::array<std::uint8_t, 32> iv{};
        if (block_ > iv.size() || RAND_bytes(iv.data(), static_cast<int>(block_)) != 1)
            return Err{Drop::Crypto};
        int outl = 0, fin = 0;
        if (EVP_EncryptInit_ex2(enc_.get(), nullptr, nullptr, iv.data(), nullptr) != 1 ||
            EVP_EncryptUpdate(enc_.get(), p, &outl, p, static_cast<int>(plen)) != 1 ||
            EVP_EncryptFinal_ex(enc_.get(), p + outl, &fin) != 1 ||
            static_cast<std::size_t>(outl + fin) != padded)
            return Err{Drop::Crypto};
        buf.append(padded - plen);
        std::memcpy(buf.prepend(block_).data(), iv.data(), block_);
    }
    if (hmac_len_ > 0) {
        Bytes covered = buf.span();
        auto mac = buf.prepend(hmac_len_);
        if (!enc_hmac_->compute({covered}, mac))
            return Err{Drop::Crypto};
    }
    if (hdr > 0)
        write_header(buf.prepend(hdr).data());
    return Ok{};
}

Status<Drop> DataChannel::decrypt_cbc(PacketBuf& buf, std::uint32_t now) noexcept
{
    auto hl = rx_header_len(buf);
    if (!hl)
        return Err{hl.error()};
    const std::size_t hdr = *hl;
    const std::size_t pid_len = cfg_.long_packet_id ? 8 : 4;
    if (buf.size() < hdr + hmac_len_ + block_ + (block_ ? block_ : pid_len))
        return Err{Drop::TooShort};
    std::uint8_t* p = buf.data() + hdr;
    const std::size_t len = buf.size() - hdr;
    if (hmac_len_ > 0) {
        std::array<std::uint8_t, 64> expect{};
        if (!dec_hmac_->compute({Bytes(p + hmac_len_, len - hmac_len_)}, expect))
            return Err{Drop::Crypto};
        if (!wire::ct_equal(Bytes(expect.data(), hmac_len_), Bytes(p, hmac_len_)))
            return Err{Drop::BadHmac};
    }
    std::uint8_t* plain = p + hmac_len_;
    std::size_t plain_len = len - hmac_len_;
    if (block_ > 0) {
        const std::uint8_t* iv = plain;
        std::uint8_t* ct = plain + block_;
        const std::size_t ct_len = plain_len - block_;
        if (ct_len % block_ != 0)
            return Err{Drop::BadPadding};
        int outl = 0, fin = 0;
        if (EVP_DecryptInit_ex2(dec_.get(), nullptr, nullptr, iv, nullptr) != 1 ||
            EVP_DecryptUpdate(dec_.get(), ct, &outl, ct, static_cast<int>(ct_len)) != 1 ||
            EVP_DecryptFinal_ex(dec_.get(), ct + outl, &fin) != 1)
            return Err{Drop::BadPadding};
        plain = ct;
        plain_len = static_cast<std::size_t>(outl + fin);
    }
    if (plain_len < pid_len)
        return Err{Drop::TooShort};
    wire::PacketId pid{get_u32(plain), cfg_.long_packet_id ? get_u32(plain + 4) : 0};
    auto r = replay_check(pid, now);
    if (!r)
        return r;
    buf.consume_front(static_cast<std::size_t>(plain - buf.data()) + pid_len);
    buf.truncate(plain_len - pid_len);
    return Ok{};
}

// encrypt_iv_pid: CFB/OFB. The IV is the long packet id followed by zeros,
// the plaintext is the payload alone (2.6's openvpn_encrypt_v1).
Status<Drop> DataChannel::encrypt_iv_pid(PacketBuf& buf, wire::PacketId pid) noexcept
{
    const std::size_t hdr = header_len();
    if (buf.headroom() < hdr + hmac_len_ + block_)
        return Err{Drop::NoRoom};
    std::array<std::uint8_t, 32> iv{};
    if (block_ < 8 || block_ > iv.size())
        return Err{Drop::Crypto};
    put_u32(iv.data(), pid.id);
    put_u32(iv.data() + 4, pid.time);
    std::uint8_t* p = buf.data();
    const int plen = static_cast<int>(buf.size());
    int outl = 0, fin = 0;
    if (EVP_EncryptInit_ex2(enc_.get(), nullptr, nullptr, iv.data(), nullptr) != 1 ||
        (plen > 0 && EVP_EncryptUpdate(enc_.get(), p, &outl, p, plen) != 1) ||
        EVP_EncryptFinal_ex(enc_.get(), p + outl, &fin) != 1 || outl + fin != plen)
        return Err{Drop::Crypto};
    std::memcpy(buf.prepend(block_).data(), iv.data(), block_);
    if (hmac_len_ > 0) {
        Bytes covered = buf.span();
        auto mac = buf.prepend(hmac_len_);
        if (!enc_hmac_->compute({covered}, mac))
            return Err{Drop::Crypto};
    }
    if (hdr > 0)
        write_header(buf.prepend(hdr).data());
    return Ok{};
}

Status<Drop> DataChannel::decrypt_iv_pid(PacketBuf& buf, std::uint32_t now) noexcept
{
    auto hl = rx_header_len(buf);
    if (!hl)
        return Err{hl.error()};
    const std::size_t hdr = *hl;
    // 2.6 wants at least one byte of payload after the IV.
    if (buf.size() < hdr + hmac_len_ + block_ + 1)
        return Err{Drop::TooShort};
    std::uint8_t* p = buf.data() + hdr;
    const std::size_t len = buf.size() - hdr;
    if (hmac_len_ > 0) {
        std::array<std::uint8_t, 64> expect{};
        if (!dec_hmac_->compute({Bytes(p + hmac_len_, len - hmac_len_)}, expect))
            return Err{Drop::Crypto};
        if (!wire::ct_equal(Bytes(expect.data(), hmac_len_), Bytes(p, hmac_len_)))
            return Err{Drop::BadHmac};
    }
    const std::uint8_t* iv = p + hmac_len_;
    std::uint8_t* ct = p + hmac_len_ + block_;
    const int ct_len = static_cast<int>(len - hmac_len_ - block_);
    int outl = 0, fin = 0;
    if (EVP_DecryptInit_ex2(dec_.get(), nullptr, nullptr, iv, nullptr) != 1 ||
        EVP_DecryptUpdate(dec_.get(), ct, &outl, ct, ct_len) != 1 ||
        EVP_DecryptFinal_ex(dec_.get(), ct + outl, &fin) != 1 || outl + fin != ct_len)
        return Err{Drop::Crypto};
    auto r = replay_check({get_u32(iv), get_u32(iv + 4)}, now);
    if (!r)
        return r;
    buf.consume_front(hdr + hmac_len_ + block_);
    return Ok{};
}

std::size_t DataChannel::encrypt_batch(std::span<PacketBuf> bufs, std::uint32_t now,
                                       std::span<std::optional<wire::Drop>> out) noexcept
{
    std::size_t ok = 0;
    for (std::size_t i = 0; i < bufs.size() && i < out.size(); ++i) {
        auto r = encrypt(bufs[i], now);
        out[i] = r ? std::nullopt : std::optional<wire::Drop>(r.error());
        ok += r ? 1 : 0;
    }
    return ok;
}

std::size_t DataChannel::decrypt_batch(std::span<PacketBuf> bufs, std::uint32_t now,
                                       std::span<std::optional<wire::Drop>> out) noexcept
{
    std::size_t ok = 0;
    for (std::size_t i = 0; i < bufs.size() && i < out.size(); ++i) {
        auto r = decrypt(bufs[i], now);
        out[i] = r ? std::nullopt : std::optional<wire::Drop>(r.error());
        ok += r ? 1 : 0;
    }
    return ok;
}

} // namespace ovpn::crypto
