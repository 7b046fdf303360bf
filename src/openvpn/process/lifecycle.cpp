// process/lifecycle.cpp: see lifecycle.hpp. Log lines and order follow 2.6's
// do_uid_gid_chroot() / platform_user_group_set().
#include "openvpn/process/lifecycle.hpp"

#include <atomic>
#include <cap-ng.h>
#include <cerrno>
#include <cstring>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include "openvpn/options/options.hpp"

namespace ovpn::process {

namespace {

constexpr Verb kInfo = Verb::Error; // 2.6's M_INFO (shown from --verb 1)

// The process's ids and root are process-wide by nature, so is the record
// that they were changed: 2.6 drops privileges once (its uid_gid_chroot_set).
std::atomic<bool> g_dropped{false};

struct Ids {
    std::optional<uid_t> uid;
    std::optional<gid_t> gid;
};

// lookup: --group, then --user, as 2.6's do_init_first_time looks them up
// (before chroot, while /etc is reachable), with its messages.
Result<Ids> lookup(const options::Options& o)
{
    Ids ids;
    if (o.group) {
        auto gid = lookup_group(*o.group);
        if (!gid)
            return Err(gid.error());
        ids.gid = *gid;
    }
    if (o.user) {
        auto uid = lookup_user(*o.user);
        if (!uid)
            return Err(uid.error());
        ids.uid = *uid;
    }
    return ids;
}

Status<> do_chroot(const std::string& dir, Logger& log)
{
    if (::chroot(dir.c_str()) != 0)
        return Err(strfmt("chroot to '%s' failed: %s (errno=%d)", dir.c_str(), std::strerror(errno), errno));
    if (::chdir("/") != 0)
        return Err(strfmt("cd to '/' failed: %s (errno=%d)", std::strerror(errno), errno));
    log.logf(kInfo, "chroot to '%s' and cd to '/' succeeded", dir.c_str());
    return Ok{};
}

// plain_switch: setgid + setgroups, then setuid, without keeping anything.
Status<> plain_switch(const options::Options& o, const Ids& ids, Logger& log)
{
    if (ids.gid) {
        if (::setgid(*ids.gid) != 0)
            return Err(
                strfmt("setgid('%s') failed: %s (errno=%d)", o.group->c_str(), std::strerror(errno), errno));
        log.logf(kInfo, "GID set to %s", o.group->c_str());
        const gid_t list[1] = {*ids.gid};
        if (::setgroups(1, list) != 0)
            return Err(strfmt("setgroups('%s') failed: %s (errno=%d)", o.group->c_str(), std::strerror(errno),
                              errno));
    }
    if (ids.uid) {
        if (::setuid(*ids.uid) != 0)
            return Err(
                strfmt("setuid('%s') failed: %s (errno=%d)", o.user->c_str(), std::strerror(errno), errno));
        log.logf(kInfo, "UID set to %s", o.user->c_str());
    }
    return Ok{};
}

// switch_keeping_caps: libcap-ng changes the ids and keeps CAP_NET_ADMIN.
// Returns true when done, false when the caller should fall back.
Result<bool> switch_keeping_caps(const options::Options& o, const Ids& ids, Logger& log, bool hard)
{
    const Verb fail_verb = hard ? Verb::Fatal : kInfo;
    const Severity fail_sev = hard ? Severity::Fatal : Severity::NonFatal;
    ::capng_clear(CAPNG_SELECT_BOTH);
    int res = ::capng_update(CAPNG_ADD, static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED),
                             CAP_NET_ADMIN);
    if (res < 0) {
        log.write(fail_verb, mute::None, fail_sev, strfmt("capng_update(CAP_NET_ADMIN) failed: %d", res));
        return false;
    }
    const int uid = ids.uid ? static_cast<int>(*ids.uid) : -1;
    const int gid = ids.gid ? static_cast<int>(*ids.gid) : -1;
    res = ::capng_change_id(uid, gid, CAPNG_DROP_SUPP_GRP);
    const char* user = o.user ? o.user->c_str() : "(null)";
    const char* grp = o.group ? o.group->c_str() : "(null)";
    if (res == -4 || res == -6)
        return Err(strfmt("capng_change_id('%s','%s') failed: %d", user, grp, res));
    if (res == -3) {
        log.write(kInfo, mute::None, Severity::NonFatal,
                  strfmt("capng_change_id() failed applying capabilities: %s (errno=%d)",
                         std::strerror(errno), errno));
        log.write(fail_verb, mute::None, fail_sev,
                  "NOTE: previous error likely due to missing capability CAP_SETPCAP.");
        return false;
    }
    if (res < 0) {
        log.write(fail_verb, mute::None, fail_sev,
                  strfmt("capng_change_id('%s','%s') failed retaining capabilities: %d", user, grp, res));
        return false;
    }
    if (ids.uid)
        log.logf(kInfo, "UID set to %s", user);
    if (ids.gid)
        log.logf(kInfo, "GID set to %s", grp);
    log.write(kInfo, "Capabilities retained: CAP_NET_ADMIN");
    return true;
}

Status<> set_user_group(const options::Options& o, const Ids& ids, Logger& log, bool keep_net_admin)
{
    auto kept = switch_keeping_caps(o, ids, log, keep_net_admin);
    if (!kept)
        return Err(kept.error());
    if (*kept)
        return Ok{};
    // libcap-ng can leave PR_SET_KEEPCAPS set after a failure.
    if (::prctl(PR_GET_KEEPCAPS) > 0 && ::prctl(PR_SET_KEEPCAPS, 0) < 0)
        return Err(std::string("Clearing KEEPCAPS flag failed"));
    if (keep_net_admin)
        return Err(std::string("Unable to retain capabilities"));
    log.write(kInfo, mute::None, Severity::NonFatal, "Unable to retain capabilities");
    return plain_switch(o, ids, log);
}

void notify(const std::string& text)
{
    ::sd_notify(0, text.c_str());
}

} // namespace

