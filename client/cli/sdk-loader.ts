// The SDK (grpc-js, protobufjs and the client code: most of the CLI bundle's
// weight), loaded on a command's first call to the server, and whether this
// process loaded it: bin/strata.js writes V8's code cache anew when a command
// ran the SDK and the saved cache was made by one that did not (a first
// `strata --help` after a build would otherwise leave every later command
// compiling the SDK: ~25 ms of CPU each).
let loaded = false;

export async function loadSdk(): Promise<typeof import('../sdk/index.ts')> {
  const sdk = await import('../sdk/index.ts');
  loaded = true;
  return sdk;
}

/** True once this process has loaded the SDK. */
export function sdkLoaded(): boolean {
  return loaded;
}
