// ovpn-dco-cli: a small tool that drives an ovpn-dco-v2 module by hand, in
// the spirit of the module's own ovpn-cli, built only on src/dco (messages,
// GenlSocket, link). The qemu scenarios use it to prove our userspace driver
// against the real module and our module against the reference behaviour.
//
//   ovpn-dco-cli [--expect-errno N] COMMAND ARGS...
//
// new-peer goes through KernelDataPlane (the daemon's path: it keeps running
// and holds the peer until SIGTERM, when the data plane deletes it); new-key,
// swap-keys, del-key and set-peer use the data plane's mappings
// (dco/mapping.hpp) on GenlSocket, as do get-peer, del-peer, listen, bad and
// new-key --raw, so that every errno stays visible.
//
// Exit 0 on success; 1 with "error: ..." on failure. With --expect-errno N
// the command must fail with exactly errno N (exit 0), anything else is exit 1
// -- that is how negative scenarios check the module's answers.
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dco/genl_socket.hpp"
#include "dco/kernel_data_plane.hpp"
#include "dco/link.hpp"
#include "dco/mapping.hpp"
#include "dco/messages.hpp"
#include "openvpn/core/hex.hpp"
#include "openvpn/io/link_socket.hpp"

namespace {

using namespace ovpn;
using namespace ovpn::dco;

const char* kUsage = "usage: ovpn-dco-cli [--expect-errno N] COMMAND ARGS...\n"
                     "  new-iface NAME p2p|mp\n"
                     "  del-iface NAME\n"
                     "  new-peer IFACE PEER_ID LOCAL_PORT REMOTE_ADDR REMOTE_PORT [VPN_IP]\n"
                     "      opens a UDP socket bound to LOCAL_PORT, adds the peer, prints 'ready'\n"
                     "      and keeps running (holding the socket) until SIGTERM/SIGINT\n"
                     "  new-peer-tcp IFACE PEER_ID listen LOCAL_PORT [VPN_IP]\n"
                     "  new-peer-tcp IFACE PEER_ID connect REMOTE_ADDR REMOTE_PORT [VPN_IP]\n"
                     "      the same over one TCP connection (listen prints 'listening' first)\n"
                     "  new-key [--raw] IFACE PEER_ID primary|secondary KEY_ID aes|chacha|none 0|1 KEYFILE\n"
                     "      KEYFILE: hex, two halves A|B of (key + 8-byte nonce tail) each;\n"
                     "      direction 0 encrypts with A, 1 with B; key length = half - 8;\n"
                     "      --raw sends it unchecked (negative tests)\n"
                     "  swap-keys IFACE PEER_ID\n"
                     "  del-key IFACE PEER_ID primary|secondary\n"
                     "  set-peer IFACE PEER_ID INTERVAL TIMEOUT\n"
                     "  get-peer IFACE [PEER_ID]          (no id: dump)\n"
                     "  del-peer IFACE PEER_ID\n"
                     "  listen [IFACE] [COUNT]            print DEL_PEER notifications\n"
                     "  bad IFACE KIND                    send a malformed request; KIND is one of\n"
                     "      no-ifindex new-peer-no-socket new-peer-no-id new-key-no-decrypt\n"
                     "      new-key-unflagged-nest set-peer-no-id del-key-bad-slot\n";

// Error text -> the errno it carries ("... (errno N) ..."), 0 when none.
int errno_of(const std::string& text)
{
    auto pos = text.find("(errno ");
    if (pos == std::string::npos)
        return 0;
    return std::atoi(text.c_str() + pos + 7);
}

struct Failure {
    std::string text;
};

[[noreturn]] void fail(std::string text)
{
    throw Failure{std::move(text)};
}

template <typename T> T must(Result<T> r)
{
    if (!r)
        fail(r.error());
    return std::move(r).value();
}

void must(const Status<>& s)
{
    if (!s)
        fail(s.error());
}

std::uint32_t parse_u32(const std::string& s, const char* what)
{
    char* end = nullptr;
    errno = 0;
    unsigned long v = std::strtoul(s.c_str(), &end, 0);
    if (s.empty() || *end != '\0' || errno != 0 || v > UINT32_MAX)
        fail(std::string("bad ") + what + ": '" + s + "'");
    return static_cast<std::uint32_t>(v);
}

std::uint32_t ifindex_of(const std::string& name)
{
    return must(link_index(name));
}

std::uint8_t parse_slot(const std::string& s)
{
    if (s == "primary")
        return uapi::KEY_SLOT_PRIMARY;
    if (s == "secondary")
        return uapi::KEY_SLOT_SECONDARY;
    fail("slot must be primary or secondary, not '" + s + "'");
}

std::unique_ptr<GenlSocket> genl()
{
    return must(GenlSocket::open());
}

// data_plane: a KernelDataPlane on the existing interface IFACE (MP when
// the peer gets a VPN address, as only an MP device routes by it).
std::unique_ptr<KernelDataPlane> data_plane(const std::string& ifname, LinkMode mode)
{
    KernelDataPlaneConfig cfg;
    cfg.dev = ifname;
    cfg.mode = mode;
    cfg.create = false;
    auto dp = KernelDataPlane::open(cfg);
    if (!dp)
        fail(std::string(open_error_name(dp.error().kind)) + ": " + dp.error().message);
    return std::move(*dp);
}

data::KeySlot parse_dp_slot(const std::string& s)
{
    return parse_slot(s) == uapi::KEY_SLOT_PRIMARY ? data::KeySlot::Primary : data::KeySlot::Secondary;
}

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int)
{
    g_stop = 1;
}

