# tests/interop/cases/tls.sh: the TLS settings as 2.6 hands them to OpenSSL
# (sourced by run.sh). --tls-cipher in 2.6's IANA spelling, as commercial
# profiles write it, must be translated (OpenSSL refuses the raw names); with
# TLS 1.2 at most, the suite agreed on shows it was applied.
ALL+=(tls-cipher-iana)

sc_tls-cipher-iana() {
  local c="tls-version-max 1.2\ntls-cipher TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256:TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256"
  start_pair "$c" "$c" && ping_check "$TUN_S" &&
    log_has client "Control Channel: TLSv1.2, cipher TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256" &&
    log_has server "Control Channel: TLSv1.2, cipher TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256"
}
