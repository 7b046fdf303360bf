/* record_plugin.c: a plugin for the host's tests. It appends one line per
 * call to the file named by its first argument, and returns what the
 * environment asks for:
 *   test_status=N          func returns N (default 0)
 *   test_status_T=N        func returns N for hook type T
 *   test_return=NAME:VALUE func (v2/v3) hands back that return_list item
 *   test_fail_open=1       open fails
 *   test_defer_gate=PATH   with a deferred result (2): a background child
 *                          waits until PATH exists, then writes
 *                          test_defer_answer (default "1") into the
 *                          auth_control_file, as a deferring plugin does
 * v3 calls also record the certificate depth and the subject of the X509*
 * handed over (TLS_VERIFY). Further arguments "mask=HEX" choose the type
 * mask it asks for.
 * RECORD_GEN (1, 2 or 3) selects the newest entry generation it exports
 * (it exports every older one too, so the host's choice is visible);
 * RECORD_NO_CLOSE leaves out openvpn_plugin_close_v1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <openssl/x509.h>

#include "openvpn-plugin.h"

struct ctx {
    char path[512];
    const char* open_arg; /* kept pointer into the open argv, as down-root does */
    unsigned mask;
    int clients;
};

static void record(const struct ctx* c, const char* fmt, const char* a, const char* b)
{
    FILE* f = fopen(c->path, "a");
    if (f == NULL)
        return;
    fprintf(f, fmt, a, b);
    fputc('\n', f);
    fclose(f);
}

static void record_list(const struct ctx* c, const char* tag, const char** list)
{
    for (int i = 0; list != NULL && list[i] != NULL; ++i)
        record(c, "%s %s", tag, list[i]);
}

static const char* env_get(const char** envp, const char* name)
{
    size_t n = strlen(name);
    for (int i = 0; envp != NULL && envp[i] != NULL; ++i)
        if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
            return envp[i] + n + 1;
    return NULL;
}

static struct ctx* make(const char* gen, unsigned* mask, const char** argv, const char** envp)
{
    if (argv[1] == NULL || env_get(envp, "test_fail_open") != NULL)
        return NULL;
    struct ctx* c = calloc(1, sizeof *c);
    snprintf(c->path, sizeof c->path, "%s", argv[1]);
    c->open_arg = argv[1];
    c->mask = *mask;
    for (int i = 2; argv[i] != NULL; ++i)
        if (strncmp(argv[i], "mask=", 5) == 0)
            c->mask = (unsigned)strtoul(argv[i] + 5, NULL, 16);
    *mask = c->mask;
    record(c, "open %s%s", gen, "");
    record_list(c, "argv", argv);
    record_list(c, "envp", envp);
    return c;
}

/* answer_later: the deferred decision, from a grandchild (so nobody waits
 * for it) that polls for the gate file, as auth-pam's background helper
 * answers once PAM is done. The file exists already (the host made it). */
static void answer_later(const char** envp)
{
    const char* gate = env_get(envp, "test_defer_gate");
    const char* acf = env_get(envp, "auth_control_file");
    const char* answer = env_get(envp, "test_defer_answer");
    if (gate == NULL || acf == NULL)
        return;
    pid_t p = fork();
    if (p != 0) {
        if (p > 0)
            waitpid(p, NULL, 0);
        return;
    }
    if (fork() != 0)
        _exit(0);
    struct stat st;
    for (int i = 0; i < 600 && stat(gate, &st) != 0; ++i)
        usleep(100000);
    int fd = open(acf, O_WRONLY);
    if (fd >= 0) {
        const char* a = answer != NULL ? answer : "1";
        if (write(fd, a, strlen(a)) < 0)
            _exit(1);
        close(fd);
    }
    _exit(0);
}

static int work(struct ctx* c, const char* gen, int type, const char** argv, const char** envp, void* client,
                struct openvpn_plugin_string_list** ret)
{
    char t[32];
    snprintf(t, sizeof t, "%d", type);
    record(c, "func %s type=%s", gen, t);
    record(c, "openarg %s%s", c->open_arg, "");
    record_list(c, "argv", argv);
    record_list(c, "envp", envp);
    if (client != NULL)
        record(c, "client %s%s", (const char*)client, "");
    const char* r = env_get(envp, "test_return");
    if (r != NULL && ret != NULL && strchr(r, ':') != NULL) {
        struct openvpn_plugin_string_list* l = calloc(1, sizeof *l);
        l->name = strndup(r, (size_t)(strchr(r, ':') - r));
        l->value = strdup(strchr(r, ':') + 1);
        *ret = l;
    }
    char per_type[32];
    snprintf(per_type, sizeof per_type, "test_status_%d", type);
    const char* s = env_get(envp, per_type) != NULL ? env_get(envp, per_type) : env_get(envp, "test_status");
    const int status = s != NULL ? atoi(s) : OPENVPN_PLUGIN_FUNC_SUCCESS;
    if (status == OPENVPN_PLUGIN_FUNC_DEFERRED && type == OPENVPN_PLUGIN_AUTH_USER_PASS_VERIFY)
        answer_later(envp);
    return status;
}

