# tests/kernel/scenarios/lib-7x.sh: helpers of scenarios 70-79 (our client
# and p2p on DCO), sourced after lib.sh. Each 7x scenario runs several short
# sub-cases in one go; dc_case starts one (its own namespaces and daemons,
# removed when the next starts), so a failure names the sub-case.

DC_CASE=
# dc_case NAME: begin sub-case NAME: everything the previous one started
# goes (processes, namespaces).
dc_case() {
  kt_cleanup
  DC_CASE=$1
  kt_log "---- sub-case $DC_CASE"
}

# dc_fail MSG: kt_fail with the sub-case's name.
dc_fail() {
  kt_fail "[$DC_CASE] $*"
}

# dc_our NAME NS ARGS...: our daemon with a status file rewritten every second.
dc_our() {
  local name=$1 ns=$2
  shift 2
  kt_our_openvpn "$name" "$ns" "$@" --status "$KT_WORK/$name.status" 1
}

# dc_status NAME KEY: KEY's value in NAME's status file, after one more
# update of it (the daemons here rewrite it every second).
dc_status() {
  sleep 2
  kt_status_value "$1" "$2"
}

# dc_on_dco NAME NS: NAME runs its data channel on an ovpn-dco device:
# 2.6's "DCO device X opened", our "Data channel offload: on (...)" line,
# `ip -d link` kind ovpn-dco, and the status file says dco_enabled 1.
dc_on_dco() {
  kt_our_dco "$1" "$2"
  grep -q 'Data channel offload: on (ovpn-dco-v2 [^,]*, device [^)]*)' "$KT_WORK/$1.log" ||
    dc_fail "$1 does not say 'Data channel offload: on (...)': $(grep 'Data channel offload' "$KT_WORK/$1.log")"
  [ "$(dc_status "$1" dco_enabled)" = 1 ] || dc_fail "$1: status file lacks dco_enabled,1: $(cat "$KT_WORK/$1.status")"
}

# dc_kernel_carries NAME SRV_NS SRV_ADDR CLI_NS: 4 MB from SRV_NS to CLI_NS
# (iperf3 -R) through NAME's tunnel while NAME is traced: NAME's process
# reads none of it (syscalls and its userspace_data_packets counter), and
# its status file, whose counters come from the kernel, shows the 4 MB
# decrypted from the peer ("TUN/TAP write bytes").
dc_kernel_carries() {
  local name=$1 before after
  before=$(dc_status "$name" 'TUN/TAP write bytes')
  kt_no_userspace_data "$name" 400000 kt_tcp_transfer "$2" "$3" "$4" "-n 4M -R"
  after=$(dc_status "$name" 'TUN/TAP write bytes')
  [ $((after - before)) -ge 4000000 ] ||
    dc_fail "$name: the status file's TUN/TAP write bytes grew by $((after - before)) during a 4 MB transfer (kernel counters not read?)"
}

# dc_count NAME EREGEX: matching lines in NAME's log.
dc_count() {
  grep -c -E "$2" "$KT_WORK/$1.log" 2>/dev/null || true
}

# dc_wait_count NAME EREGEX N [SECS]: until NAME's log has N matching lines.
dc_wait_count() {
  local i=0
  while [ "$(dc_count "$1" "$2")" -lt "$3" ]; do
    i=$((i + 1))
    if [ "$i" -ge "${4:-90}" ]; then
      kt_tail "$1"
      dc_fail "$1 logged /$2/ $(dc_count "$1" "$2") times, not $3, within ${4:-90}s"
    fi
    kt_alive "$1" || { kt_tail "$1"; dc_fail "$1 exited while waiting for /$2/"; }
    sleep 1
  done
}

# dc_server_and_conf NAME [CLIENT_LINE...]: namespaces kts and ktc1 joined
# by a veth (IPv4 and IPv6), Debian's 2.6 server running in kts, and the
# config of our client NAME in $KT_WORK/NAME.conf (client1's keys, the
# extra lines appended); the caller starts the client. DC_PROTO udp|tcp,
# DC_FAM 4|6 and DC_CIPHER choose the transport and cipher (default UDP4,
# AES-256-GCM); DC_SERVER_LINES (newline-separated) are added to the
# server's config.
dc_server_and_conf() {
  local name=$1 fam=${DC_FAM:-4} proto=${DC_PROTO:-udp} cipher=${DC_CIPHER:-AES-256-GCM}
  local remote=10.200.0.1 sp cp
  shift
  [ "$fam" = 6 ] && remote=fd00:200::1
  case "$proto" in
  udp) sp=udp$fam; cp=udp$fam ;;
  tcp) sp=tcp$fam-server; cp=tcp$fam-client ;;
  esac
  kt_netns kts ktc1
  kt_link kts 10.200.0.1/24 ktc1 10.200.0.2/24 fd00:200::1/64 fd00:200::2/64
  kt_server_conf "$KT_WORK/server.conf" "$sp" "$cipher"
  [ -n "${DC_SERVER_LINES:-}" ] && printf '%s\n' "$DC_SERVER_LINES" >>"$KT_WORK/server.conf"
  kt_client_conf "$KT_WORK/$name.conf" "$cp" "$remote" "$cipher" 1 "$@"
  kt_openvpn server kts --config "$KT_WORK/server.conf"
  kt_wait_log server 'Initialization Sequence Completed'
}
