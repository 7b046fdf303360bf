#!/usr/bin/env bash
# man/gen-man.sh: regenerate man/openvpn.8 from the option table, through
# `openvpn --help` (whose text comes from options/table_*.cpp), plus the
# hand-written sections below. Usage: man/gen-man.sh [path/to/openvpn]
# tests/unit/options/man_test.cpp checks that every option is in the page.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/bin/openvpn}
out=man/openvpn.8

esc() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^'/\\\\(aq/" -e 's/^\./\\\&./'; }

options_from_help() {
  { "$bin" --help 2>/dev/null || true; } | awk '
    /^--check-config/ { skip = 1 }
    /^--[a-z0-9-]+.* :$/ { if (skip) { skip = 0; next } ; sub(/ :$/, ""); print "@@" $0; next }
    /^    / { if (!skip) { sub(/^ +/, ""); print } }
  ' | while IFS= read -r line; do
    if [ "${line#@@}" != "$line" ]; then
      printf '.TP\n.B %s\n' "$(printf '%s' "${line#@@}" | esc)"
    else
      printf '%s\n' "$line" | esc
    fi
  done
}

{
cat <<'EOF'
.TH OPENVPN 8 "2026" "openvpn-ng 2.6.14" "System Manager's Manual"
.SH NAME
openvpn \- VPN daemon compatible with OpenVPN 2.6, with kernel data channel offload
.SH SYNOPSIS
.B openvpn
.I config-file
.br
.B openvpn
[\fB\-\-option\fR \fIargs\fR ...]
.br
.B openvpn \-\-check\-config
[\fB\-\-config\fR \fIfile\fR] [\fB\-\-option\fR \fIargs\fR ...]
.br
.B openvpn \-\-genkey
.I type
.RI [ file ]
.SH DESCRIPTION
This
.B openvpn
is a C++20 program that reads the same configuration files and command
lines as OpenVPN 2.6 and speaks the same protocol. When the options allow it,
the data channel (encryption and forwarding of tunnelled packets) is handed
to the kernel through the ovpn\-dco\-v2 generic netlink interface; otherwise
it runs in user space, as OpenVPN 2.6 does.
.PP
Options come from the command line and from configuration files. On the
command line each option starts with two dashes and takes the words that
follow it up to the next word starting with two dashes. A single argument
without dashes is the name of a configuration file. Files and command line
are applied in order, so a later option overrides an earlier one.
.SH CONFIGURATION FILE SYNTAX
One option per line, written without the leading dashes. A line is split at
blanks into at most 16 words. A word may be quoted with double quotes (inside
them \e" and \e\e are escapes) or single quotes (nothing is special inside).
Outside single quotes a backslash may only escape a backslash, a double quote
or a blank. A
.B #
or
.B ;
where a word would begin starts a comment. Lines (including comments) must be
shorter than 256 bytes and words shorter than 256 bytes. DOS line endings and a
UTF\-8 byte order mark are accepted.
.PP
Files named by
.BR ca ,
.BR cert ,
.BR key ,
.BR dh ,
.BR extra\-certs ,
.BR pkcs12 ,
.BR secret ,
.BR tls\-auth ,
.BR tls\-crypt ,
.BR tls\-crypt\-v2 ,
.BR crl\-verify ,
.BR auth\-user\-pass ,
.BR http\-proxy\-user\-pass ,
.B auth\-gen\-token\-secret
and
.B peer\-fingerprint
may instead be written inline, as a
.I <option>
line, the content, and a
.I </option>
line.
.I <connection>
blocks hold the options of one server each and are tried in order.
.PP
A line starting with
.B setenv opt
is optional: an unknown option there only warns. So do the options named by
.BR \-\-ignore\-unknown\-option ,
and every unknown option after
.BR "setenv FORWARD_COMPATIBLE 1" .
Windows\-only options are unknown on Linux, as in OpenVPN 2.6.
.SH CHECKING A CONFIGURATION
.B \-\-check\-config
(not in OpenVPN 2.6) reads the configuration, applies every rule that would
stop the program at start\-up, reads and parses every key and certificate file
with OpenSSL, and then prints one line per reason that data channel offload
would be turned off, each containing
.B DCO
and the option's name, or one line saying the options are compatible. It
creates no device, socket or file, and exits with status 0 when the
configuration would start and 1 otherwise. It also lists the options that
this build parses but would not act on (the management interface, plugins,
.BR \-\-tun\-mtu\-extra ,
\&...): the program refuses to start with any of them, so the check fails
too. The check and the start\-up ask the same function, so a configuration
passes the check exactly when the program gets past its start\-up checks.
.SH LISTS AND SELF-TEST
.BR \-\-show\-ciphers ,
.BR \-\-show\-digests ,
.BR \-\-show\-tls ,
.BR \-\-show\-curves
(or
.BR \-\-show\-groups )
and
.B \-\-show\-engines
print what this program's OpenSSL offers, in OpenVPN 2.6's format and order
(programs such as NetworkManager's editor read the cipher list).
.B \-\-show\-tls
follows
.BR \-\-tls\-cipher ,
.B \-\-tls\-ciphersuites
and
.BR \-\-tls\-cert\-profile .
Engines do not exist in OpenSSL 3; the list says so, as Debian's 2.6 does.
.PP
.B \-\-test\-crypto \-\-secret
.I file
[\fB\-\-cipher\fR \fIname\fR] [\fB\-\-auth\fR \fIname\fR]
encrypts and decrypts random packets of every length from 1 byte to the
frame's payload size through the data channel code the daemon uses, with
the key file's first key in both directions (unless a key direction is
given), and exits 0 when every packet came back intact. As in 2.6 every
data\-channel cipher mode may be tested (CBC, CFB, OFB, GCM,
CHACHA20\-POLY1305), while
.B \-\-secret
mode itself only runs CBC ciphers or
.BR none .
.SH DATA CHANNEL OFFLOAD
Offload is used unless one of these applies (the first one is logged at
verbosity 3 as a \(lqNote:\(rq line, like OpenVPN 2.6):
.BR \-\-disable\-dco ;
a non\-AEAD cipher in
.B \-\-data\-ciphers\-fallback
(or
.B \-\-cipher
in peer\-to\-peer mode); compression configured or allowed
.RB ( \-\-compress ,
.BR \-\-comp\-lzo ,
.B \-\-allow\-compression
other than
.BR no );
a cipher in
.B \-\-data\-ciphers
that the kernel lacks (it has AES\-128/192/256\-GCM and CHACHA20\-POLY1305);
no TLS (static key mode);
a device type other than tun;
.BR \-\-fragment ,
.BR \-\-http\-proxy ,
.BR \-\-socks\-proxy ;
an existing non\-DCO interface with the requested name;
.B \-\-user
without the capabilities to keep CAP_NET_ADMIN;
a server without
.BR "\-\-topology subnet" ;
.BR \-\-management\-query\-proxy ;
.BR \-\-bind\-dev ;
and the ovpn\-dco\-v2 kernel family not being available.
.SH OPTIONS
EOF
options_from_help
cat <<'EOF'
.SH WINDOWS-ONLY, INTERNAL AND REMOVED NAMES
These names are known to the parser but rejected on Linux as unknown options
(unless made optional as described above), because they only exist in the
Windows build or in builds with features Debian leaves out:
.BR \-\-windows\-driver ,
.BR \-\-win\-sys ,
.BR \-\-ip\-win32 ,
.BR \-\-show\-adapters ,
.BR \-\-show\-net ,
.BR \-\-show\-net\-up ,
.BR \-\-tap\-sleep ,
.BR \-\-dhcp\-renew ,
.BR \-\-dhcp\-pre\-release ,
.BR \-\-dhcp\-release ,
.BR \-\-dhcp\-internal ,
.BR \-\-register\-dns ,
.BR \-\-block\-outside\-dns ,
.BR \-\-rdns\-internal ,
.BR \-\-show\-valid\-subnets ,
.BR \-\-pause\-exit ,
.BR \-\-service ,
.BR \-\-allow\-nonadmin ,
.BR \-\-cryptoapicert ,
.BR \-\-msg\-channel ,
.BR \-\-setcon ,
.BR \-\-iproute ,
.BR \-\-use\-prediction\-resistance .
.PP
These are used between the programs (pushed by a server or written by the
management interface) or for debugging, and are rarely written by hand:
.BR \-\-peer\-id ,
.BR \-\-push\-continuation ,
.BR \-\-key\-derivation ,
.BR \-\-protocol\-flags ,
.BR \-\-ifconfig\-push\-constraint ,
.BR \-\-ip\-remote\-hint ,
.BR \-\-http\-proxy\-override ,
.BR \-\-gremlin ,
.BR \-\-memstats .
.PP
Removed in OpenVPN 2.6 and rejected as unknown:
.BR \-\-keysize ,
.BR \-\-ncp\-disable ,
.BR \-\-tls\-remote ,
.BR \-\-key\-method ,
.BR \-\-no\-iv ,
.BR \-\-ifconfig\-pool\-linear ,
.BR \-\-inetd .
.SH EXIT STATUS
0 on a normal exit, after \-\-version, \-\-genkey, the \-\-show lists, a
successful \-\-test\-crypto and a successful \-\-check\-config; 1 on a
configuration error or a failed self\-test (and after \-\-help, as in
OpenVPN 2.6).
.SH DIFFERENCES FROM OPENVPN 2.6
A port is a number from 0 to 65535 or a service name, as in 2.6, but larger
numbers are refused (2.6 silently wraps them) and so is port 0 for a remote
or a proxy (2.6 takes it and then fails every send); port 0 for the local
side lets the kernel pick a free port, as in 2.6. Numbers must be numbers
(2.6 reads a word as 0);
.B \-\-bind\-dev
turns offload off, as in 2.6.18 and later.
.SH FILES
.TP
.I /usr/share/doc/openvpn/examples/sample\-config\-files
Debian's sample configurations; this program's own commented samples are in
the source tree under sample\-config/.
.SH SEE ALSO
.BR ip (8),
.BR openssl (1)
EOF
} >"$out"
echo "wrote $out ($(grep -c '^\.TP' "$out") option entries)"
