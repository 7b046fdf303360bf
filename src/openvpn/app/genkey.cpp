// app/genkey.cpp: --genkey TYPE [FILE [METADATA]]. The key text comes from the
// crypto layer (crypto/genkey.hpp); this file only picks the type, reads the
// tls-crypt-v2 server key when needed and writes the result (mode 0600, or
// stdout when no file is named, as 2.6 does).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <openssl/crypto.h>

#include "openvpn/app/app.hpp"
#include "openvpn/crypto/genkey.hpp"
#include "openvpn/options/validate.hpp"

namespace ovpn::app {
namespace {

Status<> write_secret_file(const std::string& path, const std::string& text)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Err{strfmt("Cannot open key file '%s' for write: %s", path.c_str(), std::strerror(errno))};
    std::size_t off = 0;
    while (off < text.size()) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            ::close(fd);
            return Err{strfmt("Write error on key file '%s'", path.c_str())};
        }
        off += static_cast<std::size_t>(n);
    }
    return ::close(fd) == 0 ? Status<>(Ok{}) : Status<>(Err{std::string("close failed on ") + path});
}

Result<std::string> server_key_text(const options::Options& o)
{
    const auto& f = o.ce.tls_crypt_v2;
    if (!f)
        return Err{std::string("--genkey tls-crypt-v2-client requires a server key to be set via "
                               "--tls-crypt-v2 to create a client key")};
    if (f->is_inline)
        return f->content;
    std::ifstream in(options::resolve_path(o, f->path), std::ios::binary);
    if (!in)
        return Err{strfmt("Cannot read tls-crypt-v2 server key '%s'", f->path.c_str())};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

int run_genkey(const options::Options& o, Logger& log)
{
    std::vector<std::string> a = *o.genkey;
    if (a.empty() && o.secret && !o.secret->is_inline) {
        log.write(Verb::Error,
                  "WARNING: Using --genkey --secret filename is DEPRECATED.  Use --genkey secret "
                  "filename instead.");
        a = {"secret", o.secret->path};
    }
    if (a.empty())
        a = {"secret"};
    auto type = crypto::parse_genkey_type(a[0]);
    if (!type) {
        log.logf(Verb::Fatal, "Options error: %s", type.error().c_str());
        return 1;
    }
    crypto::GenkeyInput in;
    if (*type == crypto::GenkeyType::TlsCryptV2Client) {
        auto k = server_key_text(o);
        if (!k) {
            log.logf(Verb::Fatal, "Options error: %s", k.error().c_str());
            return 1;
        }
        in.server_key_text = std::move(*k);
        if (a.size() > 2)
            in.metadata_base64 = a[2];
        in.now_unix = static_cast<std::int64_t>(std::time(nullptr));
    }
    auto text = crypto::genkey_text(*type, in);
    if (!text) {
        log.logf(Verb::Fatal, "%s", text.error().c_str());
        return 1;
    }
    Status<> st = Ok{};
    if (a.size() < 2 || a[1] == "stdout")
        std::fwrite(text->data(), 1, text->size(), stdout);
    else
        st = write_secret_file(a[1], *text);
    OPENSSL_cleanse(text->data(), text->size());
    if (!st) {
        log.write(Verb::Fatal, st.error());
        return 1;
    }
    return 0;
}

} // namespace ovpn::app
