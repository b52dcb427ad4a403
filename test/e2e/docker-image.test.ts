// The Docker image and docker-compose.yml, checked without a Docker engine
// (none on the CI machine): the Dockerfile's base matches package.json's
// engines, it runs as a non-root user with a HEALTHCHECK that has a start
// period, its final stage holds production dependencies only, and every
// file it copies is in the build context (.dockerignore keeps
// node_modules, data and .git out). Then the image's final stage is
// assembled as a directory (its COPYs: package.json, bin/, proto/, the
// build's dist/, and a node_modules of the production dependencies only,
// as `npm prune --omit=dev` leaves) and its CMD runs with its ENV (ports
// and data dir moved to free ones): the server serves, the CLI in the
// image answers, and the HEALTHCHECK command itself reports healthy, then
// unhealthy once the server is gone. docker-compose.yml: no `version:`,
// ports on 127.0.0.1 only, no image from Docker Hub's removed minio/*
// repositories, and `docker-compose config` accepts it where installed.
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdir, readFile, symlink } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseServerArgs } from '../../server/config.ts';
import { createTempDir, type TempDir } from '../helpers/tmp.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string>; optionalDependencies?: Record<string, string> };

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  steps: Instruction[];
}

/** Stages and instructions of a Dockerfile (comments dropped, continuation lines joined). */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, op = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const [from = '', , name] = rest.split(/\s+/);
      stages.push({ from: from.replace(/\$\{(\w+)\}/g, (_, k: string) => args[k] ?? ''), ...(name ? { name } : {}), steps: [] });
    } else if (upper === 'ARG' && stages.length === 0) {
      const [k = '', v = ''] = rest.split('=');
      args[k] = v;
    } else {
      stages.at(-1)?.steps.push({ op: upper, args: rest });
    }
  }
  return { args, stages };
}

/** ENV k=v pairs of one stage (the `ENV a=1 b=2` form). */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of stage.steps.filter((i) => i.op === 'ENV')) for (const m of s.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  return env;
}

const execForm = (args: string): string[] => JSON.parse(args.replace(/^.*?CMD\s+/, '')) as string[];
const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const final = dockerfile.stages.at(-1)!;
const build = dockerfile.stages.find((s) => s.name === 'build')!;

