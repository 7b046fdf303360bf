# tests/interop/cases/scripts.sh: --up, --route-up and --down with --dev null
# (issue 10 item 4; sourced by run.sh). 2.6 runs them for a null device as for
# any other ("null 1500 0   init", dev_type=null; --down with the signal), on
# both p2p peers (its own t_cltsrv.sh checks the --down output) and with
# --secret.
ALL+=(dev-null-scripts dev-null-scripts-secret)

# updown_script FILE: records "role type args|dev_type|signal" per call.
updown_script() {
  rm -f "$WORK/updown.log"
  cat >"$1" <<EOS
#!/bin/sh
echo "\$role \$script_type \$*|\$dev_type|\$signal" >>"$WORK/updown.log"
EOS
  chmod 755 "$1"
}

# null_conf ROLE KIND(tls|secret): a p2p peer on --dev null with the script
# as --up and --down.
null_conf() {
  local role=$1 kind=$2
  printf 'dev null\nproto udp\nverb 3\nkeepalive 2 10\nscript-security 2\n'
  printf 'up %s\ndown %s\nroute-up %s\nsetenv role %s\n' "$WORK/updown.sh" "$WORK/updown.sh" "$WORK/updown.sh" \
    "$role"
  if [ "$role" = srv ]; then
    printf 'lport 1194\n'
  else
    printf 'remote %s 1194\nnobind\n' "$UNDER_S"
  fi
  if [ "$kind" = secret ]; then
    printf 'secret %s %s\ncipher AES-256-CBC\nauth SHA256\n' "$K/static.key" "$([ "$role" = srv ] && echo 0 || echo 1)"
  elif [ "$role" = srv ]; then
    printf 'tls-server\ndh none\nca %s\ncert %s\nkey %s\n' "$K/ca.crt" "$K/server.crt" "$K/server.key"
  else
    printf 'tls-client\nremote-cert-tls server\nca %s\ncert %s\nkey %s\n' "$K/ca.crt" "$K/client.crt" "$K/client.key"
  fi
}

# updown_has LINE: the script recorded exactly this call.
updown_has() {
  grep -qxF -- "$1" "$WORK/updown.log" || {
    log "no script call '$1' in: $(tr '\n' ';' <"$WORK/updown.log" 2>/dev/null)"
    return 1
  }
}

dev_null_sc() {
  updown_script "$WORK/updown.sh"
  null_conf srv "$1" >"$WORK/server.conf"
  null_conf clt "$1" >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  sleep 0.5
  start_daemon client "$NS_C" "$CLI_BIN" "$WORK/client.conf"
  wait_ready client 40 && wait_ready server 20 || return 1
  updown_has "srv up null 1500 0   init|null|" && updown_has "clt up null 1500 0   init|null|" || return 1
  # --route-up too: 2.6's do_route runs it with no routes to add
  updown_has "srv route-up |null|" && updown_has "clt route-up |null|" || return 1
  stop_daemon client TERM
  stop_daemon server TERM
  updown_has "clt down null 1500 0   init|null|sigterm" && updown_has "srv down null 1500 0   init|null|sigterm"
}
sc_dev-null-scripts() { dev_null_sc tls; }
sc_dev-null-scripts-secret() { dev_null_sc secret; }

# server-scripts: a server runs --up, --route-up (also with --route-noexec,
# as 2.6's do_route), --route-pre-down and --down (after the device is
# closed, with the signal) as a client does: 2.6 runs them in every mode.
ALL+=(server-scripts server-scripts-noexec)
server_scripts_sc() { # $1 = more server options
  updown_script "$WORK/updown.sh"
  local s=$WORK/updown.sh
  start_pair "script-security 2\nsetenv role srv\nup $s\ndown $s\nroute-up $s\nroute-pre-down $s\nroute 10.95.0.0 255.255.255.0${1:+\n$1}" "" ||
    return 1
  device_scripts_ran srv "tun0 1500 0 10.94.0.1 255.255.255.0 init" server
}

