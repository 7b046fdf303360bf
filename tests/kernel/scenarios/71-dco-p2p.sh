#!/bin/sh
# p2p TLS on DCO (no pull: 2.6's p2p NCP negotiates cipher, EKM and the
# DATA_V2 peer-id from the key exchange): ours <-> ours over UDP4 and UDP6
# (AES-256-GCM / CHACHA20-POLY1305), and our tcp-client against Debian's
# 2.6 p2p tcp-server (TCP4). Each end is an ovpn-dco device, ping crosses,
# and 4 MB cross towards our end while its process reads none of them.
# ktest-timeout: 300
. "$KT_LIB"
. "$KT_DIR/scenarios/lib-7x.sh"
kt_setup
kt_require "$KT_OUR_OPENVPN" "$KT_STRACE"

K=$KT_KEYS
tls_server="--tls-server --dh none --ca $K/ca.crt --cert $K/server.crt --key $K/server.key"
tls_client="--tls-client --remote-cert-tls server --ca $K/ca.crt --cert $K/client1.crt --key $K/client1.key"

p2p() { # FAM CIPHER
  local a=10.200.0.1
  dc_case "p2p-udp$1-$2"
  [ "$1" = 6 ] && a=fd00:200::1
  kt_netns kta ktb
  kt_link kta 10.200.0.1/24 ktb 10.200.0.2/24 fd00:200::1/64 fd00:200::2/64
  # shellcheck disable=SC2086
  dc_our pa kta --dev tun --proto udp$1 --port 1194 $tls_server --data-ciphers "$2" \
    --ifconfig 10.9.0.1 10.9.0.2 --keepalive 2 10 --verb 4
  # shellcheck disable=SC2086
  dc_our pb ktb --dev tun --proto udp$1 --remote $a 1194 $tls_client --data-ciphers "$2" \
    --ifconfig 10.9.0.2 10.9.0.1 --keepalive 2 10 --verb 4
  dc_on_dco pa kta
  dc_on_dco pb ktb
  kt_wait_log pb "Data Channel: cipher '$2', key derivation: tls-ekm, peer-id: [0-9]+"
  kt_ping ktb 10.9.0.1
  kt_ping kta 10.9.0.2
  dc_kernel_carries pb kta 10.9.0.1 ktb
  # the listening end too, once (UDP4)
  [ "$1" = 4 ] && dc_kernel_carries pa ktb 10.9.0.2 kta
  kt_no_stream_errors pa pb
}

p2p 4 AES-256-GCM
p2p 6 CHACHA20-POLY1305

dc_case p2p-tcp4-ours-to-2.6
kt_netns kta ktb
kt_link kta 10.200.0.1/24 ktb 10.200.0.2/24
# shellcheck disable=SC2086
kt_openvpn ref kta --dev tun --proto tcp4-server --port 1194 $tls_server --ifconfig 10.9.0.1 10.9.0.2 \
  --keepalive 2 10 --verb 4
kt_wait_log ref 'Listening for incoming TCP connection'
# shellcheck disable=SC2086
dc_our pb ktb --dev tun --proto tcp4-client --remote 10.200.0.1 1194 $tls_client \
  --ifconfig 10.9.0.2 10.9.0.1 --keepalive 2 10 --verb 4
dc_on_dco pb ktb
kt_wait_dco ref kta
kt_ping ktb 10.9.0.1
dc_kernel_carries pb kta 10.9.0.1 ktb
kt_tcp_transfer ktb 10.9.0.2 kta "-n 2M"
kt_no_stream_errors ref pb
kt_info "p2p TLS on DCO: ours<->ours udp4 and udp6, ours tcp-client <-> 2.6 tcp-server, data in the kernel"
