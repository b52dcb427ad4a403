// node:child_process as the CLI bundle's commander sees it (scripts/build.mjs
// maps commander's require here): loaded on first use. commander requires it
// at start for executable subcommands, which Strata has none of, and loading
// it cost every command ~4-5 ms of CPU (docs/benchmarks.md, api).
'use strict';
let loaded;
const real = () => (loaded ??= require('node:child_process'));

module.exports = new Proxy({}, {
  get: (_, name) => real()[name],
  has: (_, name) => name in real(),
  ownKeys: () => Reflect.ownKeys(real()),
  getOwnPropertyDescriptor: (_, name) => {
    const d = Reflect.getOwnPropertyDescriptor(real(), name);
    return d && { ...d, configurable: true };
  },
});
