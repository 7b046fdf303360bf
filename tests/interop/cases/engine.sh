# tests/interop/cases/engine.sh: --engine as Debian's 2.6.14 treats it
# (issue 12; sourced by run.sh). Its OpenSSL 3 build has no engine support:
# --engine NAME, a name or none, is accepted, and each crypto set-up (the
# start, each client instance of a server, each restart) says
# "Note: OpenSSL hardware crypto engine functionality is not available";
# nothing is loaded and the tunnel works.
#   engine-missing: an engine that does not exist on the server, the bare
#     option ("auto") on the client; both connect and carry traffic, the
#     client notes it once, the server at its start and for the client.
ALL+=(engine-missing)

ENGINE_NOTE="Note: OpenSSL hardware crypto engine functionality is not available"

sc_engine-missing() {
  start_pair "engine io-no-such-engine" "engine" && traffic || return 1
  local c s
  c=$(grep -c -- "$ENGINE_NOTE" "$WORK/client.log")
  s=$(grep -c -- "$ENGINE_NOTE" "$WORK/server.log")
  [ "$c" = 1 ] && [ "$s" = 2 ] || { log "engine notes: client $c (want 1), server $s (want 2)"; return 1; }
}