# device_scripts_ran ROLE ARGS NAME: up and route-up ran (ARGS for tun0,
# read with the device the kernel chose); after NAME's
# SIGTERM route-pre-down and down ran with the signal, all in 2.6's order.
device_scripts_ran() {
  local r=$1 a=$2 dev
  # the kernel picks tunN (earlier scenarios may have left tun0 in place)
  dev=$(awk -v r="$r" '$1 == r && $2 == "up" { print $3; exit }' "$WORK/updown.log")
  [[ "$dev" =~ ^tun[0-9]+$ ]] || { log "no --up call with a tun device: $(tr '\n' ';' <"$WORK/updown.log")"; return 1; }
  a=${a/tun0/$dev}
  updown_has "$r up $a|tun|" && updown_has "$r route-up |tun|" || return 1
  [ "$3" = server ] && stop_daemon client TERM
  stop_daemon "$3" TERM
  updown_has "$r route-pre-down $a|tun|sigterm" && updown_has "$r down $a|tun|sigterm" || return 1
  [ "$(cut -d' ' -f2 "$WORK/updown.log" | tr '\n' ' ')" = "up route-up route-pre-down down " ] ||
    { log "script order: $(tr '\n' ';' <"$WORK/updown.log")"; return 1; }
}
sc_server-scripts() { server_scripts_sc ""; }
sc_server-scripts-noexec() { server_scripts_sc "route-noexec"; }

# client-scripts-noexec: a client with --route-noexec still runs --route-up
# and, at the end, --route-pre-down (2.6's do_route / do_close_tun).
ALL+=(client-scripts-noexec)
sc_client-scripts-noexec() {
  updown_script "$WORK/updown.sh"
  local s=$WORK/updown.sh
  start_pair "" "script-security 2\nsetenv role clt\nup $s\ndown $s\nroute-up $s\nroute-pre-down $s\nroute-noexec\nroute 10.95.0.0 255.255.255.0" ||
    return 1
  device_scripts_ran clt "tun0 1500 0 10.94.0.2 255.255.255.0 init" client
}

# ifconfig-noexec-routes: with --ifconfig-noexec the client leaves the
# addresses to its --up script but still adds the pushed routes after it
# (2.6's do_route runs unless --route-noexec), and the tunnel carries
# traffic on what the script set.
ALL+=(ifconfig-noexec-routes)
sc_ifconfig-noexec-routes() {
  cat >"$WORK/noexec-up.sh" <<'EOS'
#!/bin/sh
ip addr add "$4/24" dev "$1" && ip link set "$1" mtu "$2" up
EOS
  chmod 755 "$WORK/noexec-up.sh"
  start_pair 'push "route 10.95.0.0 255.255.255.0"' \
    "ifconfig-noexec\nscript-security 2\nup $WORK/noexec-up.sh" || return 1
  local r
  r=$(ip netns exec "$NS_C" ip -4 route show 10.95.0.0/24)
  case "$r" in
  *"via 10.94.0.1 dev tun0"*) ;;
  *) log "no pushed route 10.95.0.0/24 via 10.94.0.1 dev tun0 on the client: '$r'"; return 1 ;;
  esac
  ping_check
}

# static-challenge: the client asks the static challenge on its terminal
# ("CHALLENGE: <text>") and sends 2.6's SCRV1:<base64 password>:<base64
# response> as the password; the server's verify script sees exactly that.
ALL+=(static-challenge)
sc_static-challenge() {
  cat >"$WORK/scrv1.sh" <<EOS
#!/bin/sh
sed -n 2p "\$1" >"$WORK/scrv1.seen"
[ "\$(sed -n 1p "\$1")" = iouser ] && [ "\$(sed -n 2p "\$1")" = "SCRV1:$(printf iopass | base64):$(printf 424242 | base64)" ]
EOS
  chmod 755 "$WORK/scrv1.sh"
  { server_conf "proto udp"; printf 'script-security 2\nauth-user-pass-verify %s via-file\n' "$WORK/scrv1.sh"; } \
    >"$WORK/server.conf"
  { client_conf "proto udp" "$UNDER_S"; printf 'auth-user-pass %s\nstatic-challenge "Enter PIN" 1\n' "$K/good.txt"; } \
    >"$WORK/client.conf"
  start_daemon server "$NS_S" "$SRV_BIN" "$WORK/server.conf"
  wait_log server "Initialization Sequence Completed" 20 || return 1
  ip netns exec "$NS_C" python3 "$HERE/pty_run.py" "CHALLENGE: Enter PIN" 424242 -- \
    "$CLI_BIN" --config "$WORK/client.conf" >"$WORK/client.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$WORK/client.pid"
  wait_ready client 40 || { log "server's verify script saw: $(cat "$WORK/scrv1.seen" 2>/dev/null)"; return 1; }
  ping_check
}