void install_signals()
{
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

// ---- commands --------------------------------------------------------------

void cmd_new_iface(const std::vector<std::string>& a)
{
    if (a.size() != 2 || (a[1] != "p2p" && a[1] != "mp"))
        fail("new-iface NAME p2p|mp");
    auto idx = must(create_link(a[0], a[1] == "mp" ? LinkMode::MP : LinkMode::P2P));
    std::printf("created %s ifindex %u mode %s\n", a[0].c_str(), idx, a[1].c_str());
}

void cmd_del_iface(const std::vector<std::string>& a)
{
    if (a.size() != 1)
        fail("del-iface NAME");
    must(delete_link(ifindex_of(a[0])));
    std::printf("deleted %s\n", a[0].c_str());
}

io::SockAddr parse_remote(const std::string& addr, std::uint16_t port)
{
    auto a = io::SockAddr::parse_numeric(addr, port);
    if (!a)
        fail("bad remote address '" + addr + "'");
    return *a;
}

// adopt_udp: our UDP LinkSocket bound to `port` on the wildcard of `family`.
std::unique_ptr<io::LinkSocket> adopt_udp(int family, std::uint16_t port)
{
    io::UdpConfig cfg;
    cfg.bind_addr = *io::SockAddr::parse_numeric(family == AF_INET6 ? "::" : "0.0.0.0", port);
    auto s = io::open_udp(cfg);
    if (!s)
        fail(s.error());
    return std::move(*s);
}

void set_vpn_ip(NewPeerMsg& m, const std::string& ip)
{
    in_addr v4;
    in6_addr v6;
    if (inet_pton(AF_INET, ip.c_str(), &v4) == 1)
        m.vpn_ipv4 = v4;
    else if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1)
        m.vpn_ipv6 = v6;
    else
        fail("bad VPN IP '" + ip + "'");
}

