// What the conformance suite runs against, all on this machine inside the network namespace of
// scripts/kube/in-netns.sh: the local control plane (etcd, kube-apiserver, kube-controller-manager with Deployments),
// the test node (pods as local processes, LoadBalancer addresses), and Gatehouse in Kubernetes mode provisioning an
// Envoy Deployment + LoadBalancer Service per Gateway (the Envoys run as pods on the node and reach xDS over mTLS at
// the node's address). Used by scripts/conformance/run.mjs (make conformance) and the smoke e2e test.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { freePort, ROOT, startGatehouse } from '../lib/peers.mjs';
import { startCluster, VERSIONS } from '../kube/cluster.mjs';
import { NODE_CONTROLLERS, NODE_IP, startNode } from '../kube/node/start-node.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CACHE = process.env.GATEHOUSE_CACHE || join(homedir(), '.cache/gatehouse');
export const SUITE_DIR = join(CACHE, `conformance-${VERSIONS.GATEWAY_API_VERSION}`);
export const SUITE = join(SUITE_DIR, 'conformance.test');
export const BUILD_SCRIPT = join(HERE, 'build.sh');
export const CLAIMS_FILE = join(ROOT, 'conformance/claims.yaml');
export const GATEWAY_CLASS = 'gatehouse';
export const CONTROLLER_NAME = 'gatehouse.dev/gateway-controller';
const SYSTEM = 'gatehouse-system';

/** The Gateway profiles of v1.7.0 (the mesh profiles need the suite's echo-advanced image, which is not mapped). */
export const GATEWAY_PROFILES = ['GATEWAY-HTTP', 'GATEWAY-GRPC', 'GATEWAY-TLS', 'GATEWAY-TCP', 'GATEWAY-UDP'];
/** Every Gateway feature of v1.7.0 (sigs.k8s.io/gateway-api/pkg/features), for exploration runs. */
export const GATEWAY_FEATURES = [
  'BackendTLSPolicy', 'BackendTLSPolicySANValidation', 'GRPCRoute', 'GRPCRouteNamedRouteRule', 'GRPCRouteRequestHeaderModifier', 'Gateway',
  'GatewayAddressEmpty', 'GatewayBackendClientCertificate', 'GatewayFrontendClientCertificateValidation',
  'GatewayFrontendClientCertificateValidationInsecureFallback', 'GatewayHTTPListenerIsolation', 'GatewayHTTPSListenerDetectMisdirectedRequests',
  'GatewayInfrastructure', 'GatewayPort8080', 'GatewayRouteHostnameIntersectionPrecedence', 'GatewayStaticAddresses', 'HTTPRoute',
  'HTTPRoute303RedirectStatusCode', 'HTTPRoute307RedirectStatusCode', 'HTTPRoute308RedirectStatusCode', 'HTTPRouteBackendProtocolH2C',
  'HTTPRouteBackendProtocolWebSocket', 'HTTPRouteBackendRequestHeaderModification', 'HTTPRouteBackendTimeout', 'HTTPRouteBackendURLRewrite',
  'HTTPRouteCORS', 'HTTPRouteDestinationPortMatching', 'HTTPRouteHostRewrite', 'HTTPRouteMethodMatching', 'HTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort', 'HTTPRoutePathRedirect', 'HTTPRoutePathRewrite', 'HTTPRoutePortRedirect', 'HTTPRouteQueryParamMatching',
  'HTTPRouteRequestMirror', 'HTTPRouteRequestMultipleMirrors', 'HTTPRouteRequestPercentageMirror', 'HTTPRouteRequestTimeout',
  'HTTPRouteResponseHeaderModification', 'HTTPRouteRetryCodes', 'HTTPRouteRetryConnectionError', 'HTTPRouteSchemeRedirect', 'ListenerSet',
  'ReferenceGrant', 'TCPRoute', 'TLSRoute', 'TLSRouteModeMixed', 'TLSRouteModeTerminate', 'UDPRoute',
];
/**
 * For GatewayStaticAddresses: an address the node's LoadBalancer pool can give (a Service asking for it with
 * spec.loadBalancerIP gets it) and one it cannot.
 */
export const USABLE_ADDRESS = '10.244.2.250';
export const UNUSABLE_ADDRESS = '10.99.0.1';

/** conformance/claims.yaml: the profiles and extended features Gatehouse claims, and who it is. */
export function readClaims(file = CLAIMS_FILE) {
  const c = parse(readFileSync(file, 'utf8'));
  return { profiles: c.profiles ?? [], supportedFeatures: c.supportedFeatures ?? [], implementation: c.implementation ?? {}, mode: c.mode ?? 'default', notClaimed: c.notClaimed ?? {} };
}

