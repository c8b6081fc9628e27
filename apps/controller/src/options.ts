// What `gatehouse serve` is told, and the checks that refuse an unsafe combination before anything starts.
import type { DiscovererSettingsInput } from '@gatehouse/discovery';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import type { LogLevel } from './log.js';
import type { PluginState } from './modules/plugins.module.js';

export const CONTROLLER_OPTIONS = Symbol('CONTROLLER_OPTIONS');

export interface KubernetesOptions {
  /** A kubeconfig file; without it, the in-cluster service account. */
  kubeconfig?: string;
  context?: string;
  /** Watch only these namespaces (namespaced kinds); all when empty. */
  watchNamespaces?: string[];
  /** Leader election: the Lease's namespace (default $POD_NAMESPACE, else "default"); false: this replica always leads. */
  leaderElection?: false | { namespace?: string; identity?: string; leaseDurationSeconds?: number };
  /** Status writes per second (default 200, bursts of 1000). */
  statusQps?: number;
  /**
   * With xdsTls: keep the xDS CA in this Secret (in $POD_NAMESPACE, else the leader-election namespace), so every
   * replica serves xDS with the same CA; the first replica creates it.
   */
  xdsCaSecret?: string;
}

/** Kubernetes mode: an Envoy per Gateway of a Gatehouse GatewayClass, provisioned by the leader. */
export interface ProvisionOptions {
  /** 'kubernetes': Deployment + Service + bootstrap ConfigMap (+ Secret); 'local': the ConfigMap and Secret, and Envoy as a local process. */
  mode: 'kubernetes' | 'local';
  /** HOST:PORT the provisioned Envoys reach xDS at (kubernetes mode: required, e.g. the xDS Service's DNS name). */
  xdsAddress?: string;
  /** The Envoy image when GatewayParameters names none. */
  envoyImage?: string;
  /** Local mode: the Envoy binary. */
  envoyBinary?: string;
}

export interface ControllerOptions {
  /** Standalone mode: a directory of YAML/JSON. Exactly one of configDir and kubernetes. */
  configDir?: string;
  /** Standalone mode: largest file read (bytes) and most documents per file; more is reported, not read. */
  maxFileBytes?: number;
  maxDocumentsPerFile?: number;
  /** Kubernetes mode. */
  kubernetes?: KubernetesOptions;
  /** Kubernetes mode: provision an Envoy per Gateway. */
  provision?: ProvisionOptions;
  xdsAddress?: string;
  xdsPort?: number;
  /**
   * Serve xDS over mTLS: a control-plane CA in <data-dir>/xds-ca/ signs the server's certificate and each proxy's
   * (`gatehouse bootstrap --xds-tls`), and a proxy is served only the Gateway its certificate names.
   */
  xdsTls?: boolean;
  /** Allow plaintext xDS on a non-loopback address (logged loudly on every start). */
  xdsInsecure?: boolean;
  adminAddress?: string;
  adminPort?: number;
  /** Required for /api when the admin API is bound beyond loopback. */
  adminToken?: string;
  dataDir?: string;
  /** PostgreSQL URL for reports; SQLite at <data-dir>/gatehouse.db otherwise. */
  db?: string;
  /** History entries kept per resource. */
  historyRetention?: number;
  /** Where Envoy listeners bind when a Gateway has no spec.addresses. */
  envoyBindAddress?: string;
  logLevel?: LogLevel;
  /** User plugins, run after the built-in ones. */
  plugins?: readonly TranslatorPlugin[];
  /**
   * Plugin modules to load at start-up (`--plugin`: paths relative to the working directory, or npm package names
   * found in node_modules beside the configuration folder or the working directory). A Settings resource's
   * `spec.plugins` are loaded after them. One that fails is reported (log, GET /api/v1/plugins) and left out.
   */
  pluginModules?: readonly string[];
  /** Set by startController: what loading `pluginModules` and Settings plugins gave (for GET /api/v1/plugins). */
  pluginState?: PluginState;
  /** A plugin hook slower than this rejects the resource it was processing (default 250 ms). */
  hookBudgetMs?: number;
  /** Discovery: the discoverers turned on (none by default) and settings for all of them (a Settings resource may override per discoverer). */
  discovery?: { enabled: string[]; defaults: DiscovererSettingsInput };
}

export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address.startsWith('127.');
}

/** Refuses what would expose secrets or make no sense, with what to do instead. */
export function checkOptions(o: ControllerOptions): void {
  if (!o.configDir === !o.kubernetes)
    throw new Error('give exactly one source: --config-dir DIR (standalone mode) or --kubeconfig FILE / in-cluster (Kubernetes mode)');
  if (o.provision && !o.kubernetes)
    throw new Error('--provision needs Kubernetes mode (--kubeconfig FILE or in-cluster): provisioned objects are written to the cluster');
  if (o.provision?.mode === 'kubernetes' && !o.provision.xdsAddress) {
    throw new Error(
      '--provision kubernetes needs --provision-xds-address HOST:PORT: where the Envoy pods reach xDS (e.g. the xDS Service, gatehouse-xds.gatehouse-system.svc.cluster.local:9977)',
    );
  }
  const admin = o.adminAddress ?? '127.0.0.1';
  if (!isLoopback(admin) && !o.adminToken) {
    throw new Error(`--admin-address ${admin} is not loopback: set GATEHOUSE_ADMIN_TOKEN or --admin-token-file so /api needs a bearer token`);
  }
  const xds = o.xdsAddress ?? '127.0.0.1';
  if (!isLoopback(xds) && !o.xdsTls && !o.xdsInsecure) {
    throw new Error(
      `--xds-address ${xds} is not loopback: without client authentication any process that reaches it gets every Gateway's configuration and TLS private keys. ` +
        'Serve xDS with mTLS (--xds-tls, and give each Envoy a bootstrap from gatehouse bootstrap --xds-tls), or accept plaintext with --xds-insecure',
    );
  }
}
