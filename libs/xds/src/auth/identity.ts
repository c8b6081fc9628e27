// Who an xDS client is: the Gateway its client certificate names (a URI SAN issued by the control-plane CA).
import { x509 } from './x509.js';

/** The name the xDS server's certificate carries; bootstraps pin it (SNI and SAN match), whatever the address. */
export const XDS_SERVER_NAME = 'gatehouse-xds';
const GATEWAY_URI_PREFIX = 'spiffe://gatehouse/gateway/';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const NAME = /^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/;

/** A Gateway reference `namespace/name` as Kubernetes allows it (a DNS label, then a DNS subdomain). */
export function isGatewayRef(gateway: string): boolean {
  const parts = gateway.split('/');
  return parts.length === 2 && NAMESPACE.test(parts[0]!) && NAME.test(parts[1]!);
}

/** The URI SAN that names a Gateway in its client certificate. */
export function gatewayUri(gateway: string): string {
  return GATEWAY_URI_PREFIX + gateway;
}

/**
 * The Gateway a certificate (DER) names, or undefined when it names none or more than one. The certificate's chain
 * is checked by TLS before this is asked.
 */
export function gatewayOfCertificate(der: Uint8Array): string | undefined {
  let san: x509.SubjectAlternativeNameExtension | null;
  try {
    san = new x509.X509Certificate(der).getExtension(x509.SubjectAlternativeNameExtension);
  } catch {
    return undefined;
  }
  const gateways = (san?.names.items ?? [])
    .filter((n) => n.type === 'url' && n.value.startsWith(GATEWAY_URI_PREFIX))
    .map((n) => n.value.slice(GATEWAY_URI_PREFIX.length));
  return gateways.length === 1 && isGatewayRef(gateways[0]!) ? gateways[0] : undefined;
}
