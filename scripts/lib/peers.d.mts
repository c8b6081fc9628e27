// Types for peers.mjs.
import type { ChildProcess } from 'node:child_process';

export const ROOT: string;
export const CLI: string;
export const NODE_FLAGS: string[];
export function envoyBinary(): string;
export function sleep(ms: number): Promise<void>;
export function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs?: number, everyMs?: number): Promise<NonNullable<T>>;

export interface Proc {
  name: string;
  child: ChildProcess;
  output: string;
  exited: boolean;
  code: number | string | null;
  done: Promise<number | string | null>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | string | null>;
}
export function startProcess(name: string, command: string, args: string[], options?: Record<string, unknown>): Proc;

export interface Gatehouse extends Proc {
  xdsPort: number;
  adminPort: number;
  admin: string;
}
export function startGatehouse(o: {
  configDir?: string;
  kubeconfig?: string;
  dataDir: string;
  xdsPort?: number;
  adminPort?: number;
  echo?: boolean | ((line: string) => string | undefined);
  logFile?: string;
  logLevel?: string;
  args?: string[];
  env?: Record<string, string>;
}): Promise<Gatehouse>;

export interface Envoy extends Proc {
  admin: string;
  stats(): Promise<Record<string, number>>;
}
export function startEnvoy(o: { gateway: string; xdsPort: number; delta?: boolean; workDir: string; echo?: boolean; logLevel?: string }): Promise<Envoy>;

export interface Backend {
  name: string;
  host: string;
  port: number;
  seen: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined> }>;
  close(): Promise<void>;
}
export function startBackend(name: string, o?: { host?: string; port?: number }): Promise<Backend>;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
  backend: string | undefined;
}
export function request(
  url: string,
  o?: { host?: string; method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<Reply>;
export function freePort(host?: string): Promise<number>;