# up-restart / persist-tun-restart: a SIGUSR1 restart of a client that keeps
# its device (--persist-tun). 2.6 (do_close_tun / do_open_tun) runs --down
# and --up again, told "restart", only with --up-restart; without it the
# scripts run once ("init") and the log says it kept the device. The client
# is held to one address (topology subnet, the pool hands it the same one).
ALL+=(up-restart persist-tun-restart)
restart_scripts_sc() { # $1 = more client options, $2 = the expected calls (';' separated, tun0 for the device)
  updown_script "$WORK/updown.sh"
  local s=$WORK/updown.sh a="0 10.94.0.2 255.255.255.0" dev want
  start_pair "" "script-security 2\nsetenv role clt\nup $s\ndown $s\npersist-tun${1:+\n$1}" || return 1
  kill -USR1 "$(cat "$WORK/client.pid")"
  wait_ready client 60 2 && log_has client "Preserving previous TUN/TAP instance: tun" && traffic "$TUN_S" 2 ||
    return 1
  stop_daemon client TERM
  dev=$(awk '$2 == "up" { print $3; exit }' "$WORK/updown.log")
  want=${2//tun0/$dev}
  want=${want//A/$a}
  # dev_type left out: 2.6's last --down after a restart without
  # --up-restart has none (its environment is new and no --up set it)
  [ "$(sed 's/|[a-z]*|/|/' "$WORK/updown.log" | tr '\n' ';')" = "$want" ] ||
    { log "script calls: $(tr '\n' ';' <"$WORK/updown.log") want $want"; return 1; }
}
sc_up-restart() {
  restart_scripts_sc "up-restart" \
    "clt up tun0 1500 A init|;clt down tun0 1500 A restart|sigusr1;clt up tun0 1500 A restart|;clt down tun0 1500 A init|sigterm;"
}
sc_persist-tun-restart() {
  restart_scripts_sc "" "clt up tun0 1500 A init|;clt down tun0 1500 A init|sigterm;"
}

# setenv-safe: a --setenv-safe from the config and one the server pushes
# reach the client's --up as OPENVPN_<name> (2.6's setenv_str_safe).
ALL+=(setenv-safe)
sc_setenv-safe() {
  cat >"$WORK/env-up.sh" <<EOS
#!/bin/sh
echo "local=\$OPENVPN_LOCAL_ONE pushed=\$OPENVPN_PUSHED_ONE plain=\${LOCAL_ONE:-unset}" >"$WORK/env-up.out"
EOS
  chmod 755 "$WORK/env-up.sh"
  start_pair 'push "setenv-safe PUSHED_ONE from-server"' \
    "script-security 2\nup $WORK/env-up.sh\nsetenv-safe LOCAL_ONE from-config" || return 1
  grep -qx "local=from-config pushed=from-server plain=unset" "$WORK/env-up.out" ||
    { log "--up saw: $(cat "$WORK/env-up.out" 2>/dev/null)"; return 1; }
}

# remap-usr1: a client's SIGUSR1 becomes SIGTERM (it exits) or SIGHUP (it
# reads its config again and reconnects), as 2.6's remap_signal.
ALL+=(remap-usr1-term remap-usr1-hup)
sc_remap-usr1-term() {
  start_pair "" "remap-usr1 SIGTERM" || return 1
  local pid i
  pid=$(cat "$WORK/client.pid")
  kill -USR1 "$pid"
  wait_log client "SIGTERM\[soft,\] received, process exiting" 20 || return 1
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  ! kill -0 "$pid" 2>/dev/null || { log "client still running after the remapped SIGUSR1"; return 1; }
  ! grep -q "SIGUSR1" "$WORK/client.log" || { log "client.log: $(grep SIGUSR1 "$WORK/client.log")"; return 1; }
}
sc_remap-usr1-hup() {
  start_pair "" "remap-usr1 SIGHUP" || return 1
  kill -USR1 "$(cat "$WORK/client.pid")"
  wait_log client "SIGHUP\[soft,\] received, process restarting" 20 && wait_ready client 60 2 && traffic "$TUN_S" 2 ||
    return 1
  ! grep -q "SIGUSR1" "$WORK/client.log" || { log "client.log: $(grep SIGUSR1 "$WORK/client.log")"; return 1; }
}
