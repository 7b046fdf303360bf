// tests/contract/env.cpp: see env.hpp.
#include "contract/env.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <random>

#include <gtest/gtest.h>

#include "openvpn/wire/opcode.hpp"

namespace ovpn::contract {

Bytes make_payload(std::size_t len, std::uint8_t tag)
{
    Bytes b(len);
    for (std::size_t i = 0; i < len; ++i)
        b[i] = static_cast<std::uint8_t>(tag + i * 7);
    if (len)
        b[0] = tag;
    return b;
}

Bytes control_packet(std::size_t len, std::uint8_t tag)
{
    Bytes b = make_payload(len, tag);
    b[0] = wire::op_byte(wire::Opcode::ControlV1, 0);
    if (len > 1)
        b[1] = tag;
    return b;
}

Env::~Env() = default;

void Env::init_loop()
{
    loop_ = std::make_unique<io::EventLoop>(clock());
}

void Env::teardown()
{
    before_teardown();
    for (auto it = sides_.rbegin(); it != sides_.rend(); ++it) {
        it->plane.reset();
        for (auto& l : it->owned) {
            if (loop_)
                loop_->remove_fd(l->fd());
        }
        it->owned.clear();
        it->links.clear();
    }
    sides_.clear();
    loop_.reset();
}

void Env::build(const Topology& t)
{
    topo_ = t;
    if (!t.mp)
        topo_.clients = 1;
    sides_.resize(static_cast<std::size_t>(topo_.clients + 1));
    ASSERT_NO_FATAL_FAILURE(make_world(topo_));
    init_loop();
    for (int s = 0; s < sides(); ++s) {
        std::unique_ptr<data::DataPlane> p;
        in_side(s, [&] { p = make_plane(s, topo_.mp && s == 0); });
        ASSERT_TRUE(p) << "side " << s << ": no data plane";
        auto st = p->attach(loop(), [this, s](const data::PeerEvent& ev) { side(s).events.push_back(ev); });
        ASSERT_TRUE(st.ok()) << st.error();
        side(s).plane = std::move(p);
        ASSERT_NO_FATAL_FAILURE(after_attach(s));
    }
    for (int k = 1; k <= topo_.clients; ++k)
        ASSERT_NO_FATAL_FAILURE(make_links(k));
}

data::DataPlane& Env::plane(int s)
{
    return *side(s).plane;
}

io::LinkSocket& Env::link(int s, int k)
{
    auto& links = side(s).links;
    return *links.at(s == 0 ? k : s);
}

data::PeerId Env::handle(int s, int k) const
{
    return s == 0 && topo_.mp ? static_cast<data::PeerId>(k) : data::kP2pPeerId;
}

data::PeerSpec Env::spec(int s, int k)
{
    int conn = s == 0 ? k : s;
    data::PeerSpec p;
    p.id = handle(s, conn);
    p.link = &link(s, conn);
    p.tx_peer_id = static_cast<std::uint32_t>(conn);
    // As the daemon does: the peer's address whenever it is known (needed for
    // the server's unconnected UDP socket).
    p.remote = side(s).peer_addr.at(conn);
    if (s == 0 && topo_.mp) {
        in_addr a;
        inet_pton(AF_INET, vpn_ip(conn).c_str(), &a);
        p.vpn_ipv4 = a;
    }
    return p;
}

data::DataKeys Env::keys(int s, int k, std::uint8_t key_id)
{
    auto key = std::make_pair(s == 0 ? k : s, key_id);
    if (!keys_.count(key)) {
        std::random_device rd;
        auto half = [&rd] {
            data::DirectionKeys d;
            std::vector<std::uint8_t> k(32), iv(8);
            for (auto& b : k)
                b = static_cast<std::uint8_t>(rd());
            for (auto& b : iv)
                b = static_cast<std::uint8_t>(rd());
            d.cipher_key = SecureBytes(k);
            d.implicit_iv = SecureBytes(iv);
            return d;
        };
        data::DataKeys a;
        a.key_id = key_id;
        a.cipher = data::CipherAlg::Aes256Gcm;
        a.cipher_name = "AES-256-GCM";
        a.auth_name = "none";
        a.encrypt = half();
        a.decrypt = half();
        data::DataKeys b = a;
        std::swap(b.encrypt, b.decrypt);
        keys_.emplace(key, std::make_pair(std::move(a), std::move(b)));
    }
    const auto& pair = keys_.at(key);
    return s == 0 ? pair.first : pair.second;
}

void Env::add_peers(int k)
{
    auto a = plane(0).add_peer(spec(0, k));
    ASSERT_TRUE(a.ok()) << "side 0 add_peer " << k << ": " << a.error();
    auto b = plane(k).add_peer(spec(k, k));
    ASSERT_TRUE(b.ok()) << "side " << k << " add_peer: " << b.error();
}

void Env::connect(int k)
{
    ASSERT_NO_FATAL_FAILURE(add_peers(k));
    auto a = plane(0).install_key(handle(0, k), data::KeySlot::Primary, keys(0, k, 0));
    ASSERT_TRUE(a.ok()) << a.error();
    auto b = plane(k).install_key(handle(k, k), data::KeySlot::Primary, keys(k, k, 0));
    ASSERT_TRUE(b.ok()) << b.error();
}

// ---- transports ------------------------------------------------------------

void Env::make_links(int k)
{
    if (is_tcp(proto_))
        make_tcp_links(k);
    else
        make_udp_links(k);
}

void Env::make_udp_links(int k)
{
    if (side(0).owned.empty()) {
        io::UdpConfig sc;
        // MP: one socket for every client, as a 2.6 server (address(0, 0)).
        sc.bind_addr = topo_.mp ? address(0, 0) : address(0, k);
        Result<std::unique_ptr<io::LinkSocket>> s = Err{std::string("not opened")};
        in_side(0, [&] { s = io::open_udp(sc); });
        ASSERT_TRUE(s.ok()) << s.error();
        side(0).owned.push_back(std::move(*s));
        watch(0, side(0).owned.back().get());
    }
    io::LinkSocket* server = side(0).owned.front().get();
    side(0).links[k] = server;
    io::UdpConfig cc;
    auto to = address(0, k);
    if (to.port() != server->local().port())
        to = *io::SockAddr::parse_numeric(to.ip_string(), server->local().port());
    cc.connect_to = to;
    cc.bind_addr = address(k, k);
    Result<std::unique_ptr<io::LinkSocket>> c = Err{std::string("not opened")};
    in_side(k, [&] { c = io::open_udp(cc); });
    ASSERT_TRUE(c.ok()) << c.error();
    side(k).peer_addr[k] = to;
    side(0).peer_addr[k] = (*c)->local();
    side(k).links[k] = c->get();
    side(k).owned.push_back(std::move(*c));
    watch(k, side(k).owned.back().get());
}

namespace {

int tcp_listener(const io::SockAddr& at)
{
    int l = ::socket(at.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (l < 0 || ::bind(l, at.sa(), at.len) != 0 || ::listen(l, 4) != 0) {
        if (l >= 0)
            ::close(l);
        return -1;
    }
    return l;
}

bool wait_fd(int fd, short events)
{
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, 20000) == 1; // a failure bound only
}

} // namespace

void Env::make_tcp_links(int k)
{
    int l = -1;
    in_side(0, [&] { l = tcp_listener(address(0, k)); });
    ASSERT_GE(l, 0) << "TCP listener on " << address(0, k).to_string() << ": " << std::strerror(errno);
    io::SockAddr at;
    at.len = sizeof at.ss;
    ::getsockname(l, at.sa(), &at.len);
    io::TcpConfig cc;
    cc.remote = at;
    auto bind = address(k, k);
    if (!bind.empty())
        cc.bind_addr = bind;
    Result<std::unique_ptr<io::TcpLinkSocket>> c = Err{std::string("not opened")};
    in_side(k, [&] { c = io::connect_tcp(cc); });
    ASSERT_TRUE(c.ok()) << c.error();
    ASSERT_TRUE(wait_fd(l, POLLIN)) << "TCP accept on connection " << k;
    io::SockAddr from;
    from.len = sizeof from.ss;
    int a = ::accept4(l, from.sa(), &from.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    ::close(l);
    ASSERT_GE(a, 0) << std::strerror(errno);
    ASSERT_TRUE(wait_fd((*c)->fd(), POLLOUT));
    auto fin = (*c)->finish_connect();
    ASSERT_TRUE(fin.ok()) << fin.error().message();
    io::TcpConfig sc;
    sc.remote = from;
    auto server = io::adopt_tcp(a, sc);
    side(0).peer_addr[k] = from;
    side(k).peer_addr[k] = at;
    side(0).links[k] = server.get();
    side(0).owned.push_back(std::move(server));
    watch(0, side(0).owned.back().get());
    side(k).links[k] = c->get();
    side(k).owned.push_back(std::move(*c));
    watch(k, side(k).owned.back().get());
}

void Env::watch(int s, io::LinkSocket* l)
{
    auto st = loop().add_fd(l->fd(), io::kReadable, [this, s, l](std::uint32_t ev) {
        if (ev & io::kWritable)
            (void)l->flush();
        pump(s, l);
    });
    ASSERT_TRUE(st.ok()) << st.error();
}

int Env::connection_of(int s, const io::SockAddr& from) const
{
    if (s != 0)
        return s;
    const auto& addrs = sides_.at(0).peer_addr;
    for (const auto& [k, a] : addrs) {
        if (a == from)
            return k;
    }
    return addrs.size() == 1 ? addrs.begin()->first : -1;
}

// pump: what the daemon does with a readable link: data packets to the data
// plane, control packets to the control channel (here: the inbox).
void Env::pump(int s, io::LinkSocket* l)
{
    std::vector<PacketBuf> bufs(32);
    std::vector<io::SockAddr> from(32);
    for (int rounds = 0; rounds < 8; ++rounds) {
        auto r = l->recv(bufs, from);
        if (!r) {
            loop().remove_fd(l->fd()); // closed / reset: this connection is over
            return;
        }
        for (std::size_t i = 0; i < *r; ++i) {
            if (bufs[i].empty())
                continue;
            int k = connection_of(s, from[i]);
            if (s == 0 && is_tcp(proto_)) {
                for (const auto& [conn, link] : side(0).links) {
                    if (link == l)
                        k = conn;
                }
            }
            auto op = wire::opcode_of(bufs[i].data()[0]);
            if (op && wire::is_data(*op)) {
                if (side(s).plane)
                    side(s).plane->on_link_data(handle(s, k), std::span<PacketBuf>(&bufs[i], 1),
                                                clock().now());
                continue;
            }
            side(s).inbox[k].emplace_back(bufs[i].span().begin(), bufs[i].span().end());
        }
        if (*r < bufs.size())
            return;
    }
}

// ---- traffic and time ------------------------------------------------------

std::deque<Bytes>& Env::delivered(int s)
{
    collect(s);
    return side(s).delivered;
}

std::vector<Bytes>& Env::strays(int s)
{
    return side(s).strays;
}

std::optional<Bytes> Env::recv_plain(int s, std::chrono::seconds budget)
{
    if (!run_until([&] { return !delivered(s).empty(); }, budget))
        return std::nullopt;
    Bytes b = std::move(side(s).delivered.front());
    side(s).delivered.pop_front();
    return b;
}

bool Env::run_until(const std::function<bool()>& pred, std::chrono::seconds budget)
{
    const auto start = clock().now();
    while (!pred()) {
        if (clock().now() - start >= budget)
            return false;
        for (auto& sd : sides_) {
            for (auto& l : sd.owned) {
                if (!l->wants_write())
                    continue;
                (void)l->flush();
                (void)loop().modify_fd(l->fd(), io::kReadable | (l->wants_write() ? io::kWritable : 0));
            }
        }
        step(std::chrono::milliseconds(50));
    }
    return true;
}

std::deque<Bytes>& Env::inbox(int s, int k)
{
    return side(s).inbox[s == 0 ? k : s];
}

std::vector<data::PeerEvent>& Env::events(int s)
{
    return side(s).events;
}

void Env::send_control(int s, int k, const Bytes& pkt)
{
    int conn = s == 0 ? k : s;
    PacketBuf b;
    ASSERT_TRUE(b.append(std::span<const std::uint8_t>(pkt)));
    const io::SockAddr* to = nullptr;
    if (s == 0 && !is_tcp(proto_))
        to = &side(0).peer_addr.at(conn);
    auto r = link(s, conn).send(std::span<const PacketBuf>(&b, 1), to);
    ASSERT_TRUE(r.ok()) << r.error().message();
    ASSERT_EQ(*r, 1u);
}

void Env::vanish(int s)
{
    auto& sd = side(s);
    sd.plane.reset();
    for (auto& l : sd.owned)
        loop().remove_fd(l->fd());
    sd.owned.clear();
    sd.links.clear();
    sd.gone = true;
}

} // namespace ovpn::contract