Status<> drop_privileges(const options::Options& o, Logger& log, bool keep_net_admin)
{
    if (g_dropped.load() || (!o.user && !o.group && !o.chroot))
        return Ok{};
    auto ids = lookup(o);
    if (!ids)
        return Err(ids.error());
    if (o.chroot)
        if (auto s = do_chroot(*o.chroot, log); !s)
            return s;
    if (ids->uid || ids->gid)
        if (auto s = set_user_group(o, *ids, log, keep_net_admin); !s)
            return s;
    g_dropped.store(true);
    return Ok{};
}

Result<uid_t> lookup_user(const std::string& name)
{
    const passwd* pw = ::getpwnam(name.c_str());
    if (pw == nullptr)
        return Err(strfmt("failed to find UID for user %s", name.c_str()));
    return pw->pw_uid;
}

Result<gid_t> lookup_group(const std::string& name)
{
    const group* gr = ::getgrnam(name.c_str());
    if (gr == nullptr)
        return Err(strfmt("failed to find GID for group %s", name.c_str()));
    return gr->gr_gid;
}

Status<> check_user_group(const options::Options& o)
{
    auto ids = lookup(o);
    if (!ids)
        return Err(ids.error());
    return Ok{};
}

void note_delayed_drop(const options::Options& o, Logger& log)
{
    if (g_dropped.load())
        return;
    static constexpr const char* kWhy = "will be delayed because of --client, --pull, or --up-delay";
    if (o.chroot)
        log.logf(kInfo, "NOTE: chroot %s", kWhy);
    if (o.user || o.group)
        log.logf(kInfo, "NOTE: UID/GID downgrade %s", kWhy);
}

void privilege_warnings(const options::Options& o, Logger& log)
{
    if (!o.user && !o.group && !o.chroot)
        return;
    if (!o.persist_tun)
        log.write(kInfo, mute::None, Severity::Warning,
                  "WARNING: you are using user/group/chroot/setcon without persist-tun -- this may cause "
                  "restarts to "
                  "fail");
    if (!o.persist_key)
        log.write(kInfo, mute::None, Severity::Warning,
                  "WARNING: you are using user/group/chroot/setcon without persist-key -- this may cause "
                  "restarts to "
                  "fail");
    if (o.chroot && !(o.user && o.group))
        log.write(kInfo, mute::None, Severity::Warning,
                  "WARNING: you are using chroot without specifying user and group -- this may cause the "
                  "chroot jail "
                  "to be insecure");
}

Status<> after_init(const options::Options& o, Logger& log, bool keep_net_admin)
{
    if (auto s = drop_privileges(o, log, keep_net_admin); !s)
        return s;
    notify("READY=1\nSTATUS=Initialization Sequence Completed");
    return Ok{};
}

Status<> initialization_sequence_completed(const options::Options& o, Logger& log, bool keep_net_admin,
                                           bool with_errors)
{
    auto s = after_init(o, log, keep_net_admin);
    if (with_errors) {
        notify("STATUS=Failed to start up: Initialization Sequence Completed With Errors\nERRNO=1");
        log.write(kInfo, "Initialization Sequence Completed With Errors");
    } else {
        log.write(kInfo, "Initialization Sequence Completed");
    }
    return s;
}

void notify_ready()
{
    notify(strfmt("READY=1\nSTATUS=Pre-connection initialization successful\nMAINPID=%lu",
                  static_cast<unsigned long>(::getpid())));
}

void notify_status(const std::string& text)
{
    notify("STATUS=" + text);
}

void notify_stopping()
{
    notify("STOPPING=1");
}

} // namespace ovpn::process
