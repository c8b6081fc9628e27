// A real local Kubernetes control plane for tests and for people: etcd + kube-apiserver + kube-controller-manager
// on 127.0.0.1, free ports, RBAC on, built from the Go module proxy by scripts/kube/build.sh (no kubelet, no images).
// Plain ESM so `make dev-cluster` runs it without a build step; tests use it through test/harness/kube.ts.
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep, startProcess } from '../lib/peers.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const BUILD_SCRIPT = join(HERE, 'build.sh');

/** The pinned versions (scripts/kube/versions.env, shared with build.sh). */
export const VERSIONS = Object.fromEntries(
  readFileSync(join(HERE, 'versions.env'), 'utf8')
    .split('\n')
    .map((l) => /^([A-Z_]+)=(\S+)$/.exec(l.trim()))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
export const CACHE = process.env.GATEHOUSE_CACHE || join(homedir(), '.cache/gatehouse');
export const KUBE_BIN = join(CACHE, `kube-${VERSIONS.KUBE_VERSION}`, 'bin');
export const HELM = join(CACHE, `helm-${VERSIONS.HELM_VERSION}`, 'bin', 'helm');
export const GATEWAY_API_CRDS = join(CACHE, `gateway-api-${VERSIONS.GATEWAY_API_VERSION}`);
export const KUBECTL = join(KUBE_BIN, 'kubectl');

/**
 * kube-controller-manager's controllers (no kubelet, no scheduler, no cloud):
 * garbagecollector (ownerReference cascades), namespace (deleted namespaces finish terminating), serviceaccount (the
 * `default` ServiceAccount per namespace), serviceaccount-token (legacy token Secrets), endpointslice (controller-made
 * slices for Services with selectors — empty, as no Pods run; tests hand-write slices for selector-less Services).
 */
export const DEFAULT_CONTROLLERS = ['garbagecollector', 'namespace', 'serviceaccount', 'serviceaccount-token', 'endpointslice'];
/** Service ClusterIPs come from here; nothing routes them (Gatehouse uses EndpointSlices). */
export const SERVICE_CIDR = '10.96.0.0/16';
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

const COMPONENTS = {
  kube: () => ['kube-apiserver', 'kube-controller-manager', 'kubectl', 'etcd'].every((b) => existsSync(join(KUBE_BIN, b))),
  helm: () => existsSync(HELM),
  'gateway-api': () => existsSync(join(GATEWAY_API_CRDS, '.complete')),
};

/** Whether build.sh has cached these components. */
export function built(components = ['kube', 'gateway-api']) {
  return components.every((c) => COMPONENTS[c]());
}

/**
 * Builds what is missing with build.sh (a cold kube build takes 10-20 min on two cores), with its own deadline:
 * on expiry the build's process group is killed and the error says so. Output goes to stderr as it comes.
 */
export async function ensureBuilt({ components = ['kube', 'gateway-api'], timeoutMs = 60 * 60_000, quiet = false } = {}) {
  if (built(components)) return;
  if (process.env.GATEHOUSE_NETNS)
    throw new Error(`the Kubernetes binaries are not built (${KUBE_BIN}) and this network namespace reaches no registry: run scripts/kube/build.sh first`);
  const child = spawn('bash', [BUILD_SCRIPT, ...components], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk).slice(-20_000);
    if (!quiet) process.stderr.write(chunk);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, timeoutMs);
  const killOnExit = () => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', killOnExit);
  const code = await new Promise((r) => child.on('close', (c, s) => r(c ?? s)));
  clearTimeout(timer);
  process.off('exit', killOnExit);
  if (timedOut)
    throw new Error(
      `scripts/kube/build.sh ${components.join(' ')} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped:\n${output.slice(-4000)}`,
    );
  if (code !== 0 || !built(components)) throw new Error(`scripts/kube/build.sh ${components.join(' ')} failed (${code}):\n${output.slice(-4000)}`);
}

/** One command, its output collected; never throws on a non-zero exit. */
export function run(command, args, { input, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : signal), stdout, stderr });
    });
    // A command that exits before reading its input must not turn into an unhandled EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

