// Puts the validation corpus and documents mutated from the golden inputs to a real kube-apiserver (create,
// dry run, strict field validation) and to Gatehouse's validateObject, and fails on any verdict difference.
//
//   node test/validation/apiserver-agreement.mjs [mutations=1000] [seed=1]
//
// The apiserver is a fresh local cluster (scripts/kube/cluster.mjs; the binaries are built on first use), or an
// existing one given by GATEHOUSE_APISERVER=https://host:port and GATEHOUSE_APISERVER_TOKEN. Either way it gets the
// CRDs Gatehouse validates with (rebuilt from the bundled schemas, plus Gatehouse's own kinds), so the comparison is
// about validation, not about CRD versions. Needs `npx tsc -b` first (it imports the built library).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { setTimeout } from 'node:timers/promises';
/* global fetch, structuredClone */
import { parseAllDocuments } from 'yaml';
import { describeErrors, GATEHOUSE_SCHEMAS, resolveKind, validateObject } from '@gatehouse/validation';

const ROOT = join(import.meta.dirname, '../..');
const BUNDLE = JSON.parse(readFileSync(join(ROOT, 'libs/validation/src/generated/gateway-api.schemas.json'), 'utf8'));
const count = Number(process.argv[2] ?? 1000);
let seed = Number(process.argv[3] ?? 1);
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (a) => a[Math.floor(random() * a.length)];

