// esbuild for the build scripts (build.mjs, gen-proto-codecs.mjs).
/**
 * esbuild's native binary comes as an optional dependency of esbuild, so
 * `npm ci --omit=optional` leaves it out; the WebAssembly build of the same
 * version (a devDependency, slower, no native parts) then stands in.
 */
export async function loadEsbuild() {
  const native = await import('esbuild');
  try {
    await native.transform('');
    return native;
  } catch (err) {
    if (!/could not be found|needed by esbuild/.test(String(err?.message))) throw err;
    return import('esbuild-wasm');
  }
}
