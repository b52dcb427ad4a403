#!/usr/bin/env node
// The `strata` command: registers tsx (TypeScript on the fly, cached) and
// runs client/cli/main.ts. Exits with the CLI's code once output is flushed.
import { register } from 'tsx/esm/api';

register();
// Output cut off by a closed pipe (`strata get ... | head`) ends quietly, as with other Unix tools.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(141);
  throw err;
});
const { main } = await import('../client/cli/main.ts');
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
process.exitCode = code;
// Anything left holding the event loop (a stray handle) must not hang the shell.
setTimeout(() => process.exit(code), 1000).unref();
