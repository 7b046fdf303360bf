#!/bin/sh
# Regenerates the test CRLs from ca.key (valid 100 years). Test keys only.
#   crl-none.pem:           revokes nothing
#   crl-client-revoked.pem: revokes client.crt
set -e
cd "$(dirname "$0")"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
: >"$t/index.txt"
echo 1000 >"$t/crlnumber"
cat >"$t/ca.cnf" <<EOC
[ ca ]
default_ca = test
[ test ]
database = $t/index.txt
crlnumber = $t/crlnumber
default_md = sha256
default_crl_days = 36500
EOC
openssl ca -batch -config "$t/ca.cnf" -keyfile ca.key -cert ca.crt -gencrl -out crl-none.pem 2>/dev/null
openssl ca -batch -config "$t/ca.cnf" -keyfile ca.key -cert ca.crt -revoke client.crt 2>/dev/null
openssl ca -batch -config "$t/ca.cnf" -keyfile ca.key -cert ca.crt -gencrl -out crl-client-revoked.pem 2>/dev/null
