// Helpers shared by the options unit tests: a silent logger and a config
// text parsed and finalized as the daemon does (failures are test failures).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "openvpn/options/helpers.hpp"
#include "openvpn/options/parser.hpp"

namespace ovpn::options::test {

inline Logger& quiet()
{
    static Logger log(std::fopen("/dev/null", "w"));
    return log;
}

// parsed: `text` as the config file `name` (messages name it: "v.conf:2").
inline Options parsed(const std::string& text, const std::string& name = "v.conf")
{
    Options o;
    Parser p(o, quiet());
    auto st = p.parse_text(text, name);
    EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error());
    auto f = finalize(o, quiet());
    EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error());
    return o;
}

} // namespace ovpn::options::test