/** The CRDs of the bundled schemas (and Gatehouse's kinds), one per group and kind. */
function crds() {
  const byKind = new Map();
  for (const [key, ks] of [...Object.entries(BUNDLE.schemas), ...Object.entries(GATEHOUSE_SCHEMAS)]) {
    const [group, version, kind] = key.split('/');
    const entry = byKind.get(`${group}/${kind}`) ?? { group, kind, scope: ks.scope, versions: [] };
    entry.versions.push({
      name: version,
      served: true,
      storage: false,
      schema: { openAPIV3Schema: ks.schema },
      ...(ks.statusSubresource ? { subresources: { status: {} } } : {}),
    });
    byKind.set(`${group}/${kind}`, entry);
  }
  return [...byKind.values()].map(({ group, kind, scope, versions }) => {
    (versions.find((v) => v.name === 'v1') ?? versions[0]).storage = true;
    const singular = kind.toLowerCase();
    const plural = singular.endsWith('y') ? `${singular.slice(0, -1)}ies` : singular.endsWith('s') ? `${singular}es` : `${singular}s`;
    // *.k8s.io groups are protected: the official CRDs carry this approval annotation too.
    const annotations = group.endsWith('.k8s.io') ? { 'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/3328' } : {};
    return {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${plural}.${group}`, annotations },
      spec: { group, scope, names: { kind, plural, singular, listKind: `${kind}List` }, versions },
    };
  });
}

async function connect() {
  if (process.env.GATEHOUSE_APISERVER) {
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // a local test apiserver with a self-signed certificate
    const server = process.env.GATEHOUSE_APISERVER;
    const headers = { authorization: `Bearer ${process.env.GATEHOUSE_APISERVER_TOKEN}`, 'content-type': 'application/json' };
    const api = async (method, path, body) => {
      const r = await fetch(server + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: r.status, text, json };
    };
    return { api, stop: async () => undefined };
  }
  const { startCluster } = await import('../../scripts/kube/cluster.mjs');
  const cluster = await startCluster({ gatewayApi: false, controllerManager: false });
  return { api: cluster.api, stop: () => cluster.stop() };
}

async function installCrds(api) {
  for (const crd of crds()) {
    const r = await api('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
    if (r.status === 409) {
      const current = await api('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
      const put = await api('PUT', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, {
        ...crd,
        metadata: { ...crd.metadata, resourceVersion: current.json.metadata.resourceVersion },
      });
      if (put.status >= 300) throw new Error(`updating ${crd.metadata.name}: ${put.text}`);
    } else if (r.status >= 300) throw new Error(`creating ${crd.metadata.name}: ${r.text}`);
  }
  for (let i = 0; i < 100; i++) {
    const list = await api('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
    const pending = list.json.items.filter((c) => !c.status?.conditions?.some((x) => x.type === 'Established' && x.status === 'True'));
    if (!pending.length) break;
    await setTimeout(200);
  }
}

/** apiVersion/kind → where to POST it, from discovery. */
async function discover(api) {
  const resources = new Map();
  const groups = (await api('GET', '/apis')).json.groups;
  const paths = ['/api/v1', ...groups.flatMap((g) => g.versions.map((v) => `/apis/${v.groupVersion}`))];
  for (const path of paths) {
    const r = await api('GET', path);
    for (const res of r.json?.resources ?? [])
      if (!res.name.includes('/')) resources.set(`${r.json.groupVersion}/${res.kind}`, { path, plural: res.name, namespaced: res.namespaced });
  }
  return resources;
}

async function apiserverVerdict(api, resources, obj) {
  const res = resources.get(`${obj.apiVersion}/${obj.kind}`);
  if (!res) return { verdict: 'refuse', message: `no matches for kind "${obj.kind}" in version "${obj.apiVersion}"` };
  const ns = obj.metadata?.namespace;
  const url = `${res.path}${res.namespaced ? `/namespaces/${encodeURIComponent(typeof ns === 'string' && ns ? ns : 'default')}` : ''}/${res.plural}?dryRun=All&fieldValidation=Strict`;
  let r = await api('POST', url, obj);
  if (r.status === 404 && /namespaces .* not found/.test(r.json?.message ?? '')) {
    // The namespace must exist before anything in it can be judged; an invalid namespace name is skipped.
    const c = await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if (c.status >= 300) return { verdict: 'skip' };
    r = await api('POST', url, obj);
  }
  if (r.status < 300 || r.json?.reason === 'AlreadyExists') return { verdict: 'accept' };
  if (r.status === 403) return { verdict: 'skip' }; // admission that depends on the cluster (e.g. a missing ServiceAccount)
  return { verdict: 'refuse', message: r.json?.message ?? r.text };
}

function gatehouseVerdict(obj) {
  const r = validateObject(obj, { loopbackEndpoints: false });
  if (r.errors.length) return { verdict: 'refuse', message: describeErrors(r.errors) };
  // An unknown group is ignored by the directory source, which is what "no matches" amounts to.
  if (resolveKind(obj.apiVersion, obj.kind).status === 'unknown-group') return { verdict: 'refuse', message: 'unknown group (ignored)' };
  return { verdict: 'accept' };
}

function seeds() {
  const files = [
    join(ROOT, 'test/validation/corpus.yaml'),
    ...readdirSync(join(ROOT, 'test/golden/testdata'))
      .filter((f) => f.endsWith('.in.yaml'))
      .map((f) => join(ROOT, 'test/golden/testdata', f)),
  ];
  const out = [];
  for (const f of files) {
    for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) {
      const o = d.toJS();
      if (o && typeof o === 'object' && typeof o.apiVersion === 'string' && typeof o.kind === 'string' && typeof o.metadata?.name === 'string') out.push(o);
    }
  }
  return out;
}

const WEIRD = [
  '',
  'not-an-ip',
  '10.0.0.1',
  '::1',
  '010.1.1.1',
  'fe80::1%eth0',
  'a_b',
  '-x-',
  'UPPER',
  'x'.repeat(300),
  '*',
  '*.example.com',
  '/',
  '/a/../b',
  'http://x',
  '1s',
  '10 seconds',
  'PathPrefix',
  'Exact',
  'RegularExpression',
  'TCP',
  'HTTP',
  'HTTPS',
  'Same',
  'All',
  'Service',
  'IPAddress',
  'Hostname',
  '2024-01-01T00:00:00Z',
  'yesterday',
  'null',
  'é',
];
const NUMBERS = [0, -1, 1, 80, 65535, 65536, 1.5, 1e12, 2 ** 31, 100];
const METADATA = [
  { labels: { a: '-b' } },
  { labels: { a: 'x'.repeat(64) } },
  { labels: { a: 5 } },
  { annotations: { 'A b': 'v' } },
  { annotations: { 'a/b/c': 'v' } },
  { creationTimestamp: 'yesterday' },
  { creationTimestamp: null },
  { creationTimestamp: '2024-02-30T00:00:00Z' },
  { finalizers: ['x'] },
  { finalizers: ['a.b/c'] },
  { ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'n', uid: '' }] },
  { foo: 1 },
  { generation: -1 },
  { uid: 5 },
  { name: 'Bad' },
  { name: '1abc' },
];

function paths(v, p = []) {
  const out = [p];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...p, i])));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push(...paths(v[k], [...p, k]));
  return out;
}

function mutate(original) {
  const o = structuredClone(original);
  const all = paths(o).filter((p) => p.length > 0);
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const p = pick(all);
    const parent = p.slice(0, -1).reduce((x, k) => x?.[k], o);
    if (!parent || typeof parent !== 'object') continue;
    const key = p.at(-1);
    const cur = parent[key];
    switch (Math.floor(random() * 12)) {
      case 0:
        parent[key] = null;
        break;
      case 1:
        if (Array.isArray(parent)) parent.splice(key, 1);
        else delete parent[key];
        break;
      case 2:
        parent[key] = pick(WEIRD);
        break;
      case 3:
        parent[key] = pick(NUMBERS);
        break;
      case 4:
        parent[key] = pick([true, false, [], {}, [null], { a: 1 }]);
        break;
      case 5:
        if (cur && typeof cur === 'object' && !Array.isArray(cur))
          Object.defineProperty(cur, pick(['bogus', '__proto__', 'constructor', 'toString', 'Name']), {
            value: pick([1, 'x', {}]),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        break;
      case 6:
        if (Array.isArray(cur) && cur.length) cur.push(structuredClone(cur[0]));
        break;
      case 7:
        if (typeof cur === 'string') parent[key] = cur.toUpperCase();
        break;
      case 8:
        if (typeof cur === 'number') parent[key] = cur + pick([-1, 1, 1000, 0.5]);
        break;
      case 9:
        o.metadata = { ...o.metadata, ...pick(METADATA) };
        break;
      case 10:
        if (typeof o.apiVersion === 'string')
          o.apiVersion = pick([o.apiVersion, o.apiVersion.replace(/v1$/, 'v1beta1'), o.apiVersion.replace(/\/v.*$/, '/v1alpha2'), 'v1']);
        break;
      default:
        o.status = pick([{}, { bogus: 1 }, 'x', { conditions: 'x' }]);
    }
  }
  return o;
}

const { api, stop } = await connect();
let differences = 0;
let judged = 0;
try {
  await installCrds(api);
  const resources = await discover(api);
  const base = seeds();
  // GATEHOUSE_AGREEMENT_EXTRA: a JSON file of more documents to judge (the fuzz suite's, see test/e2e/kube-validation).
  const extra = process.env.GATEHOUSE_AGREEMENT_EXTRA ? JSON.parse(readFileSync(process.env.GATEHOUSE_AGREEMENT_EXTRA, 'utf8')) : [];
  const docs = [...base, ...Array.from({ length: count }, () => mutate(pick(base))), ...extra];
  for (const doc of docs) {
    if (
      !doc.metadata ||
      typeof doc.metadata !== 'object' ||
      typeof doc.metadata.name !== 'string' ||
      !doc.metadata.name ||
      typeof doc.kind !== 'string' ||
      typeof doc.apiVersion !== 'string'
    )
      continue;
    // As the directory source does: a namespaced object without a namespace is in `default`.
    if (resources.get(`${doc.apiVersion}/${doc.kind}`)?.namespaced !== false && !doc.metadata.namespace) doc.metadata.namespace = 'default';
    const kube = await apiserverVerdict(api, resources, doc);
    if (kube.verdict === 'skip') continue;
    judged++;
    const gh = gatehouseVerdict(doc);
    if (gh.verdict !== kube.verdict) {
      differences++;
      console.log(
        `DIFFERENT ${doc.kind} ${JSON.stringify(doc).slice(0, 600)}\n  apiserver: ${kube.verdict} ${String(kube.message ?? '').slice(0, 400)}\n  gatehouse: ${gh.verdict} ${String(gh.message ?? '').slice(0, 400)}`,
      );
    }
  }
} finally {
  await stop();
}
console.log(`${judged} documents judged by both, ${differences} verdict differences`);
process.exitCode = differences ? 1 : 0;
