// wire_keytool: a small driver over crypto/ for tests/stages.d/05-vectors.sh,
// so the stage can hand key files written by our code to OpenVPN 2.6 and
// key files written by 2.6 to our code.
//
//   wire_keytool genkey TYPE [SERVER_KEY_FILE [METADATA_B64]]   file text on stdout
//   wire_keytool check-static FILE                              parse a static key
//   wire_keytool unwrap-v2 SERVER_KEY_FILE CLIENT_KEY_FILE      unwrap a client key
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

#include "openvpn/crypto/genkey.hpp"
#include "openvpn/crypto/key_files.hpp"
#include "openvpn/crypto/static_key.hpp"
#include "openvpn/wire/tls_crypt_v2.hpp"

namespace {

bool read_file(const char* path, std::string& out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

int fail(const std::string& msg)
{
    std::fprintf(stderr, "wire_keytool: %s\n", msg.c_str());
    return 1;
}

int genkey(int argc, char** argv)
{
    auto type = ovpn::crypto::parse_genkey_type(argv[2]);
    if (!type)
        return fail(type.error());
    ovpn::crypto::GenkeyInput in;
    in.now_unix = static_cast<std::int64_t>(std::time(nullptr));
    if (argc > 3 && !read_file(argv[3], in.server_key_text))
        return fail(std::string("cannot read ") + argv[3]);
    if (argc > 4)
        in.metadata_base64 = argv[4];
    auto text = ovpn::crypto::genkey_text(*type, in);
    if (!text)
        return fail(text.error());
    std::fputs(text->c_str(), stdout);
    return 0;
}

int unwrap_v2(char** argv)
{
    std::string s, c;
    if (!read_file(argv[2], s) || !read_file(argv[3], c))
        return fail("cannot read key files");
    auto server = ovpn::crypto::parse_tls_crypt_v2_server_key(s);
    if (!server)
        return fail(server.error());
    auto client = ovpn::crypto::parse_tls_crypt_v2_client_key(c);
    if (!client)
        return fail(client.error());
    auto un = ovpn::wire::unwrap_client_key(*server, client->wkc);
    if (!un)
        return fail(ovpn::wire::to_string(un.error()));
    if (un->kc.size() != client->kc.bytes.size() ||
        !std::equal(un->kc.span().begin(), un->kc.span().end(), client->kc.bytes.span().begin()))
        return fail("unwrapped Kc differs from the client key's Kc");
    std::printf("OK metadata type %u, %zu bytes\n", un->metadata.empty() ? 255u : un->metadata[0],
                un->metadata.size());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "genkey" && argc >= 3)
        return genkey(argc, argv);
    if (cmd == "check-static" && argc == 3) {
        std::string text;
        if (!read_file(argv[2], text))
            return fail(std::string("cannot read ") + argv[2]);
        auto key = ovpn::crypto::parse_static_key(text);
        if (!key)
            return fail(key.error());
        std::puts("OK");
        return 0;
    }
    if (cmd == "unwrap-v2" && argc == 4)
        return unwrap_v2(argv);
    std::fprintf(stderr, "usage: wire_keytool genkey TYPE [SERVER_KEY [METADATA_B64]] | check-static FILE | "
                         "unwrap-v2 SERVER_KEY CLIENT_KEY\n");
    return 2;
}
