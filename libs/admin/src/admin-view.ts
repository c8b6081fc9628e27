// What the admin API reads from the running control plane. The controller provides it under ADMIN_VIEW.
export const ADMIN_VIEW = Symbol('ADMIN_VIEW');

export interface AdminView {
  /** True once the first configuration was translated and the xDS server is serving. */
  ready(): boolean;
  /** Why not ready, for /readyz. */
  readiness(): string;
  proxies(): unknown[];
  /** Every input resource with its current status. */
  resources(): unknown[];
}
