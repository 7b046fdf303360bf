// plugin/callbacks.hpp: the functions the host hands to v3 plugins
// (struct openvpn_plugin_callbacks): logging into our log with 2.6's levels
// and "PLUGIN <name>: " prefix, a memset the compiler keeps, and 2.6's
// base64 (malloc()ed output, -1 on failure).
//
// The C ABI gives these callbacks no context pointer, so the logger they
// write to is process-wide: set_callback_logger() (the host does it when it
// opens its plugins; unset, plugin lines are dropped).
#pragma once

#include "openvpn-plugin.h"
#include "openvpn/core/log.hpp"

namespace ovpn::plugin {

void set_callback_logger(Logger* log) noexcept;
openvpn_plugin_callbacks* callbacks() noexcept;

// The callbacks themselves, for tests.
int base64_encode(const void* data, int size, char** str);
int base64_decode(const char* str, void* data, int size);
void secure_memzero(void* data, std::size_t len);

} // namespace ovpn::plugin