OPENVPN_EXPORT openvpn_plugin_handle_t openvpn_plugin_open_v1(unsigned int* type_mask, const char* argv[],
                                                              const char* envp[])
{
    return make("v1", type_mask, argv, envp);
}

OPENVPN_EXPORT int openvpn_plugin_func_v1(openvpn_plugin_handle_t h, const int type, const char* argv[],
                                          const char* envp[])
{
    return work(h, "v1", type, argv, envp, NULL, NULL);
}

#if RECORD_GEN >= 2
OPENVPN_EXPORT openvpn_plugin_handle_t openvpn_plugin_open_v2(unsigned int* type_mask, const char* argv[],
                                                              const char* envp[],
                                                              struct openvpn_plugin_string_list** return_list)
{
    return make("v2", type_mask, argv, envp);
}

OPENVPN_EXPORT int openvpn_plugin_func_v2(openvpn_plugin_handle_t h, const int type, const char* argv[],
                                          const char* envp[], void* client,
                                          struct openvpn_plugin_string_list** return_list)
{
    return work(h, "v2", type, argv, envp, client, return_list);
}
#endif

#if RECORD_GEN >= 3
OPENVPN_EXPORT int openvpn_plugin_open_v3(const int version, struct openvpn_plugin_args_open_in const* in,
                                          struct openvpn_plugin_args_open_return* out)
{
    unsigned mask = (unsigned)in->type_mask;
    struct ctx* c = make("v3", &mask, in->argv, in->envp);
    if (c == NULL)
        return OPENVPN_PLUGIN_FUNC_ERROR;
    char buf[128];
    snprintf(buf, sizeof buf, "structver=%d ssl=%d", version, (int)in->ssl_api);
    record(c, "%s version=%s", buf, in->ovpn_version);
    snprintf(buf, sizeof buf, "%u.%u", in->ovpn_version_major, in->ovpn_version_minor);
    record(c, "major.minor=%s patch=%s", buf, in->ovpn_version_patch);
    char* b64 = NULL;
    if (in->callbacks->plugin_base64_encode("hello", 5, &b64) > 0) {
        char back[16] = {0};
        int n = in->callbacks->plugin_base64_decode(b64, back, (int)sizeof back - 1);
        record(c, "base64 %s %s", b64, n == 5 ? back : "?");
        in->callbacks->plugin_secure_memzero(b64, strlen(b64));
        record(c, "wiped [%s]%s", b64, "");
        free(b64);
    }
    in->callbacks->plugin_log(PLOG_NOTE, "record", "opened with %d args", 2);
    out->type_mask = (int)mask;
    out->handle = c;
    return OPENVPN_PLUGIN_FUNC_SUCCESS;
}

OPENVPN_EXPORT int openvpn_plugin_func_v3(const int version, struct openvpn_plugin_args_func_in const* in,
                                          struct openvpn_plugin_args_func_return* out)
{
    char d[32];
    snprintf(d, sizeof d, "%d", in->current_cert_depth);
    record(in->handle, "certdepth %s%s", d, "");
    if (in->current_cert != NULL) { /* the X509* of TLS_VERIFY: its subject */
        char name[256];
        X509_NAME_oneline(X509_get_subject_name(in->current_cert), name, sizeof name);
        record(in->handle, "cert %s%s", name, "");
    }
    return work(in->handle, "v3", in->type, in->argv, in->envp, in->per_client_context, out->return_list);
}
#endif

OPENVPN_EXPORT void* openvpn_plugin_client_constructor_v1(openvpn_plugin_handle_t h)
{
    struct ctx* c = h;
    char* name = malloc(32);
    snprintf(name, 32, "client%d", ++c->clients);
    record(c, "ctor %s%s", name, "");
    return name;
}

OPENVPN_EXPORT void openvpn_plugin_client_destructor_v1(openvpn_plugin_handle_t h, void* client)
{
    record(h, "dtor %s%s", (const char*)client, "");
    free(client);
}

OPENVPN_EXPORT void openvpn_plugin_abort_v1(openvpn_plugin_handle_t h) { record(h, "abort%s%s", "", ""); }

#ifndef RECORD_NO_CLOSE
OPENVPN_EXPORT void openvpn_plugin_close_v1(openvpn_plugin_handle_t h)
{
    record(h, "close%s%s", "", "");
    free(h);
}
#endif
