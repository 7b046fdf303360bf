// core/replace_file.hpp: a file's whole contents replaced so that a reader,
// a crash or a SIGKILL at any moment finds the old text or the new one,
// never a truncated mix (issue 15, crash consistency). The text goes to a
// fresh file beside the target, is flushed, and is renamed over it.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "openvpn/core/result.hpp"

namespace ovpn {

// ReplaceOutcome: Replaced, or NotHere when the path cannot take a rename:
// it exists and is not a regular file (a symlink an admin placed, /dev/stdout,
// a FIFO) or its directory does not let us create a file (read-only, or not
// ours after a privilege drop). The caller then writes in place, as 2.6 does.
enum class ReplaceOutcome { Replaced, NotHere };

// replace_file: an existing file keeps its permission bits; a new one gets
// `mode`. Err (the system's reason) for a real failure: disk full, I/O.
Result<ReplaceOutcome> replace_file(const std::string& path, std::string_view text, mode_t mode);

// write_all: every byte of `text` to fd, retrying short writes and EINTR.
Status<> write_all(int fd, std::string_view text);

} // namespace ovpn
