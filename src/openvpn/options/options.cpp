// options/options.cpp: the small queries of Options.
#include "openvpn/options/options.hpp"

namespace ovpn::options {

bool Options::given(const std::string& name) const
{
    return last(name) != nullptr;
}

const Directive* Options::last(const std::string& name) const
{
    for (auto it = directives.rbegin(); it != directives.rend(); ++it)
        if (it->name == name)
            return &*it;
    return nullptr;
}

} // namespace ovpn::options