describe('Dockerfile', () => {
  it("builds on a Node that package.json's engines accepts, in every stage", () => {
    const [major, minor] = /^>=\s*(\d+)\.(\d+)$/.exec(pkg.engines.node)!.slice(1).map(Number) as [number, number];
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(22_012); // Node 20 is past end of life (issue 14)
    for (const stage of dockerfile.stages) {
      const m = /^node:(\d+)\.(\d+)(?:\.\d+)?-/.exec(stage.from);
      expect(m, stage.from).not.toBeNull();
      expect(Number(m![1]) * 1000 + Number(m![2]), stage.from).toBeGreaterThanOrEqual(major * 1000 + minor);
    }
  });

  it('runs as a non-root user, with a HEALTHCHECK on /readyz that has a start period', () => {
    const ops = final.steps.map((s) => s.op);
    const user = final.steps.find((s) => s.op === 'USER');
    expect(user?.args).toBeDefined();
    expect(['root', '0', '0:0']).not.toContain(user!.args.trim());
    expect(ops.indexOf('USER')).toBeLessThan(ops.indexOf('CMD'));
    const health = final.steps.find((s) => s.op === 'HEALTHCHECK')!.args;
    expect(Number(/--start-period=(\d+)s/.exec(health)?.[1])).toBeGreaterThan(0);
    expect(health).toContain('/readyz');
  });

  it('ships production dependencies only: node_modules comes from the build stage after npm prune --omit=dev', () => {
    const copy = final.steps.find((s) => s.op === 'COPY' && /node_modules/.test(s.args))!.args;
    expect(copy).toMatch(/^--from=build\s/);
    const runs = build.steps.filter((s) => s.op === 'RUN').map((s) => s.args);
    const ci = runs.findIndex((r) => /\bnpm ci\b/.test(r));
    const prune = runs.findIndex((r) => /\bnpm prune --omit=dev\b/.test(r));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(prune).toBeGreaterThanOrEqual(ci);
    expect(pkg.dependencies['fuse-native']).toBeUndefined(); // optional: the server never loads it
    expect(pkg.optionalDependencies?.['fuse-native']).toBeDefined();
  });

  it('copies only files in the build context, which .dockerignore keeps free of node_modules, data and .git', () => {
    const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    const ignored = picomatch(ignore, { dot: true });
    const excluded = (p: string): boolean => p.split('/').some((_, i, parts) => ignored(parts.slice(0, i + 1).join('/')));
    for (const p of ['node_modules', 'node_modules/fastify/package.json', 'client/node_modules', 'data', 'data/meta/CURRENT', '.git', '.git/HEAD']) expect(excluded(p), p).toBe(true);
    const tracked = spawnSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const stage of dockerfile.stages) {
      for (const s of stage.steps.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))) {
        for (const src of s.args.split(/\s+/).slice(0, -1)) {
          const sent = tracked.filter((f) => (f === src || f.startsWith(`${src}/`)) && !excluded(f));
          expect(sent.length, `COPY ${src}: no file of it reaches the build context`).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('the image, assembled without Docker', () => {
  let tmp: TempDir | undefined;
  afterAll(async () => {
    await tmp?.remove();
  });

  /** The final stage's files: COPYs from the context, dist/ from the build, production node_modules (as npm prune --omit=dev leaves it). */
  async function assemble(dir: string): Promise<void> {
    for (const s of final.steps.filter((i) => i.op === 'COPY')) {
      const parts = s.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      const dest = parts.at(-1)!;
      for (const src of parts.slice(0, -1)) {
        if (src.endsWith('node_modules')) continue;
        const from = src.replace(/^\/app\//, '');
        await cp(join(ROOT, from), join(dir, dest === './' ? from : dest), { recursive: true });
      }
    }
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    for (const [key, meta] of Object.entries(lock.packages)) {
      const name = key.slice('node_modules/'.length);
      if (!key.startsWith('node_modules/') || name.includes('node_modules/') || meta.dev) continue;
      if (!existsSync(join(ROOT, key))) continue; // an optional package for another platform
      await mkdir(dirname(join(dir, key)), { recursive: true });
      await symlink(join(ROOT, key), join(dir, key));
    }
  }

  it('its CMD serves with its ENV, its CLI answers, and its HEALTHCHECK says healthy, then unhealthy once the server is gone', async () => {
    tmp = await createTempDir('strata-image');
    const app = join(tmp.path, 'app');
    await assemble(app);
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false); // a devDependency
    expect(existsSync(join(app, 'node_modules', 'fastify'))).toBe(true);
    const env = { ...envOf(final), STRATA_DATA: join(tmp.path, 'data'), STRATA_GRPC: '127.0.0.1:0', STRATA_HTTP: '127.0.0.1:0', STRATA_S3_GATEWAY: '127.0.0.1:0' };
    expect(envOf(final).NODE_ENV).toBe('production');
    const [cmd, ...args] = execForm(final.steps.find((s) => s.op === 'CMD')!.args);
    const server = spawn(cmd === 'node' ? process.execPath : cmd!, args, { cwd: app, env: { PATH: process.env.PATH, HOME: tmp.path, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    createInterface({ input: server.stderr! }).on('line', (l) => lines.push(l));
    try {
      const ready = await new Promise<{ grpc: string; http: string }>((resolve, reject) => {
        createInterface({ input: server.stdout! }).on('line', (l) => {
          lines.push(l);
          if (l.includes('"strata server ready"')) resolve(JSON.parse(l) as { grpc: string; http: string });
        });
        server.once('exit', (code) => reject(new Error(`exited ${code}:\n${lines.join('\n')}`)));
      });
      const cli = (...a: string[]) => spawnSync(process.execPath, ['bin/strata.js', ...a], { cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmp!.path, STRATA_ADDRESS: ready.grpc, STRATA_CONFIG: join(tmp!.path, 'config.json') } });
      const version = cli('version');
      expect(version.stderr).toBe('');
      expect(version.stdout).toMatch(/^client: .*\nserver: .*\n$/);
      expect(cli('repo', 'create', 'img').status).toBe(0);
      const healthcheck = execForm(final.steps.find((s) => s.op === 'HEALTHCHECK')!.args).map((a) => a.replace('127.0.0.1:7731', ready.http));
      const probe = (): number | null => spawnSync(healthcheck[0] === 'node' ? process.execPath : healthcheck[0]!, healthcheck.slice(1), { timeout: 30_000 }).status;
      expect(probe()).toBe(0);
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      expect(probe()).toBe(1);
    } finally {
      server.kill('SIGKILL');
    }
  }, 120_000);
});

describe('docker-compose.yml', () => {
  const text = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  const doc = parse(text) as { version?: string; services: Record<string, { image?: string; ports?: string[]; environment?: Record<string, string> }> };

  it('has no obsolete version: key, and publishes every port on 127.0.0.1 only', () => {
    expect(doc.version).toBeUndefined();
    const ports = Object.entries(doc.services).flatMap(([name, s]) => (s.ports ?? []).map((p) => [name, p] as const));
    expect(ports.length).toBeGreaterThan(0);
    for (const [name, p] of ports) expect(p, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it("pulls no image from Docker Hub's removed minio/minio and minio/mc", () => {
    const images = Object.values(doc.services).flatMap((s) => (s.image ? [s.image] : []));
    expect(images.some((i) => i.startsWith('quay.io/minio/minio:'))).toBe(true);
    for (const image of images) expect(image).not.toMatch(/^(docker\.io\/|index\.docker\.io\/)?minio\//);
  });

  it("the strata service's environment is a config the server accepts, with chunks in MinIO", () => {
    const parsed = parseServerArgs([], doc.services.strata!.environment!);
    if (parsed.kind !== 'config') throw new Error('expected a config');
    expect(parsed.config.s3).toMatchObject({ bucket: 'strata' });
  });

  it.skipIf(spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status !== 0 && process.env.CI !== 'true')('docker-compose config accepts it', () => {
    const out = spawnSync('docker-compose', ['config', '--quiet'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });
});