void cmd_new_peer(const std::vector<std::string>& a)
{
    if (a.size() != 5 && a.size() != 6)
        fail("new-peer IFACE PEER_ID LOCAL_PORT REMOTE_ADDR REMOTE_PORT [VPN_IP]");
    data::PeerSpec peer;
    peer.id = parse_u32(a[1], "peer id");
    peer.tx_peer_id = peer.id;
    auto lport = parse_u32(a[2], "local port");
    auto rport = parse_u32(a[4], "remote port");
    if (lport > 0xffff || rport > 0xffff)
        fail("ports are 0..65535");
    peer.remote = parse_remote(a[3], static_cast<std::uint16_t>(rport));
    if (a.size() == 6) {
        NewPeerMsg tmp;
        set_vpn_ip(tmp, a[5]);
        peer.vpn_ipv4 = tmp.vpn_ipv4;
        peer.vpn_ipv6 = tmp.vpn_ipv6;
    }
    install_signals();
    auto dp = data_plane(a[0], a.size() == 6 ? LinkMode::MP : LinkMode::P2P);
    auto link = adopt_udp(peer.remote.family(), static_cast<std::uint16_t>(lport));
    peer.link = link.get();
    must(dp->add_peer(peer));
    std::printf("ready: peer %u on %s via UDP port %u -> %s\n", peer.id, a[0].c_str(), lport,
                sockaddr_to_string(peer.remote.ss).c_str());
    std::fflush(stdout);
    while (!g_stop)
        pause();
}

