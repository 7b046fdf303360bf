// session/data_options.hpp: what the options say about the data channel of
// a session, for either role: the --data-ciphers list, the compression
// framing, and the OCC options string of key-method 2.
#pragma once

#include <string>
#include <vector>

#include "openvpn/options/options.hpp"
#include "openvpn/wire/compress.hpp"

namespace ovpn::session {

// data_ciphers: --data-ciphers or 2.6's default list.
std::string data_ciphers(const options::Options& o);

// contains_cipher: case-insensitive membership in a ':'-separated list.
bool contains_cipher(const std::string& list, const std::string& cipher);

// split_list: the non-empty items of `s` cut at `sep`.
std::vector<std::string> split_list(const std::string& s, char sep);

// upper_case: `s` in ASCII upper case (cipher names compare this way).
std::string upper_case(std::string s);

// compression_of: the data channel's compression framing from --compress /
// --comp-lzo (local or pushed).
wire::CompressMode compression_of(const options::Options& o);

// occ_options_string: the OCC string of key-method 2 (§8). 2.6 compares it
// only to warn, so it is close to, not byte-exact with, 2.6's. `proto`:
// 2.6's name ("UDPv4", "TCPv4_CLIENT", "TCPv4_SERVER").
std::string occ_options_string(const options::Options& o, const std::string& proto, bool tls_client);

} // namespace ovpn::session
