// options/startup_warnings.cpp: see startup_warnings.hpp. Each check
// follows the 2.6.14 code named in its comment.
#include "openvpn/options/startup_warnings.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace ovpn::options {
namespace {

using Out = std::vector<StartupWarning>;

const char* const kDefaultDataCiphers = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305";

void add(Out& out, Phase p, std::string option, std::string text, std::string fix, std::string in_27 = "")
{
    out.push_back(StartupWarning{p, std::move(option), std::move(text), std::move(fix), std::move(in_27)});
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string joined(const std::vector<std::string>& args)
{
    std::string s;
    for (const auto& a : args)
        s += (s.empty() ? "" : " ") + a;
    return s;
}

// in_list: 2.6's tls_item_in_cipher_list (names compared case-insensitively,
// a leading '?' marks an optional cipher).
bool in_list(const std::string& item, const std::string& list)
{
    std::stringstream ss(list);
    std::string e;
    while (std::getline(ss, e, ':')) {
        if (!e.empty() && e[0] == '?')
            e.erase(0, 1);
        if (upper(e) == upper(item))
            return true;
    }
    return false;
}

// Compression as options.c's comp-lzo / compress handlers leave it, and
// show_compression_warning after each: real compression enabled and
// "allow-compression yes" not (yet) given.
struct CompState {
    bool non_stub = false;
    bool allowed = false;
};

void compression_directive(const Directive& d, CompState& s)
{
    const std::string arg = d.args.empty() ? "" : d.args[0];
    if (d.name == "allow-compression") {
        s.allowed = arg == "yes";
    } else if (d.name == "comp-lzo") {
        s.non_stub = arg != "no";
    } else if (d.name == "compress") {
        s.non_stub = arg == "lzo" || arg == "lz4" || arg == "lz4-v2";
        if (arg == "migrate")
            s.allowed = false; // 2.6 resets the flags to COMP_F_MIGRATE
    }
}

void compression_warning(const Directive& d, Out& out)
{
    const bool lzo = d.name == "comp-lzo";
    add(out, Phase::Parse, d.name,
        "WARNING: Compression for receiving enabled. Compression has been used in the past to break "
        "encryption. Sent packets are not compressed unless \"allow-compression yes\" is also set.",
        lzo ? "remove comp-lzo (or: compress migrate on the server)"
            : "remove compress " + joined(d.args) + " (or: compress migrate on the server)",
        "never compresses what it sends; allow-compression yes means asym");
}

// parse_phase: the lines options.c prints while it reads the directives.
void parse_phase(const Options& o, Out& out)
{
    CompState comp;
    for (const auto& d : o.directives) {
        if (d.name == "ncp-ciphers")
            add(out, Phase::Parse, d.name,
                "Note: Treating option '--ncp-ciphers' as  '--data-ciphers' (renamed in OpenVPN 2.5).",
                "write: data-ciphers " + joined(d.args));
        if (d.name == "secret")
            add(out, Phase::Parse, d.name, "DEPRECATED OPTION: The option --secret is deprecated.",
                "use TLS: tls-server / tls-client with peer-fingerprint (no CA needed) instead of secret",
                "refuses --secret unless --allow-deprecated-insecure-static-crypto is given; 2.8 removes it");
        compression_directive(d, comp);
        const bool comp_directive = d.name == "comp-lzo" || d.name == "compress";
        if (comp_directive && comp.non_stub && !comp.allowed)
            compression_warning(d, out);
    }
}

// cipher_phase: options_postprocess_cipher (pull or server mode only).
void cipher_phase(const Options& o, Out& out)
{
    if (!o.pull && !o.is_server())
        return;
    const std::string list = o.data_ciphers.value_or(kDefaultDataCiphers);
    if (!o.cipher) {
        add(out, Phase::Mutate, "cipher",
            "Note: --cipher is not set. OpenVPN versions before 2.5 defaulted to BF-CBC as fallback when "
            "cipher negotiation failed in this case. If you need this fallback please add "
            "'--data-ciphers-fallback BF-CBC' to your configuration and/or add BF-CBC to --data-ciphers.",
            "nothing to do unless a peer is older than 2.4 (then: data-ciphers-fallback BF-CBC)");
    } else if (!o.data_ciphers_fallback && !in_list(*o.cipher, list)) {
        add(out, Phase::Mutate, "cipher",
            "DEPRECATED OPTION: --cipher set to '" + *o.cipher + "' but missing in --data-ciphers (" + list +
                "). OpenVPN ignores --cipher for cipher negotiations. ",
            "remove cipher " + *o.cipher + " (or, for peers older than 2.4: data-ciphers-fallback " +
                *o.cipher + ")");
    }
}

// tun_device: 2.6's dev_type_enum is DEV_TYPE_TUN.
bool tun_device(const Options& o)
{
    if (o.dev_type)
        return *o.dev_type == "tun";
    return o.dev && o.dev->rfind("tun", 0) == 0;
}

// net30_warning: helper.c's helper_client_server for --server on a tun
// device with net30 (2.6's default) and an IPv4 pool.
void net30_warning(const Options& o, Out& out)
{
    if (!o.server || !tun_device(o) || (o.topology && *o.topology != Topology::Net30))
        return;
    if (std::find(o.server->begin(), o.server->end(), "nopool") != o.server->end())
        return;
    add(out, Phase::Mutate, "topology",
        "WARNING: --topology net30 support for server configs with IPv4 pools will be removed in a future "
        "release. Please migrate to --topology subnet as soon as possible.",
        "write: topology subnet (clients' ifconfig-push lines then name address and netmask)",
        "the default for --server is topology subnet");
}

// mutate_phase: options_postprocess_mutate, before the DCO decision.
void mutate_phase(const Options& o, Out& out)
{
    net30_warning(o, out);
    cipher_phase(o, out);
    if (!o.tls_server && o.dh)
        add(out, Phase::Mutate, "dh",
            "WARNING: Ignoring option 'dh' in tls-client mode, please only include this in your server "
            "configuration",
            "remove dh from the client configuration");
}

// private_file: check_file_access's CHKACC_PRIVATE for one file argument.
void private_file(const std::optional<FileRef>& f, const char* option, const FileMode& mode, Out& out)
{
    if (!f || f->is_inline || f->path.empty() || f->path == "stdin")
        return;
    const auto m = mode(f->path);
    if (m && (*m & (S_IRWXG | S_IRWXO)))
        add(out, Phase::Files, option, "WARNING: file '" + f->path + "' is group or others accessible",
            "chmod 600 " + f->path);
}

// files_phase: options_postprocess_filechecks, the private files in its order.
void files_phase(const Options& o, const FileMode& mode, Out& out)
{
    if (!o.management_external_key)
        private_file(o.key, "key", mode, out);
    private_file(o.pkcs12, "pkcs12", mode, out);
    const std::vector<ConnectionEntry> one{o.ce};
    for (const auto& ce : o.connections.empty() ? one : o.connections) {
        private_file(ce.tls_auth, "tls-auth", mode, out);
        private_file(ce.tls_crypt, "tls-crypt", mode, out);
        private_file(ce.tls_crypt_v2, "tls-crypt-v2", mode, out);
    }
    private_file(o.secret, "secret", mode, out);
    private_file(o.auth_user_pass, "auth-user-pass", mode, out);
}

// no_server_verification: do_option_warnings' test for a TLS client.
bool no_server_verification(const Options& o)
{
    const bool ns_server = o.ns_cert_type && *o.ns_cert_type == "server";
    const bool peer_fp = o.peer_fingerprint || (o.verify_hash && o.verify_hash->depth == 0);
    return o.tls_client && !o.tls_verify && !o.verify_x509_name && !ns_server && !o.remote_cert_eku &&
           !o.remote_cert_tls && !peer_fp;
}

void option_warnings(const Options& o, Out& out)
{
    // 2.6's first: a ping sent but none awaited (--keepalive sets both)
    const bool ka = o.keepalive && o.keepalive->first > 0 && o.keepalive->second > 0;
    if (!ka && o.ping.value_or(0) > 0 && o.ping_restart.value_or(0) <= 0 && o.ping_exit.value_or(0) <= 0)
        add(out, Phase::Init, "ping",
            "WARNING: --ping should normally be used with --ping-restart or --ping-exit",
            "write: ping-restart <seconds> (or keepalive <ping> <restart> for both)");
    if (o.server_bridge) // 2.6: server_bridge_defined | server_bridge_proxy_dhcp
        add(out, Phase::Init, "server-bridge",
            "NOTE: when bridging your LAN adapter with the TAP adapter, note that the new bridge adapter "
            "will often "
            "take on its own IP address that is different from what the LAN adapter was previously set to",
            "give the Linux bridge the LAN adapter's address (ip addr add ... dev br0), not the LAN adapter");
    if (o.is_server() && (!o.keepalive || o.keepalive->first == 0 || o.keepalive->second == 0))
        add(out, Phase::Init, "keepalive", "WARNING: --keepalive option is missing from server config",
            "write: keepalive 10 60");
    if (no_server_verification(o))
        add(out, Phase::Init, "remote-cert-tls",
            "WARNING: No server certificate verification method has been enabled.  See "
            "http://openvpn.net/howto.html#mitm for more info.",
            "write: remote-cert-tls server (and verify-x509-name <server's CN> name)");
}

// insecure_cipher: 2.6's cipher_kt_insecure, by name: the 64-bit block ciphers.
std::optional<int> small_block_bits(const std::string& cipher)
{
    const std::string u = upper(cipher);
    for (const char* p : {"BF-", "DES-", "DES-EDE", "DESX-", "CAST5-", "RC2-", "IDEA-"})
        if (u.rfind(p, 0) == 0)
            return 64;
    return std::nullopt;
}

// insecure_cipher_warning: crypto.c's warn_insecure_key_type for the
// cipher a non-pulling peer uses (BF-CBC when none is given).
void insecure_cipher_warning(const Options& o, Out& out)
{
    if (o.pull || o.is_server())
        return;
    const std::string c = o.cipher.value_or("BF-CBC");
    const auto bits = small_block_bits(c);
    if (!bits)
        return;
    add(out, Phase::Init, "cipher",
        "WARNING: INSECURE cipher (" + c + ") with block size less than 128 bit (" + std::to_string(*bits) +
            " bit).  This allows attacks like SWEET32.  Mitigate by using a --cipher with a larger block "
            "size (e.g. AES-256-CBC). Support for these insecure ciphers will be removed in OpenVPN 2.7.",
        "write: cipher AES-256-CBC (on both peers)", "removes the 64-bit block ciphers");
}

// fragment_warnings: do_init_frame's MTU advisories (first connection).
void fragment_warnings(const Options& o, Out& out)
{
    const ConnectionEntry& ce = o.connections.empty() ? o.ce : o.connections.front();
    if (!ce.fragment || ce.max_packet_size)
        return;
    const bool mss_given = ce.mssfix && !ce.mssfix->empty();
    const int mssfix = mss_given ? std::atoi((*ce.mssfix)[0].c_str()) : *ce.fragment;
    const bool mss_encap = !mss_given || (ce.mssfix->size() > 1 && (*ce.mssfix)[1] == "mtu");
    if (mssfix > *ce.fragment)
        add(out, Phase::Init, "fragment",
            "WARNING: if you use --mssfix and --fragment, you should set --fragment (" +
                std::to_string(*ce.fragment) + ") larger or equal than --mssfix (" + std::to_string(mssfix) +
                ")",
            "write: fragment " + std::to_string(mssfix));
    const Directive* f = o.last("fragment");
    const bool fragment_mtu = f && f->args.size() > 1;
    if (mssfix > 0 && fragment_mtu != mss_encap)
        add(out, Phase::Init, "fragment",
            "WARNING: if you use --mssfix and --fragment, you should use the \"mtu\" flag for both or none "
            "of "
            "of them.",
            fragment_mtu ? "write: mssfix " + std::to_string(mssfix) + " mtu"
                         : "write: fragment " + std::to_string(*ce.fragment) + " mtu");
}

} // namespace

std::vector<StartupWarning> startup_warnings(const Options& o, const FileMode& mode)
{
    Out out;
    parse_phase(o, out);
    mutate_phase(o, out);
    files_phase(o, mode, out);
    option_warnings(o, out);
    insecure_cipher_warning(o, out);
    fragment_warnings(o, out);
    return out;
}

std::optional<unsigned> stat_mode(const std::string& path)
{
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    return static_cast<unsigned>(st.st_mode);
}

std::vector<std::string> in_phase(const std::vector<StartupWarning>& w, Phase p)
{
    std::vector<std::string> out;
    for (const auto& x : w)
        if (x.phase == p)
            out.push_back(x.text);
    return out;
}

} // namespace ovpn::options
