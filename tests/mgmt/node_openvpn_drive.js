// tests/mgmt/node_openvpn_drive.js: npm's node-openvpn (a third-party
// management client, installed by tests/mgmt/clients.sh) drives a daemon:
// it connects, turns logs and states on, asks the pid, sets bytecount,
// releases the hold; we read its state-change events until CONNECTED, then
// ask it to disconnect (it sends "signal SIGTERM") and wait for the daemon to
// close the socket.
//
//   node node_openvpn_drive.js NODE_MODULES HOST PORT
//
// Prints one line per event; exits 0 when CONNECTED was seen, the pid came
// and the daemon hung up after SIGTERM; 1 otherwise (90 s at most).
//
// node-openvpn 0.1.1 depends on a GitHub fork of telnet-client 0.1.0 whose
// only change is one event, 'console-output', emitted with every chunk read
// from the socket (node-openvpn parses >STATE:, >HOLD:, SUCCESS: pid from
// it). Only the npm registry is reachable here, so clients.sh installs the
// registry's telnet-client 0.1.1 (that version without the event) and this
// script adds the event the same way before node-openvpn loads.
'use strict';
const path = require('path');

const [modules, host, port] = process.argv.slice(2);
const Telnet = require(path.join(modules, 'telnet-client'));
const connect = Telnet.prototype.connect;
Telnet.prototype.connect = function (opts) {
  const r = connect.call(this, opts);
  this.telnetSocket.prependListener('data', (chunk) => this.emit('console-output', chunk.toString()));
  return r;
};
const ovpn = require(path.join(modules, 'node-openvpn'));

let connected = false;
let pid = null;
let sentTerm = false;
const limit = setTimeout(() => {
  console.log('TIMEOUT: connected=' + connected + ' pid=' + pid);
  process.exit(1);
}, 90000);

const em = ovpn.connect({ host: host, port: Number(port), timeout: 1500 });
em.on('connected', () => console.log('node-openvpn: connected (hold released)'));
em.on('hold-waiting', () => console.log('node-openvpn: hold-waiting'));
em.on('pid', (p) => {
  pid = String(p).trim();
  console.log('node-openvpn: pid ' + pid);
});
em.on('bytecount', (b) => console.log('node-openvpn: bytecount ' + b.join(',').trim()));
em.on('state-change', (s) => {
  console.log('node-openvpn: state ' + s.join(',').trim());
  if (s[1] === 'CONNECTED' && !sentTerm) {
    connected = true;
    sentTerm = true;
    ovpn.disconnect();
  }
});
em.on('error', (e) => console.log('node-openvpn: error ' + e));
const done = () => {
  clearTimeout(limit);
  const ok = connected && pid !== null;
  console.log('node-openvpn: socket closed; ' + (ok ? 'OK' : 'FAILED') + ' connected=' + connected + ' pid=' + pid);
  process.exit(ok ? 0 : 1);
};
em.on('close', done);
em.on('end', done);
