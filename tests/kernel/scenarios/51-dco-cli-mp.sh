#!/bin/sh
# Our userspace driver against the module under test, multi-peer mode:
#
#                      ns dcos: dcotun 5.5.6.1/24 (ovpn-dco, MP), forwarding on
#                       peer 1: UDP :1194, VPN 5.5.6.2   peer 2: UDP :1195, VPN 5.5.6.3
#              veth 10.51.1.0/24 /                              \ veth 10.51.2.0/24
#   ns dcoc1: dcotun 5.5.6.2/24 (P2P)            ns dcoc2: dcotun 5.5.6.3/24 (P2P)
#
# CHACHA20-POLY1305 keys; pings client<->server and client<->client through
# the server (MP lookup by VPN IP); GET_PEER dump lists both peers; then
# keepalive: peer 1 runs keepalive on both ends and survives, peer 2 only on
# the server, so it must expire with a DEL_PEER(expired) notification while
# peer 1 keeps working.
# ktest-timeout: 200
. "$KT_LIB"
kt_setup
kt_require "$KT_DCO_CLI"
/sbin/modprobe "${KT_MODULE:-ovpn-dco-v2}" || kt_fail "modprobe ${KT_MODULE:-ovpn-dco-v2}"

# ChaCha20-Poly1305: 32-byte key + 8-byte nonce tail per half.
keyfile() {
  printf '%s\n%s\n' "$1$1$1$1$1$1$1$1 a1a2a3a4a5a6a7a8" "$2$2$2$2$2$2$2$2 b1b2b3b4b5b6b7b8" >"$3"
}
keyfile 01234567 89abcdef "$KT_WORK/key-c1"
keyfile fedcba98 76543210 "$KT_WORK/key-c2"

kt_netns dcos dcoc1 dcoc2
kt_link dcos 10.51.1.1/24 dcoc1 10.51.1.2/24
kt_link dcos 10.51.2.1/24 dcoc2 10.51.2.2/24
kt_in dcos sh -c 'echo 1 >/proc/sys/net/ipv4/ip_forward' || kt_fail "forwarding in dcos"
kt_cli dcos new-iface dcotun mp
kt_cli dcoc1 new-iface dcotun p2p
kt_cli dcoc2 new-iface dcotun p2p
"$KT_IP" -n dcos addr add 5.5.6.1/24 dev dcotun || kt_fail "addr dcos"
"$KT_IP" -n dcoc1 addr add 5.5.6.2/24 dev dcotun || kt_fail "addr dcoc1"
"$KT_IP" -n dcoc2 addr add 5.5.6.3/24 dev dcotun || kt_fail "addr dcoc2"
for n in dcos dcoc1 dcoc2; do "$KT_IP" -n $n link set dcotun up || kt_fail "up in $n"; done

kt_cli_bg s-peer1 dcos '^ready' new-peer dcotun 1 1194 10.51.1.2 1194 5.5.6.2
kt_cli_bg s-peer2 dcos '^ready' new-peer dcotun 2 1195 10.51.2.2 1194 5.5.6.3
kt_cli_bg c1-peer dcoc1 '^ready' new-peer dcotun 1 1194 10.51.1.1 1194
kt_cli_bg c2-peer dcoc2 '^ready' new-peer dcotun 2 1194 10.51.2.1 1195
kt_cli dcos new-key dcotun 1 primary 0 chacha 0 "$KT_WORK/key-c1"
kt_cli dcos new-key dcotun 2 primary 0 chacha 0 "$KT_WORK/key-c2"
kt_cli dcoc1 new-key dcotun 1 primary 0 chacha 1 "$KT_WORK/key-c1"
kt_cli dcoc2 new-key dcotun 2 primary 0 chacha 1 "$KT_WORK/key-c2"

kt_ping dcoc1 5.5.6.1
kt_ping dcoc2 5.5.6.1
kt_ping dcos 5.5.6.2
kt_ping dcos 5.5.6.3
kt_ping dcoc1 5.5.6.3
kt_ping dcoc2 5.5.6.2

kt_cli dcos get-peer dcotun
grep -q '^2 peer(s)' "$KT_WORK/cli.out" || kt_fail "MP dump: $(cat "$KT_WORK/cli.out")"
grep -q '^peer 1 .*vpn_ipv4 5.5.6.2' "$KT_WORK/cli.out" || kt_fail "dump peer 1: $(cat "$KT_WORK/cli.out")"
grep -q '^peer 2 .*vpn_ipv4 5.5.6.3' "$KT_WORK/cli.out" || kt_fail "dump peer 2: $(cat "$KT_WORK/cli.out")"

kt_cli_bg listen dcos '^ready' listen dcotun 1
kt_cli dcos set-peer dcotun 1 1 4
kt_cli dcoc1 set-peer dcotun 1 1 4
kt_cli dcos set-peer dcotun 2 1 4
i=0
while ! grep -q 'DEL_PEER' "$KT_WORK/listen.out"; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || kt_fail "peer 2 did not expire: $(cat "$KT_WORK/listen.out")"
  sleep 0.5
done
grep -q 'peer 2 reason expired' "$KT_WORK/listen.out" || kt_fail "expiry notification: $(cat "$KT_WORK/listen.out")"
kt_in dcos "$KT_DCO_CLI" --expect-errno 2 get-peer dcotun 2 >/dev/null 2>&1 || kt_fail "expired peer 2 still present"
kt_cli dcos get-peer dcotun 1
kt_ping dcoc1 5.5.6.1

for n in dcos dcoc1 dcoc2; do cli $n del-iface dcotun; done
kt_info "dco-cli mp: 2 peers with ChaCha20, client-to-client via MP, dump, keepalive kept peer 1, peer 2 expired"
