// The API outside TypeScript: examples/python/roundtrip.py generates a Python
// client from proto/ (grpc_tools.protoc) and drives the real server process
// through a round trip: create repo, put (client stream), finish, inspect,
// get (server stream), list, a second version, diff, and an unknown repo's
// NOT_FOUND with the strata-error-code trailer REPO_NOT_FOUND.
//
// Needs a python with grpcio and grpcio-tools (`scripts/install-system-deps.sh
// test` installs Debian's python3-grpcio and python3-grpc-tools). Without one
// the test fails in CI and is skipped, with the reason, elsewhere.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pfsClient, startServer, unary, type RawClient, type TestServer } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = `${ROOT}examples/python/roundtrip.py`;
const STEPS = ['generate', 'connect', 'create repo', 'put', 'finish', 'inspect', 'get', 'list', 'put v2', 'diff', 'error', 'delete repo'];

/**
 * The python to run the client with: $STRATA_PYTHON when set (and only it),
 * else the first that imports grpc and grpc_tools of Debian's /usr/bin/python3
 * (a pyenv or venv python3 earlier in PATH often lacks grpc) and python3 on
 * PATH. Otherwise why each candidate did not do.
 */
function findPython(): { python: string } | { reason: string } {
  const candidates = process.env.STRATA_PYTHON ? [process.env.STRATA_PYTHON] : ['/usr/bin/python3', 'python3'];
  const tried: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import grpc, grpc_tools.protoc'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return { python };
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    tried.push(`${python}: ${why}`);
  }
  return { reason: `no python with grpcio and grpcio-tools (${tried.join('; ')})` };
}

function run(python: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const found = findPython();
const python = 'python' in found ? found.python : undefined;
const missing = 'reason' in found ? `${found.reason}; install them with \`scripts/install-system-deps.sh test\` (as root), or set STRATA_PYTHON` : '';

let server: TestServer | undefined;
let client: RawClient | undefined;

beforeAll(async () => {
  if (!python) {
    // The reporter does not show a skip's note: say why here (in CI the tests fail with it).
    if (!process.env.CI) console.warn(`python-roundtrip: skipped: ${missing}`);
    return; // nothing to run the client with: do not start a server
  }
  server = await startServer();
  client = pfsClient(server.grpcAddress);
});

afterAll(async () => {
  client?.close();
  await server?.cleanup();
});

/** Skips (outside CI) or fails (in CI) when there is no python to run the client. */
function needPython(ctx: { skip: (note?: string) => never }): { python: string; address: string } {
  if (!python) {
    if (process.env.CI) throw new Error(`the Python client round trip cannot run in CI: ${missing}`);
    ctx.skip(missing);
  }
  return { python, address: server!.grpcAddress };
}

describe('a Python client generated from proto/', () => {
  it('runs the round trip against the real server', async (ctx) => {
    const { python, address } = needPython(ctx);
    const { code, stdout, stderr } = await run(python, [address]);
    expect(code, `${python} ${SCRIPT} ${address} exited ${code}\n--- stdout\n${stdout}--- stderr\n${stderr}`).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('ok ')).map((l) => /^ok ([^:]+)/.exec(l)![1])).toEqual(STEPS);
    expect(lines.at(-1)).toBe('round trip ok');
    expect(stdout).toMatch(/^ok put: 2 files, 300014 bytes into open commit [0-9a-f]{32}$/m);
    expect(stdout).toMatch(/^ok get: \/data\/hello\.bin, 300000 bytes equal/m);
    expect(stdout).toMatch(/^ok list: \/data\/hello\.bin, \/data\/notes\.txt$/m);
    expect(stdout).toMatch(/^ok diff: modified \/data\/hello\.bin; added \/data\/new\.txt; deleted \/data\/notes\.txt$/m);
    expect(stdout).toMatch(/^ok error: NOT_FOUND REPO_NOT_FOUND /m);
    expect(stderr).toBe('');
  });

  it('exits non-zero and names the failure when the server answers otherwise', async (ctx) => {
    const { python, address } = needPython(ctx);
    await unary(client!, 'CreateRepo', { name: 'py-taken' });
    const { code, stdout, stderr } = await run(python, [address, '--repo', 'py-taken']);
    expect(code, stdout + stderr).toBe(1);
    expect(stdout).not.toMatch(/round trip ok/);
    expect(stderr).toMatch(/^FAIL unexpected ALREADY_EXISTS: .*'strata-error-code': 'REPO_EXISTS'/m);
  });
});
