// A small client for a running control plane's admin API.
export interface AdminTarget {
  url: string;
  token?: string;
}

export class AdminError extends Error {}

/** What the admin API answers, as far as the CLI reads it. */
export type ResourceStatus = { kind: string; namespace: string; name: string; state: string; messages: string[]; origin: { file?: string; line?: number } };
export type ReportRow = { kind: string; namespace: string; name: string; state: string; lastChange: string; messages: string[] };
export type LiveProxy = {
  nodeId: string;
  nodeGroup: string;
  protocol: string;
  connectedAt: string;
  knownGateway: boolean;
  types: Record<string, { ackedVersion?: string; sentVersion?: string; lastNack?: { message: string; at: string } }>;
};
export type StoredProxy = { nodeId: string; gateway: string; disconnectedAt: string | null; connectedAt: string };

export async function adminGet<T>(target: AdminTarget, path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, target.url), { headers: target.token ? { authorization: `Bearer ${target.token}` } : {} });
  } catch (err) {
    throw new AdminError(
      `cannot reach the admin API at ${target.url} (${(err as Error).cause ?? (err as Error).message}); is "gatehouse serve" running? (--admin URL)`,
    );
  }
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new AdminError(`${res.status} from ${path}: ${body.message ?? res.statusText}`);
  return body;
}
