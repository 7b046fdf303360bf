// options/table_tls.cpp: TLS, certificates and keys, data channel ciphers,
// compression, PKCS#11.
#include "openvpn/options/cert_options.hpp"
#include "openvpn/options/handlers.hpp"

namespace ovpn::options {
namespace {
using namespace h;
using O = Options;
using CE = ConnectionEntry;

Status<> h_key_direction(Ctx& c, Args a)
{
    if (a[0] != "0" && a[0] != "1" && a[0] != "bidirectional")
        return fail("key-direction must be 0, 1 or bidirectional, not '%s'", a[0].c_str());
    if (a[0] != "bidirectional")
        c.ce.key_direction = a[0] == "1" ? 1 : 0;
    return Ok{};
}

Status<> direction_arg(Ctx& c, Args a)
{
    if (a.size() < 2 || c.is_inline)
        return Ok{};
    Args d = a.subspan(1, 1);
    return h_key_direction(c, d);
}

template <auto M> Status<> ce_keyfile(Ctx& c, Args a)
{
    c.ce.*M = file_ref(c, a, "");
    return direction_arg(c, a);
}

Status<> h_tls_crypt_v2(Ctx& c, Args a)
{
    if (a.size() > 1 && a[1] != "force-cookie" && a[1] != "allow-noncookie")
        return fail("--tls-crypt-v2: unknown flag '%s'", a[1].c_str());
    c.ce.tls_crypt_v2 = file_ref(c, a, "");
    return Ok{};
}

Status<> h_secret(Ctx& c, Args a)
{
    c.o.secret = file_ref(c, a, "");
    return direction_arg(c, a);
}

Status<> h_crl_verify(Ctx& c, Args a)
{
    if (a.size() > 1 && a[1] != "dir")
        return fail("--crl-verify: the second parameter may only be 'dir'");
    c.o.crl_verify = file_ref(c, a, "");
    return Ok{};
}

Status<> h_tls_version(Ctx& c, Args a)
{
    static const char* const names[] = {"1.0", "1.1", "1.2", "1.3"};
    bool ok = false;
    for (const char* n : names)
        ok = ok || a[0] == n;
    if (!ok)
        return fail("unknown tls-version-%s parameter: %s", c.name == "tls-version-min" ? "min" : "max",
                    a[0].c_str());
    if (a.size() > 1 && a[1] != "or-highest")
        return fail("--tls-version-min: the second parameter may only be 'or-highest'");
    (c.name == "tls-version-min" ? c.o.tls_version_min : c.o.tls_version_max) = a[0];
    return Ok{};
}

Status<> h_cert_profile(Ctx& c, Args a)
{
    auto st = one_of(a[0], {"insecure", "legacy", "preferred", "suiteb"}, "tls-cert-profile");
    if (st)
        c.o.tls_cert_profile = a[0];
    return st;
}

Status<> h_remote_cert_tls(Ctx& c, Args a)
{
    auto st = one_of(a[0], {"server", "client"}, "remote-cert-tls");
    if (st)
        c.o.remote_cert_tls = a[0];
    return st;
}

Status<> h_ns_cert_type(Ctx& c, Args a)
{
    auto st = one_of(a[0], {"server", "client"}, "ns-cert-type");
    if (st)
        c.o.ns_cert_type = a[0];
    return st;
}

Status<> h_verify_x509(Ctx& c, Args a)
{
    if (a[0].empty())
        return fail("--verify-x509-name needs a non-empty name");
    if (a.size() > 1) {
        auto st = one_of(a[1], {"subject", "name", "name-prefix"}, "verify-x509-name");
        if (!st)
            return st;
    }
    c.o.verify_x509_name = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}

Status<> h_reneg_sec(Ctx& c, Args a)
{
    for (const auto& s : a) {
        auto v = parse_int(s, 0, 0x7fffffff);
        if (!v)
            return Err{v.error()};
    }
    c.o.reneg_sec = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}

Status<> h_ncp_ciphers(Ctx& c, Args a)
{
    // the rename note: options/startup_warnings.hpp
    c.o.data_ciphers = a[0];
    return Ok{};
}

// non_stub_compression: compression that really compresses was configured.
bool non_stub_compression(const Options& o)
{
    const bool lzo = o.comp_lzo && *o.comp_lzo != "no";
    const bool comp = o.compress && (*o.compress == "lzo" || *o.compress == "lz4" || *o.compress == "lz4-v2");
    return lzo || comp;
}

Status<> h_allow_compression(Ctx& c, Args a)
{
    if (a[0] == "no") {
        if (non_stub_compression(c.o))
            return fail("'--allow-compression no' conflicts with  enabling compression");
        c.o.allow_compression = AllowCompression::No;
        return Ok{};
    }
    if (a[0] != "asym" && a[0] != "yes")
        return fail("bad allow-compression option: %s -- must be 'yes', 'no', or 'asym'", a[0].c_str());
    if (c.o.allow_compression == AllowCompression::No)
        return fail("Cannot set allow-compression to '%s' after set to 'no'", a[0].c_str());
    c.o.allow_compression = a[0] == "asym" ? AllowCompression::Asym : AllowCompression::Yes;
    return Ok{};
}

Status<> h_comp_lzo(Ctx& c, Args a)
{
    if (!a.empty()) {
        auto st = one_of(a[0], {"yes", "no", "adaptive"}, "comp-lzo");
        if (!st)
            return fail("bad comp-lzo option: %s -- must be 'yes', 'no', or 'adaptive'", a[0].c_str());
    }
    c.o.comp_lzo = a.empty() ? std::string() : a[0];
    return Ok{};
}

Status<> h_compress(Ctx& c, Args a)
{
    if (!a.empty()) {
        auto st = one_of(a[0], {"lzo", "lz4", "lz4-v2", "stub", "stub-v2", "migrate"}, "compress");
        if (!st)
            return fail("bad comp option: %s", a[0].c_str());
    }
    c.o.compress = a.empty() ? std::string() : a[0];
    return Ok{};
}

Status<> h_replay_window(Ctx& c, Args a)
{
    for (const auto& s : a) {
        auto v = parse_int(s, 1, 65536);
        if (!v)
            return fail("replay-window parameter is out of range: %s", s.c_str());
    }
    c.o.replay_window = std::vector<std::string>(a.begin(), a.end());
    return Ok{};
}

Status<> h_keying_exporter(Ctx& c, Args a)
{
    if (a[0].rfind("EXPORTER", 0) != 0)
        return fail("Keying material exporter label must begin with \"EXPORTER\"");
    if (a[0] == "EXPORTER-OpenVPN-datakeys") // the data channel's own keys
        return fail("Keying material exporter label must not be 'EXPORTER-OpenVPN-datakeys'.");
    auto v = parse_int(a[1], 16, 4095);
    if (!v)
        return fail("Invalid keying material exporter length");
    c.o.keying_material_exporter = O::KeyingExporter{a[0], *v};
    return Ok{};
}

Status<> h_askpass(Ctx&, Args)
{
    return Ok{};
}

const OptionSpec kTable[] = {
    // --- certificates and keys
    {"ca", 1, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, file<&O::ca>, "file",
     "CA certificates (PEM) to verify the peer."},
    {"capath", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::capath>, "dir", "Directory of hashed CA certificates."},
    {"cert", 1, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, file<&O::cert>, "file", "Our certificate (PEM)."},
    {"key", 1, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, file<&O::key>, "file", "Our private key (PEM)."},
    {"extra-certs", 1, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, file<&O::extra_certs>, "file",
     "Intermediate certificates to send with ours."},
    {"pkcs12", 1, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, file<&O::pkcs12>, "file",
     "CA, certificate and key from one PKCS#12 file."},
    {"dh", 1, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, file<&O::dh>, "file|none",
     "Diffie-Hellman parameters (PEM), or none for ECDH only."},
    {"crl-verify", 1, 2, P_GENERAL | P_INLINE, Dco::Ok, 0, h_crl_verify, "file [dir]",
     "Refuse peers whose certificate the CRL revokes."},
    {"askpass", 0, 1, P_GENERAL, Dco::Ok, 0, h_askpass, "[file]", "Read the private key passphrase."},
    {"peer-fingerprint", 1, 1, P_GENERAL | P_INLINE, Dco::Ok, 0, cert_hash, "SHA256:hex",
     "Accept peers whose certificate has this fingerprint (no CA needed)."},
    {"verify-hash", 1, 2, P_GENERAL | P_INLINE, Dco::Ok, 0, cert_hash, "hash [SHA1|SHA256]",
     "Accept only a CA certificate with this fingerprint."},
    {"verify-x509-name", 1, 2, P_GENERAL, Dco::Ok, 0, h_verify_x509, "name [subject|name|name-prefix]",
     "Check the peer certificate's subject or common name."},
    {"remote-cert-tls", 1, 1, P_GENERAL, Dco::Ok, 0, h_remote_cert_tls, "server|client",
     "Check the peer certificate's key usage for its role."},
    {"ns-cert-type", 1, 1, P_GENERAL, Dco::Ok, 0, h_ns_cert_type, "server|client",
     "Check the obsolete Netscape certificate type."},
    {"remote-cert-ku", 0, kAny, P_GENERAL, Dco::Ok, 0, remote_cert_ku, "[hex...]",
     "Require a key usage value."},
    {"remote-cert-eku", 1, 1, P_GENERAL, Dco::Ok, 0, remote_cert_eku, "oid",
     "Require an extended key usage."},
    {"x509-track", 1, 1, P_GENERAL, Dco::Ok, 0, x509_track, "attr", "Export a certificate field to scripts."},
    {"x509-username-field", 1, kAny, P_GENERAL, Dco::Ok, 0, x509_username_field, "field",
     "Certificate field to use as user name."},

    // --- TLS parameters
    {"tls-version-min", 1, 2, P_GENERAL, Dco::Ok, 0, h_tls_version, "v [or-highest]", "Lowest TLS version."},
    {"tls-version-max", 1, 1, P_GENERAL, Dco::Ok, 0, h_tls_version, "v", "Highest TLS version."},
    {"tls-cipher", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::tls_cipher>, "list", "TLS 1.2 cipher list."},
    {"tls-ciphersuites", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::tls_ciphersuites>, "list", "TLS 1.3 suites."},
    {"tls-groups", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::tls_groups>, "list", "Key exchange groups."},
    {"tls-cert-profile", 1, 1, P_GENERAL, Dco::Ok, 0, h_cert_profile, "profile",
     "Minimum certificate strength: insecure, legacy, preferred, suiteb."},
    {"ecdh-curve", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::ecdh_curve>, "name",
     "Old way to pick the ECDH group."},
    {"tls-timeout", 1, 1, P_TLS_PARMS, Dco::Ok, 0, num<&O::tls_timeout, 1, 1 << 30>, "n",
     "Retransmit control packets after n s."},
    {"hand-window", 1, 1, P_TLS_PARMS, Dco::Ok, 0, num<&O::hand_window, 1, 1 << 30>, "n",
     "Complete a TLS handshake within n s."},
    {"tran-window", 1, 1, P_TLS_PARMS, Dco::Ok, 0, num<&O::tran_window, 1, 1 << 30>, "n",
     "Keep the old key for n s after renegotiation."},
    {"reneg-sec", 1, 2, P_TLS_PARMS, Dco::Ok, 0, h_reneg_sec, "max [min]", "Renegotiate keys every n s."},
    {"reneg-bytes", 1, 1, P_TLS_PARMS, Dco::Ok, 0, num<&O::reneg_bytes, 0, 0x7fffffff>, "n",
     "Renegotiate after n bytes."},
    {"reneg-pkts", 1, 1, P_TLS_PARMS, Dco::Ok, 0, num<&O::reneg_pkts, 0, 0x7fffffff>, "n",
     "Renegotiate after n packets."},
    {"tls-exit", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::tls_exit>, "", "Exit on TLS errors."},
    {"single-session", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::single_session>, "",
     "A TLS server accepts one session per peer: a new session request (hard reset) from the address "
     "of a connected client is refused, as 2.6; renegotiations go on."},
    {"push-peer-info", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::push_peer_info>, "",
     "Send more details about this client to the server."},
    {"auth-nocache", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::auth_nocache>, "", "Forget passwords after use."},

    // --- control channel protection
    {"tls-auth", 1, 2, P_GENERAL | P_CONNECTION | P_INLINE, Dco::Ok, 0, ce_keyfile<&CE::tls_auth>,
     "file [dir]", "HMAC-sign control packets with a static key."},
    {"tls-crypt", 1, 2, P_GENERAL | P_CONNECTION | P_INLINE, Dco::Ok, 0, ce_keyfile<&CE::tls_crypt>, "file",
     "Encrypt and sign control packets with a static key."},
    {"tls-crypt-v2", 1, 2, P_GENERAL | P_CONNECTION | P_INLINE, Dco::Ok, 0, h_tls_crypt_v2,
     "file [force-cookie|allow-noncookie]", "tls-crypt with a per-client key."},
    {"tls-crypt-v2-verify", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::tls_crypt_v2_verify>, "cmd",
     "Server: check client tls-crypt-v2 metadata with cmd."},
    {"key-direction", 1, 1, P_GENERAL | P_CONNECTION, Dco::Ok, 0, h_key_direction, "0|1",
     "Key direction for inline --tls-auth or --secret."},
    {"secret", 1, 2, P_GENERAL | P_INLINE, Dco::Blocks, 0, h_secret, "file [dir]",
     "Static-key mode (no TLS); disables DCO and is deprecated."},

    // --- data channel
    {"data-ciphers", 1, 1, P_GENERAL | P_INSTANCE, Dco::Conditional, 0, str<&O::data_ciphers>, "list",
     "Ciphers to negotiate, colon separated; DCO supports AES-GCM and ChaCha20-Poly1305."},
    {"ncp-ciphers", 1, 1, P_GENERAL | P_INSTANCE, Dco::Conditional, F_DEPRECATED, h_ncp_ciphers, "list",
     "Old name of --data-ciphers."},
    {"data-ciphers-fallback", 1, 1, P_GENERAL | P_INSTANCE, Dco::Conditional, 0,
     str<&O::data_ciphers_fallback>, "cipher", "Cipher for peers that cannot negotiate (not AEAD: no DCO)."},
    {"cipher", 1, 1, P_NCP | P_INSTANCE, Dco::Ok, 0, str<&O::cipher>, "cipher",
     "Static-key cipher; with TLS only a hint kept for old peers."},
    {"auth", 1, 1, P_GENERAL, Dco::Ok, 0, str<&O::auth>, "digest", "HMAC digest for non-AEAD ciphers."},
    {"key-derivation", 1, kAny, P_NCP, Dco::Ok, F_INTERNAL, str<&O::key_derivation>, "tls-ekm",
     "Pushed: derive keys with the TLS exporter."},
    {"protocol-flags", 1, kAny, P_NCP, Dco::Ok, F_INTERNAL, str<&O::protocol_flags>, "flags",
     "Pushed: protocol features agreed with the server."},
    {"force-tls-key-material-export", 0, kAny, P_GENERAL, Dco::Ok, 0, flag<&O::force_tls_key_material_export>,
     "", "Server: refuse clients without TLS key export."},
    {"no-replay", 0, 0, P_GENERAL, Dco::Ok, 0, flag<&O::no_replay>, "",
     "Disable replay protection (unsafe)."},
    {"replay-window", 0, 2, P_GENERAL, Dco::Ok, 0, h_replay_window, "[n [t]]", "Size of the replay window."},
    {"replay-persist", 1, 1, P_GENERAL, Dco::Ok, 0, keep, "file",
     "Keep the --secret peer's replay state in file across restarts (2.6's format; saved every 60 s "
     "and when the session closes)."},
    {"engine", 0, 1, P_GENERAL, Dco::Ok, 0, keep, "[name]",
     "Accepted as Debian's 2.6.14 on OpenSSL 3 does: no engine is loaded, and each crypto set-up notes that "
     "engine support is not available (use --providers)."},
    {"providers", 1, kAny, P_GENERAL, Dco::Ok, 0, keep, "name...", "Load OpenSSL providers."},
    {"keying-material-exporter", 2, kAny, P_GENERAL, Dco::Ok, 0, h_keying_exporter, "label len",
     "Put len bytes of TLS keying material exported with label (RFC 5705), in hex, into the environment "
     "of TLS_FINAL plugin calls as exported_keying_material, as 2.6 does."},

    // --- compression
    {"allow-compression", 1, 1, P_GENERAL, Dco::Conditional, 0, h_allow_compression, "no|asym|yes",
     "Whether compression may be used; anything but no disables DCO."},
    {"comp-lzo", 0, 1, P_COMP, Dco::Blocks, 0, h_comp_lzo, "[yes|no|adaptive]",
     "Old LZO compression framing."},
    {"comp-noadapt", 0, 0, P_COMP, Dco::Ok, 0, keep, "", "Do not switch LZO off adaptively."},
    {"compress", 0, 1, P_COMP, Dco::Blocks, 0, h_compress, "[lzo|lz4|lz4-v2|stub|stub-v2|migrate]",
     "Compression framing; disables DCO."},

    // --- PKCS#11
    {"pkcs11-providers", 1, kAny, P_GENERAL, Dco::Ok, 0, keep, "lib...", "PKCS#11 provider libraries."},
    {"pkcs11-protected-authentication", 0, kAny, P_GENERAL, Dco::Ok, 0, keep, "[0|1...]",
     "Use the token's own PIN entry."},
    {"pkcs11-private-mode", 1, kAny, P_GENERAL, Dco::Ok, 0, keep, "mode...", "How to find private objects."},
    {"pkcs11-cert-private", 0, kAny, P_GENERAL, Dco::Ok, 0, keep, "[0|1...]", "Certificates need a login."},
    {"pkcs11-pin-cache", 1, 1, P_GENERAL, Dco::Ok, 0, keep, "s", "Cache the PIN for s seconds."},
    {"pkcs11-id", 1, 1, P_GENERAL, Dco::Ok, 0, keep, "id", "The certificate/key on the token."},
    {"pkcs11-id-management", 0, 0, P_GENERAL, Dco::Ok, 0, keep, "", "Ask the management client for the id."},
    {"show-pkcs11-ids", 0, 2, P_GENERAL, Dco::Ok, 0, keep, "[provider [cert_private]]",
     "List the ids on a token and exit."},
};

} // namespace

std::span<const OptionSpec> tls_options()
{
    return kTable;
}

} // namespace ovpn::options
