// csrf-guard: Envoy's CSRF filter on every HTTP listener. A request with a state-changing method (POST, PUT, DELETE,
// PATCH) whose Origin is neither the host it was sent to nor one of `additionalOrigins` gets 403 "Invalid origin".
// Gatehouse's built-in plugins do not use this filter: the plugin declares its proto so the strict encoder knows it.
import { ENVOY_TYPE_PROTOS, SDK_VERSION, httpFilter, type TranslatorPlugin } from '@gatehouse/plugin-sdk';

const CSRF = 'envoy.extensions.filters.http.csrf.v3.CsrfPolicy';

export interface CsrfGuardOptions {
  /** Origins allowed besides the request's own host, exactly as browsers send them (`https://app.example.com`). */
  additionalOrigins?: string[];
  /** Only count (stat `csrf.request_invalid`) instead of refusing. */
  shadow?: boolean;
}

const ALL = { defaultValue: { numerator: 100, denominator: 'HUNDRED' as const } };

/** A csrf-guard plugin with these options. */
export function csrfGuard(options: CsrfGuardOptions = {}): TranslatorPlugin {
  return {
    name: 'csrf-guard',
    sdkVersion: SDK_VERSION,
    protos: { envoy: [ENVOY_TYPE_PROTOS[CSRF]] },
    httpFilters: () => [
      {
        // Before authentication: a forged cross-site request is refused before any credential is looked at.
        stage: 'authn',
        position: 'before',
        filter: httpFilter('envoy.filters.http.csrf', CSRF, {
          ...(options.shadow ? { shadowEnabled: ALL } : { filterEnabled: ALL }),
          additionalOrigins: (options.additionalOrigins ?? []).map((o) => ({ exact: o })),
        }),
      },
    ],
  };
}

/** Loaded by `gatehouse serve --plugin`: the guard with no extra origins. */
export default csrfGuard();
