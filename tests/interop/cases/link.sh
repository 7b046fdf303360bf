# tests/interop/cases/link.sh: where the client's socket is bound (sourced by run.sh).
ALL+=(local-lport local-lport-tcp)

# local_lport_sc PROTO_S PROTO_C: the client binds --local/--lport (so no
# --nobind, which 2.6 refuses with them), and the server must see it coming
# from that address and port.
local_lport_sc() {
  server_conf "$1" >"$WORK/server.conf"
  { client_conf "$2" "$UNDER_S" | grep -vx nobind; printf 'local %s\nlport 41194\n' "$UNDER_C"; } \
    >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && traffic "$TUN_S" 5 && log_has server "$UNDER_C:41194"
}
sc_local-lport() { local_lport_sc "proto udp" "proto udp"; }
sc_local-lport-tcp() { local_lport_sc "proto tcp-server" "proto tcp-client"; }
