// app/show_pkcs11.cpp: --show-pkcs11-ids [provider] [cert_private], as
// 2.6.14's show_pkcs11_ids: the provider's certificates with their subject,
// serial and pkcs11-helper's serialized id (what --pkcs11-id takes), in
// 2.6's text. A token PIN (cert_private) is asked on the console.
#include <openssl/bio.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "openvpn/app/show_pkcs11.hpp"
#include "openvpn/control/tls_engine.hpp"
#include "openvpn/crypto/pkcs11.hpp"
#include "openvpn/process/console.hpp"

namespace ovpn::app {
namespace {

namespace p11 = crypto::pkcs11;

// Debian's 2.6 is built with this default provider (DEFAULT_PKCS11_MODULE).
constexpr const char* kDefaultProvider = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";

constexpr const char* kHeader = "\n"
                                "The following objects are available for use.\n"
                                "Each object shown below may be used as parameter to\n"
                                "--pkcs11-id option please remember to use single quote mark.\n";

// serial: the certificate's serial as i2a_ASN1_INTEGER prints it (hex).
std::string serial_of(X509* x)
{
    BIO* bio = BIO_new(BIO_s_mem());
    if (bio == nullptr)
        return {};
    i2a_ASN1_INTEGER(bio, X509_get_serialNumber(x));
    char* p = nullptr;
    const long n = BIO_get_mem_data(bio, &p);
    std::string s = n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
    BIO_free(bio);
    return s;
}

// print_entry: one "Certificate" block; false when the DER does not parse
// (2.6 then skips the entry after its fatal line).
bool print_entry(const p11::Entry& e, Logger& log)
{
    const unsigned char* p = e.der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(e.der.size()));
    if (x == nullptr) {
        log.write(Verb::Fatal, "PKCS#11: Cannot get X509");
        return false;
    }
    const std::string dn = control::x509_subject_line(X509_get_subject_name(x));
    const std::string serial = serial_of(x);
    X509_free(x);
    std::fprintf(stdout,
                 "\n"
                 "Certificate\n"
                 "       DN:             %s\n"
                 "       Serial:         %s\n"
                 "       Serialized id:  %s\n",
                 dn.c_str(), serial.c_str(), e.id.c_str());
    return true;
}

void log_hook(Logger& log, p11::LogLevel level, std::string_view text)
{
    switch (level) {
    case p11::LogLevel::Error:
        log.write(Verb::Fatal, mute::None, Severity::NonFatal, text);
        break;
    case p11::LogLevel::Warn:
        log.write(Verb::Error, mute::None, Severity::Warning, text);
        break;
    case p11::LogLevel::Info:
        log.write(Verb::Error, text); // 2.6's M_INFO
        break;
    default:
        log.write(Verb::Trace, text);
        break;
    }
}

// console_pin: 2.6's prompt for --show-pkcs11-ids ("cancel" cancels).
std::optional<std::string> console_pin(std::string_view display)
{
    auto pin =
        process::read_console("Please enter '" + std::string(display) + "' token PIN or 'cancel': ", false);
    if (!pin)
        return std::nullopt;
    std::string s(reinterpret_cast<const char*>(pin->data()), pin->size());
    if (s == "cancel")
        return std::nullopt;
    return s;
}

int fatal(Logger& log, const std::string& line)
{
    log.write(Verb::Fatal, line);
    log.write(Verb::Fatal, "Exiting due to fatal error");
    p11::terminate();
    return 1;
}

} // namespace

int show_pkcs11_ids(const options::Options& o, Logger& log)
{
    const options::Directive* d = o.last("show-pkcs11-ids");
    std::string provider = kDefaultProvider;
    bool cert_private = false;
    if (d != nullptr && !d->args.empty()) {
        char* end = nullptr;
        const long n = std::strtol(d->args[0].c_str(), &end, 10);
        if (d->args.size() == 1 && *end == '\0') // one numeric argument: cert_private
            cert_private = n != 0;
        else
            provider = d->args[0];
        if (d->args.size() > 1)
            cert_private = std::atoi(d->args[1].c_str()) != 0;
    }
    p11::Hooks hooks{[&log](p11::LogLevel l, std::string_view t) { log_hook(log, l, t); },
                     [](std::string_view, std::string_view display) { return console_pin(display); },
                     nullptr};
    if (auto s = p11::initialize(std::move(hooks), true, -1, log.enabled(Verb::Trace)); !s)
        return fatal(log, s.error());
    if (!p11::add_provider({provider, true, 0, cert_private}))
        return fatal(log, "Failed to add PKCS#11 provider '" + provider);
    auto list = p11::enumerate();
    if (!list) {
        std::string e = list.error();
        const std::string_view from = "PKCS#11: Cannot get certificate list";
        if (e.starts_with(from))
            e = "PKCS#11: Cannot enumerate certificates" + e.substr(from.size());
        return fatal(log, e);
    }
    std::fflush(stdout);
    std::fputs(kHeader, stdout);
    for (const auto& e : *list)
        (void)print_entry(e, log);
    std::fflush(stdout);
    p11::terminate();
    return 0;
}

} // namespace ovpn::app
