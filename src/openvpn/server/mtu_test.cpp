// server/mtu_test.cpp: --mtu-test on a P2MP server. 2.6 runs the test of
// occ.c in every client's instance (its timers are per instance), so each
// client whose peer is in the data plane gets its own data::MtuTest, ticked
// from the client's visits every 3 s; the result lines carry the client's
// prefix, as 2.6's.
#include "openvpn/data/mtu_test.hpp"
#include "openvpn/crypto/cipher_info.hpp"
#include "openvpn/options/helpers.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/mtu_frame.hpp"

namespace ovpn::server {

namespace {

// client_frame: what the client's data packets carry around the payload.
std::optional<data::MssfixFrame> client_frame(const NcpResult& ncp, wire::CompressMode comp,
                                              std::size_t fragment)
{
    auto cipher = crypto::lookup_cipher(ncp.cipher);
    if (!cipher)
        return std::nullopt;
    data::MssfixFrame f;
    f.tls = true;
    f.peer_id = ncp.data_v2;
    f.aead = data::is_aead(cipher->alg);
    if (!f.aead) {
        f.iv_len = cipher->alg == data::CipherAlg::None ? 0 : cipher->iv_len;
        auto h = crypto::digest_len(ncp.auth);
        f.hmac_len = h ? *h : 0;
    }
    f.comp_v1 = comp == wire::CompressMode::Lz4 || comp == wire::CompressMode::Stub ||
                comp == wire::CompressMode::Lzo || comp == wire::CompressMode::LzoNo;
    f.fragment = fragment > 0;
    return f;
}

} // namespace

void Server::start_mtu_test(Instance& in, wire::CompressMode comp, std::size_t fragment)
{
    if (!o_.given("mtu-test") || tcp_mode_ || !in.ncp)
        return;
    auto f = client_frame(*in.ncp, comp, fragment);
    if (!f)
        return;
    session::use_occ_key_type(*f, o_); // 2.6 counts the configured cipher, not the negotiated one
    if (options::effective_dev_type(o_) == "tap")
        f->extra_tun = static_cast<std::size_t>(o_.ce.tun_mtu_extra.value_or(32));
    data::MtuTestConfig cfg;
    cfg.load_size = data::mtu_load_size(*f, o_.ce.tun_mtu.value_or(1500));
    cfg.fragment = fragment > 0;
    in.mtu_test.emplace(cfg);
    in.mtu_at = loop_.now() + data::kMtuTestInterval;
}

// mtu_tick: the client's test, when its 3 s are up.
void Server::mtu_tick(Instance& in, TimePoint now)
{
    if (!in.mtu_test || !in.mtu_at || now < *in.mtu_at)
        return;
    data::MtuTestStep st = in.mtu_test->tick(in.up);
    for (const auto& line : st.lines)
        log_.logf(kV1, "%s %s", in.prefix().c_str(), line.c_str());
    if (st.send && in.up && dp_)
        if (auto s = dp_->send_mtu_probe(in.id, *st.send, in.mtu_test->load_size(), now); !s)
            log_.logf(Verb::Debug, "%s --mtu-test: %s", in.prefix().c_str(), s.error().c_str());
    if (in.mtu_test->running()) {
        in.mtu_at = now + data::kMtuTestInterval;
    } else {
        in.mtu_test.reset();
        in.mtu_at.reset();
    }
}

void Server::on_mtu_reply(Instance& in, const data::MtuReport& r)
{
    if (!in.mtu_test)
        return;
    for (const auto& line : in.mtu_test->on_reply(r))
        log_.logf(kV1, "%s %s", in.prefix().c_str(), line.c_str());
    in.mtu_test.reset();
    in.mtu_at.reset();
}

} // namespace ovpn::server