async function mustRun(command, args, o) {
  const r = await run(command, args, o);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.code}): ${r.stderr || r.stdout}`);
  return r;
}

/** A CA and a serving certificate for 127.0.0.1/localhost/kubernetes.default.svc, via openssl; paths in `pki`. */
async function makePki(pki) {
  mkdirSync(pki, { recursive: true });
  const f = (name) => join(pki, name);
  writeFileSync(
    f('ca.cnf'),
    '[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=ext\n[dn]\nCN=gatehouse-local-kube-ca\n[ext]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n',
  );
  writeFileSync(
    f('apiserver.cnf'),
    '[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nCN=kube-apiserver\n[ext]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:10.96.0.1\n',
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await mustRun('openssl', ['req', '-x509', ...ec, '-config', f('ca.cnf'), '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '3650']);
  await mustRun('openssl', ['req', '-new', ...ec, '-config', f('apiserver.cnf'), '-keyout', f('apiserver.key'), '-out', f('apiserver.csr')]);
  await mustRun('openssl', [
    'x509',
    '-req',
    '-in',
    f('apiserver.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    '-days',
    '825',
    '-extfile',
    f('apiserver.cnf'),
    '-extensions',
    'ext',
    '-out',
    f('apiserver.crt'),
  ]);
  // The service-account token signing pair (RSA, what most JWT verifiers expect).
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  writeFileSync(f('sa.pub'), publicKey);
  writeFileSync(f('sa.key'), privateKey, { mode: 0o600 });
  return { ca: f('ca.crt'), cert: f('apiserver.crt'), key: f('apiserver.key'), saPub: f('sa.pub'), saKey: f('sa.key') };
}

/** A kubeconfig (CA inline, so the file can be copied) for `server` with a bearer token. */
export function kubeconfigYaml({ server, ca, token, user = 'admin', name = 'gatehouse-local' }) {
  const caData = Buffer.from(ca).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: ${name}
  cluster:
    server: ${server}
    certificate-authority-data: ${caData}
users:
- name: ${user}
  user:
    token: ${token}
contexts:
- name: ${name}
  context:
    cluster: ${name}
    user: ${user}
    namespace: default
current-context: ${name}
`;
}

/** An HTTPS request to the apiserver trusting its CA; JSON in and out. */
function apiRequest({ server, ca, token }, method, path, body, { contentType } = {}) {
  const url = new URL(path, server);
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const headers = {
    accept: 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(payload !== undefined ? { 'content-type': contentType ?? 'application/json' } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca, headers, agent: false, timeout: 10_000 }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (text += c))
        .on('end', () => {
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, text, json });
        });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

const tail = (proc) => proc.output.split('\n').slice(-40).join('\n');

/** Polls `ready` until it is truthy; fails at once when `proc` exits (with its last log lines), or at the deadline. */
async function waitReady(what, proc, ready, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    if (proc.exited) throw new Error(`${proc.name} exited (${proc.code}) before ${what}:\n${tail(proc)}`);
    try {
      if (await ready()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${last.message})` : ''}:\n${tail(proc)}`);
    await sleep(everyMs);
  }
}

/** Starts a process that listens on ports picked just before; tries again with new ports if one was taken meanwhile. */
async function startWithPorts(what, ports, start) {
  for (let attempt = 1; ; attempt++) {
    const picked = [];
    for (let i = 0; i < ports; i++) picked.push(await freePort());
    try {
      return await start(picked);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(String(err?.message))) throw err;
      process.stderr.write(`${what}: a port was taken meanwhile (${picked.join(', ')}); trying other ports\n`);
    }
  }
}

function lineEcho(prefix, echo) {
  if (echo === true) return (line) => `${prefix} | ${line}`;
  if (typeof echo === 'function') return (line) => echo(prefix, line);
  return false;
}

/**
 * Starts a cluster and resolves when the apiserver is ready (and, with `gatewayApi`, the Gateway API CRDs are
 * Established). Options:
 *   gatewayApi         false | true (= 'experimental') | 'experimental' | 'standard'
 *   controllerManager  true: kube-controller-manager with `controllers` (DEFAULT_CONTROLLERS)
 *   dir                where to keep everything (default a temp dir); removed by stop()
 *   port               the apiserver's secure port (default a free one)
 *   echo               true, or (component, line) => string | undefined: show the components' log lines
 */
