#!/usr/bin/env -S node --max-semi-space-size=64
// `gatehouse`: serve the control plane, print Envoy bootstraps, translate offline, inspect a running one.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { stringify } from 'yaml';
import { isLoopback, startController, type KubernetesOptions, type ProvisionOptions } from '@gatehouse/controller';
import { DEFAULT_MAX_DOCUMENTS, DEFAULT_MAX_FILE_BYTES } from '@gatehouse/config-source';
import { ControlPlaneCa, envoyBootstrap, isGatewayRef, type BootstrapTls } from '@gatehouse/xds';
import { AdminError, type AdminTarget } from './admin-client.js';
import { runCheck } from './commands/check.js';
import { runGet } from './commands/get.js';
import { runPluginCrds } from './commands/plugin-crds.js';
import { runTranslate } from './commands/translate.js';
import { loadOfflinePlugins, pluginsFromEnv } from './plugins.js';
import type { Format } from './output.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/** A size: a number of bytes, or with a unit (KiB, MiB, GiB; K, M, G). */
function bytes(value: string): number {
  const m = /^(\d+)\s*(k|m|g)?(i?b)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('must be a size such as 4194304, 512KiB or 8MiB');
  return Number(m[1]) * 1024 ** ({ k: 1, m: 2, g: 3 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? 0);
}

function hostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  if (i <= 0) throw new InvalidArgumentError('must be HOST:PORT');
  return { host: value.slice(0, i), port: port(value.slice(i + 1)) };
}

