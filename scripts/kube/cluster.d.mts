// Types for cluster.mjs.
import type { Proc } from '../lib/peers.mjs';

export type Component = 'kube' | 'helm' | 'gateway-api';
export type GatewayApiChannel = 'standard' | 'experimental';

export const BUILD_SCRIPT: string;
export const VERSIONS: { KUBE_VERSION: string; HELM_VERSION: string; GATEWAY_API_VERSION: string; GATEWAY_API_GOTOOLCHAIN: string };
export const CACHE: string;
export const KUBE_BIN: string;
export const KUBECTL: string;
export const HELM: string;
export const GATEWAY_API_CRDS: string;
export const DEFAULT_CONTROLLERS: string[];
export const SERVICE_CIDR: string;
export const SERVICE_ACCOUNT_ISSUER: string;

export function built(components?: Component[]): boolean;
export function ensureBuilt(o?: { components?: Component[]; timeoutMs?: number; quiet?: boolean }): Promise<void>;

export interface RunResult {
  /** The exit code, a signal name, or a "timed out" note. */
  code: number | string | null;
  stdout: string;
  stderr: string;
}
export function run(command: string, args: string[], o?: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<RunResult>;

export interface KubectlOptions {
  /** stdin (e.g. a manifest for `-f -`). */
  input?: string;
  /** Resolve with a non-zero exit instead of throwing. */
  allowFailure?: boolean;
  timeoutMs?: number;
  /** Act as this bearer token instead of the admin. */
  token?: string;
}
export type Kubectl = (args: string[], o?: KubectlOptions) => Promise<RunResult>;

export interface ApiReply {
  status: number;
  text: string;
  json: unknown;
}

export interface Cluster {
  /** Everything of this cluster (pki, tokens, etcd data, logs/, kubeconfig); removed by stop(). */
  dir: string;
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  server: string;
  port: number;
  /** The admin's bearer token (user admin, group system:masters). */
  token: string;
  /** The CA of the apiserver's serving certificate (PEM) and its file. */
  ca: string;
  caFile: string;
  /** etcd's client URL. */
  etcd: string;
  version: string;
  gatewayApiChannel: GatewayApiChannel | undefined;
  /** Names of the Gateway API CRDs applied (e.g. httproutes.gateway.networking.k8s.io). */
  gatewayApiCrds: string[];
  procs: { etcd: Proc; apiserver: Proc; controllerManager?: Proc };
  kubectl: Kubectl;
  api(method: string, path: string, body?: unknown, o?: { token?: string; contentType?: string }): Promise<ApiReply>;
  serviceAccountToken(namespace: string, name: string, o?: { duration?: string }): Promise<string>;
  stopApiServer(): Promise<void>;
  startApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** true = the experimental channel. */
  gatewayApi?: boolean | GatewayApiChannel;
  controllerManager?: boolean;
  controllers?: string[];
  dir?: string;
  port?: number;
  echo?: boolean | ((component: string, line: string) => string | undefined);
  /** Keep `dir` after stop() (to read the logs). */
  keep?: boolean;
}
export function startCluster(o?: ClusterOptions): Promise<Cluster>;
export function kubeconfigYaml(o: { server: string; ca: string; token: string; user?: string; name?: string }): string;
export function applyGatewayApi(kubectl: Kubectl, channel?: GatewayApiChannel): Promise<string[]>;
