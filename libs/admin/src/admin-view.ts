// What the admin API reads from the running control plane. The controller provides it under ADMIN_VIEW.
export const ADMIN_VIEW = Symbol('ADMIN_VIEW');

export interface ReportFilter {
  state?: string;
  kind?: string;
  namespace?: string;
  limit?: number;
  offset?: number;
}

export interface AdminView {
  /** True once the first configuration was translated and the xDS server is serving. */
  ready(): boolean;
  /** Why not ready, for /readyz. */
  readiness(): string;
  /** Connected proxies (live) and every proxy the database remembers (connected or not). */
  proxies(): Promise<{ items: unknown[]; history: unknown[] | { error: string } }>;
  /** Every input resource with its current status, and problems tied to no resource (unreadable documents). */
  resources(): { items: unknown[]; problems: unknown[] };
  /** Persisted reports, filtered and paged. Rejects when the database is unavailable. */
  reports(filter: ReportFilter): Promise<{ items: unknown[]; total: number }>;
  /** A resource's history, newest first. */
  history(kind: string, namespace: string, name: string): Promise<unknown[]>;
  /** The xDS a gateway is served, as JSON, secret material redacted; undefined for an unknown gateway. */
  snapshot(gateway: string): unknown;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** When set, every /api route needs `Authorization: Bearer <token>`. */
  token?: string;
}
