// script/temp_file.hpp: the temporary files a script is handed (the
// --auth-user-pass-verify via-file credentials, the --client-connect output
// file), made as 2.6's platform_create_temp_file makes them: an
// unpredictable name <dir>/openvpn_<prefix>_<16 hex digits>.tmp, created
// with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600, so a file or symlink planted
// in a shared directory is never followed or reused. The file is removed
// when the TempFile goes.
#pragma once

#include <string>

#include "openvpn/core/bytes.hpp"
#include "openvpn/core/result.hpp"

namespace ovpn::script {

// default_tmp_dir: 2.6's --tmp-dir default: $TMPDIR, else /tmp.
std::string default_tmp_dir();

class TempFile {
public:
    // create: a new empty file in `dir`; an error names the path.
    static Result<TempFile> create(const std::string& dir, const std::string& prefix);
    TempFile(TempFile&& o) noexcept;
    TempFile& operator=(TempFile&& o) noexcept;
    TempFile(const TempFile&) = delete;
    ~TempFile();

    const std::string& path() const noexcept { return path_; }
    // write: append to the file (all of `data`).
    Status<> write(Bytes data);
    // read_back: what is in the file now (a script wrote it), read without
    // following a symlink put in its place.
    Result<std::string> read_back() const;

private:
    TempFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::string path_;
    int fd_ = -1;
};

} // namespace ovpn::script
