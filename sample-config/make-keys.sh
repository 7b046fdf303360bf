#!/usr/bin/env bash
# sample-config/make-keys.sh DIR [openvpn-binary]: create throw-away TEST keys
# for the sample configs: an EC CA, a server and a client certificate (with
# the key usages --remote-cert-tls checks), and a tls-crypt key written by
# `openvpn --genkey tls-crypt`. Never use these for a real VPN.
set -euo pipefail
dir=${1:?usage: make-keys.sh DIR [openvpn]}
bin=${2:-openvpn}
case "$bin" in */*) bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") ;; esac
mkdir -p "$dir"
cd "$dir"
umask 077
subj() { echo "/O=openvpn-ng sample (TEST ONLY)/CN=$1"; }
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
  -days 30 -subj "$(subj sample-ca)" -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
issue() { # issue NAME EKU
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" \
    -subj "$(subj "$1")" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' "$2" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile "$1.ext" \
    -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue server serverAuth
issue client clientAuth
"$bin" --genkey tls-crypt tls-crypt.key
echo "test keys in $dir"
