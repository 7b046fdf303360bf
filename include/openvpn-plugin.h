/*
 * openvpn-plugin.h: the binary interface between this openvpn and its
 * plugins. It is written for this project and describes the same ABI as
 * OpenVPN 2.6's header of the same name (interface version 3, v3 argument
 * structures at struct version 5), so plugins built against either work
 * with either. Usable from C and C++.
 *
 * A plugin exports, by these exact names (looked up with dlsym):
 *   one of openvpn_plugin_open_v3 / _v2 / _v1 (the host tries v3, then v2,
 *       then v1),
 *   one of openvpn_plugin_func_v3 / _v2 / _v1 (same order),
 *   openvpn_plugin_close_v1 (required),
 *   optionally openvpn_plugin_abort_v1, openvpn_plugin_client_constructor_v1,
 *   openvpn_plugin_client_destructor_v1,
 *   openvpn_plugin_min_version_required_v1,
 *   openvpn_plugin_select_initialization_point_v1.
 */
#ifndef OPENVPN_PLUGIN_H_
#define OPENVPN_PLUGIN_H_

#include <stdarg.h>
#include <stddef.h>

#define OPENVPN_PLUGIN_VERSION 3

#define OPENVPN_VERSION_MAJOR 2
#define OPENVPN_VERSION_MINOR 6
#define OPENVPN_VERSION_PATCH ".14"

/* The peer certificate handed to func_v3: OpenSSL's X509 (the same struct
 * tag, so a plugin including <openssl/x509.h> may use it as X509 *). */
#ifndef __OPENVPN_X509_CERT_T_DECLARED
#define __OPENVPN_X509_CERT_T_DECLARED
typedef struct x509_st openvpn_x509_cert_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Events (the "type" argument of func, bit numbers of type_mask). */
#define OPENVPN_PLUGIN_UP 0
#define OPENVPN_PLUGIN_DOWN 1
#define OPENVPN_PLUGIN_ROUTE_UP 2
#define OPENVPN_PLUGIN_IPCHANGE 3
#define OPENVPN_PLUGIN_TLS_VERIFY 4
#define OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY 5
#define OPENVPN_PLUGIN_CLIENT_CONNECT 6
#define OPENVPN_PLUGIN_CLIENT_DISCONNECT 7
#define OPENVPN_PLUGIN_LEARN_ADDRESS 8
#define OPENVPN_PLUGIN_CLIENT_CONNECT_V2 9
#define OPENVPN_PLUGIN_TLS_FINAL 10
/* 11 was ENABLE_PF; the number stays unused. */
#define OPENVPN_PLUGIN_ROUTE_PREDOWN 12
#define OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER 13
#define OPENVPN_PLUGIN_CLIENT_CONNECT_DEFER_V2 14
#define OPENVPN_PLUGIN_CLIENT_CRRESPONSE 15
#define OPENVPN_PLUGIN_N 16

#define OPENVPN_PLUGIN_MASK(x) (1 << (x))

/* What func returns. */
#define OPENVPN_PLUGIN_FUNC_SUCCESS 0
#define OPENVPN_PLUGIN_FUNC_ERROR 1
#define OPENVPN_PLUGIN_FUNC_DEFERRED 2

/* Values of select_initialization_point_v1. */
#define OPENVPN_PLUGIN_INIT_PRE_CONFIG_PARSE 1
#define OPENVPN_PLUGIN_INIT_PRE_DAEMON 2
#define OPENVPN_PLUGIN_INIT_POST_DAEMON 3
#define OPENVPN_PLUGIN_INIT_POST_UID_CHANGE 4

#define OPENVPN_PLUGINv3_STRUCTVER 5

#define OPENVPN_EXPORT

typedef void* openvpn_plugin_handle_t;

/* A list of name/value pairs a plugin hands back (open_v2/v3, func_v2/v3);
 * every node and string is malloc()ed by the plugin and free()d by the host. */
struct openvpn_plugin_string_list {
    struct openvpn_plugin_string_list* next;
    char* name;
    char* value;
};

typedef enum {
    PLOG_ERR = (1 << 0),
    PLOG_WARN = (1 << 1),
    PLOG_NOTE = (1 << 2),
    PLOG_DEBUG = (1 << 3), /* shown at --verb 7 and above */
    PLOG_ERRNO = (1 << 8), /* append strerror(errno) */
    PLOG_NOMUTE = (1 << 9),
} openvpn_plugin_log_flags_t;

#if defined(__GNUC__)
#define OVPN_PLUGIN_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#else
#define OVPN_PLUGIN_PRINTF_(f, a)
#endif

typedef void (*plugin_log_t)(openvpn_plugin_log_flags_t flags, const char* plugin_name, const char* format,
                             ...) OVPN_PLUGIN_PRINTF_(3, 4);
typedef void (*plugin_vlog_t)(openvpn_plugin_log_flags_t flags, const char* plugin_name, const char* format,
                              va_list arglist) OVPN_PLUGIN_PRINTF_(3, 0);
#undef OVPN_PLUGIN_PRINTF_
typedef void (*plugin_secure_memzero_t)(void* data, size_t len);
/* encode: *str gets a malloc()ed NUL-terminated text; returns its length or -1. */
typedef int (*plugin_base64_encode_t)(const void* data, int size, char** str);
/* decode: at most size bytes into data (size < 0: no limit); returns the
 * number of bytes or -1. */
