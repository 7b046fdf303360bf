#include "openvpn/client/setup.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "openvpn/control/data_keys.hpp"
#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/process/console.hpp"
#include "openvpn/wire/tls_auth.hpp"
#include "openvpn/wire/tls_crypt.hpp"

namespace ovpn::client {

namespace {

const char* const kDefaultDataCiphers = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305";

bool is_encrypted_pem(const SecureBytes& pem)
{
    const std::string_view v(reinterpret_cast<const char*>(pem.data()), pem.size());
    return v.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string_view::npos ||
           v.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos;
}

// unlock_private_key: an encrypted PEM key (PKCS#8 or legacy) decrypted
// with the passphrase from --askpass FILE or the terminal ("Enter Private
// Key Password:", no echo), re-encoded as plain PKCS#8 PEM in wiped memory.
Result<SecureBytes> unlock_private_key(const options::Options& o, const SecureBytes& pem)
{
    Result<SecureBytes> pass = Err(std::string());
    const options::Directive* ask = o.last("askpass");
    if (ask != nullptr && !ask->args.empty())
        pass = process::read_askpass_file(ask->args[0]);
    else
        pass = process::read_console("Enter Private Key Password:", false);
    if (!pass)
        return Err(pass.error());
    std::string pw(reinterpret_cast<const char*>(pass->data()), pass->size());
    BIO* in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* pkey = in != nullptr ? PEM_read_bio_PrivateKey(in, nullptr, nullptr, pw.data()) : nullptr;
    std::fill(pw.begin(), pw.end(), '\0');
    BIO_free(in);
    if (pkey == nullptr)
        return Err(std::string("Cannot load private key file ") +
                   (o.key && !o.key->is_inline ? o.key->path : std::string("[[INLINE]]")) +
                   ": wrong passphrase or unreadable key");
    BIO* out = BIO_new(BIO_s_secmem());
    if (out == nullptr)
        out = BIO_new(BIO_s_mem());
    SecureBytes plain;
    if (out != nullptr &&
        PEM_write_bio_PKCS8PrivateKey(out, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1) {
        char* data = nullptr;
        const long n = BIO_get_mem_data(out, &data);
        if (n > 0)
            plain = SecureBytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data),
                                                              static_cast<std::size_t>(n)));
    }
    BIO_free(out);
    EVP_PKEY_free(pkey);
    if (plain.size() == 0)
        return Err(std::string("Cannot re-encode the decrypted private key"));
    return plain;
}

std::string upper(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::vector<std::string> split(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep))
        if (!item.empty())
            out.push_back(item);
    return out;
}

// has_flag: `word` among the arguments of the last `name` directive (the
// typed field keeps only the first word of "protocol-flags a b c").
bool has_flag(const options::Options& o, const std::string& name, const std::string& word)
{
    const options::Directive* d = o.last(name);
    return d != nullptr && std::find(d->args.begin(), d->args.end(), word) != d->args.end();
}

// occ_value: the value of "key v" in an OCC string ("V4,cipher X,...").
std::optional<std::string> occ_value(const std::string& occ, const std::string& key)
{
    for (const auto& item : split(occ, ',')) {
        if (item.rfind(key + " ", 0) == 0)
            return item.substr(key.size() + 1);
    }
    return std::nullopt;
}

Result<control::RemoteCertTls> remote_cert_tls(const options::Options& o)
{
    std::optional<std::string> v = o.remote_cert_tls ? o.remote_cert_tls : o.ns_cert_type;
    if (!v)
        return control::RemoteCertTls::None;
    if (*v == "server")
        return control::RemoteCertTls::Server;
    if (*v == "client")
        return control::RemoteCertTls::Client;
    return Err("--remote-cert-tls: unknown value '" + *v + "'");
}

} // namespace

bool contains_cipher(const std::string& list, const std::string& cipher)
{
    const std::string u = upper(cipher);
    for (const auto& c : split(list, ':'))
        if (upper(c) == u)
            return true;
    return false;
}

