// The deployment files, checked offline. Every Kubernetes manifest in
// deploy/kubernetes is validated against the Kubernetes API schemas bundled
// in kubernetes-models (types, required fields, enums; unknown field names
// are not caught: `kubectl apply --validate=strict` on a cluster does that),
// then cross-checked: Services select pods that exist and name their ports,
// the Strata pods are probed on /readyz, their environment is a config the
// server accepts. docker-compose.yml's "scale" profile is validated with
// docker-compose itself where it is installed (CI installs it).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { parseServerArgs } from '../../server/config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = `${ROOT}deploy/kubernetes/`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;
const MODELS: Record<string, new (data: Manifest) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
};

function validate(doc: Manifest): void {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}: add it to MODELS`);
  new Model(doc).validate();
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
const manifests: Manifest[] = files.flatMap((f) =>
  parseAllDocuments(readFileSync(DIR + f, 'utf8')).map((d) => {
    if (d.errors.length > 0) throw new Error(`${f}: ${d.errors[0]!.message}`);
    return { ...(d.toJS() as Manifest), file: f };
  }),
);
const strip = ({ file: _file, ...doc }: Manifest): Manifest => doc;
const find = (kind: string, name: string): Manifest | undefined => manifests.find((m) => m.kind === kind && m.metadata.name === name);
const workloads = manifests.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind));

describe('deploy/kubernetes', () => {
  it.each(manifests.map((m) => [`${m.file}: ${m.kind} ${m.metadata?.name}`, m]))('%s matches the Kubernetes schema', (_, m) => {
    validate(strip(m));
  });

  it('the schema check rejects a broken manifest', () => {
    const d = structuredClone(strip(find('Deployment', 'strata')!));
    d.spec.template.spec.containers = 'strata';
    expect(() => validate(d)).toThrow(/containers/);
    expect(() => validate({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } })).toThrow(/no schema/);
  });

  it('kustomization.yaml lists every manifest', () => {
    const k = parse(readFileSync(`${DIR}kustomization.yaml`, 'utf8')) as { resources: string[] };
    expect([...k.resources].sort()).toEqual([...files].sort());
  });

  it('every Service selects pods of a workload and targets ports they declare', () => {
    for (const svc of manifests.filter((m) => m.kind === 'Service')) {
      const matching = workloads.filter((w) => Object.entries(svc.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
      expect(matching.map((w) => w.metadata.name), `Service ${svc.metadata.name}`).toHaveLength(1);
      const ports = matching[0]!.spec.template.spec.containers.flatMap((c: Manifest) => c.ports.map((p: Manifest) => p.name));
      for (const p of svc.spec.ports) expect(ports, `Service ${svc.metadata.name} port ${p.name}`).toContain(p.targetPort);
    }
  });

  it('Strata pods are ready on /readyz, and their environment is a config the server accepts', () => {
    const d = find('Deployment', 'strata')!;
    const c = d.spec.template.spec.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const env: Record<string, string> = {};
    for (const from of c.envFrom) {
      const src = from.configMapRef ? find('ConfigMap', from.configMapRef.name) : find('Secret', from.secretRef.name);
      expect(src, JSON.stringify(from)).toBeDefined();
      Object.assign(env, src!.data ?? src!.stringData);
    }
    const parsed = parseServerArgs([], env);
    if (parsed.kind !== 'config') throw new Error('expected a config');
    const http = c.ports.find((p: Manifest) => p.name === 'http');
    expect(parsed.config.http.port).toBe(http.containerPort);
    expect(parsed.config.grpc.port).toBe(c.ports.find((p: Manifest) => p.name === 'grpc').containerPort);
    expect(parsed.config.meta).toMatchObject({ kind: 'etcd' });
    // Every etcd member is a client endpoint, so a lost member costs nothing.
    const etcd = find('StatefulSet', 'etcd')!;
    if (parsed.config.meta.kind !== 'etcd') throw new Error('expected etcd');
    expect(parsed.config.meta.endpoints).toHaveLength(etcd.spec.replicas);
    const cluster = etcd.spec.template.spec.containers[0].command.find((a: string) => a.startsWith('--initial-cluster='));
    expect(cluster.split(',')).toHaveLength(etcd.spec.replicas);
  });
});

const compose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

describe.skipIf(!compose && process.env.CI !== 'true')('docker-compose.yml', () => {
  it('is valid with the "scale" profile: etcd, two servers on their own bucket, one address', () => {
    const out = spawnSync('docker-compose', ['--profile', 'scale', 'config'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const services = (parse(out.stdout) as { services: Record<string, Manifest> }).services;
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['etcd', 'strata-a', 'strata-b', 'strata-lb', 'strata']));
    for (const s of ['strata-a', 'strata-b']) {
      expect(services[s]!.environment.STRATA_META).toBe('etcd://etcd:2379/strata');
      // A LevelDB server and etcd servers on one bucket would sweep each other's chunks.
      expect(services[s]!.environment.STRATA_S3_BUCKET).not.toBe(services.strata!.environment.STRATA_S3_BUCKET);
    }
  });
});
