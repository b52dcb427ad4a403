// Layers point one way (see ../shared/DESIGN.md): proto <- src <- server, client.
// src/ is the pure core; client/ never imports server code.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'src-is-the-core', severity: 'error', comment: 'src/ imports nothing from server/, client/, test/ or bench/',
      from: { path: '^src/' }, to: { path: '^(server|client|test|bench)/' } },
    { name: 'client-not-server', severity: 'error', comment: 'client/ never imports server code',
      from: { path: '^client/' }, to: { path: '^server/' } },
    { name: 'server-not-client', severity: 'error', comment: 'server/ does not depend on the client',
      from: { path: '^server/' }, to: { path: '^client/' } },
    { name: 'core-has-no-transports', severity: 'error', comment: 'no gRPC, fastify or FUSE in the core',
      from: { path: '^src/' }, to: { path: 'node_modules/(@grpc|fastify|fuse-native|commander|cli-progress)' } },
    // A recursive message (pps Explanation's upstream) makes its generated type file import itself.
    { name: 'no-circular', severity: 'error', from: { pathNot: '^proto/generated/' }, to: { circular: true } },
    { name: 'no-test-code-in-product', severity: 'error',
      from: { path: '^(src|server|client)/' }, to: { path: '^test/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
