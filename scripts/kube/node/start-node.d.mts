// Types for start-node.mjs.
import type { Proc } from '../../lib/peers.mjs';
import type { Cluster } from '../cluster.mjs';

export const NODE_MAIN: string;
export const ECHO_BASIC_VERSION: string;
export const ECHO_BASIC: string;
export const POD_CIDR: string;
export const LB_CIDR: string;
export const NODE_IP: string;
export const NODE_CONTROLLERS: string[];

export interface TestNode extends Proc {
  nodeName: string;
  /** The node's address on the bridge (the pods' gateway). */
  nodeIP: string;
  podCidr: string;
  lbCidr: string;
  dir: string;
}

export function startNode(
  cluster: Cluster,
  o?: { dir?: string; name?: string; echo?: boolean | ((line: string) => string | undefined); logFile?: string },
): Promise<TestNode>;
