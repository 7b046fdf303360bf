#!/bin/sh
# Regenerates the test PKI (EC P-256, valid 100 years). Test keys only.
set -e
cd "$(dirname "$0")"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
  -days 36500 -subj "/C=XX/O=ovpn-test/CN=Test CA" -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
for who in server client; do
  eku=serverAuth; [ $who = client ] && eku=clientAuth
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $who.key -out $who.csr \
    -subj "/C=XX/O=ovpn-test/CN=test-$who" 2>/dev/null
  printf "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=$eku\n" > $who.ext
  openssl x509 -req -in $who.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $who.crt -days 36500 \
    -extfile $who.ext 2>/dev/null
  rm -f $who.csr $who.ext
done
openssl pkcs12 -export -in client.crt -inkey client.key -certfile ca.crt -out client.p12 -passout pass: 2>/dev/null
rm -f ca.srl
