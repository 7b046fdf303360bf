// tests/contract/env.hpp: the world a DataPlane contract case runs in.
//
// The SAME cases (cases.hpp) run against both data planes:
//   - UserspaceDataPlane (userspace_env.cpp, on the host, ctest label unit):
//     fake tun devices, real loopback UDP/TCP sockets, a FakeClock;
//   - KernelDataPlane (kernel_env.cpp, in the qemu guest, on Debian's
//     ovpn-dco-v2 and on ours): one network namespace per side joined by
//     veth pairs, ovpn-dco devices, the real clock.
//
// Sides: side 0 and side 1 in a P2P topology; in an MP topology side 0 is a
// server with an MP device and sides 1..N are its clients (P2P each).
// Connection k (1..N) joins side 0 and side k over the transport. VPN
// addresses: side s is 10.99.0.<s+1>/24. Peer ids on the wire: k on
// connection k (the server's instance id, pushed to the client); handles:
// the server's peer for connection k is k, every P2P side's peer is 0.
//
// The Env also plays the control plane: it reads every link socket in the
// event loop, hands data-channel packets to the side's on_link_data (as the
// daemon does) and keeps control packets in an inbox per connection.
//
// Traffic: send_plain() sends one UDP datagram (port kAppPort) from an
// application on one side to an address; recv_plain() returns the payload
// of the next such datagram delivered on a side (kernel: received by a
// socket in that namespace; userspace: written to that side's tun).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "openvpn/core/clock.hpp"
#include "openvpn/data/data_plane.hpp"
#include "openvpn/io/event_loop.hpp"
#include "openvpn/io/link_socket.hpp"

namespace ovpn::contract {

enum class Proto : std::uint8_t { Udp4, Tcp4 };
constexpr bool is_tcp(Proto p)
{
    return p == Proto::Tcp4;
}

struct Topology {
    bool mp = false; // side 0 is an MP server with `clients` clients
    int clients = 1; // P2P: exactly 1
};

inline constexpr std::uint16_t kAppPort = 5555;
inline constexpr std::uint16_t kServerPort = 1194;

// Bytes: a byte string, for payloads and packets.
using Bytes = std::vector<std::uint8_t>;

// make_payload: `len` bytes that name `tag` (so cases can tell datagrams apart).
Bytes make_payload(std::size_t len, std::uint8_t tag);
// control_packet: a P_CONTROL_V1-shaped packet (opcode 4, key id 0) of `len`
// bytes, tagged; not valid TLS, but the data planes never look inside.
Bytes control_packet(std::size_t len, std::uint8_t tag);

class Env {
public:
    explicit Env(Proto p) : proto_(p) {}
    virtual ~Env();
    Env(const Env&) = delete;
    Env& operator=(const Env&) = delete;

    Proto proto() const { return proto_; }
    virtual bool kernel() const = 0;
    virtual std::string name() const = 0;

    // build: planes, devices and transports; no peers yet. Use it under
    // ASSERT_NO_FATAL_FAILURE.
    void build(const Topology& t);
    const Topology& topology() const { return topo_; }
    int sides() const { return static_cast<int>(sides_.size()); }

    data::DataPlane& plane(int side);
    // link: side 0's socket towards client k (the shared socket for UDP),
    // or client k's own socket (k ignored for sides > 0).
    io::LinkSocket& link(int side, int k);
    data::PeerId handle(int side, int k) const;
    data::PeerSpec spec(int side, int k);
    std::string vpn_ip(int side) const { return "10.99.0." + std::to_string(side + 1); }
    // keys: the halves of connection k's key `key_id`, as `side` installs them.
    data::DataKeys keys(int side, int k, std::uint8_t key_id);

    // add_peers: add_peer on both ends of connection k; connect: that plus
    // the primary key 0 on both ends.
    void add_peers(int k);
    void connect(int k);

    virtual void send_plain(int from, const std::string& dst_ip, const Bytes& payload) = 0;
    std::optional<Bytes> recv_plain(int side, std::chrono::seconds budget);
    // delivered: what arrived on `side` so far and was not taken yet;
    // strays: what a case skipped while waiting for something else.
    std::deque<Bytes>& delivered(int side);
    std::vector<Bytes>& strays(int side);
    // add_local_address: `side` owns `ip` (a host in a network behind it).
    virtual void add_local_address(int side, const std::string& ip) = 0;

    // run_until: run the loop (and advance time) until pred() holds or the
    // budget is used up; returns pred().
    bool run_until(const std::function<bool()>& pred, std::chrono::seconds budget);
    std::deque<Bytes>& inbox(int side, int k);
    std::vector<data::PeerEvent>& events(int side);
    // send_control: a packet through `side`'s link on connection k, as the
    // control plane sends one.
    void send_control(int side, int k, const Bytes& pkt);
    // vanish: `side` disappears without a word (the other end sees
    // silence). Default: its plane and its sockets are destroyed.
    virtual void vanish(int side);

protected:
    struct Side {
        std::unique_ptr<data::DataPlane> plane;
        std::map<int, io::LinkSocket*> links; // connection -> link (side 0 UDP: all the same)
        std::vector<std::unique_ptr<io::LinkSocket>> owned;
        std::map<int, std::deque<Bytes>> inbox;
        std::vector<data::PeerEvent> events;
        std::deque<Bytes> delivered;
        std::vector<Bytes> strays;
        std::map<int, io::SockAddr> peer_addr; // connection -> the other end's transport address
        bool gone = false;
    };

    // ---- what an implementation provides ----
    virtual const ClockSource& clock() = 0;
    virtual void make_world(const Topology& t) = 0; // namespaces, veths (kernel); nothing (userspace)
    virtual std::unique_ptr<data::DataPlane> make_plane(int side, bool mp) = 0;
    virtual void after_attach(int side) {} // device addresses etc.
    virtual void in_side(int side, const std::function<void()>& fn) { fn(); }
    // address: side's transport address on connection k (port 0 = any);
    // address(0, 0): where an MP server's shared UDP socket binds.
    virtual io::SockAddr address(int side, int k) = 0;
    // step: one loop turn of at most `d` (kernel: real time; userspace: fake time advances by d).
    virtual void step(std::chrono::milliseconds d) = 0;
    virtual void before_teardown() {}
    // collect: move what reached `side` into side(side).delivered (the
    // kernel Env's sockets do it from the loop already).
    virtual void collect(int side) {}

    io::EventLoop& loop() { return *loop_; }
    void init_loop();
    void teardown();
    Side& side(int s) { return sides_.at(static_cast<std::size_t>(s)); }

private:
    void make_links(int k);
    void make_udp_links(int k);
    void make_tcp_links(int k);
    void watch(int s, io::LinkSocket* l);
    void pump(int s, io::LinkSocket* l);
    int connection_of(int s, const io::SockAddr& from) const;

    Proto proto_;
    Topology topo_;
    std::unique_ptr<io::EventLoop> loop_;
    std::vector<Side> sides_;
    std::map<std::pair<int, std::uint8_t>, std::pair<data::DataKeys, data::DataKeys>> keys_;
};

} // namespace ovpn::contract