/** Gatehouse's version for the report: package.json's, with the commit. */
export async function gatehouseVersion() {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const sha = await new Promise((resolve) => {
    const p = spawn('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (c) => (out += c));
    p.on('close', () => resolve(out.trim()));
    p.on('error', () => resolve(''));
  });
  return sha ? `v${version}+${sha}` : `v${version}`;
}

/**
 * Starts cluster, node and Gatehouse; resolves when the GatewayClass is Accepted. `dir` keeps logs and data
 * (cluster logs in dir/cluster/logs, Gatehouse's in dir/gatehouse.log, pods' in dir/cluster/node/pods/<pod>/logs).
 */
export async function startEnvironment({ dir, echo = false, log = () => {} }) {
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const env = { cluster: undefined, node: undefined, gatehouse: undefined };
  env.stop = async () => {
    await env.gatehouse?.stop('SIGTERM', 10_000);
    await env.node?.stop('SIGTERM', 15_000);
    await env.cluster?.stop();
  };
  try {
    env.cluster = await startCluster({ gatewayApi: 'experimental', controllers: NODE_CONTROLLERS, dir: join(dir, 'cluster'), keep: true, echo });
    log(`cluster: kube-apiserver ${VERSIONS.KUBE_VERSION} at ${env.cluster.server}, Gateway API ${VERSIONS.GATEWAY_API_VERSION} CRDs (experimental channel)`);
    for (const f of readdirSync(join(ROOT, 'charts/gatehouse/crds')).sort()) await env.cluster.kubectl(['apply', '--server-side', '-f', join(ROOT, 'charts/gatehouse/crds', f)]);
    env.node = await startNode(env.cluster, { echo });
    log(`node: ${env.node.nodeName} Ready at ${env.node.nodeIP} (pods ${env.node.podCidr}, LoadBalancer addresses ${env.node.lbCidr})`);
    await env.cluster.kubectl(['create', 'namespace', SYSTEM]);
    const xdsPort = await freePort();
    env.gatehouse = await startGatehouse({
      kubeconfig: env.cluster.kubeconfig,
      dataDir: join(dir, 'gatehouse-data'),
      logFile: join(dir, 'gatehouse.log'),
      xdsPort,
      echo,
      args: [
        '--leader-election-namespace', SYSTEM, '--xds-address', NODE_IP, '--xds-tls',
        '--provision', 'kubernetes', '--provision-xds-address', `${NODE_IP}:${xdsPort}`,
      ],
      env: { POD_NAMESPACE: SYSTEM },
    });
    log(`gatehouse: Kubernetes mode, provisioning an Envoy Deployment and LoadBalancer Service per Gateway; xDS (mTLS) at ${NODE_IP}:${xdsPort}`);
    await env.cluster.kubectl(['apply', '--server-side', '-f', '-'], {
      input: `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata:\n  name: ${GATEWAY_CLASS}\nspec:\n  controllerName: ${CONTROLLER_NAME}\n`,
    });
    await env.cluster.kubectl(['wait', '--for=condition=Accepted', '--timeout=60s', `gatewayclass/${GATEWAY_CLASS}`]);
    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return env;
  } catch (err) {
    await env.stop().catch(() => undefined);
    throw err;
  }
}

/**
 * The suite's flags for the claims (profiles, supported features, implementation) and `extra` ones. `tests` limits the
 * run to those subtests (go test -run; the suite's base setup still runs).
 */
export function suiteArgs({ claims, version, reportFile, extra = [], tests }) {
  const i = claims.implementation;
  const testRun = tests?.length ? `^TestConformance$/^(${tests.join('|')})$` : '^TestConformance$';
  return [
    '-test.v', '-test.timeout', '6h', '-test.run', testRun,
    `-gateway-class=${GATEWAY_CLASS}`,
    `-conformance-profiles=${claims.profiles.join(',')}`,
    `-supported-features=${claims.supportedFeatures.join(',')}`,
    `-mode=${claims.mode}`,
    ...(reportFile ? [`-report-output=${reportFile}`] : []),
    `-organization=${i.organization ?? 'gatehouse'}`, `-project=${i.project ?? 'gatehouse'}`, `-url=${i.url ?? 'https://gatehouse.dev'}`,
    `-version=${version}`, `-contact=${(i.contact ?? []).join(',')}`,
    `-usable-address=${USABLE_ADDRESS}`, `-unusable-address=${UNUSABLE_ADDRESS}`,
    ...extra,
  ];
}

/**
 * Runs the suite binary (KUBECONFIG of the environment); the go test output goes to `logFile` and each line to
 * `onLine`. Resolves with the exit code.
 */
export function runSuite({ env, args, logFile, onLine = () => {}, timeoutMs = 6 * 3600_000 }) {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile);
    const child = spawn(SUITE, args, { cwd: dirname(logFile), env: { ...process.env, KUBECONFIG: env.cluster.kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const each = (chunk) => {
      out.write(chunk);
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const l of lines) onLine(l);
    };
    child.stdout.setEncoding('utf8').on('data', each);
    child.stderr.setEncoding('utf8').on('data', each);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      out.end(() => resolve(code ?? signal));
    });
  });
}
