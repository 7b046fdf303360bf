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
configuration would start and 1 otherwise. It also lists the uses of
options that this build parses but would not act on (SOCKS over UDP, NTLM
or Digest proxy authentication): the program refuses to start with any of
them, so the check fails too. Every option OpenVPN 2.6 acts on on Linux
runs. The check and the start\-up ask the same function, so a configuration
passes the check exactly when the program gets past its start\-up checks.
.PP
Before that it lints: it prints every warning and note OpenVPN 2.6.14 prints
at start\-up for the configuration (renamed and deprecated options, receive
compression, a
.B \-\-cipher
missing from
.BR \-\-data\-ciphers ,
key files readable by group or others, a client that does not verify its
server, a server without
.BR \-\-keepalive ,
net30 servers, ...), with 2.6's text, each followed by a line starting with
.B \->
that says what to write or do instead (for example
.B "\-> write: data\-ciphers AES\-256\-GCM:AES\-128\-GCM"
or
.BR "\-> chmod 600 k.key" ),
and, where OpenVPN 2.7 removes or changes the feature, a line starting with
.B "\-> OpenVPN 2.7:"
that says how. The daemon prints the same warnings, from the same function, at
the points of its start where 2.6 prints them. Warnings alone do not fail the
check: it still ends with
.B "Configuration check OK"
and status 0.
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
.B \-\-block\-ipv6
in the configuration (2.6 keeps offload on and does not block; pushed,
it is ignored under offload as in 2.6);
.B \-\-passtos
(2.6 keeps offload on and does not copy the TOS);
.B \-\-shaper
(2.6 keeps offload on and does not shape);
.B \-\-client\-nat
in the configuration (2.6 keeps offload on and does not translate; pushed,
it is ignored under offload as in 2.6);
and the ovpn\-dco\-v2 kernel family not being available.
.SH MANAGEMENT INTERFACE
.B \-\-management
.I "ip port"
.RI [ pw\-file ]
or
.B \-\-management
.I path
.B unix
.RI [ pw\-file ]
opens OpenVPN 2.6's management interface (\(lqManagement Version: 5\(rq) on a
TCP port or a unix socket, once at start\-up after
.B \-\-daemon
and
.BR \-\-writepid ;
it stays open across SIGUSR1 and SIGHUP restarts. One client is served at a
time (a second one waits until the first leaves), after the password from the
first line of
.I pw\-file
when one is given
.RI ( stdin :
asked on the terminal). Every command of 2.6 is answered with 2.6's words
(\fBhelp\fR lists them): the state, log and echo histories and their
real\-time notifications, bytecount, status 1/2/3, signal, hold, verb, mute,
auth\-retry, username, password, needok, needstr, forget\-passwords, remote,
proxy, remote\-entry\-count, remote\-entry\-get, cr\-response, pk\-sig, rsa\-sig
and certificate; on a server also kill, client\-kill, client\-auth,
client\-auth\-nt, client\-deny, client\-pending\-auth, load\-stats, nclients and
env\-filter. A TCP socket without a password file is warned about, as in 2.6.
.TP
.B \-\-management\-client
Connect out to the address (or the unix socket) instead of listening; the
program ends when that connection fails or closes.
.TP
.BI \-\-management\-client\-user " user" "\fR, \fP\-\-management\-client\-group" " group"
A unix socket client must run as this user and group (SO_PEERCRED); others
are disconnected at once.
.TP
.B \-\-management\-hold
Wait for \(lqhold release\(rq before the first connection and before each
restart (\(lq>HOLD:Waiting for hold release:N\(rq, N the seconds the restart
pause would have lasted).
.TP
.B \-\-management\-query\-passwords
Ask the management client for the
.B \-\-auth\-user\-pass
credentials (\(lq>PASSWORD:Need 'Auth' username/password\(rq) unless the file
has them; with
.B "\-\-auth\-retry interact"
again after a failed authentication, which is reported as
\(lq>PASSWORD:Verification Failed: 'Auth'\(rq.
.TP
.B \-\-management\-query\-remote
Before each connection attempt, \(lq>REMOTE:host,port,proto\(rq waits for
.BR "remote ACCEPT" ,
.BR "remote SKIP " [ \fIn\fR ]
or
.BI "remote MOD " "host port" .
.TP
.B \-\-management\-query\-proxy
Before each connection attempt, \(lq>PROXY:n,TCP|UDP,host\(rq waits for
.BR "proxy NONE" ,
.BI "proxy HTTP " "host port"
or
.BI "proxy SOCKS " "host port" .
Data channel offload is off with this option, as in 2.6.
.TP
.B \-\-management\-signal
Raise SIGUSR1 when the management client disconnects.
.TP
.B \-\-management\-forget\-disconnect
Forget the passwords when the management client disconnects.
.TP
.B \-\-management\-up\-down
Report \(lq>UPDOWN:UP\(rq and \(lq>UPDOWN:DOWN\(rq with the script environment.
.TP
.B \-\-management\-client\-auth
On a server, each connecting client (and each renegotiation) waits after
\(lq>CLIENT:CONNECT,cid,kid\(rq (or REAUTH) and its environment for
.BR client\-auth ,
.B client\-auth\-nt
or
.BR client\-deny ;
.B client\-pending\-auth
extends the wait, which otherwise ends after
.B \-\-hand\-window
as in 2.6. An
.B \-\-auth\-user\-pass\-verify
script runs too, after the management client was told, as in 2.6.
.TP
.BR \-\-management\-external\-key " [" nopadding "] [" pkcs1 "] [" pss "] [" digest ]
Sign with the private key the management client holds, as 2.6: no key is
read; each signature the TLS handshake needs becomes
\(lq>PK_SIGN:data,algorithm\(rq (the algorithm field for clients that said
.BR "version 3" ,
\(lq>RSA_SIGN:data\(rq for version 1), answered by
.B pk\-sig
and the base64 signature lines up to END. The daemon does nothing else
until the answer comes (a signal ends the wait and fails the handshake).
The flags say what the client can do:
.B pkcs1
(the default) gets the DER DigestInfo of the hash (\(lqRSA_PKCS1_PADDING\(rq),
.B pss
gets the hash to sign with PSS
(\(lqRSA_PKCS1_PSS_PADDING,hashalg=SHA256,saltlen=digest\(rq),
.B nopadding
gets raw data to sign without padding,
.B digest
gets the message itself with the hash to use (\(lq...,data=message\(rq);
an EC key gets \(lqECDSA\(rq and answers with a DER ECDSA signature.
A padding the client did not declare fails the handshake with 2.6's
\(lqRSA padding mode not supported by management\-client\(rq.
The public key is the certificate's
.RB ( \-\-cert ,
or the management client's with
.BR \-\-management\-external\-cert );
RSA and EC keys only. Implementation: a small OpenSSL 3 provider of
openvpn\-ng's own (key manager and signature for RSA and EC, as 2.6's
\(lqxkey\(rq provider) holds the public key and hands each signature to the
management interface; no private key is ever in the process.
.TP
.BI \-\-management\-external\-cert " hint"
Take the certificate from the management client, as 2.6: at each TLS
set-up \(lq>NEED\-CERTIFICATE:hint\(rq, answered by
.B certificate
and the PEM lines up to END. Needs
.BR \-\-management\-external\-key .
.TP
.BI \-\-management\-log\-cache " n"
Keep the last
.I n
log lines for \(lqlog all\(rq (default 250).
.PP
Differences from 2.6: the output waiting for a client that does not read is
bounded (16 MiB, then the client is disconnected) where 2.6 lets it grow and
can block the whole program; a command line longer than 1023 bytes is refused
with an error instead of being split in two; the title shown by
.B version
names this build;
.B "\-\-management tunnel"
is refused.
.SH AUTHENTICATION TOKENS
With
.BI "\-\-auth\-gen\-token" " [lifetime [renewal]] [external\-auth]"
a server that checks user names and passwords (a
.B \-\-auth\-user\-pass\-verify
script or an AUTH_USER_PASS_VERIFY plugin) gives every client that passed a
token, pushed as
.BR "auth\-token SESS_ID_AT_..." .
The client sends the token instead of its password on each renegotiation and
after a reconnect; the server accepts a good token itself, without the script
or plugin, so one-time passwords are asked for only once. The format is
OpenVPN 2.6's: a random 12-byte session id, the time the first token of the
session was made, the time of this token and an HMAC-SHA256 over the user name
and those fields, base64 after the prefix. A token made by 2.6 with the same
secret is accepted, and 2.6 accepts ours.
.PP
A token is renewed (pushed again as
.BR "PUSH_REPLY,auth\-token ..." )
on each renegotiation, and every
.I renewal
seconds when that is shorter than
.B \-\-reneg\-sec
(its default). A token not renewed for two
.I renewal
periods, or older than
.I lifetime
seconds (0, the default: no limit), is expired: the client is told
.B AUTH_FAILED,SESSION: token expired
and comes back with its password.
.B \-\-reneg\-sec 0
is refused, and so is a renewal time under two
.BR \-\-hand\-window s.
.PP
.B external\-auth
hands every token to the script and plugins as well; they see
.B session_state
(Initial: no token; Authenticated; Expired; Invalid: bad HMAC or size;
AuthenticatedEmptyUser and ExpiredEmptyUser: valid only for an empty user
name, as OpenVPN 3 clients send) and
.B session_id
(16 base64 characters, the same for every token of one session) and decide;
they must refuse Expired and Invalid unless the client is trusted otherwise.
Without it they see the same variables whenever they run.
.PP
The HMAC key is the second half of the 128-byte
.B \-\-auth\-gen\-token\-secret
(made by
.BR "\-\-genkey auth\-token" ),
or a random key made at start, so tokens do not survive a restart of the
server (SIGUSR1 without
.BR \-\-persist\-key )
or carry over to another server. Tokens are shown in the log as
.B SESS_ID
only, as 2.6 does.
.PP
A client keeps the token it was pushed (the last one pushed) in memory that
is wiped when a new token replaces it, when the server refuses it with
.BR AUTH_FAILED ,
on
.B forget\-passwords
from the management interface and at exit; the management client is told
.B >PASSWORD:Auth\-Token:
with the token, as 2.6 does. With
.BR \-\-management\-client\-auth ,
as in 2.6, the token is checked before the management client is asked: a
good token (without
.BR external\-auth )
admits the key, or a reconnecting client, without a
.B >CLIENT:CONNECT
or
.BR REAUTH ,
a bad one is refused without it, and the environment the management client
sees carries
.BR session_id " and " session_state .
.SH RENEGOTIATIONS
As OpenVPN 2.6.1 and later, every peer announces dynamic tls\-crypt (bit 9 of
.B IV_PROTO
in its peer info). A server that sees the bit in a client's peer info pushes
.B "protocol\-flags ... dyn\-tls\-crypt"
(with
.BR cc\-exit " and " tls\-ekm
when the client has those, alone otherwise); in a TLS point-to-point setup
both peers must announce it (with P2P NCP, bit 5). Then, once the first data
key is in place, both ends derive a tls\-crypt key from that TLS session
(keying material exporter label
\(lqEXPORTER\-OpenVPN\-dynamic\-tls\-crypt\(rq, 256 bytes, combined by
exclusive or with the
.BR \-\-tls\-auth ,
.B \-\-tls\-crypt
or
.B \-\-tls\-crypt\-v2
client key when one is used) and every control packet of a renegotiation
(key id 1 to 7, from the soft reset on) is wrapped with it instead of the
configured
.BR \-\-tls\-auth / \-\-tls\-crypt
wrap, or instead of no wrap at all. Only the peer that completed the first
handshake can then start or answer a renegotiation, and a damaged control
packet of a renegotiation is dropped before TLS sees it. With
.B \-\-verb 4
both ends log \(lqOutgoing dynamic tls\-crypt: Cipher 'AES\-256\-CTR'
initialized with 256 bit key\(rq and the matching lines. A peer that does not
announce the bit (OpenVPN before 2.6.1) keeps the configured wrap for
renegotiations.
.SH PKCS#11 TOKENS
The certificate and key can live on a smart card or another PKCS#11 token,
loaded through pkcs11\-helper, as in Debian's OpenVPN 2.6:
.BI "\-\-pkcs11\-providers" " lib..."
names the provider libraries (without it, an id loads
.IR /usr/lib/x86_64\-linux\-gnu/p11\-kit\-proxy.so ,
Debian's default),
.BI "\-\-pkcs11\-id" " id"
the object, by the serialized id that
.BI "\-\-show\-pkcs11\-ids" " [provider [cert_private]]"
prints (the same ids as 2.6's, so a profile's id keeps working; quote it
with single quotes). With
.B \-\-pkcs11\-id\-management
the management client gives it (answering
.BR ">NEED\-STR:Need 'pkcs11\-id\-request'" ,
after looking with
.B pkcs11\-id\-count
and
.BR "pkcs11\-id\-get n" ).
.BR \-\-pkcs11\-protected\-authentication ,
.BR \-\-pkcs11\-private\-mode " (hex),"
.B \-\-pkcs11\-cert\-private
(one value per provider) and
.B \-\-pkcs11\-pin\-cache
are passed to pkcs11\-helper as 2.6 passes them. The token signs the TLS
handshake (RSA with PKCS#1 v1.5 or PSS, and ECDSA); the key never leaves
it. The token's PIN is asked through the management interface with
.B \-\-management\-query\-passwords
.RB ( ">PASSWORD:Need '<label> token' password" ,
answered with
.BR "password '<label> token' PIN" ),
else on the terminal. A wrong id, or a token that will not sign, stops the
program with 2.6's
.BR "Error: private key password verification failed" .
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
.SH DEFERRED AUTHENTICATION
A server's
.B AUTH_USER_PASS_VERIFY
plugins and its
.B \-\-auth\-user\-pass\-verify
script may answer later, as in OpenVPN 2.6. Each call gets three fresh
empty files (mode 0600, unpredictable names in
.BR \-\-tmp\-dir )
named by the environment variables
.IR auth_control_file ,
.I auth_pending_file
and
.IR auth_failed_reason_file .
A plugin returning 2 (OPENVPN_PLUGIN_FUNC_DEFERRED) or a script exiting
with 2 defers: the server goes on serving everyone else and reads the
first byte of
.I auth_control_file
on its timer:
.B 1
accepts,
.B 0
refuses, an empty file is still pending. The client is refused when no
answer came within
.B \-\-hand\-window
seconds (or half of
.BR \-\-reneg\-sec ,
when that is shorter) of the key's authentication, or within the timeout of
an AUTH_PENDING. With
.B \-\-management\-client\-auth
the management client's decision is one more answer to wait for: any
refusal refuses, the client is admitted when all accepted. Debian's
openvpn\-plugin\-auth\-pam.so defers when the configuration has
.BR "setenv deferred_auth_pam 1" .
.PP
Before returning 2 the checker may write three lines into
.IR auth_pending_file :
a timeout in seconds, the pending method the client must announce in its
IV_SSO peer info (e.g. crtext, openurl), and the text for the client (e.g.
.B CR_TEXT:E,R:Enter the code
or
.BR WEB_AUTH::https://... ).
The server then sends
.B AUTH_PENDING,timeout N
(plain AUTH_PENDING to clients without IV_PROTO bit 4) and
.B INFO_PRE,\fItext\fP,
and the deadline becomes the timeout; a client lacking the method is
refused with "Authentication failed, required pending auth method '...' not
supported". Text written into
.I auth_failed_reason_file
becomes the reason of the AUTH_FAILED message. The files are removed once
the key is decided or the client goes.
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
.PP
Hostile peers are held to a stricter rule than 2.6: nothing from the network
changes a client's state before its wrap (tls\-auth HMAC, tls\-crypt tag,
cookie) is verified. A hard reset with a new session id from a connected
client's address and port is answered with a stateless cookie, and the old
instance is replaced only after the cookie round trip (2.6 handles it inside
the existing instance); a forged reset is dropped and logged and the client
stays connected. Before our own reset is acknowledged a peer's later control
messages wait in the receive window and are not acknowledged beyond it.
Control characters in any value given to a script's environment are dropped
(2.6 remaps only some peer strings). The
.B ovpn\-dco
module in this package delivers its peer notifications (the
.I peers
multicast group) only to processes with CAP_NET_ADMIN; the reference module
gives them to any user.
.PP
The files given to
.BR \-\-status ,
.B \-\-ifconfig\-pool\-persist
and
.B \-\-writepid
are replaced whole: the new text goes to a hidden file beside the target
(named after it), is flushed to disk and renamed over it, so a reader or a
crash at any moment sees the previous contents or the new ones, never a
truncated file (2.6 rewrites them in place). An existing file keeps its
permission bits. Where the directory does not let us create a file (read
only, or not writable after
.BR \-\-user ),
or the path is a symbolic link or not a regular file, the file is rewritten
in place through the descriptor opened at start, as 2.6 does. A file moved
away (log rotation) is written anew at its path at the next write; 2.6 goes
on writing the moved file. A process killed during a write can leave its
hidden temporary behind.
.PP
Every TCP link socket has TCP_NODELAY set, so
.B \-\-socket\-flags TCP_NODELAY
and
.B \-\-tcp\-nodelay
change nothing on our side (2.6 sets it only when asked; a server with
.B \-\-tcp\-nodelay
still pushes the flag to its clients, as 2.6 does). A server whose socket
is dual-stack applies
.B \-\-mtu\-disc
to its IPv4 peers as well.
.PP
.B \-\-remote\-cert\-tls
combined with
.B \-\-remote\-cert\-ku
or
.B \-\-remote\-cert\-eku
requires both checks to pass; in 2.6 whichever comes last silently
replaces the other. A peer certificate whose subject has no common name
(or one longer than 64 characters) is refused, as in 2.6.
.PP
.B \-\-stale\-routes\-check
counts an iroute network as used whenever a packet to or from an address in
it is routed, and ages it like any other route; 2.6 refreshes only the host
routes it caches for such addresses, so it drops the network itself
.I n
seconds after the client connected however busy it is (OpenVPN issue 1063).
Under data channel offload nothing is aged (the kernel routes and does not
say which route was used); 2.6 then ages only its own copy of the routes
while the kernel goes on routing. As in 2.6 the removals are logged at verb 7
and given to
.BR \-\-learn\-address " delete" ,
and the client's own address goes too when nothing was sent to it.
.PP
.B \-\-replay\-persist
keeps the replay state of the
.B \-\-secret
data channel in 2.6's file format (so the file survives a switch between
the two programs); the file is replaced whole (write, flush, rename) where
2.6 rewrites it in place. 2.6 also keeps the replay state of
.BR \-\-tls\-auth / \-\-tls\-crypt
in it on a TLS client or peer: that is refused here.
A
.B \-\-secret
peer sends the wall clock in its packet ids, as 2.6 does.
.PP
.B \-\-port\-share
proxies the connections that are not OpenVPN inside the daemon, on its own
event loop, not in a forked process: there is no second process, and the
proxy runs with the daemon's privileges (after
.B \-\-user
and
.BR \-\-group ,
as 2.6's process does). Every socket is non-blocking, the connect to
.I host port
included (given up after 5 seconds, as in 2.6); each direction buffers at
most 16 KiB, so a side that does not read holds back the other through TCP,
never the VPN. When one side ends its stream, the end is passed on to the
other (a half-close) once its bytes are written, and the pair goes when both
directions have ended or either fails; 2.6 closes both directions at the
first end. A SIGHUP, which reads the configuration again, ends the proxied
connections and starts the proxy anew with the new
.I host port
(2.6's proxy process keeps its connections and its first target until the
program exits); SIGUSR1 keeps them, as in 2.6.
.PP
Deferred authentication (see
.BR "DEFERRED AUTHENTICATION" )
keeps one pending decision per client: a second key negotiated while the
first one's decision is still pending replaces it. An auth_control_file
is read once a second, where 2.6 reads it less and less often (up to every
8 seconds).
.PP
With
.BR \-\-vlan\-tagging ,
frames dropped by the VLAN rules are counted (\fIvlan\-filtered\fR) and not
logged; 2.6 logs each at verb 7.
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
