#include "openvpn/wire/key_method2.hpp"

#include <algorithm>

namespace ovpn::wire {

namespace {

bool write_str(ByteWriter& w, Bytes s)
{
    if (s.empty())
        return w.write_u16(0);
    if (s.size() + 1 > 0xFFFF)
        return false;
    return w.write_u16(static_cast<std::uint16_t>(s.size() + 1)) && w.write_bytes(s) && w.write_u8(0);
}

// read_str: u16 length then that many bytes, the last one a NUL that is
// dropped (2.6 forces it to NUL; we strip everything from the first NUL).
bool read_str(ByteReader& r, std::size_t max, Bytes& out)
{
    std::uint16_t len = 0;
    if (!r.read_u16(len) || len > max)
        return false;
    Bytes b;
    if (!r.read_bytes(len, b))
        return false;
    auto nul = std::find(b.begin(), b.end(), std::uint8_t{0});
    out = b.first(static_cast<std::size_t>(nul - b.begin()));
    return true;
}

std::string to_string(Bytes b)
{
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

} // namespace

Result<SecureBytes> write_key_method2(const KeyMethod2& km, bool from_tls_client)
{
    if (from_tls_client && km.pre_master.size() != kKm2PreMasterLen)
        return Err(std::string("key-method 2: pre_master must be 48 bytes"));
    if (km.random1.size() != kKm2RandomLen || km.random2.size() != kKm2RandomLen)
        return Err(std::string("key-method 2: randoms must be 32 bytes"));
    if (km.options.size() + 1 > kKm2MaxOptionsLen)
        return Err(std::string("key-method 2: options string too long"));
    if (km.username.size() + 1 > kKm2MaxUserPassLen || km.password.size() + 1 > kKm2MaxUserPassLen)
        return Err(std::string("key-method 2: username or password too long"));
    if (km.peer_info.size() + 1 > kKm2MaxPeerInfoLen)
        return Err(std::string("key-method 2: peer-info too long"));
    SecureBytes out(4 + 1 + 48 + 64 + 4 * 2 + km.options.size() + km.username.size() + km.password.size() +
                    km.peer_info.size() + 4);
    ByteWriter w(out.span());
    bool ok = w.write_u32(0) && w.write_u8(2);
    if (from_tls_client)
        ok = ok && w.write_bytes(km.pre_master);
    ok = ok && w.write_bytes(km.random1) && w.write_bytes(km.random2);
    ok = ok && write_str(w, as_bytes(km.options)) && write_str(w, as_bytes(km.username)) &&
         write_str(w, km.password) && write_str(w, as_bytes(km.peer_info));
    if (!ok)
        return Err(std::string("key-method 2: encoding overflow"));
    SecureBytes res(w.result());
    return res;
}

Result<KeyMethod2> parse_key_method2(Bytes in, bool from_tls_client)
{
    ByteReader r(in);
    std::uint32_t literal = 1;
    std::uint8_t method = 0;
    if (!r.read_u32(literal) || literal != 0)
        return Err(std::string("key-method 2: missing leading zero word"));
    if (!r.read_u8(method) || (method & 0x0F) != 2)
        return Err(std::string("key-method 2: unsupported key method"));
    KeyMethod2 km;
    km.pre_master.resize(from_tls_client ? kKm2PreMasterLen : 0);
    km.random1.resize(kKm2RandomLen);
    km.random2.resize(kKm2RandomLen);
    if (!r.copy_bytes(km.pre_master.span()) || !r.copy_bytes(km.random1.span()) ||
        !r.copy_bytes(km.random2.span()))
        return Err(std::string("key-method 2: truncated key material"));
    Bytes s;
    if (!read_str(r, kKm2MaxOptionsLen, s))
        return Err(std::string("key-method 2: bad options string"));
    km.options = to_string(s);
    if (r.empty())
        return km;
    if (!read_str(r, kKm2MaxUserPassLen, s))
        return Err(std::string("key-method 2: bad username"));
    km.username = to_string(s);
    if (!read_str(r, kKm2MaxUserPassLen, s))
        return Err(std::string("key-method 2: bad password"));
    km.password = SecureBytes(s);
    if (r.empty())
        return km;
    if (!read_str(r, kKm2MaxPeerInfoLen, s))
        return Err(std::string("key-method 2: bad peer-info"));
    km.peer_info = to_string(s);
    if (!r.empty())
        return Err(std::string("key-method 2: trailing bytes"));
    return km;
}

std::string build_peer_info(const PeerInfoParams& p)
{
    std::string s;
    auto line = [&s](std::string_view k, std::string_view v) {
        s.append(k);
        s.push_back('=');
        s.append(v);
        s.push_back('\n');
    };
    if (p.pull) {
        line("IV_VER", p.version);
        line("IV_PLAT", p.platform);
        line("IV_TCPNL", "1");
        line("IV_MTU", std::to_string(p.tun_mtu_max));
        bool has128 = false, has256 = false;
        std::string_view rest = p.ciphers;
        while (!rest.empty()) {
            auto c = rest.find(':');
            std::string_view one = rest.substr(0, c);
            has128 = has128 || one == "AES-128-GCM";
            has256 = has256 || one == "AES-256-GCM";
            rest = c == std::string_view::npos ? std::string_view{} : rest.substr(c + 1);
        }
        if (has128 && has256)
            line("IV_NCP", "2");
    }
    line("IV_CIPHERS", p.ciphers);
    line("IV_PROTO", std::to_string(p.iv_proto));
    if (p.pull) {
        if (p.lzo)
            line("IV_LZO", "1");
        if (p.lz4)
            line("IV_LZ4", "1");
        if (p.lz4v2)
            line("IV_LZ4v2", "1");
        if (p.lzo_stub)
            line("IV_LZO_STUB", "1");
        if (p.comp_stub)
            line("IV_COMP_STUB", "1");
        if (p.comp_stubv2)
            line("IV_COMP_STUBv2", "1");
        for (const auto& [k, v] : p.extra)
            line(k, v);
    }
    return s;
}

std::map<std::string, std::string> parse_peer_info(std::string_view s)
{
    std::map<std::string, std::string> out;
    while (!s.empty()) {
        auto nl = s.find('\n');
        std::string_view l = s.substr(0, nl);
        s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
        auto eq = l.find('=');
        if (eq == std::string_view::npos || eq == 0)
            continue;
        out[std::string(l.substr(0, eq))] = std::string(l.substr(eq + 1));
    }
    return out;
}

} // namespace ovpn::wire
