// session/data_options.cpp: see data_options.hpp.
#include "openvpn/session/data_options.hpp"

#include "openvpn/options/helpers.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "openvpn/control/data_keys.hpp"

namespace ovpn::session {

namespace {

const char* const kDefaultDataCiphers = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305";

} // namespace

std::string upper_case(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

std::vector<std::string> split_list(const std::string& s, char sep)
{
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, sep))
        if (!item.empty())
            out.push_back(item);
    return out;
}

bool contains_cipher(const std::string& list, const std::string& cipher)
{
    const std::string u = upper_case(cipher);
    for (const auto& c : split_list(list, ':'))
        if (upper_case(c) == u)
            return true;
    return false;
}

std::string data_ciphers(const options::Options& o)
{
    return o.data_ciphers.value_or(kDefaultDataCiphers);
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

std::string occ_options_string(const options::Options& o, const std::string& proto, bool tls_client)
{
    std::string cipher = o.cipher.value_or("BF-CBC");
    auto ci = control::lookup_data_cipher(cipher);
    bool aead = ci && data::is_aead(ci->alg);
    // tap: the link-mtu counts the Ethernet header room too (2.6's
    // calc_options_string_link_mtu adds --tun-mtu-extra, 32 by default).
    const bool tap = options::effective_dev_type(o) == "tap";
    const int extra = tap ? o.ce.tun_mtu_extra.value_or(32) : 0;
    std::string s = tap ? "V4,dev-type tap" : "V4,dev-type tun";
    s += ",link-mtu " + std::to_string((aead ? 1549 : 1557) + extra);
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

} // namespace ovpn::session
