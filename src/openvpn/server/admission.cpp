// server/admission.cpp: whether a client that finished its handshake may
// use the VPN and with which addresses: duplicate-cn, --auth-user-pass-verify,
// --client-config-dir, --client-connect, the pool, NCP; AUTH_FAILED when not.
#include "openvpn/server/client_config.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "openvpn/options/dco.hpp"
#include "openvpn/options/push_options.hpp"
#include "openvpn/options/vlan_pvid.hpp"
#include "openvpn/server/instance.hpp"
#include "openvpn/server/iroute.hpp"
#include "openvpn/server/server.hpp"
#include "openvpn/session/data_options.hpp"

namespace ovpn::server {

void Server::on_key_active(Instance& in, std::uint8_t key_id, bool renegotiated)
{
    const control::TlsSession* tls = in.cc->tls_session(key_id);
    if (tls != nullptr) {
        if (!renegotiated)
            in.cn = tls->peer_common_name().empty() ? "UNDEF" : tls->peer_common_name();
        log_.logf(kV1, "%s Control Channel: %s, peer certificate: %s", in.prefix().c_str(),
                  tls->description().c_str(), tls->peer_subject().c_str());
    }
    const wire::KeyMethod2* km = in.cc->peer_km2(key_id);
    if (km != nullptr)
        in.peer_info = km->peer_info; // IV_SSO for AUTH_PENDING (auth_deferred.cpp)
    mgmt_key_env(in, key_id, km);
    if (renegotiated) {
        on_renegotiated(in, key_id, km);
        return;
    }
    log_.logf(kV1, "%s [%s] Peer Connection Initiated with %s%s", in.prefix().c_str(), in.cn.c_str(),
              in.addr.to_string().c_str(), in.local.via_string().c_str());
    if (mgmt_defer_auth(in, key_id, km, false))
        return; // --management-client-auth decides (mgmt_host.cpp)
    admit(in, km, key_id);
}

// on_renegotiated: a new key of an admitted client; its credentials are
// checked again (2.6 re-runs --auth-user-pass-verify).
void Server::on_renegotiated(Instance& in, std::uint8_t key_id, const wire::KeyMethod2* km)
{
    if (in.auth_failed)
        return;
    if (mgmt_defer_auth(in, key_id, km, true))
        return;
    if (checks_user_pass() && km != nullptr && !verify_user_pass(in, km->username, km->password)) {
        in.auth.reset();
        fail_auth(in, "");
        return;
    }
    key_verified(in, km, key_id, true);
}

// key_verified: a key whose credentials passed: the TLS_FINAL plugins,
// then a deferring plugin, script or management client, then the client's
// admission (its first key) or the new key's installation.
void Server::key_verified(Instance& in, const wire::KeyMethod2* km, std::uint8_t key_id, bool renegotiated)
{
    if (!tls_final(in, key_id)) {
        in.auth.reset();
        fail_auth(in, "");
        return;
    }
    if (auth_wait(in, key_id, renegotiated))
        return; // a deferring plugin or script decides (auth_deferred.cpp)
    if (!renegotiated) {
        admit_verified(in, km);
        return;
    }
    if (in.up)
        if (auto s = install_key(in, key_id, false); !s)
            log_.logf(kV1, "%s ERROR: installing the renegotiated key failed: %s", in.prefix().c_str(),
                      s.error().c_str());
}

// drop_older_sessions: 2.6 without --duplicate-cn (multi_delete_dup): once
// a new session of a common name is authenticated, it replaces the older
// ones. Not before: a client that fails its password or token check must
// not end the session of the user it claims to be.
void Server::drop_older_sessions(Instance& in)
{
    if (o_.duplicate_cn || in.cn == "UNDEF")
        return;
    int dropped = 0;
    for (auto& [id, other] : instances_) {
        if (other.get() == &in || other->dead || other->cn != in.cn)
            continue;
        close_instance(*other, "SIGUSR1[soft,duplicate-cn] received, client-instance restarting");
        ++dropped;
    }
    if (dropped > 0)
        log_.logf(kV1,
                  "MULTI: new connection by client '%s' will cause previous active sessions by this "
                  "client to be dropped.  Remember to use the --duplicate-cn option if you want multiple "
                  "clients using the same certificate or username to concurrently connect.",
                  in.cn.c_str());
}

// admit: a client's first key: --auth-user-pass-verify, the client config
// (addresses), NCP; then its peer in the data plane and the PUSH_REPLY, or
// AUTH_FAILED.
void Server::admit(Instance& in, const wire::KeyMethod2* km, std::uint8_t key_id)
{
    if (checks_user_pass() && (km == nullptr || !verify_user_pass(in, km->username, km->password))) {
        in.auth.reset();
        fail_auth(in, "");
        return;
    }
    key_verified(in, km, key_id, false);
}

void Server::admit_verified(Instance& in, const wire::KeyMethod2* km)
{
    // 2.6's multi_client_connect_early_setup: the log prefix gets the
    // common name, and older sessions of that name go
    in.named = true;
    drop_older_sessions(in);
    if (!client_connect(in)) {
        fail_auth(in, "");
        return;
    }
    NcpInput ni;
    ni.data_ciphers = session::data_ciphers(o_);
    ni.fallback = o_.data_ciphers_fallback;
    ni.auth = o_.auth.value_or("SHA1");
    if (km != nullptr) {
        ni.peer_info = km->peer_info;
        ni.client_options = km->options;
    }
    auto n = negotiate_server(ni);
    if (!n) {
        log_.logf(kV1, "%s %s", in.prefix().c_str(), n.error().c_str());
        fail_auth(in, n.error());
        return;
    }
    if (!n->data_v2 && offloaded()) {
        // 2.6 (multi_client_set_protocol_options): the kernel only takes
        // P_DATA_V2 with a peer id
        log_.logf(kV1,
                  "%s Client does not support DATA_V2. Data channel offloading requires DATA_V2. "
                  "Dropping client.",
                  in.prefix().c_str());
        fail_auth(in, "Data channel negotiation failed (missing DATA_V2)");
        return;
    }
    in.ncp = *n;
    if (auto s = activate(in); !s) {
        log_.logf(kV1, "%s ERROR: %s", in.prefix().c_str(), s.error().c_str());
        close_instance(in, "");
        return;
    }
    if (in.ncp->request_push)
        send_push_reply(in);
}

// client_connect: --client-config-dir, then --client-connect; decides the
// client's addresses. false: refuse the client (disable, ccd-exclusive
// without a file, script failure, bad file).
bool Server::client_connect(Instance& in)
{
    ClientConfig cfg;
    ClientTexts texts;
    if (!read_ccd(in, cfg, texts) || !select_pool_address(in, cfg) || !run_client_connect(in, cfg, texts))
        return false;
    if (!in.mgmt_config.empty()) {
        // client-auth's lines, after the script's (2.6's connect handlers)
        std::string text;
        for (const auto& l : in.mgmt_config)
            text += l + "\n";
        auto c = parse_client_config(text, "management client-auth");
        if (!c) {
            log_.logf(kV1, "%s %s", in.prefix().c_str(), c.error().c_str());
            return false;
        }
        merge(cfg, *c);
        texts.emplace_back("management client-auth", text);
    }
    return apply_client_config(in, std::move(cfg)) && dco_allows(in, texts);
}

// dco_allows: under DCO the client's own options (client-config-dir,
// --client-connect) must not bring what the kernel cannot do; 2.6 applies
// them to the client's copy of the options and checks them with the
// verdict's function (dco_check_option), then rejects the client. Also 2.6:
// any compression but stub-v2 is refused under DCO on its own.
bool Server::dco_allows(Instance& in, const ClientTexts& texts)
{
    if (texts.empty() || !offloaded())
        return true;
    options::Options mine = o_;
    Logger quiet(stderr);
    quiet.set_verb(-1); // our own parse of these texts already logged
    for (const auto& [name, text] : texts)
        (void)options::apply_client_config(mine, text, name, quiet);
    const auto refused = options::dco_option_blockers(mine);
    bool ok = true;
    if (!refused.empty()) {
        const options::DcoBlocker& b = refused.front();
        log_.logf(kV1, "%s %s", in.prefix().c_str(), b.message.c_str());
        if (b.option == "compress" || b.option == "comp-lzo")
            log_.logf(kV1, "%s Consider using the '--compress migrate' option.", in.prefix().c_str());
        log_.logf(kV1, "%s MULTI: client has been rejected due to incompatible DCO options",
                  in.prefix().c_str());
        ok = false;
    }
    if (mine.comp_lzo || (mine.compress && *mine.compress != "stub-v2" && *mine.compress != "migrate")) {
        log_.logf(kV1,
                  "%s Compression or compression stub framing is not allowed since data-channel "
                  "offloading is enabled.",
                  in.prefix().c_str());
        log_.logf(kV1, "%s MULTI: client has been rejected due to invalid compression options",
                  in.prefix().c_str());
        ok = false;
    }
    return ok;
}

// read_ccd: the client's --client-config-dir file (or DEFAULT) into cfg.
bool Server::read_ccd(Instance& in, ClientConfig& cfg, ClientTexts& texts)
{
    if (!o_.client_config_dir)
        return true;
    std::string text;
    bool found = false;
    for (const std::string& name : {in.cn, std::string("DEFAULT")}) {
        if (name.find('/') != std::string::npos || name == "." || name == "..")
            continue;
        std::ifstream f(*o_.client_config_dir + "/" + name);
        if (f) {
            std::stringstream ss;
            ss << f.rdbuf();
            text = ss.str();
            found = true;
            break;
        }
        if (o_.ccd_exclusive)
            break; // DEFAULT does not satisfy --ccd-exclusive
    }
    if (!found && o_.ccd_exclusive) {
        log_.logf(kV1, "%s MULTI: no dynamic or static remote --ifconfig address is available for %s",
                  in.prefix().c_str(), in.prefix().c_str());
        return false;
    }
    if (found) {
        auto c = parse_client_config(text, *o_.client_config_dir + "/" + in.cn);
        if (!c) {
            log_.logf(kV1, "%s %s", in.prefix().c_str(), c.error().c_str());
            return false;
        }
        merge(cfg, *c);
        texts.emplace_back(*o_.client_config_dir + "/" + in.cn, std::move(text));
    }
    return true;
}

// select_pool_address: 2.6 (multi_select_virtual_addr): an --ifconfig-push
// from the ccd file takes no pool address; one from --client-connect comes
// too late for that.
bool Server::select_pool_address(Instance& in, const ClientConfig& cfg)
{
    const bool ccd_ifconfig = cfg.ifconfig_push.has_value();
    if (!ccd_ifconfig) {
        if (!in.addr_slot)
            in.addr_slot = pool_->acquire_addr(in.cn);
        if (!in.addr_slot) {
            log_.logf(kV1, "%s MULTI: no free --ifconfig-pool addresses are available", in.prefix().c_str());
            return false;
        }
        in.v4 = pool_->v4(*in.addr_slot);
        in.v6 = pool_->v6(*in.addr_slot);
    } else {
        if (in.addr_slot) {
            pool_->release_addr(*in.addr_slot);
            in.addr_slot.reset();
        }
        in.v4.reset();
        in.v6.reset();
        if (!cfg.ifconfig_ipv6_push && pool_->v6(0))
            log_.logf(kV1,
                      "%s MULTI_sva: WARNING: if --ifconfig-push is used for IPv4, automatic IPv6 assignment "
                      "from --ifconfig-ipv6-pool does not work.  Use --ifconfig-ipv6-push for IPv6 then.",
                      in.prefix().c_str());
    }
    // the ccd's own addresses are the client's from here on, so that
    // --client-connect sees them (2.6 sets ifconfig_pool_remote_ip* then)
    in_addr a4{};
    if (cfg.ifconfig_push && inet_pton(AF_INET, cfg.ifconfig_push->first.c_str(), &a4) == 1)
        in.v4 = a4;
    in6_addr a6{};
    if (cfg.ifconfig_ipv6_push) {
        const std::string& spec = cfg.ifconfig_ipv6_push->first;
        if (inet_pton(AF_INET6, spec.substr(0, spec.find('/')).c_str(), &a6) == 1)
            in.v6 = a6;
    }
    return true;
}

// client_vlan_pvid: the client's --vlan-pvid (0: the server's). A bad value
// is reported and ignored, as 2.6 does with an option error in these files.
std::uint16_t Server::client_vlan_pvid(const Instance& in, const ClientConfig& cfg)
{
    if (!cfg.vlan_pvid)
        return 0;
    const int v = options::vlan_pvid_value(*cfg.vlan_pvid);
    if (options::vlan_pvid_ok(v))
        return static_cast<std::uint16_t>(v);
    log_.logf(kV1, "%s Options error: the parameter of --vlan-pvid parameters must be >= 1 and <= 4094",
              in.prefix().c_str());
    return 0;
}

// apply_client_config: the merged configuration decides: disable, the
// addresses to push, the iroutes.
bool Server::apply_client_config(Instance& in, ClientConfig cfg)
{
    if (cfg.disable) {
        log_.logf(kV1, "%s MULTI: client has been rejected due to 'disable' directive", in.prefix().c_str());
        return false;
    }
    for (const auto& d : cfg.ignored)
        log_.logf(Verb::Info, "%s client config: --%s is not applied here", in.prefix().c_str(), d.c_str());
    in.push_ifconfig = in.addr_slot ? pool_->push_ifconfig(*in.addr_slot) : std::nullopt;
    in.push_ifconfig_ipv6 = in.addr_slot ? pool_->push_ifconfig_ipv6(*in.addr_slot) : std::nullopt;
    if (cfg.ifconfig_push) {
        in_addr a{};
        if (inet_pton(AF_INET, cfg.ifconfig_push->first.c_str(), &a) != 1) {
            log_.logf(kV1, "%s bad --ifconfig-push %s", in.prefix().c_str(),
                      cfg.ifconfig_push->first.c_str());
            return false;
        }
        in.v4 = a;
        in.push_ifconfig = "ifconfig " + cfg.ifconfig_push->first + " " + cfg.ifconfig_push->second;
    }
    if (cfg.ifconfig_ipv6_push) {
        const std::string& spec = cfg.ifconfig_ipv6_push->first;
        in6_addr a{};
        if (inet_pton(AF_INET6, spec.substr(0, spec.find('/')).c_str(), &a) != 1) {
            log_.logf(kV1, "%s bad --ifconfig-ipv6-push %s", in.prefix().c_str(), spec.c_str());
            return false;
        }
        in.v6 = a;
        std::string remote = cfg.ifconfig_ipv6_push->second;
        if (remote.empty() && o_.ifconfig_ipv6)
            remote = o_.ifconfig_ipv6->first.substr(0, o_.ifconfig_ipv6->first.find('/'));
        in.push_ifconfig_ipv6 = "ifconfig-ipv6 " + spec + " " + remote;
    }
    in.vlan_pvid = client_vlan_pvid(in, cfg);
    in.iroutes.clear();
    for (const std::string& r : cfg.iroutes) {
        auto ir = parse_iroute(r);
        if (!ir) {
            log_.logf(kV1, "%s %s", in.prefix().c_str(), ir.error().c_str());
            continue;
        }
        in.iroutes.push_back(*ir);
    }
    in.ccfg = std::move(cfg);
    return true;
}

void Server::fail_auth(Instance& in, const std::string& reason)
{
    in.auth_failed = true;
    in.auth.reset(); // a pending decision and its files go with the refusal
    // 2.6: a plugin's or script's auth_failed_reason_file gives the reason
    const std::string& why = reason.empty() ? in.auth_reason : reason;
    std::string msg = why.empty() ? "AUTH_FAILED" : "AUTH_FAILED," + why;
    (void)in.cc->send_message(msg);
    log_.logf(Verb::Info, "%s SENT CONTROL [%s]: '%s' (status=1)", in.prefix().c_str(), in.cn.c_str(),
              msg.c_str());
    if (in.up && dp_) {
        (void)dp_->del_peer(in.id);
        in.up = false;
    }
    in.drop_at = loop_.now() + kAuthFailedLinger;
    flush(in);
}

} // namespace ovpn::server
