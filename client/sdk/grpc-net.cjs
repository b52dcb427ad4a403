// node:net as the CLI bundle's grpc-js sees it (scripts/build.mjs maps grpc-js's
// `require("net")` here), with one change: isIPv6 answers false at once for a
// host without a colon, which no IPv6 address lacks. grpc-js asks it of every
// address it connects to, and Node's own isIPv6 compiles its large regular
// expression on first use: ~5 ms of every CLI command that connects to
// 127.0.0.1 or a name (docs/benchmarks.md, api). Same answers either way.
'use strict';
const net = require('node:net');

module.exports = { ...net, isIPv6: (input) => typeof input === 'string' && input.includes(':') && net.isIPv6(input) };
