// The deployment files, checked offline. Every Kubernetes manifest in
// deploy/kubernetes is validated strictly against the Kubernetes API schemas
// that kubernetes-models compiles from the Kubernetes OpenAPI spec (types,
// required fields, enums, and, as kubeconform --strict or `kubectl apply
// --validate=strict` do, no field the schema does not name: see strictCheck),
// then cross-checked: Services select pods that exist and name their ports,
// the Strata pods are probed on /readyz, their environment is a config the
// server accepts. docker-compose.yml's "scale" profile is validated with
// docker-compose itself where it is installed (CI installs it).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate as deploymentSchema } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as statefulSetSchema } from 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet';
import { validate as jobSchema } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as pdbSchema } from 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget';
import { validate as configMapSchema } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as secretSchema } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as serviceSchema } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { parseServerArgs } from '../../server/config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = `${ROOT}deploy/kubernetes/`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Manifest = Record<string, any>;
type SchemaCheck = ((data: unknown) => boolean) & { errors?: { instancePath: string; message?: string; keyword: string; params: unknown }[] | null };
const SCHEMAS: Record<string, SchemaCheck> = {
  'apps/v1/Deployment': deploymentSchema as SchemaCheck,
  'apps/v1/StatefulSet': statefulSetSchema as SchemaCheck,
  'batch/v1/Job': jobSchema as SchemaCheck,
  'policy/v1/PodDisruptionBudget': pdbSchema as SchemaCheck,
  'v1/ConfigMap': configMapSchema as SchemaCheck,
  'v1/Secret': secretSchema as SchemaCheck,
  'v1/Service': serviceSchema as SchemaCheck,
};

/**
 * Strictness without a second copy of the schemas: kubernetes-models'
 * compiled validators read exactly the properties their schema names (and
 * every key of a map, whose values they check). So the manifest is handed
 * to the validator through proxies that record every property read; a key
 * no validator read is a field the Kubernetes schema does not have, e.g. a
 * misspelt one, which the API server would drop or (with strict field
 * validation) refuse. Why this and not vendored strict JSON schemas
 * (kubeconform's): kubernetes-models is a maintained npm package generated
 * from the Kubernetes OpenAPI spec, already our schema source, and no npm
 * package ships the strict schemas; kubeconform itself is a Go binary that
 * downloads them.
 */
function unknownFields(check: SchemaCheck, doc: Manifest): { valid: boolean; unknown: string[] } {
  const read = new WeakMap<object, Set<string>>();
  const proxies = new WeakMap<object, object>();
  const wrap = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    let p = proxies.get(v);
    if (!p) {
      const seen = new Set<string>();
      read.set(v, seen);
      p = new Proxy(v, { get: (t, k, r) => (typeof k === 'string' && seen.add(k), wrap(Reflect.get(t, k, r))) });
      proxies.set(v, p);
    }
    return p;
  };
  const valid = check(wrap(doc));
  const unknown: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((e, i) => walk(e, `${path}[${i}]`));
    const seen = read.get(v);
    for (const [k, child] of Object.entries(v)) {
      if (!seen?.has(k)) unknown.push(`${path}.${k}`.replace(/^\./, ''));
      else walk(child, `${path}.${k}`);
    }
  };
  walk(doc, '');
  return { valid, unknown };
}

function validate(doc: Manifest): void {
  const check = SCHEMAS[`${doc.apiVersion}/${doc.kind}`];
  if (!check) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}: add it to SCHEMAS`);
  const { valid, unknown } = unknownFields(check, doc);
  if (!valid) throw new Error(`${doc.kind} ${doc.metadata?.name}: ${(check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`).join('; ')}`);
  if (unknown.length > 0) throw new Error(`${doc.kind} ${doc.metadata?.name}: unknown field(s) ${unknown.join(', ')}`);
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

  it('the schema check is strict: a misspelt field fails it, wherever it is', () => {
    const strata = (): Manifest => structuredClone(strip(find('Deployment', 'strata')!));
    const container = strata();
    container.spec.template.spec.containers[0].imagePulPolicy = 'IfNotPresent';
    expect(() => validate(container)).toThrow('unknown field(s) spec.template.spec.containers[0].imagePulPolicy');
    const probe = strata();
    probe.spec.template.spec.containers[0].readinessProbe.httpGet.pth = '/readyz';
    expect(() => validate(probe)).toThrow(/unknown field\(s\) spec\.template\.spec\.containers\[0\]\.readinessProbe\.httpGet\.pth/);
    const top = strata();
    top.spec.replica = 3;
    expect(() => validate(top)).toThrow(/unknown field\(s\) spec\.replica$/);
    const svc = structuredClone(strip(find('Service', 'strata')!));
    svc.metadata.lables = { app: 'strata' };
    expect(() => validate(svc)).toThrow(/metadata\.lables/);
    // Maps keep any key: labels, annotations, ConfigMap data.
    const labelled = strata();
    labelled.metadata.labels = { ...labelled.metadata.labels, 'example.com/any-key': 'x' };
    expect(() => validate(labelled)).not.toThrow();
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
    // Pods behind one Service: a bulk connection (a port the Service does not list) could reach another pod or be dropped.
    expect(parsed.config.bulkPort).toBe(false);
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
      // Behind nginx a bulk connection could reach the other server, which does not know the stream's token.
      expect(services[s]!.environment.STRATA_BULK_PORT).toBe('off');
    }
  });

  it("publishes the lone server's bulk port at the number the image gives it (the server names that number to clients)", () => {
    const out = spawnSync('docker-compose', ['config'], { cwd: ROOT, encoding: 'utf8' });
    expect(out.status).toBe(0);
    const strata = (parse(out.stdout) as { services: Record<string, Manifest> }).services.strata!;
    const image = /STRATA_BULK_PORT=(\d+)/.exec(readFileSync(ROOT + 'Dockerfile', 'utf8'));
    expect(image, 'Dockerfile sets STRATA_BULK_PORT').not.toBeNull();
    const port = Number(strata.environment.STRATA_BULK_PORT ?? image![1]);
    // docker-compose v1 prints "HOST_IP:PUBLISHED:TARGET/PROTO"; v2 prints objects.
    const published = (strata.ports as (string | Manifest)[]).map((p) => {
      if (typeof p !== 'string') return `${p.published}:${p.target}`;
      return p.replace(/\/tcp$/, '').split(':').slice(-2).join(':');
    });
    expect(published).toContain(`${port}:${port}`);
  });
});
