// Types for environment.mjs.
import type { Gatehouse, Proc } from '../lib/peers.mjs';
import type { Cluster } from '../kube/cluster.mjs';
import type { TestNode } from '../kube/node/start-node.mjs';

export const CACHE: string;
export const SUITE_DIR: string;
export const SUITE: string;
export const BUILD_SCRIPT: string;
export const CLAIMS_FILE: string;
export const GATEWAY_CLASS: string;
export const CONTROLLER_NAME: string;
export const GATEWAY_PROFILES: string[];
export const GATEWAY_FEATURES: string[];
export const USABLE_ADDRESS: string;
export const UNUSABLE_ADDRESS: string;

export interface Claims {
  profiles: string[];
  supportedFeatures: string[];
  implementation: { organization?: string; project?: string; url?: string; contact?: string[] };
  mode: string;
  /** Profiles or features implemented but not claimed, with the reason (docs/conformance.md shows them). */
  notClaimed: Record<string, string>;
}
export function readClaims(file?: string): Claims;
export function gatehouseVersion(): Promise<string>;

export interface ConformanceEnvironment {
  cluster: Cluster;
  node: TestNode;
  gatehouse: Gatehouse;
  stop(): Promise<void>;
}
export function startEnvironment(o: { dir: string; echo?: boolean; log?: (line: string) => void }): Promise<ConformanceEnvironment>;
export function suiteArgs(o: { claims: Claims; version: string; reportFile?: string; extra?: string[]; tests?: string[] }): string[];
export function runSuite(o: { env: ConformanceEnvironment; args: string[]; logFile: string; onLine?: (line: string) => void; timeoutMs?: number }): Promise<number | string | null>;
export type { Proc };
