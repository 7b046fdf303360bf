// app/info.cpp: --version and --help. The help text is generated from the
// option table (options/table.hpp), so it always lists what the parser takes.
#include <lzo/lzoconf.h>
#include <openssl/crypto.h>

#include <string>

#include "dco/availability.hpp"
#include "openvpn/app/app.hpp"
#include "openvpn/options/table.hpp"
#include "openvpn/process/status.hpp"

namespace ovpn::app {
namespace {

// wrap: print text in lines of at most `width` columns, indented by `indent`.
void wrap(std::FILE* out, std::string_view text, std::size_t indent, std::size_t width)
{
    std::size_t col = indent;
    std::string_view rest = text;
    while (!rest.empty()) {
        const std::size_t sp = rest.find(' ');
        const std::string_view word = rest.substr(0, sp);
        if (col > indent && col + 1 + word.size() > width) {
            std::fprintf(out, "\n%*s", static_cast<int>(indent), "");
            col = indent;
        } else if (col > indent) {
            std::fputc(' ', out);
            ++col;
        }
        std::fwrite(word.data(), 1, word.size(), out);
        col += word.size();
        rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
    }
    std::fputc('\n', out);
}

} // namespace

std::string version_title()
{
    return process::title_string();
}

std::string library_versions()
{
    // as Debian's 2.6.14 says it: OpenSSL and LZO (LZ4 goes unnamed)
    return std::string("library versions: ") + OpenSSL_version(OPENSSL_VERSION) + ", LZO " +
           lzo_version_string();
}

std::string dco_version()
{
    return dco::dco_module_version();
}

void print_version(std::FILE* out)
{
    std::fprintf(out, "%s\n%s\nDCO version: %s\n", version_title().c_str(), library_versions().c_str(),
                 dco_version().c_str());
    std::fprintf(out, "openvpn-ng: a C++20 reimplementation of the OpenVPN 2.6 program, config-compatible "
                      "with it, with kernel data channel offload (ovpn-dco-v2).\n");
}

void print_help(std::FILE* out)
{
    print_version(out);
    std::fprintf(out, "\nUsage: openvpn [config-file] | openvpn --option [args] ...\n"
                      "  Every option can also be written in a config file without the leading --.\n"
                      "\n--check-config : Parse and check the configuration and its files, report\n"
                      "                 what prevents data channel offload, and exit.\n\n");
    for (const auto& s : options::all_options()) {
        if (s.flags & (options::F_INTERNAL | options::F_WINDOWS | options::F_ABSENT))
            continue;
        std::string head = "--" + std::string(s.name);
        if (!s.synopsis.empty())
            head += " " + std::string(s.synopsis);
        std::fprintf(out, "%s :\n    ", head.c_str());
        wrap(out, s.help, 4, 78);
    }
}

} // namespace ovpn::app