// tcp_connected: an established TCP connection, accepted on LOCAL_PORT or
// made to REMOTE_ADDR:REMOTE_PORT (retried while the listener comes up).
int tcp_connected(const std::vector<std::string>& a, io::SockAddr& remote)
{
    if (a[2] == "listen") {
        auto port = parse_u32(a[3], "local port");
        if (port > 0xffff)
            fail("ports are 0..65535");
        int lfd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int zero = 0, one = 1;
        setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in6 s6{};
        s6.sin6_family = AF_INET6;
        s6.sin6_port = htons(static_cast<std::uint16_t>(port));
        if (lfd < 0 || ::bind(lfd, reinterpret_cast<sockaddr*>(&s6), sizeof s6) < 0 || ::listen(lfd, 1) < 0)
            fail("TCP listen on port " + std::to_string(port) + ": " + std::strerror(errno));
        std::printf("listening on TCP port %u\n", port);
        std::fflush(stdout);
        remote.len = sizeof remote.ss;
        int fd = ::accept4(lfd, remote.sa(), &remote.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            fail(std::string("accept: ") + std::strerror(errno));
        ::close(lfd);
        return fd;
    }
    if (a[2] != "connect" || a.size() < 5)
        fail("new-peer-tcp IFACE PEER_ID listen LOCAL_PORT | connect REMOTE_ADDR REMOTE_PORT [VPN_IP]");
    auto port = parse_u32(a[4], "remote port");
    if (port > 0xffff)
        fail("ports are 0..65535");
    remote = parse_remote(a[3], static_cast<std::uint16_t>(port));
    for (int attempt = 0; attempt < 100; ++attempt) {
        int fd = ::socket(remote.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            fail(std::string("socket: ") + std::strerror(errno));
        if (::connect(fd, remote.sa(), remote.len) == 0) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
            return fd;
        }
        ::close(fd);
        usleep(200 * 1000);
    }
    fail("TCP connect to " + remote.to_string() + ": " + std::strerror(errno));
}

void cmd_new_peer_tcp(const std::vector<std::string>& a)
{
    if (a.size() < 4 || a.size() > 6)
        fail("new-peer-tcp IFACE PEER_ID listen LOCAL_PORT | connect REMOTE_ADDR REMOTE_PORT [VPN_IP]");
    data::PeerSpec peer;
    peer.id = parse_u32(a[1], "peer id");
    peer.tx_peer_id = peer.id;
    std::size_t vpn_arg = a[2] == "listen" ? 4 : 5;
    if (a.size() == vpn_arg + 1) {
        NewPeerMsg tmp;
        set_vpn_ip(tmp, a[vpn_arg]);
        peer.vpn_ipv4 = tmp.vpn_ipv4;
        peer.vpn_ipv6 = tmp.vpn_ipv6;
    } else if (a.size() != vpn_arg) {
        fail("new-peer-tcp: wrong number of arguments");
    }
    install_signals();
    auto dp = data_plane(a[0], a.size() == vpn_arg + 1 ? LinkMode::MP : LinkMode::P2P);
    io::SockAddr remote;
    int fd = tcp_connected(a, remote);
    io::TcpConfig tc;
    tc.remote = remote;
    auto link = io::adopt_tcp(fd, tc);
    peer.link = link.get();
    must(dp->add_peer(peer));
    std::printf("ready: peer %u on %s via TCP with %s\n", peer.id, a[0].c_str(), remote.to_string().c_str());
    std::fflush(stdout);
    while (!g_stop)
        pause();
}

std::vector<std::uint8_t> read_hex_file(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        fail("cannot read key file " + path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::uint8_t> out;
    const HexStatus st = decode_hex(text, HexPolicy::Strict, [&](std::uint8_t b) {
        out.push_back(b);
        return true;
    });
    if (st == HexStatus::NonHex)
        fail("key file " + path + ": not hex");
    if (st != HexStatus::Ok)
        fail("key file " + path + ": odd number of hex digits");
    return out;
}

KeyDirMsg key_half(const std::vector<std::uint8_t>& all, std::size_t half, std::size_t which)
{
    KeyDirMsg k;
    const std::uint8_t* p = all.data() + which * half;
    std::size_t key_len = half - uapi::kNonceTailSize;
    k.cipher_key = SecureBytes(Bytes(p, key_len));
    k.nonce_tail = SecureBytes(Bytes(p + key_len, uapi::kNonceTailSize));
    return k;
}

data::DirectionKeys dp_half(const KeyDirMsg& k)
{
    data::DirectionKeys d;
    d.cipher_key = k.cipher_key;
    d.implicit_iv = k.nonce_tail;
    return d;
}

// dp_cipher: the DataPlane cipher for `name` and a key length.
data::CipherAlg dp_cipher(const std::string& name, std::size_t key_len)
{
    if (name == "chacha")
        return data::CipherAlg::Chacha20Poly1305;
    if (name == "aes" && key_len == 16)
        return data::CipherAlg::Aes128Gcm;
    if (name == "aes" && key_len == 24)
        return data::CipherAlg::Aes192Gcm;
    if (name == "aes")
        return data::CipherAlg::Aes256Gcm;
    return data::CipherAlg::None;
}

void cmd_new_key(std::vector<std::string> a)
{
    bool raw_mode = !a.empty() && a[0] == "--raw";
    if (raw_mode)
        a.erase(a.begin());
    if (a.size() != 7)
        fail("new-key [--raw] IFACE PEER_ID primary|secondary KEY_ID aes|chacha|none 0|1 KEYFILE");
    auto ifindex = ifindex_of(a[0]);
    NewKeyMsg m;
    m.peer_id = parse_u32(a[1], "peer id");
    m.slot = parse_slot(a[2]);
    auto key_id = parse_u32(a[3], "key id");
    if (key_id > 255)
        fail("key id must fit in a byte");
    m.key_id = static_cast<std::uint8_t>(key_id);
    if (a[4] == "aes")
        m.cipher = uapi::CIPHER_ALG_AES_GCM;
    else if (a[4] == "chacha")
        m.cipher = uapi::CIPHER_ALG_CHACHA20_POLY1305;
    else if (a[4] == "none")
        m.cipher = uapi::CIPHER_ALG_NONE;
    else
        fail("cipher must be aes, chacha or none");
    if (a[5] != "0" && a[5] != "1")
        fail("direction must be 0 or 1");
    SecureBytes all(read_hex_file(a[6]));
    if (all.size() % 2 != 0 || all.size() / 2 <= uapi::kNonceTailSize)
        fail("key file must hold two equal halves of key + 8-byte nonce tail");
    std::size_t half = all.size() / 2;
    std::vector<std::uint8_t> raw(all.span().begin(), all.span().end());
    std::size_t enc = a[5] == "0" ? 0 : 1;
    m.encrypt = key_half(raw, half, enc);
    m.decrypt = key_half(raw, half, 1 - enc);
    OPENSSL_cleanse(raw.data(), raw.size());
    if (raw_mode) {
        must(genl()->new_key(ifindex, m));
    } else {
        data::DataKeys keys;
        keys.key_id = m.key_id;
        keys.cipher = dp_cipher(a[4], half - uapi::kNonceTailSize);
        keys.cipher_name = a[4];
        keys.encrypt = dp_half(m.encrypt);
        keys.decrypt = dp_half(m.decrypt);
        must(genl()->new_key(ifindex, must(to_new_key_msg(m.peer_id, parse_dp_slot(a[2]), keys))));
    }
    std::printf("key installed: peer %u slot %s key_id %u\n", m.peer_id, a[2].c_str(), key_id);
}

void cmd_swap_keys(const std::vector<std::string>& a)
{
    if (a.size() != 2)
        fail("swap-keys IFACE PEER_ID");
    must(genl()->swap_keys(ifindex_of(a[0]), parse_u32(a[1], "peer id")));
    std::printf("keys swapped\n");
}

void cmd_del_key(const std::vector<std::string>& a)
{
    if (a.size() != 3)
        fail("del-key IFACE PEER_ID primary|secondary");
    must(genl()->del_key(ifindex_of(a[0]), parse_u32(a[1], "peer id"), to_uapi_slot(parse_dp_slot(a[2]))));
    std::printf("key deleted\n");
}

void cmd_set_peer(const std::vector<std::string>& a)
{
    if (a.size() != 4)
        fail("set-peer IFACE PEER_ID INTERVAL TIMEOUT");
    auto interval = must(keepalive_secs(std::chrono::seconds(parse_u32(a[2], "interval"))));
    auto timeout = must(keepalive_secs(std::chrono::seconds(parse_u32(a[3], "timeout"))));
    must(genl()->set_peer(ifindex_of(a[0]), parse_u32(a[1], "peer id"), interval, timeout));
    std::printf("keepalive set\n");
}

void cmd_del_peer(const std::vector<std::string>& a)
{
    if (a.size() != 2)
        fail("del-peer IFACE PEER_ID");
    must(genl()->del_peer(ifindex_of(a[0]), parse_u32(a[1], "peer id")));
    std::printf("peer deleted\n");
}

std::string ip_text(int family, const void* addr)
{
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, addr, buf, sizeof buf);
    return buf;
}

void print_peer(const PeerInfo& p)
{
    std::printf("peer %u", p.peer_id);
    if (p.remote)
        std::printf(" remote %s", sockaddr_to_string(*p.remote).c_str());
    if (p.local_ip.size() == 4 || p.local_ip.size() == 16)
        std::printf(" local_ip %s",
                    ip_text(p.local_ip.size() == 4 ? AF_INET : AF_INET6, p.local_ip.data()).c_str());
    if (p.local_port)
        std::printf(" local_port %u", *p.local_port);
    if (p.vpn_ipv4)
        std::printf(" vpn_ipv4 %s", ip_text(AF_INET, &*p.vpn_ipv4).c_str());
    if (p.vpn_ipv6)
        std::printf(" vpn_ipv6 %s", ip_text(AF_INET6, &*p.vpn_ipv6).c_str());
    std::printf(" keepalive %u/%u vpn_rx_bytes %llu vpn_tx_bytes %llu vpn_rx_packets %u vpn_tx_packets %u"
                " link_rx_bytes %llu link_tx_bytes %llu link_rx_packets %u link_tx_packets %u\n",
                p.keepalive_interval, p.keepalive_timeout, static_cast<unsigned long long>(p.vpn_rx_bytes),
                static_cast<unsigned long long>(p.vpn_tx_bytes), p.vpn_rx_packets, p.vpn_tx_packets,
                static_cast<unsigned long long>(p.link_rx_bytes),
                static_cast<unsigned long long>(p.link_tx_bytes), p.link_rx_packets, p.link_tx_packets);
}

void cmd_get_peer(const std::vector<std::string>& a)
{
    if (a.size() != 1 && a.size() != 2)
        fail("get-peer IFACE [PEER_ID]");
    auto ifindex = ifindex_of(a[0]);
    auto sock = genl();
    if (a.size() == 2) {
        print_peer(must(sock->get_peer(ifindex, parse_u32(a[1], "peer id"))));
        return;
    }
    auto peers = must(sock->get_peer_dump(ifindex));
    for (const auto& p : peers)
        print_peer(p);
    std::printf("%zu peer(s)\n", peers.size());
}

void cmd_listen(const std::vector<std::string>& a)
{
    if (a.size() > 2)
        fail("listen [IFACE] [COUNT]");
    std::uint32_t ifindex = a.empty() || a[0] == "any" ? 0 : ifindex_of(a[0]);
    std::uint32_t count = a.size() == 2 ? parse_u32(a[1], "count") : 0;
    auto sock = genl();
    must(sock->subscribe_peers());
    install_signals();
    std::printf("ready: listening\n");
    std::fflush(stdout);
    std::uint32_t seen = 0;
    while (!g_stop && (count == 0 || seen < count)) {
        pollfd pfd{sock->fd(), POLLIN, 0};
        if (poll(&pfd, 1, -1) < 0)
            continue; // EINTR: re-check g_stop
        auto batch = must(sock->read_notifications(ifindex));
        for (const auto& ev : batch.del_peer) {
            std::printf("DEL_PEER ifindex %u peer %u reason %s\n", ev.ifindex, ev.peer_id,
                        del_reason_name(ev.reason));
            ++seen;
        }
        if (batch.malformed)
            std::printf("malformed notifications: %zu\n", batch.malformed);
        std::fflush(stdout);
    }
}

// ---- deliberately malformed requests (negative tests) ----------------------

SecureBytes bad_attrs(const std::string& kind, std::uint32_t ifindex, std::uint8_t& cmd)
{
    NlWriter w;
    auto peer_nest = [&](std::uint16_t nest, std::uint8_t c, auto&& body) {
        cmd = c;
        w.put_u32(uapi::ATTR_IFINDEX, ifindex);
        auto n = w.begin_nest(nest);
        body();
        w.end_nest(n);
    };
    std::vector<std::uint8_t> key(16, 0x42), nonce(8, 0x24);
    auto key_dir = [&](std::uint16_t t, bool flagged) {
        auto n = w.begin_nest(t, flagged);
        w.put_bytes(uapi::KEY_DIR_ATTR_CIPHER_KEY, key);
        w.put_bytes(uapi::KEY_DIR_ATTR_NONCE_TAIL, nonce);
        w.end_nest(n);
    };
    auto key_head = [&] {
        w.put_u32(uapi::NEW_KEY_ATTR_PEER_ID, 1);
        w.put_u8(uapi::NEW_KEY_ATTR_KEY_SLOT, 0);
        w.put_u8(uapi::NEW_KEY_ATTR_KEY_ID, 0);
        w.put_u16(uapi::NEW_KEY_ATTR_CIPHER_ALG, uapi::CIPHER_ALG_AES_GCM);
    };
    if (kind == "no-ifindex") {
        cmd = uapi::CMD_GET_PEER;
        auto n = w.begin_nest(uapi::ATTR_GET_PEER);
        w.put_u32(uapi::GET_PEER_ATTR_PEER_ID, 1);
        w.end_nest(n);
    } else if (kind == "new-peer-no-socket") {
        peer_nest(uapi::ATTR_NEW_PEER, uapi::CMD_NEW_PEER,
                  [&] { w.put_u32(uapi::NEW_PEER_ATTR_PEER_ID, 1); });
    } else if (kind == "new-peer-no-id") {
        peer_nest(uapi::ATTR_NEW_PEER, uapi::CMD_NEW_PEER, [&] { w.put_u32(uapi::NEW_PEER_ATTR_SOCKET, 0); });
    } else if (kind == "new-key-no-decrypt") {
        peer_nest(uapi::ATTR_NEW_KEY, uapi::CMD_NEW_KEY, [&] {
            key_head();
            key_dir(uapi::NEW_KEY_ATTR_ENCRYPT_KEY, true);
        });
    } else if (kind == "new-key-unflagged-nest") {
        peer_nest(uapi::ATTR_NEW_KEY, uapi::CMD_NEW_KEY, [&] {
            key_head();
            key_dir(uapi::NEW_KEY_ATTR_ENCRYPT_KEY, false);
            key_dir(uapi::NEW_KEY_ATTR_DECRYPT_KEY, false);
        });
    } else if (kind == "set-peer-no-id") {
        peer_nest(uapi::ATTR_SET_PEER, uapi::CMD_SET_PEER, [&] {
            w.put_u32(uapi::SET_PEER_ATTR_KEEPALIVE_INTERVAL, 1);
            w.put_u32(uapi::SET_PEER_ATTR_KEEPALIVE_TIMEOUT, 2);
        });
    } else if (kind == "del-key-bad-slot") {
        peer_nest(uapi::ATTR_DEL_KEY, uapi::CMD_DEL_KEY, [&] {
            w.put_u32(uapi::DEL_KEY_ATTR_PEER_ID, 1);
            w.put_u8(uapi::DEL_KEY_ATTR_KEY_SLOT, 2);
        });
    } else {
        fail("unknown malformed request kind '" + kind + "'");
    }
    return must(w.finish());
}

void cmd_bad(const std::vector<std::string>& a)
{
    if (a.size() != 2)
        fail("bad IFACE KIND");
    auto ifindex = ifindex_of(a[0]);
    std::uint8_t cmd = 0;
    auto attrs = bad_attrs(a[1], ifindex, cmd);
    must(genl()->request(cmd, attrs, 0, "malformed " + a[1]));
    std::printf("accepted\n");
}

int run(const std::vector<std::string>& args)
{
    if (args.empty())
        fail(kUsage);
    std::vector<std::string> rest(args.begin() + 1, args.end());
    const std::string& c = args[0];
    if (c == "new-iface")
        cmd_new_iface(rest);
    else if (c == "del-iface")
        cmd_del_iface(rest);
    else if (c == "new-peer")
        cmd_new_peer(rest);
    else if (c == "new-peer-tcp")
        cmd_new_peer_tcp(rest);
    else if (c == "new-key")
        cmd_new_key(rest);
    else if (c == "swap-keys")
        cmd_swap_keys(rest);
    else if (c == "del-key")
        cmd_del_key(rest);
    else if (c == "set-peer")
        cmd_set_peer(rest);
    else if (c == "get-peer")
        cmd_get_peer(rest);
    else if (c == "del-peer")
        cmd_del_peer(rest);
    else if (c == "listen")
        cmd_listen(rest);
    else if (c == "bad")
        cmd_bad(rest);
    else
        fail("unknown command '" + c + "'\n" + kUsage);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    int expect = 0;
    if (args.size() >= 2 && args[0] == "--expect-errno") {
        expect = std::atoi(args[1].c_str());
        if (expect <= 0) {
            std::fprintf(stderr, "error: --expect-errno needs a positive errno\n");
            return 2;
        }
        args.erase(args.begin(), args.begin() + 2);
    }
    try {
        run(args);
    } catch (const Failure& f) {
        int got = errno_of(f.text);
        if (expect != 0 && got == expect) {
            std::printf("failed as expected (errno %d): %s\n", got, f.text.c_str());
            return 0;
        }
        std::fprintf(stderr, "error: %s\n", f.text.c_str());
        if (expect != 0)
            std::fprintf(stderr, "error: expected errno %d, got %d\n", expect, got);
        return 1;
    }
    if (expect != 0) {
        std::fprintf(stderr, "error: expected errno %d, but the command succeeded\n", expect);
        return 1;
    }
    return 0;
}
