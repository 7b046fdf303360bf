#!/usr/bin/env bash
# tests/packages/prepare-root.sh ROOT REPO: put the guest test into a root
# that has our packages installed (tests/stages.d/40-packages.sh calls it
# with /dev, /proc and /sys mounted in ROOT):
#  - test keys (sample-config/make-keys.sh, run by the packaged openvpn);
#  - /etc/openvpn/server/srv.conf, /etc/openvpn/client/cli.conf and
#    /etc/openvpn/p2p.conf (the openvpn@ layout; openvpn.service starts it at
#    boot, as AUTOSTART="all" says);
#  - a drop-in that runs openvpn-server@srv in the network namespace "srv"
#    (the client stays in the root namespace, where systemd-resolved is), so
#    traffic between them crosses the tunnel;
#  - tests/packages/guest.sh as pkgtest.service, which powers off when done;
#  - the README's main job (tools/main-job.sh, sample-config/) in /root/openvpn-ng.
set -euo pipefail
root=${1:?usage: prepare-root.sh ROOT REPO}
repo=${2:?usage: prepare-root.sh ROOT REPO}

install -m 0755 "$repo/sample-config/make-keys.sh" "$root/root/make-keys.sh"
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin bash /root/make-keys.sh /root/keys /usr/sbin/openvpn >/dev/null
rm -f "$root/root/make-keys.sh"
for side in server client; do
  mkdir -p "$root/etc/openvpn/$side/keys"
  cp "$root/root/keys/ca.crt" "$root/root/keys/tls-crypt.key" "$root/etc/openvpn/$side/keys/"
done
cp "$root"/root/keys/server.{crt,key} "$root/etc/openvpn/server/keys/"
cp "$root"/root/keys/client.{crt,key} "$root/etc/openvpn/client/keys/"
cp -r "$root/etc/openvpn/server/keys" "$root/etc/openvpn/p2p-keys"

common='dev tun
proto udp
ca keys/ca.crt
tls-crypt keys/tls-crypt.key
data-ciphers AES-256-GCM:CHACHA20-POLY1305
verb 3'
cat >"$root/etc/openvpn/server/srv.conf" <<CONF
# the server of the package test: openvpn-server@srv, in netns "srv"
$common
port 1194
cert keys/server.crt
key keys/server.key
dh none
topology subnet
server 10.8.0.0 255.255.255.0
keepalive 10 60
push "dhcp-option DNS 10.8.0.1"
push "dhcp-option DOMAIN vpn.pkgtest"
syslog
CONF
cat >"$root/etc/openvpn/client/cli.conf" <<CONF
# the client of the package test: openvpn-client@cli, DNS through
# openvpn-systemd-resolved's script, log under /var/log/openvpn
$common
client
remote 192.0.2.1 1194
cert keys/client.crt
key keys/client.key
remote-cert-tls server
script-security 2
up /etc/openvpn/update-systemd-resolved
down /etc/openvpn/update-systemd-resolved
down-pre
log /var/log/openvpn/cli.log
CONF
cat >"$root/etc/openvpn/p2p.conf" <<CONF
# openvpn@p2p (started by openvpn.service through openvpn-generator): a
# second server, in the root namespace, that no client uses
dev tun9
proto udp
port 1195
ca p2p-keys/ca.crt
cert p2p-keys/server.crt
key p2p-keys/server.key
tls-crypt p2p-keys/tls-crypt.key
dh none
topology subnet
server 10.9.0.0 255.255.255.0
verb 3
CONF

mkdir -p "$root/etc/systemd/system/openvpn-server@srv.service.d"
cat >"$root/etc/systemd/system/openvpn-server@srv.service.d/netns.conf" <<'CONF'
[Service]
NetworkNamespacePath=/run/netns/srv
CONF

install -m 0755 "$repo/tests/packages/guest.sh" "$root/usr/local/sbin/pkgtest-guest.sh"
cat >"$root/etc/systemd/system/pkgtest.service" <<'CONF'
[Unit]
Description=openvpn-ng package test (tests/packages/guest.sh)
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/pkgtest-guest.sh
StandardOutput=journal+console
StandardError=journal+console
CONF
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/pkgtest.service "$root/etc/systemd/system/multi-user.target.wants/pkgtest.service"
# Timers that would only compete for the emulated CPU, and the serial
# console's login prompt (it would mix into the results).
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer serial-getty@ttyS0.service; do
  ln -sf /dev/null "$root/etc/systemd/system/$u"
done

mkdir -p "$root/root/openvpn-ng/tools"
cp "$repo/tools/main-job.sh" "$root/root/openvpn-ng/tools/"
cp -r "$repo/sample-config" "$root/root/openvpn-ng/"
