#include "openvpn/server/status.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace ovpn::server;

namespace {

std::vector<StatusClient> one_client()
{
    StatusClient c;
    c.common_name = "Test-Client";
    c.real_address = "10.93.0.2:41234";
    c.vpn_ipv4 = "10.8.0.6";
    c.bytes_received = 1234;
    c.bytes_sent = 5678;
    c.connected_since = 1700000000;
    c.last_ref = 1700000030;
    c.client_id = 0;
    c.peer_id = 0;
    c.cipher = "AES-256-GCM";
    return {c};
}

class Status : public ::testing::Test {
protected:
    void SetUp() override
    {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

} // namespace

TEST_F(Status, Version1HasTheSectionsAndTheClient)
{
    std::string s = format_status(1, one_client(), 1700000060, "t");
    EXPECT_EQ(s, "OpenVPN CLIENT LIST\n"
                 "Updated,2023-11-14 22:14:20\n"
                 "Common Name,Real Address,Bytes Received,Bytes Sent,Connected Since\n"
                 "Test-Client,10.93.0.2:41234,1234,5678,2023-11-14 22:13:20\n"
                 "ROUTING TABLE\n"
                 "Virtual Address,Common Name,Real Address,Last Ref\n"
                 "10.8.0.6,Test-Client,10.93.0.2:41234,2023-11-14 22:13:50\n"
                 "GLOBAL STATS\n"
                 "Max bcast/mcast queue length,0\n"
                 "END\n");
}

TEST_F(Status, Version2IsTaggedCsv)
{
    std::string s = format_status(2, one_client(), 1700000060, "OpenVPN 2.6.14");
    EXPECT_EQ(s.rfind("TITLE,OpenVPN 2.6.14\nTIME,2023-11-14 22:14:20,1700000060\n", 0), 0u);
    EXPECT_NE(s.find("\nCLIENT_LIST,Test-Client,10.93.0.2:41234,10.8.0.6,,1234,5678,2023-11-14 "
                     "22:13:20,1700000000,UNDEF,0,0,AES-256-GCM\n"),
              std::string::npos);
    EXPECT_NE(s.find("\nROUTING_TABLE,10.8.0.6,Test-Client,10.93.0.2:41234,2023-11-14 22:13:50,1700000030\n"),
              std::string::npos);
    EXPECT_EQ(s.substr(s.size() - 4), "END\n");
}

TEST_F(Status, Version3UsesTabs)
{
    std::string s = format_status(3, one_client(), 1700000060, "x");
    EXPECT_NE(s.find("CLIENT_LIST\tTest-Client\t10.93.0.2:41234\t10.8.0.6\t\t1234"), std::string::npos);
    EXPECT_EQ(s.find("\nCLIENT_LIST,"), std::string::npos);
}

TEST_F(Status, EmptyListStillHasHeadersAndEnd)
{
    std::string s = format_status(2, {}, 1700000060, "x");
    EXPECT_EQ(s.find("\nCLIENT_LIST,"), std::string::npos);
    EXPECT_NE(s.find("HEADER,CLIENT_LIST,Common Name"), std::string::npos);
    EXPECT_EQ(s.substr(s.size() - 4), "END\n");
}

TEST_F(Status, IroutesAreRoutingTableRowsOfTheirClient)
{
    auto clients = one_client();
    clients[0].routes = {"192.168.77.0/24", "fd77::/64"};
    std::string s = format_status(2, clients, 1700000060, "x");
    EXPECT_NE(s.find("\nROUTING_TABLE,10.8.0.6,Test-Client,"), std::string::npos);
    EXPECT_NE(s.find("\nROUTING_TABLE,192.168.77.0/24,Test-Client,10.93.0.2:41234,2023-11-14 22:13:50,"
                     "1700000030\n"),
              std::string::npos);
    EXPECT_NE(s.find("\nROUTING_TABLE,fd77::/64,Test-Client,"), std::string::npos);
    std::string v1 = format_status(1, clients, 1700000060, "x");
    EXPECT_NE(v1.find("\n192.168.77.0/24,Test-Client,10.93.0.2:41234,2023-11-14 22:13:50\n"),
              std::string::npos);
}