typedef int (*plugin_base64_decode_t)(const char* str, void* data, int size);

struct openvpn_plugin_callbacks {
    plugin_log_t plugin_log;
    plugin_vlog_t plugin_vlog;
    plugin_secure_memzero_t plugin_secure_memzero;
    plugin_base64_encode_t plugin_base64_encode;
    plugin_base64_decode_t plugin_base64_decode;
};

typedef enum { SSLAPI_NONE, SSLAPI_OPENSSL, SSLAPI_MBEDTLS } ovpnSSLAPI;

struct openvpn_plugin_args_open_in {
    const int type_mask;
    const char** const argv;
    const char** const envp;
    struct openvpn_plugin_callbacks* callbacks;
    const ovpnSSLAPI ssl_api;
    const char* ovpn_version;
    const unsigned int ovpn_version_major;
    const unsigned int ovpn_version_minor;
    const char* const ovpn_version_patch;
};

struct openvpn_plugin_args_open_return {
    int type_mask;
    openvpn_plugin_handle_t handle;
    struct openvpn_plugin_string_list** return_list;
};

struct openvpn_plugin_args_func_in {
    const int type;
    const char** const argv;
    const char** const envp;
    openvpn_plugin_handle_t handle;
    void* per_client_context;
    int current_cert_depth;
    openvpn_x509_cert_t* current_cert;
};

struct openvpn_plugin_args_func_return {
    struct openvpn_plugin_string_list** return_list;
};

/* Pointer types of the entry points, as the host resolves them. */
typedef openvpn_plugin_handle_t (*openvpn_plugin_open_v1_fn)(unsigned int* type_mask, const char* argv[],
                                                             const char* envp[]);
typedef openvpn_plugin_handle_t (*openvpn_plugin_open_v2_fn)(unsigned int* type_mask, const char* argv[],
                                                             const char* envp[],
                                                             struct openvpn_plugin_string_list** return_list);
typedef int (*openvpn_plugin_open_v3_fn)(const int version,
                                         struct openvpn_plugin_args_open_in const* arguments,
                                         struct openvpn_plugin_args_open_return* retptr);
typedef int (*openvpn_plugin_func_v1_fn)(openvpn_plugin_handle_t handle, const int type, const char* argv[],
                                         const char* envp[]);
typedef int (*openvpn_plugin_func_v2_fn)(openvpn_plugin_handle_t handle, const int type, const char* argv[],
                                         const char* envp[], void* per_client_context,
                                         struct openvpn_plugin_string_list** return_list);
typedef int (*openvpn_plugin_func_v3_fn)(const int version,
                                         struct openvpn_plugin_args_func_in const* arguments,
                                         struct openvpn_plugin_args_func_return* retptr);
typedef void (*openvpn_plugin_close_v1_fn)(openvpn_plugin_handle_t handle);
typedef void (*openvpn_plugin_abort_v1_fn)(openvpn_plugin_handle_t handle);
typedef void* (*openvpn_plugin_client_constructor_v1_fn)(openvpn_plugin_handle_t handle);
typedef void (*openvpn_plugin_client_destructor_v1_fn)(openvpn_plugin_handle_t handle,
                                                       void* per_client_context);
typedef int (*openvpn_plugin_select_initialization_point_v1_fn)(void);
typedef int (*openvpn_plugin_min_version_required_v1_fn)(void);

/* Prototypes for a plugin's own definitions (define only those you need). */
openvpn_plugin_handle_t openvpn_plugin_open_v1(unsigned int* type_mask, const char* argv[],
                                               const char* envp[]);
openvpn_plugin_handle_t openvpn_plugin_open_v2(unsigned int* type_mask, const char* argv[],
                                               const char* envp[],
                                               struct openvpn_plugin_string_list** return_list);
int openvpn_plugin_open_v3(const int version, struct openvpn_plugin_args_open_in const* arguments,
                           struct openvpn_plugin_args_open_return* retptr);
int openvpn_plugin_func_v1(openvpn_plugin_handle_t handle, const int type, const char* argv[],
                           const char* envp[]);
int openvpn_plugin_func_v2(openvpn_plugin_handle_t handle, const int type, const char* argv[],
                           const char* envp[], void* per_client_context,
                           struct openvpn_plugin_string_list** return_list);
int openvpn_plugin_func_v3(const int version, struct openvpn_plugin_args_func_in const* arguments,
                           struct openvpn_plugin_args_func_return* retptr);
void openvpn_plugin_close_v1(openvpn_plugin_handle_t handle);
void openvpn_plugin_abort_v1(openvpn_plugin_handle_t handle);
void* openvpn_plugin_client_constructor_v1(openvpn_plugin_handle_t handle);
void openvpn_plugin_client_destructor_v1(openvpn_plugin_handle_t handle, void* per_client_context);
int openvpn_plugin_select_initialization_point_v1(void);
int openvpn_plugin_min_version_required_v1(void);

#ifdef __cplusplus
}
#endif

#endif /* OPENVPN_PLUGIN_H_ */
