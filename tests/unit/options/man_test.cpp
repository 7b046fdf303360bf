// man/openvpn.8 documents every option of the table (regenerate it with
// man/gen-man.sh when this fails).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "openvpn/options/table.hpp"

TEST(ManPage, NamesEveryOption)
{
    std::ifstream in(std::string(OVPN_SOURCE_DIR) + "/man/openvpn.8");
    ASSERT_TRUE(in) << "man/openvpn.8 missing";
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string page = ss.str();
    for (const auto& s : ovpn::options::all_options()) {
        std::string roff = "\\-\\-";
        for (char c : s.name) {
            if (c == '-')
                roff += "\\-";
            else
                roff += c;
        }
        const bool found =
            page.find(roff + " ") != std::string::npos || page.find(roff + "\n") != std::string::npos ||
            page.find(roff + " ,") != std::string::npos || page.find(roff + ",") != std::string::npos;
        EXPECT_TRUE(found) << "not in man/openvpn.8: --" << s.name;
    }
}
