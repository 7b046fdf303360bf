// Status texts byte for byte against what OpenVPN 2.6.14 wrote (features.md §5).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "openvpn/process/status.hpp"

namespace ovpn::process {
namespace {

// Times are local time in 2.6; the tests pin TZ to UTC.
class StatusTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

// 2026-11-25 19:38:42 UTC
constexpr std::time_t kT0 = 1795635522;

TEST_F(StatusTest, ClientBlockMatches26)
{
    TrafficCounters c;
    c.tun_read_bytes = 192;
    c.tun_write_bytes = 144;
    c.link_read_bytes = 5007;
    c.link_write_bytes = 4746;
    c.auth_read_bytes = 160;
    c.pre_compress = 99; // not printed without compression
    EXPECT_EQ(format_client_status(c, kT0 + 34), "OpenVPN STATISTICS\n"
                                                 "Updated,2026-11-25 19:39:16\n"
                                                 "TUN/TAP read bytes,192\n"
                                                 "TUN/TAP write bytes,144\n"
                                                 "TCP/UDP read bytes,5007\n"
                                                 "TCP/UDP write bytes,4746\n"
                                                 "Auth read bytes,160\n"
                                                 "END\n");
}

TEST_F(StatusTest, ClientCompressionRows)
{
    TrafficCounters c;
    c.compression = true;
    c.pre_compress = 1;
    c.post_compress = 2;
    c.pre_decompress = 3;
    c.post_decompress = 18446744073709551615ULL;
    const std::string s = format_client_status(c, kT0);
    EXPECT_NE(s.find("Auth read bytes,0\npre-compress bytes,1\npost-compress bytes,2\n"
                     "pre-decompress bytes,3\npost-decompress bytes,18446744073709551615\nEND\n"),
              std::string::npos)
        << s;
}

TEST_F(StatusTest, ClientDataPlaneRowsOnlyWhenSet)
{
    TrafficCounters c;
    c.dco_enabled = true;
    c.userspace_data_packets = 7;
    const std::string s = format_client_status(c, kT0);
    EXPECT_NE(s.find("Auth read bytes,0\ndco_enabled,1\nuserspace_data_packets,7\nEND\n"), std::string::npos)
        << s;
    c.dco_enabled = false;
    EXPECT_NE(format_client_status(c, kT0).find("\ndco_enabled,0\n"), std::string::npos);
    EXPECT_EQ(format_client_status(TrafficCounters{}, kT0).find("dco_enabled"), std::string::npos);
}

ServerClientRow test_client()
{
    ServerClientRow r;
    r.common_name = "Test-Client";
    r.real_address = "127.0.0.1:58141";
    r.virtual_address = "10.99.0.2";
    r.username = "alice";
    r.bytes_received = 4548;
    r.bytes_sent = 4869;
    r.connected_since = kT0;
    r.peer_id = 0;
    r.cipher = "AES-256-GCM";
    return r;
}

TEST_F(StatusTest, ServerVersion1Matches26)
{
    auto r = test_client();
    r.bytes_sent = 4797;
    ServerStatusGlobals g;
    g.max_bcast_mcast_queue_length = 1;
    EXPECT_EQ(format_server_status({r}, 1, kT0 + 11, g),
              "OpenVPN CLIENT LIST\n"
              "Updated,2026-11-25 19:38:53\n"
              "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n"
              "Test-Client,127.0.0.1:58141,4548,4797,2026-11-25 19:38:42\n"
              "ROUTING TABLE\n"
              "Virtual Address,Common Name,Real Address,Last Ref\n"
              "10.99.0.2,Test-Client,127.0.0.1:58141,2026-11-25 19:38:42\n"
              "GLOBAL STATS\n"
              "Max bcast/mcast queue length,1\n"
              "END\n");
}

TEST_F(StatusTest, ServerVersion2Matches26)
{
    ServerStatusGlobals g;
    g.title = "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] "
              "[AEAD] [DCO]";
    g.max_bcast_mcast_queue_length = 1;
    EXPECT_EQ(
        format_server_status({test_client()}, 2, kT0 + 12, g),
        "TITLE,OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] "
        "[AEAD] [DCO]\n"
        "TIME,2026-11-25 19:38:54,1795635534\n"
        "HEADER,CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6 Address,Bytes "
        "Received,Bytes "
        "Sent,Connected Since,Connected Since (time_t),Username,Client ID,Peer ID,Data Channel Cipher\n"
        "CLIENT_LIST,Test-Client,127.0.0.1:58141,10.99.0.2,,4548,4869,2026-11-25 "
        "19:38:42,1795635522,alice,0,0,"
        "AES-256-GCM\n"
        "HEADER,ROUTING_TABLE,Virtual Address,Common Name,Real Address,Last Ref,Last Ref (time_t)\n"
        "ROUTING_TABLE,10.99.0.2,Test-Client,127.0.0.1:58141,2026-11-25 19:38:42,1795635522\n"
        "GLOBAL_STATS,Max bcast/mcast queue length,1\n"
        "GLOBAL_STATS,dco_enabled,0\n"
        "END\n");
}

TEST_F(StatusTest, ServerVersion3IsVersion2WithTabs)
{
    auto r = test_client();
    r.username.clear(); // no username: UNDEF
    r.virtual_ipv6 = "fd00::1000";
    r.last_ref = kT0 + 5;
    ServerStatusGlobals g;
    g.dco_enabled = true;
    const std::string v2 = format_server_status({r}, 2, kT0, g);
    std::string expect = v2;
    // Only the title holds commas that are not separators; swap everything else.
    const auto title_end = expect.find('\n');
    for (std::size_t i = 0; i < expect.size(); ++i)
        if (expect[i] == ',' && (i > title_end || i == 5))
            expect[i] = '\t';
    EXPECT_EQ(format_server_status({r}, 3, kT0, g), expect);
    EXPECT_NE(v2.find(",UNDEF,0,0,AES-256-GCM\n"), std::string::npos) << v2;
    EXPECT_NE(
        v2.find("ROUTING_TABLE,fd00::1000,Test-Client,127.0.0.1:58141,2026-11-25 19:38:47,1795635527\n"),
        std::string::npos)
        << v2;
    EXPECT_NE(v2.find("GLOBAL_STATS,dco_enabled,1\nEND\n"), std::string::npos);
}

TEST_F(StatusTest, ServerUserspaceDataPacketsOnlyWhenSet)
{
    ServerStatusGlobals g;
    EXPECT_EQ(format_server_status({}, 2, kT0, g).find("userspace_data_packets"), std::string::npos);
    EXPECT_EQ(format_server_status({}, 1, kT0, g).find("userspace_data_packets"), std::string::npos);
    g.dco_enabled = true;
    g.userspace_data_packets = 7;
    EXPECT_NE(format_server_status({}, 2, kT0, g)
                  .find("GLOBAL_STATS,dco_enabled,1\nGLOBAL_STATS,userspace_data_packets,7\nEND\n"),
              std::string::npos);
    EXPECT_NE(format_server_status({}, 3, kT0, g).find("GLOBAL_STATS\tuserspace_data_packets\t7\nEND\n"),
              std::string::npos);
    EXPECT_NE(format_server_status({}, 1, kT0, g)
                  .find("Max bcast/mcast queue length,0\nuserspace_data_packets,7\nEND\n"),
              std::string::npos);
}

TEST_F(StatusTest, ServerNoClients)
{
    EXPECT_EQ(format_server_status({}, 1, kT0),
              "OpenVPN CLIENT LIST\nUpdated,2026-11-25 19:38:42\n"
              "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n"
              "ROUTING TABLE\nVirtual Address,Common Name,Real Address,Last Ref\n"
              "GLOBAL STATS\nMax bcast/mcast queue length,0\nEND\n");
}

// `status 4` (or 0 from a caller that did not map it): 2.6's one error line,
// no END; the file only ever asks for 1, 2 or 3.
TEST_F(StatusTest, ServerBadVersionIs26sErrorLine)
{
    for (int v : {0, 4, -1})
        EXPECT_EQ(format_server_status({test_client()}, v, kT0), "ERROR: bad status format version number\n");
}

// The TITLE of v2/v3 is the --version line (one title for both).
TEST_F(StatusTest, ServerTitleIsTheVersionTitle)
{
    const std::string v2 = format_server_status({}, 2, kT0);
    EXPECT_EQ(v2.rfind(std::string("TITLE,") + title_string() + "\n", 0), 0u) << v2;
}

std::string slurp(const std::string& path)
{
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> entries(const std::string& dir)
{
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

// temp_growing: a temporary beside the status file has bytes in it.
bool temp_growing(const std::string& dir)
{
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        std::error_code ec; // the temporary may be renamed away meanwhile
        if (e.path().filename().string().rfind(".status.", 0) == 0 && e.file_size(ec) > 0 && !ec)
            return true;
    }
    return false;
}

TEST_F(StatusTest, FileIsTruncatedAtOpenAndReplacedWhole)
{
    char dir[] = "/tmp/proc-status-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/status";
    {
        std::ofstream(path) << "old contents that are long\n";
    }
    ASSERT_EQ(chmod(path.c_str(), 0640), 0);
    FakeClock clock;
    StatusFile f(path, std::chrono::seconds(10));
    EXPECT_EQ(slurp(path), ""); // truncated at start-up, like 2.6
    EXPECT_TRUE(f.due(clock.now()));
    ASSERT_TRUE(f.write("a long first text\n", clock.now()));
    struct stat st {}; // (the file in place now is held open, so its inode is not reused)
    ASSERT_EQ(stat(path.c_str(), &st), 0);
    EXPECT_FALSE(f.due(clock.now()));
    clock.advance(std::chrono::seconds(9));
    EXPECT_FALSE(f.due(clock.now()));
    clock.advance(std::chrono::seconds(1));
    EXPECT_TRUE(f.due(clock.now()));
    ASSERT_TRUE(f.write("short\n", clock.now()));
    EXPECT_EQ(slurp(path), "short\n");
    struct stat st2 {};
    ASSERT_EQ(stat(path.c_str(), &st2), 0);
    EXPECT_NE(st.st_ino, st2.st_ino);                            // a new file renamed over the old
    EXPECT_EQ(st2.st_mode & 07777, 0640u);                       // the admin's mode is kept
    EXPECT_EQ(entries(dir), std::vector<std::string>{"status"}); // no temporary left
    unlink(path.c_str());
    rmdir(dir);
}

TEST_F(StatusTest, SymlinkIsWrittenThroughInPlace)
{
    char dir[] = "/tmp/proc-status-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string real = std::string(dir) + "/real";
    const std::string link = std::string(dir) + "/link";
    ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
    FakeClock clock;
    StatusFile f(link, std::chrono::seconds(10));
    ASSERT_TRUE(f.write("through the link\n", clock.now()));
    struct stat st {};
    ASSERT_EQ(lstat(link.c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode)); // not replaced by a regular file
    EXPECT_EQ(slurp(real), "through the link\n");
    unlink(link.c_str());
    unlink(real.c_str());
    rmdir(dir);
}

// After a privilege drop the directory is no longer ours: the descriptor held
// since the last rename (opened as root) still rewrites the file, as in 2.6.
TEST_F(StatusTest, WritesInPlaceAfterPrivilegeDrop)
{
    if (geteuid() != 0)
        FAIL() << "needs root (the unit tests run as root in CI)";
    char dir[] = "/tmp/proc-status-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    ASSERT_EQ(chmod(dir, 0755), 0);
    const std::string path = std::string(dir) + "/status";
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        FakeClock clock;
        StatusFile f(path, std::chrono::seconds(1));
        const bool root_ok = static_cast<bool>(f.write("as root\n", clock.now()));
        const bool dropped = setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0;
        const bool after_ok = static_cast<bool>(f.write("after the drop\n", clock.now()));
        _exit(root_ok && dropped && after_ok ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(slurp(path), "after the drop\n");
    unlink(path.c_str());
    rmdir(dir);
}

// A writer killed while it rewrites the file leaves the old text or the new
// one, never part of the new: the parent waits until the big write is under
// way (the target or a temporary beside it has changed), then SIGKILLs.
TEST_F(StatusTest, SigkillDuringWriteLeavesAWholeFile)
{
    char dir[] = "/tmp/proc-status-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/status";
    const std::string first = "first complete text\nEND\n";
    const std::string big(64u << 20, 'B');
    int ready[2];
    ASSERT_EQ(pipe(ready), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        FakeClock clock;
        StatusFile f(path, std::chrono::seconds(1));
        (void)f.write(first, clock.now());
        (void)!::write(ready[1], "x", 1);
        for (;;)
            (void)f.write(big, clock.now());
    }
    char c = 0;
    ASSERT_EQ(read(ready[0], &c, 1), 1);
    std::error_code ec;
    while (std::filesystem::file_size(path, ec) == first.size() && !temp_growing(dir))
        ;
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    const std::string left = slurp(path);
    EXPECT_TRUE(left == first || left == big) << "a torn file of " << left.size() << " bytes";
    for (const auto& e : entries(dir))
        unlink((std::string(dir) + "/" + e).c_str());
    rmdir(dir);
    close(ready[0]);
    close(ready[1]);
}

TEST_F(StatusTest, ZeroIntervalIsNeverDue)
{
    FakeClock clock;
    StatusFile f("/dev/null", std::chrono::seconds(0));
    EXPECT_FALSE(f.due(clock.now()));
}

TEST_F(StatusTest, UnwritablePathIsAnError)
{
    FakeClock clock;
    StatusFile f("/nonexistent-dir-proc/status", std::chrono::seconds(1));
    auto s = f.write("x\n", clock.now());
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().find("cannot open /nonexistent-dir-proc/status"), std::string::npos);
}

} // namespace
} // namespace ovpn::process

namespace ovpn::process {
namespace {

// Written by Debian's OpenVPN 2.6.14 as a server (--server, --server-ipv6,
// an iroute from client-config-dir) with one 2.6 client, in namespaces, TZ=UTC.
ServerClientRow real_client(std::time_t since, const std::string& real, std::uint64_t rx, std::uint64_t tx)
{
    ServerClientRow r;
    r.common_name = "client";
    r.real_address = real;
    r.virtual_address = "10.99.0.2";
    r.virtual_ipv6 = "fd00:99::1000";
    r.bytes_received = rx;
    r.bytes_sent = tx;
    r.connected_since = since;
    r.cipher = "AES-256-GCM";
    return r;
}

TEST_F(StatusTest, RealServerVersion1WithIroute)
{
    const std::time_t since = 1795653018; // 2026-11-26 00:30:18 UTC
    auto r = real_client(since, "192.0.2.2:47847", 2587, 2616);
    r.routes = {
        {"fd00:99::1000", since, false}, {"10.55.0.0/24", since, false}, {"10.99.0.2", since + 1, false}};
    EXPECT_EQ(format_server_status({r}, 1, since + 3),
              "OpenVPN CLIENT LIST\n"
              "Updated,2026-11-26 00:30:21\n"
              "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n"
              "client,192.0.2.2:47847,2587,2616,2026-11-26 00:30:18\n"
              "ROUTING TABLE\n"
              "Virtual Address,Common Name,Real Address,Last Ref\n"
              "fd00:99::1000,client,192.0.2.2:47847,2026-11-26 00:30:18\n"
              "10.55.0.0/24,client,192.0.2.2:47847,2026-11-26 00:30:18\n"
              "10.99.0.2,client,192.0.2.2:47847,2026-11-26 00:30:19\n"
              "GLOBAL STATS\n"
              "Max bcast/mcast queue length,0\n"
              "END\n");
}

TEST_F(StatusTest, RealServerVersion3WithIroute)
{
    const std::time_t since = 1795653031; // 2026-11-26 00:30:31 UTC
    auto r = real_client(since, "192.0.2.2:35551", 2586, 2617);
    r.routes = {{"10.99.0.2", since, false}, {"10.55.0.0/24", since, false}, {"fd00:99::1000", since, false}};
    ServerStatusGlobals g;
    g.title =
        "OpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] [AEAD] "
        "[DCO]";
    EXPECT_EQ(
        format_server_status({r}, 3, since + 2, g),
        "TITLE\tOpenVPN 2.6.14 x86_64-pc-linux-gnu [SSL (OpenSSL)] [LZO] [LZ4] [EPOLL] [PKCS11] [MH/PKTINFO] "
        "[AEAD] [DCO]\n"
        "TIME\t2026-11-26 00:30:33\t1795653033\n"
        "HEADER\tCLIENT_LIST\tCommon Name\tReal Address\tVirtual Address\tVirtual IPv6 Address\tBytes "
        "Received\tBytes Sent\tConnected Since\tConnected Since (time_t)\tUsername\tClient ID\tPeer ID\tData "
        "Channel Cipher\n"
        "CLIENT_LIST\tclient\t192.0.2.2:35551\t10.99.0.2\tfd00:99::1000\t2586\t2617\t2026-11-26 "
        "00:30:31\t1795653031\tUNDEF\t0\t0\tAES-256-GCM\n"
        "HEADER\tROUTING_TABLE\tVirtual Address\tCommon Name\tReal Address\tLast Ref\tLast Ref (time_t)\n"
        "ROUTING_TABLE\t10.99.0.2\tclient\t192.0.2.2:35551\t2026-11-26 00:30:31\t1795653031\n"
        "ROUTING_TABLE\t10.55.0.0/24\tclient\t192.0.2.2:35551\t2026-11-26 00:30:31\t1795653031\n"
        "ROUTING_TABLE\tfd00:99::1000\tclient\t192.0.2.2:35551\t2026-11-26 00:30:31\t1795653031\n"
        "GLOBAL_STATS\tMax bcast/mcast queue length\t0\n"
        "GLOBAL_STATS\tdco_enabled\t0\n"
        "END\n");
}

TEST_F(StatusTest, CachedRouteGetsTheCSuffix)
{
    auto r = test_client();
    r.routes = {{"10.99.0.7", kT0, true}};
    EXPECT_NE(format_server_status({r}, 2, kT0).find("\nROUTING_TABLE,10.99.0.7C,Test-Client,"),
              std::string::npos);
    EXPECT_NE(format_server_status({r}, 1, kT0).find("\n10.99.0.7C,Test-Client,"), std::string::npos);
}

} // namespace
} // namespace ovpn::process

namespace ovpn::process {
namespace {

TEST(RealAddress, LikeTwoSix)
{
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(58141);
    inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
    EXPECT_EQ(format_real_address(reinterpret_cast<sockaddr*>(&v4)), "127.0.0.1:58141");
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(1194);
    inet_pton(AF_INET6, "::ffff:192.0.2.2", &v6.sin6_addr);
    EXPECT_EQ(format_real_address(reinterpret_cast<sockaddr*>(&v6)), "192.0.2.2:1194");
    inet_pton(AF_INET6, "2001:db8::5", &v6.sin6_addr);
    EXPECT_EQ(format_real_address(reinterpret_cast<sockaddr*>(&v6)), "2001:db8::5");
    EXPECT_EQ(format_real_address(nullptr), "");
}

} // namespace
} // namespace ovpn::process