Result<std::string> read_file_ref(const options::FileRef& f)
{
    if (f.is_inline)
        return f.content;
    std::ifstream in(f.path, std::ios::binary);
    if (!in)
        return Err("Error opening file '" + f.path + "' (--" + f.option + ")");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

ResolvePolicy resolve_policy(const options::Options& o)
{
    ResolvePolicy p;
    if (!o.resolv_retry || *o.resolv_retry == "infinite") {
        p.tries = o.connections.size() > 1 ? 1 : 0;
        return p;
    }
    const long n = std::strtol(o.resolv_retry->c_str(), nullptr, 10);
    if (n <= 0) {
        p.tries = 1;
        p.fatal = true;
        return p;
    }
    p.tries = static_cast<int>(std::max<long>(1, (n + kResolveRetryInterval - 1) / kResolveRetryInterval));
    return p;
}

Result<control::TlsConfig> make_tls_config(const options::Options& o)
{
    control::TlsConfig t;
    t.is_server = o.tls_server || o.is_server();
    auto load = [](const std::optional<options::FileRef>& f, std::string& out) -> Status<> {
        if (!f)
            return Ok{};
        auto r = read_file_ref(*f);
        if (!r)
            return Err(r.error());
        out = std::move(*r);
        return Ok{};
    };
    std::string key;
    for (auto [f, out] : {std::pair{&o.ca, &t.ca_pem}, std::pair{&o.cert, &t.cert_pem},
                          std::pair{&o.extra_certs, &t.extra_certs_pem}, std::pair{&o.key, &key}}) {
        if (auto s = load(*f, *out); !s)
            return Err(s.error());
    }
    t.key_pem = SecureBytes(as_bytes(key));
    std::fill(key.begin(), key.end(), '\0');
    if (is_encrypted_pem(t.key_pem)) {
        auto plain = unlock_private_key(o, t.key_pem);
        if (!plain)
            return Err(plain.error());
        t.key_pem = std::move(*plain);
    }
    if (o.crl_verify) {
        const options::Directive* d = o.last("crl-verify");
        const bool dir = d != nullptr && d->args.size() > 1;
        // A file is read by the TLS context, and read again when it
        // changes (2.6); an inline <crl-verify> block is fixed.
        if (dir) {
            t.crl_dir = o.crl_verify->path; // 'dir': one file per revoked serial
        } else if (o.crl_verify->is_inline) {
            if (auto s = load(o.crl_verify, t.crl_pem); !s)
                return Err(s.error());
        } else {
            t.crl_file = o.crl_verify->path;
        }
    }
    if (o.pkcs12) {
        std::string p12;
        if (auto s = load(o.pkcs12, p12); !s)
            return Err(s.error());
        // An inline <pkcs12> block is base64 (2.6); a file is DER.
        t.pkcs12_der.assign(p12.begin(), p12.end());
    }
    if (o.tls_version_min)
        t.tls_version_min = split(*o.tls_version_min, ' ').front();
    if (o.tls_version_max)
        t.tls_version_max = *o.tls_version_max;
    t.tls_cipher = o.tls_cipher.value_or("");
    t.tls_ciphersuites = o.tls_ciphersuites.value_or("");
    t.tls_groups = o.tls_groups.value_or("");
    if (o.verify_client_cert && *o.verify_client_cert != "require")
        t.require_peer_cert = false;
    if (o.verify_x509_name && !o.verify_x509_name->empty()) {
        control::VerifyX509Name v{o.verify_x509_name->front(), control::X509NameType::Subject};
        if (o.verify_x509_name->size() > 1) {
            const std::string& ty = (*o.verify_x509_name)[1];
            if (ty == "name")
                v.type = control::X509NameType::Name;
            else if (ty == "name-prefix")
                v.type = control::X509NameType::NamePrefix;
            else if (ty != "subject")
                return Err("--verify-x509-name: unknown type '" + ty + "'");
        }
        t.verify_x509_name = v;
    }
    auto rct = remote_cert_tls(o);
    if (!rct)
        return Err(rct.error());
    t.remote_cert_tls = *rct;
    return t;
}

Result<std::unique_ptr<control::ControlWrap>>
make_control_wrap(const options::Options& o, const options::ConnectionEntry& ce, std::uint32_t wall_secs)
{
    const bool server = o.tls_server || o.is_server();
    auto pick = [&](const std::optional<options::FileRef> options::ConnectionEntry::*m) {
        return (ce.*m) ? (ce.*m) : (o.ce.*m);
    };
    if (auto ta = pick(&options::ConnectionEntry::tls_auth)) {
        auto text = read_file_ref(*ta);
        if (!text)
            return Err(text.error());
        auto key = crypto::parse_static_key(*text);
        if (!key)
            return Err("--tls-auth: " + key.error());
        auto kd = ce.key_direction ? ce.key_direction : o.ce.key_direction;
        crypto::KeyDirection dir = crypto::KeyDirection::Bidirectional;
        if (kd)
            dir = *kd == 0 ? crypto::KeyDirection::Normal : crypto::KeyDirection::Inverse;
        auto s = crypto::key_slices(*key, dir);
        auto w = wire::TlsAuth::create(o.auth.value_or("SHA1"), s.send_hmac, s.recv_hmac, wall_secs);
        if (!w)
            return Err("--tls-auth: " + w.error());
        return control::make_tls_auth_wrap(std::move(w).value());
    }
    if (auto tc = pick(&options::ConnectionEntry::tls_crypt)) {
        auto text = read_file_ref(*tc);
        if (!text)
            return Err(text.error());
        auto key = crypto::parse_static_key(*text);
        if (!key)
            return Err("--tls-crypt: " + key.error());
        auto w =
            wire::TlsCrypt::create(key->bytes, server ? wire::Role::Server : wire::Role::Client, wall_secs);
        if (!w)
            return Err("--tls-crypt: " + w.error());
        return control::make_tls_crypt_wrap(std::move(w).value());
    }
    if (auto v2 = pick(&options::ConnectionEntry::tls_crypt_v2)) {
        if (server)
            return Err(std::string("--tls-crypt-v2 server side is not supported in p2p mode"));
        auto text = read_file_ref(*v2);
        if (!text)
            return Err(text.error());
        auto key = crypto::parse_tls_crypt_v2_client_key(*text);
        if (!key)
            return Err("--tls-crypt-v2: " + key.error());
        auto w = wire::TlsCrypt::create(key->kc.bytes, wire::Role::Client, wall_secs);
        if (!w)
            return Err("--tls-crypt-v2: " + w.error());
        auto wrap = std::move(w).value();
        // A tls-crypt-v2 client starts its packet ids at 0x0f000000 to signal
        // early negotiation support (§3.6).
        wrap.send_counter() = wire::PacketIdSend(wall_secs, wire::kEarlyNegStart);
        return control::make_tls_crypt_wrap(std::move(wrap), std::move(key->wkc));
    }
    return control::make_no_wrap();
}

std::string data_ciphers(const options::Options& o)
{
    return o.data_ciphers.value_or(kDefaultDataCiphers);
}

unsigned iv_proto(const options::Options& o)
{
    unsigned bits = wire::kIvProtoDataV2 | wire::kIvProtoTlsKeyExport | wire::kIvProtoCcExitNotify;
    if (o.pull)
        bits |= wire::kIvProtoRequestPush | wire::kIvProtoAuthFailTemp;
    else
        bits |= wire::kIvProtoNcpP2p;
    return bits;
}

std::string make_peer_info(const options::Options& o)
{
    wire::PeerInfoParams p;
    p.pull = o.pull;
    p.ciphers = data_ciphers(o);
    p.iv_proto = iv_proto(o);
    if (o.ce.tun_mtu_max)
        p.tun_mtu_max = static_cast<unsigned>(std::max(1600, *o.ce.tun_mtu_max));
    for (const auto& [k, v] : o.setenv) {
        if (k == "IV_GUI_VER" || k == "IV_SSO" || (o.push_peer_info && k.rfind("UV_", 0) == 0))
            p.extra[k] = v;
    }
    return wire::build_peer_info(p);
}

std::string occ_options_string(const options::Options& o, const std::string& proto, bool tls_client)
{
    std::string cipher = o.cipher.value_or("BF-CBC");
    auto ci = control::lookup_data_cipher(cipher);
    bool aead = ci && data::is_aead(ci->alg);
    std::string s = "V4,dev-type tun";
    s += ",link-mtu " + std::to_string(aead ? 1549 : 1557);
    s += ",tun-mtu " + std::to_string(o.ce.tun_mtu.value_or(1500));
    s += ",proto " + proto;
    s += ",cipher " + cipher;
    s += ",auth " + (aead ? std::string("[null-digest]") : o.auth.value_or("SHA1"));
    s += ",keysize " + std::to_string(ci ? ci->key_len * 8 : 128);
    if (o.given("tls-auth"))
        s += ",tls-auth";
    s += ",key-method 2";
    s += tls_client ? ",tls-client" : ",tls-server";
    return s;
}

Result<Negotiated> negotiate_pull(const options::Options& pushed, const std::string& server_options)
{
    Negotiated n;
    const std::string list = data_ciphers(pushed);
    const std::string fallback = pushed.data_ciphers_fallback.value_or("");
    if (pushed.cipher &&
        (contains_cipher(list, *pushed.cipher) || upper(*pushed.cipher) == upper(fallback))) {
        n.cipher = *pushed.cipher;
    } else if (pushed.cipher && !pushed.cipher->empty() && pushed.given("cipher") &&
               pushed.last("cipher")->origin.file == "[PUSH-OPTIONS]") {
        return Err("OPTIONS ERROR: pushed cipher not allowed - " + *pushed.cipher + " not in " + list);
    } else if (auto occ = occ_value(server_options, "cipher"); occ && contains_cipher(list, *occ)) {
        n.cipher = *occ;
    } else if (!fallback.empty()) {
        n.cipher = fallback;
    } else {
        return Err(std::string(
            "OPTIONS ERROR: failed to negotiate cipher with server. Add the server's cipher "
            "('" +
            occ_value(server_options, "cipher").value_or("?") + "') to --data-ciphers (currently '" + list +
            "') if you want to connect to this "
            "server."));
    }
    auto ci = control::lookup_data_cipher(n.cipher);
    if (!ci)
        return Err("Unsupported data cipher '" + n.cipher + "'");
    n.cipher = ci->name;
    n.auth = pushed.auth.value_or("SHA1");
    n.use_ekm =
        has_flag(pushed, "protocol-flags", "tls-ekm") || has_flag(pushed, "key-derivation", "tls-ekm");
    n.cc_exit = has_flag(pushed, "protocol-flags", "cc-exit");
    if (pushed.peer_id)
        n.peer_id = static_cast<std::uint32_t>(*pushed.peer_id);
    return n;
}

Result<Negotiated> negotiate_p2p(const options::Options& o, bool we_are_tls_server,
                                 const std::string& peer_info, const std::string& peer_options)
{
    Negotiated n;
    auto iv = wire::parse_peer_info(peer_info);
    unsigned proto = 0;
    if (auto it = iv.find("IV_PROTO"); it != iv.end())
        proto = static_cast<unsigned>(std::strtoul(it->second.c_str(), nullptr, 10));
    const std::string ours = data_ciphers(o);
    auto it = iv.find("IV_CIPHERS");
    if (it != iv.end()) {
        const std::string& server_list = we_are_tls_server ? ours : it->second;
        const std::string& client_list = we_are_tls_server ? it->second : ours;
        for (const auto& c : split(server_list, ':')) {
            if (contains_cipher(client_list, c)) {
                n.cipher = c;
                break;
            }
        }
    }
    if (n.cipher.empty()) {
        auto occ = occ_value(peer_options, "cipher");
        if (o.data_ciphers_fallback)
            n.cipher = *o.data_ciphers_fallback;
        else if (o.cipher && occ && upper(*occ) == upper(*o.cipher))
            n.cipher = *o.cipher;
        else
            return Err(std::string("Data channel cipher negotiation failed (no shared cipher)"));
    }
    auto ci = control::lookup_data_cipher(n.cipher);
    if (!ci)
        return Err("Unsupported data cipher '" + n.cipher + "'");
    n.cipher = ci->name;
    n.auth = o.auth.value_or("SHA1");
    if ((proto & wire::kIvProtoNcpP2p) != 0) {
        n.use_ekm = (proto & wire::kIvProtoTlsKeyExport) != 0;
        n.cc_exit = (proto & wire::kIvProtoCcExitNotify) != 0;
        if ((proto & wire::kIvProtoDataV2) != 0)
            n.peer_id = 0x76706e; // "vpn"; EKM-derived when EKM is on (caller)
    }
    return n;
}

io::Family proto_family(const std::string& proto)
{
    if (proto.find('4') != std::string::npos)
        return io::Family::V4;
    if (proto.find('6') != std::string::npos)
        return io::Family::V6;
    return io::Family::Any;
}

Result<io::SockAddr> local_address(const options::ConnectionEntry& ce, io::Family fam, bool tcp,
                                   bool any_is_v6)
{
    const std::string port_text = ce.lport.value_or(ce.port);
    const auto port = static_cast<std::uint16_t>(std::stoi(port_text));
    if (ce.local) {
        auto addrs =
            io::resolve(*ce.local, port, fam, tcp ? io::SockType::Stream : io::SockType::Datagram, true);
        if (!addrs || addrs->empty())
            return Err("RESOLVE: Cannot resolve host address: " + *ce.local + ":" + port_text +
                       (addrs ? std::string() : " (" + addrs.error() + ")"));
        return addrs->front();
    }
    const bool v6 = fam == io::Family::V6 || (fam == io::Family::Any && any_is_v6);
    auto any = io::SockAddr::parse_numeric(v6 ? "::" : "0.0.0.0", port);
    if (!any)
        return Err("Options error: bad --lport " + port_text);
    return *any;
}

wire::CompressMode compression_of(const options::Options& o)
{
    if (o.compress) {
        const std::string& c = *o.compress;
        if (c == "stub-v2")
            return wire::CompressMode::StubV2;
        if (c == "lz4-v2")
            return wire::CompressMode::Lz4V2;
        if (c == "lz4")
            return wire::CompressMode::Lz4;
        return wire::CompressMode::Stub;
    }
    if (o.comp_lzo)
        return *o.comp_lzo == "no" ? wire::CompressMode::LzoNo : wire::CompressMode::Lzo;
    return wire::CompressMode::None;
}

} // namespace ovpn::client