function adminToken(file?: string): string | undefined {
  if (file) return readFileSync(file, 'utf8').trim();
  return process.env['GATEHOUSE_ADMIN_TOKEN'] || undefined;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const list = (value: string | undefined) =>
  String(value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
/** `k=v,k2=v2` → matchLabels. */
function parseSelector(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of list(text)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`--discovery-selector: "${part.slice(0, 60)}" is not key=value`);
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}
const output = () => new Option('-o, --output <format>', 'table | json | yaml').choices(['table', 'json', 'yaml']).default('table');
const adminOptions = (c: Command) =>
  c
    .option('--admin <url>', 'the control plane admin API', process.env['GATEHOUSE_ADMIN'] ?? 'http://127.0.0.1:9091')
    .option('--admin-token-file <file>', 'bearer token file (default: $GATEHOUSE_ADMIN_TOKEN)');
const target = (o: { admin: string; adminTokenFile?: string }): AdminTarget => {
  const token = adminToken(o.adminTokenFile);
  return { url: o.admin, ...(token ? { token } : {}) };
};

const program = new Command('gatehouse')
  .description('A pluggable gateway control plane for the Kubernetes Gateway API, serving Envoy over xDS.')
  .version(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string);

program
  .command('serve')
  .description('Run the control plane: on a directory of YAML (standalone mode, --config-dir) or on a cluster (Kubernetes mode, --kubeconfig or in-cluster)')
  .option('--config-dir <dir>', 'standalone mode: directory of YAML/JSON resources, watched recursively')
  .option('--max-file-bytes <n>', 'standalone mode: a larger file is reported and not read (it keeps what it served)', bytes, DEFAULT_MAX_FILE_BYTES)
  .option('--max-documents-per-file <n>', 'standalone mode: a file with more documents is reported and not read', positive, DEFAULT_MAX_DOCUMENTS)
  .option('--kubeconfig <file>', 'Kubernetes mode: the cluster to watch (in a pod, the service account is used when neither option is given)')
  .option('--kube-context <name>', 'Kubernetes mode: the kubeconfig context (default: its current one)')
  .option('--watch-namespaces <list>', 'Kubernetes mode: watch only these namespaces (comma-separated; default all)')
  .option('--leader-election-namespace <ns>', 'Kubernetes mode: namespace of the leader Lease (default $POD_NAMESPACE or "default")')
  .option('--no-leader-election', 'Kubernetes mode: this replica always writes status (one replica only)')
  .option('--status-qps <n>', 'Kubernetes mode: status writes per second', Number, 200)
  .addOption(
    new Option(
      '--provision <mode>',
      'Kubernetes mode: an Envoy per Gateway of a Gatehouse GatewayClass, by the leader — kubernetes: Deployment, Service, bootstrap ConfigMap (+ xDS client Secret); local: the ConfigMap (+ Secret) and Envoy as a process on this machine; none',
    )
      .choices(['none', 'kubernetes', 'local'])
      .default('none'),
  )
  .option(
    '--provision-xds-address <host:port>',
    'with --provision kubernetes: where the Envoy pods reach xDS (e.g. gatehouse-xds.gatehouse-system.svc.cluster.local:9977); local mode dials this server',
  )
  .option(
    '--provision-envoy-image <image>',
    'with --provision kubernetes: the Envoy image when no GatewayParameters names one (default docker.io/envoyproxy/envoy:distroless-v1.40.0)',
  )
  .option('--provision-envoy-binary <path>', 'with --provision local: the Envoy binary (default $GATEHOUSE_ENVOY, else envoy on PATH)')
  .option(
    '--xds-ca-secret <name>',
    'Kubernetes mode with --xds-tls: keep the xDS CA in this Secret of $POD_NAMESPACE (else the leader-election namespace) so every replica shares it; the first replica creates it',
  )
  .option('--xds-address <host>', 'address the xDS server binds (beyond loopback it needs --xds-tls, or --xds-insecure)', '127.0.0.1')
  .option('--xds-port <port>', 'xDS (ADS) gRPC port', port, 9977)
  .option('--xds-tls', 'serve xDS over mTLS: proxies need a client certificate from the CA in <data-dir>/xds-ca/ (gatehouse bootstrap --xds-tls)', false)
  .option('--xds-insecure', "allow plaintext xDS on a non-loopback --xds-address (anyone who reaches it gets every Gateway's TLS keys)", false)
  .option('--admin-address <host>', 'address the admin API binds (beyond loopback it needs a token)', '127.0.0.1')
  .option('--admin-port <port>', 'admin API port', port, 9091)
  .option('--admin-token-file <file>', 'bearer token for /api (default: $GATEHOUSE_ADMIN_TOKEN)')
  .option('--data-dir <dir>', 'where Gatehouse keeps its state (SQLite reports, first-seen times)', '.gatehouse')
  .option('--db <url>', 'PostgreSQL URL for reports (postgres://...); SQLite in the data dir otherwise')
  .option('--history-retention <n>', 'history entries kept per resource', Number, 100)
  .option('--envoy-bind-address <ip>', 'where Envoy listeners bind when a Gateway has no spec.addresses', '0.0.0.0')
  .option('--log-level <level>', 'debug | info | warn | error', 'info')
  .option(
    '--plugin <module>',
    "load a translation plugin: a path or an npm package name found in node_modules beside --config-dir or here (repeatable; also $GATEHOUSE_PLUGINS, comma-separated; a Settings resource's spec.plugins are loaded too; one that fails is reported and left out)",
    collect,
    [],
  )
  .option('--hook-budget-ms <ms>', 'a plugin hook slower than this rejects the resource it was processing', Number, 250)
  .option(
    '--discovery <list>',
    'turn discoverers on (comma-separated): kubernetes (an Upstream per Service port), aws-lambda (functions of aws Upstreams), openapi (operations of HTTP Upstreams); off by default',
  )
  .option('--discovery-namespaces <list>', 'discover only in these namespaces (default all)')
  .option('--discovery-exclude-namespaces <list>', 'never discover in these namespaces', 'kube-system,kube-public,kube-node-lease')
  .option('--discovery-selector <k=v,...>', 'discover only objects with these labels')
  .option(
    '--discovery-opt-out',
    'discover everything in scope except what is labelled gatehouse.dev/discovery: disabled (default: only what is labelled enabled, itself or its namespace, or asks in its spec)',
    false,
  )
  .option('--discovery-interval <duration>', 'how often each target is discovered again', '60s')
  .option('--discovery-concurrency <n>', 'targets discovered at once, per discoverer', positive, 2)
  .option('--discovery-timeout <duration>', "one target's discovery is abandoned after this", '10s')
  .option('--discovery-backoff <duration>', 'first retry delay after a failure (doubling up to 5m)', '5s')
  .action(async (o) => {
    const token = adminToken(o.adminTokenFile);
    const inCluster = !o.configDir && !o.kubeconfig && !!process.env['KUBERNETES_SERVICE_HOST'];
    if (!o.configDir && !o.kubeconfig && !inCluster)
      throw new InvalidArgumentError('serve needs a source: --config-dir DIR (standalone mode) or --kubeconfig FILE (Kubernetes mode)');
    if (o.configDir && o.kubeconfig) throw new InvalidArgumentError('give either --config-dir (standalone mode) or --kubeconfig (Kubernetes mode), not both');
    const kubernetes: KubernetesOptions | undefined = o.configDir
      ? undefined
      : {
          ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
          ...(o.kubeContext ? { context: o.kubeContext } : {}),
          ...(o.watchNamespaces
            ? {
                watchNamespaces: String(o.watchNamespaces)
                  .split(',')
                  .map((n: string) => n.trim())
                  .filter(Boolean),
              }
            : {}),
          leaderElection: o.leaderElection === false ? false : { ...(o.leaderElectionNamespace ? { namespace: o.leaderElectionNamespace } : {}) },
          statusQps: o.statusQps,
          ...(o.xdsCaSecret ? { xdsCaSecret: o.xdsCaSecret } : {}),
        };
    if (o.provision !== 'none' && !kubernetes) throw new InvalidArgumentError('--provision needs Kubernetes mode (--kubeconfig FILE, or in-cluster)');
    const provision: ProvisionOptions | undefined =
      o.provision === 'none'
        ? undefined
        : {
            mode: o.provision,
            ...(o.provisionXdsAddress ? { xdsAddress: o.provisionXdsAddress } : {}),
            ...(o.provisionEnvoyImage ? { envoyImage: o.provisionEnvoyImage } : {}),
            envoyBinary: o.provisionEnvoyBinary ?? process.env['GATEHOUSE_ENVOY'] ?? 'envoy',
          };
    const running = await startController({
      ...(o.configDir ? { configDir: o.configDir, maxFileBytes: o.maxFileBytes, maxDocumentsPerFile: o.maxDocumentsPerFile } : {}),
      ...(kubernetes ? { kubernetes } : {}),
      ...(provision ? { provision } : {}),
      xdsAddress: o.xdsAddress,
      xdsPort: o.xdsPort,
      xdsTls: o.xdsTls,
      xdsInsecure: o.xdsInsecure,
      adminAddress: o.adminAddress,
      adminPort: o.adminPort,
      ...(token ? { adminToken: token } : {}),
      dataDir: o.dataDir,
      ...(o.db ? { db: o.db } : {}),
      historyRetention: o.historyRetention,
      envoyBindAddress: o.envoyBindAddress,
      logLevel: o.logLevel,
      pluginModules: [...o.plugin, ...pluginsFromEnv()],
      hookBudgetMs: o.hookBudgetMs,
      discovery: {
        enabled: list(o.discovery),
        defaults: {
          ...(o.discoveryNamespaces ? { namespaces: list(o.discoveryNamespaces) } : {}),
          excludeNamespaces: list(o.discoveryExcludeNamespaces),
          ...(o.discoverySelector ? { selector: parseSelector(o.discoverySelector) } : {}),
          optIn: !o.discoveryOptOut,
          interval: o.discoveryInterval,
          concurrency: o.discoveryConcurrency,
          timeout: o.discoveryTimeout,
          backoff: o.discoveryBackoff,
        },
      },
    });
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await running.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('bootstrap')
  .description('Print (or write) an Envoy bootstrap that connects to Gatehouse for one Gateway')
  .requiredOption('--gateway <ns/name>', 'the Gateway this Envoy serves')
  .option('--xds-address <host:port>', 'where Gatehouse serves xDS (an IP or a host name)', '127.0.0.1:9977')
  .option('--xds-tls', 'connect over mTLS with a client certificate for --gateway, issued by the CA in <data-dir>/xds-ca/ (serve with --xds-tls)', false)
  .option('--xds-insecure', 'allow a plaintext bootstrap for a non-loopback --xds-address (serve with --xds-insecure)', false)
  .option('--data-dir <dir>', 'the data dir of gatehouse serve, where the xDS CA lives (with --xds-tls)', '.gatehouse')
  .option('--out <file>', 'write the bootstrap to this file (mode 0600: with --xds-tls it holds a private key) instead of stdout')
  .option('--delta', 'use incremental (delta) xDS instead of state-of-the-world', false)
  .option('--node-id <id>', 'Envoy node id (default envoy-<ns>-<name>)')
  .option('--admin-port <port>', "Envoy's admin port on 127.0.0.1 (0: any free port)", port, 0)
  .addOption(new Option('-o, --output <format>', 'yaml | json').choices(['yaml', 'json']).default('yaml'))
  .action(async (o) => {
    if (!isGatewayRef(o.gateway))
      throw new InvalidArgumentError(`--gateway ${JSON.stringify(String(o.gateway).slice(0, 100))} must be NAMESPACE/NAME (lowercase DNS names)`);
    const xds = hostPort(o.xdsAddress);
    if (!o.xdsTls && !o.xdsInsecure && !isLoopback(xds.host.replace(/^\[|\]$/g, ''))) {
      throw new InvalidArgumentError(
        `--xds-address ${o.xdsAddress} is not loopback, where Gatehouse serves xDS only over mTLS: add --xds-tls (and run gatehouse serve --xds-tls with the same --data-dir), or --xds-insecure to match a server started with --xds-insecure`,
      );
    }
    let tls: BootstrapTls | undefined;
    if (o.xdsTls) {
      const ca = await ControlPlaneCa.loadOrCreate(join(resolve(o.dataDir), 'xds-ca'));
      const issued = await ca.issueClient(o.gateway);
      tls = { certPem: issued.certPem, keyPem: issued.keyPem, caPem: issued.caPem };
      process.stderr.write(
        `gatehouse: issued a client certificate for gateway ${o.gateway} (valid until ${issued.notAfter.toISOString()}) from the CA in ${ca.dir}\n`,
      );
    }
    const b = envoyBootstrap({
      gateway: o.gateway,
      xdsHost: xds.host,
      xdsPort: xds.port,
      delta: o.delta,
      adminPort: o.adminPort,
      ...(o.nodeId ? { nodeId: o.nodeId } : {}),
      ...(tls ? { tls } : {}),
    });
    const text = o.output === 'json' ? JSON.stringify(b, null, 2) + '\n' : stringify(b);
    if (o.out) {
      writeFileSync(o.out, text, { mode: 0o600 });
      chmodSync(o.out, 0o600); // an existing file keeps its mode otherwise
    } else process.stdout.write(text);
  });

program
  .command('translate')
  .description('Run the pipeline offline: YAML in, xDS / IR / status out; exits 1 when anything is rejected')
  .requiredOption('-f, --file <path>', 'a YAML/JSON file or a directory of them')
  .addOption(
    new Option('-o, --output <format>', 'yaml | json | table (status; for xds a list of resources)').choices(['yaml', 'json', 'table']).default('yaml'),
  )
  .addOption(new Option('--show <what>', 'xds | ir | status').choices(['xds', 'ir', 'status']).default('xds'))
  .option(
    '--plugin <module>',
    "load a translation plugin: a path or an npm package name (repeatable; also $GATEHOUSE_PLUGINS; a Settings resource's spec.plugins in the input are loaded too; a plugin that fails to load is an error here)",
    collect,
    [],
  )
  .option('--strict', 'also exit 1 on warnings (unresolved backends, dropped rules)', false)
  .option('--max-file-bytes <n>', 'a larger file is reported and not read', bytes, DEFAULT_MAX_FILE_BYTES)
  .option('--max-documents-per-file <n>', 'a file with more documents is reported and not read', positive, DEFAULT_MAX_DOCUMENTS)
  .action(async (o) => {
    process.exitCode = await runTranslate({
      file: o.file,
      output: o.output,
      show: o.show,
      plugins: await loadOfflinePlugins([...o.plugin, ...pluginsFromEnv()], o.file),
      strict: o.strict,
      maxFileBytes: o.maxFileBytes,
      maxDocumentsPerFile: o.maxDocumentsPerFile,
    });
  });

program
  .command('plugin-crds')
  .description('Print the CRDs of the kinds plugins own (built-in and --plugin), for kubectl apply -f -')
  .option('--plugin <module>', 'a plugin module: a path or an npm package name (repeatable)', collect, [])
  .action(async (o: { plugin: string[] }) => {
    process.exitCode = await runPluginCrds(o.plugin);
  });

adminOptions(
  program
    .command('get')
    .description("Show resources, reports, proxies, upstreams (functions, discovery) or a gateway's snapshot from a running control plane")
    .argument('<what>', 'resources | reports | proxies | upstreams | snapshot')
    .addOption(output())
    .option('--state <state>', 'accepted | warning | rejected')
    .option('--kind <kind>')
    .option('-n, --namespace <namespace>')
    .option('--gateway <ns/name>', 'for snapshot'),
).action(async (what: string, o) => {
  process.exitCode = await runGet(what, target(o), o.output as Format, o);
});

adminOptions(
  program.command('check').description('One screen: what is rejected and why, which proxies NACK or are disconnected; exits 1 on problems').addOption(output()),
).action(async (o) => {
  process.exitCode = await runCheck(target(o), o.output as Format);
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof AdminError || err instanceof Error) {
    process.stderr.write(`gatehouse: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