export async function startCluster({
  gatewayApi = false,
  controllerManager = true,
  controllers = DEFAULT_CONTROLLERS,
  dir,
  port,
  echo = false,
  keep = false,
} = {}) {
  if (!built(gatewayApi ? ['kube', 'gateway-api'] : ['kube'])) await ensureBuilt({ components: gatewayApi ? ['kube', 'gateway-api'] : ['kube'] });
  const root = dir ?? mkdtempSync(join(tmpdir(), 'gatehouse-kube-'));
  mkdirSync(join(root, 'logs'), { recursive: true });
  let removed = false;
  const removeData = () => {
    if (removed || keep) return;
    removed = true;
    rmSync(root, { recursive: true, force: true });
  };
  process.once('exit', removeData);
  const procs = {};
  const bin = (name) => join(KUBE_BIN, name);
  try {
    const pki = await makePki(join(root, 'pki'));
    const token = randomBytes(24).toString('hex');
    const kcmToken = randomBytes(24).toString('hex');
    const tokens = join(root, 'tokens.csv');
    // token,user,uid,"groups": an admin in system:masters, and kube-controller-manager's own identity (its bootstrap RBAC).
    writeFileSync(tokens, `${token},admin,gatehouse-admin,"system:masters"\n${kcmToken},system:kube-controller-manager,gatehouse-kcm\n`, { mode: 0o600 });

    procs.etcd = await startWithPorts('etcd', 2, async ([client, peer]) => {
      const p = startProcess(
        'etcd',
        bin('etcd'),
        [
          '--name',
          'gatehouse',
          '--data-dir',
          join(root, 'etcd'),
          '--listen-client-urls',
          `http://127.0.0.1:${client}`,
          '--advertise-client-urls',
          `http://127.0.0.1:${client}`,
          '--listen-peer-urls',
          `http://127.0.0.1:${peer}`,
          '--initial-advertise-peer-urls',
          `http://127.0.0.1:${peer}`,
          '--initial-cluster',
          `gatehouse=http://127.0.0.1:${peer}`,
          '--unsafe-no-fsync',
          '--log-level',
          'warn',
        ],
        { echo: lineEcho('etcd', echo), logFile: join(root, 'logs/etcd.log') },
      );
      try {
        await waitReady('etcd /health', p, async () => (await fetch(`http://127.0.0.1:${client}/health`)).ok, 30_000);
      } catch (err) {
        await p.stop('SIGKILL');
        throw err;
      }
      return Object.assign(p, { url: `http://127.0.0.1:${client}` });
    });

    const ca = readFileSync(pki.ca, 'utf8');
    const apiserverArgs = (securePort) => [
      '--etcd-servers',
      procs.etcd.url,
      '--bind-address',
      '127.0.0.1',
      '--secure-port',
      String(securePort),
      '--tls-cert-file',
      pki.cert,
      '--tls-private-key-file',
      pki.key,
      '--token-auth-file',
      tokens,
      '--authorization-mode',
      'RBAC',
      '--service-account-issuer',
      SERVICE_ACCOUNT_ISSUER,
      '--service-account-key-file',
      pki.saPub,
      '--service-account-signing-key-file',
      pki.saKey,
      '--service-cluster-ip-range',
      SERVICE_CIDR,
      '--profiling=false',
    ];
    const startApiserver = async (securePort) => {
      const p = startProcess('kube-apiserver', bin('kube-apiserver'), apiserverArgs(securePort), {
        echo: lineEcho('kube-apiserver', echo),
        logFile: join(root, 'logs/kube-apiserver.log'),
      });
      const server = `https://127.0.0.1:${securePort}`;
      try {
        await waitReady('kube-apiserver /readyz', p, async () => (await apiRequest({ server, ca, token }, 'GET', '/readyz')).status === 200, 60_000);
        // The bootstrap controller creates `default` just after /readyz; tests write there first thing.
        await waitReady(
          'namespace default',
          p,
          async () => (await apiRequest({ server, ca, token }, 'GET', '/api/v1/namespaces/default')).status === 200,
          30_000,
        );
      } catch (err) {
        await p.stop('SIGKILL');
        throw err;
      }
      return Object.assign(p, { server });
    };
    procs.apiserver = port ? await startApiserver(port) : await startWithPorts('kube-apiserver', 1, ([p]) => startApiserver(p));
    const server = procs.apiserver.server;
    const securePort = Number(new URL(server).port);

    const kubeconfig = join(root, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml({ server, ca, token }), { mode: 0o600 });
    const kubectlEnv = { ...process.env, KUBECACHEDIR: join(root, 'kubectl-cache') };
    delete kubectlEnv.KUBECONFIG;

    /** Runs the matching kubectl against this cluster as the admin; throws on failure unless `allowFailure`. */
    const kubectl = async (args, { input, allowFailure = false, timeoutMs = 60_000, token: as } = {}) => {
      const auth = as ? ['--token', as] : [];
      const r = await run(KUBECTL, ['--kubeconfig', kubeconfig, ...auth, ...args], { input, env: kubectlEnv, timeoutMs });
      if (r.code !== 0 && !allowFailure) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${(r.stderr || r.stdout).trim()}`);
      return r;
    };

    if (controllerManager) {
      const kcmKubeconfig = join(root, 'kube-controller-manager.kubeconfig');
      writeFileSync(kcmKubeconfig, kubeconfigYaml({ server, ca, token: kcmToken, user: 'system:kube-controller-manager' }), { mode: 0o600 });
      procs.controllerManager = startProcess(
        'kube-controller-manager',
        bin('kube-controller-manager'),
        [
          '--kubeconfig',
          kcmKubeconfig,
          '--controllers',
          controllers.join(','),
          // One identity per controller (its bootstrap ClusterRole), as real clusters run it.
          '--use-service-account-credentials',
          '--service-account-private-key-file',
          pki.saKey,
          '--root-ca-file',
          pki.ca,
          '--leader-elect=false',
          '--secure-port',
          '0',
          '--profiling=false',
        ],
        { echo: lineEcho('kube-controller-manager', echo), logFile: join(root, 'logs/kube-controller-manager.log') },
      );
      if (controllers.includes('serviceaccount')) {
        await waitReady(
          'the default ServiceAccount (kube-controller-manager)',
          procs.controllerManager,
          async () => (await apiRequest({ server, ca, token }, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200,
          60_000,
          200,
        );
      }
    }

    const channel = gatewayApi === true ? 'experimental' : gatewayApi || undefined;
    let gatewayApiCrds = [];
    if (channel) gatewayApiCrds = await applyGatewayApi(kubectl, channel);

    let stopped = false;
    const cluster = {
      dir: root,
      kubeconfig,
      server,
      port: securePort,
      token,
      ca,
      caFile: pki.ca,
      etcd: procs.etcd.url,
      procs,
      version: VERSIONS.KUBE_VERSION,
      gatewayApiChannel: channel,
      gatewayApiCrds,
      kubectl,
      /** An HTTPS request to the apiserver (the admin token unless `token` is given); resolves with status and JSON. */
      api: (method, path, body, o = {}) => apiRequest({ server, ca, token: o.token ?? token }, method, path, body, o),
      /** A bound token for a ServiceAccount (TokenRequest API); creates the ServiceAccount if needed. */
      async serviceAccountToken(namespace, name, { duration = '1h' } = {}) {
        const sa = await apiRequest({ server, ca, token }, 'GET', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}`);
        if (sa.status === 404) await kubectl(['create', 'serviceaccount', '-n', namespace, name]);
        return (await kubectl(['create', 'token', '-n', namespace, name, '--duration', duration])).stdout.trim();
      },
      /** Stops kube-apiserver (etcd keeps the data); startApiServer() brings it back on the same port. */
      async stopApiServer() {
        await procs.apiserver.stop('SIGTERM', 10_000);
      },
      async startApiServer() {
        if (!procs.apiserver.exited) return;
        procs.apiserver = await startApiserver(securePort);
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const name of ['controllerManager', 'apiserver', 'etcd']) await procs[name]?.stop('SIGTERM', 10_000);
        process.off('exit', removeData);
        removeData();
      },
    };
    return cluster;
  } catch (err) {
    for (const name of ['controllerManager', 'apiserver', 'etcd']) await procs[name]?.stop('SIGKILL').catch(() => undefined);
    removeData();
    throw err;
  }
}

/**
 * Applies the Gateway API CRDs of one channel server-side (the directory's kustomization.yaml is not a manifest) and
 * waits until every CRD is Established; returns the CRD names.
 */
export async function applyGatewayApi(kubectl, channel = 'experimental') {
  const dir = join(GATEWAY_API_CRDS, channel);
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort();
  const applied = await kubectl(['apply', '--server-side', '--field-manager', 'gatehouse-dev', '-o', 'name', ...files.flatMap((f) => ['-f', join(dir, f)])]);
  const crds = applied.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('customresourcedefinition'));
  if (crds.length === 0) throw new Error(`no CustomResourceDefinitions in ${dir}`);
  await kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', ...crds]);
  return crds.map((c) => c.slice(c.indexOf('/') + 1));
}
