// What Gatehouse provisions for one Gateway, as plain objects (pure: no I/O, same input → same bytes): the bootstrap
// ConfigMap, the xDS client Secret (mTLS), the Service (ports from the listeners) and the Envoy Deployment. All in the
// Gateway's namespace, owned by it (kube-controller-manager's garbage collector deletes them with it), labelled,
// with spec.infrastructure's labels and annotations propagated.
import { createHash } from 'node:crypto';
import { GATEWAY_API_VERSION, type Gateway } from '@gatehouse/api';
import { BOOTSTRAP_FILE } from './bootstrap.js';
import { BOOTSTRAP_HASH_ANNOTATION, CONFIG_HASH_ANNOTATION, objectName, ownLabels, selectorLabels } from './names.js';
import type { GatewayParametersSpec } from './parameters.js';
import { READINESS_PATH } from './readiness.js';

/** The Envoy image provisioned by default: the release Gatehouse is tested with (scripts/provision.sh ENVOY_PIN). */
export const DEFAULT_ENVOY_IMAGE = 'docker.io/envoyproxy/envoy:distroless-v1.40.0';
/** The Secret type of an xDS client credential (not kubernetes.io/tls: Gatehouse's own TLS watch skips it). */
export const XDS_CLIENT_SECRET_TYPE = 'gatehouse.dev/xds-client-tls';
/** Where the pod mounts what Envoy reads; the bootstrap's TLS paths are relative to it. */
export const ENVOY_WORKDIR = '/etc/gatehouse';
const ENVOY_UID = 65532;

export interface ProvisionedObject {
  apiVersion: string;
  kind: 'ConfigMap' | 'Secret' | 'Service' | 'Deployment';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    ownerReferences: Array<Record<string, unknown>>;
  };
  [field: string]: unknown;
}

export interface GatewayInfrastructure {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  parametersRef?: { group?: string; kind?: string; name?: string };
}

export type ProvisionedGateway = Gateway & { spec: Gateway['spec'] & { infrastructure?: GatewayInfrastructure } };

export interface ManifestInput {
  gateway: ProvisionedGateway;
  params: GatewayParametersSpec;
  bootstrap: string;
  /** The xDS client credential (PEM), when xDS is mTLS. */
  tls?: { cert: string; key: string; ca: string };
  defaultImage?: string;
  /** The bootstrap's readiness listener port (readiness.ts): the pod is Ready when Envoy answers there. */
  readinessPort?: number;
  /** Ports the Gateway serves beyond its own listeners (from accepted ListenerSets), with their L4 protocol. */
  extraPorts?: ReadonlyArray<{ port: number; protocol: 'TCP' | 'UDP' }>;
}

/** ConfigMap, Secret (with mTLS), Service, Deployment — the order they are applied in. */
export function gatewayManifests(i: ManifestInput): ProvisionedObject[] {
  const gw = i.gateway;
  const name = objectName(gw.metadata.name);
  const infra = gw.spec.infrastructure ?? {};
  const labels = { ...(infra.labels ?? {}), ...ownLabels(gw.metadata.name, gw.spec.gatewayClassName) };
  const annotations = { ...(infra.annotations ?? {}) };
  const meta = (extraAnnotations: Record<string, string> = {}) => ({
    name,
    namespace: gw.metadata.namespace ?? 'default',
    labels: { ...labels },
    annotations: { ...annotations, ...extraAnnotations },
    ownerReferences: [
      { apiVersion: GATEWAY_API_VERSION, kind: 'Gateway', name: gw.metadata.name, uid: gw.metadata.uid ?? '', controller: true, blockOwnerDeletion: true },
    ],
  });
  const out: ProvisionedObject[] = [];
  out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(), data: { [BOOTSTRAP_FILE]: i.bootstrap } });
  if (i.tls) {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    out.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(),
      type: XDS_CLIENT_SECRET_TYPE,
      data: { 'tls.crt': b64(i.tls.cert), 'tls.key': b64(i.tls.key), 'ca.crt': b64(i.tls.ca) },
    });
  }
  const ports = servicePorts(gw, i.extraPorts);
  out.push(service(meta(i.params.service?.annotations ?? {}), gw, ports, i.params));
  const bootstrapHash = createHash('sha256')
    .update(i.bootstrap)
    .update(JSON.stringify(i.tls ?? {}))
    .digest('hex')
    .slice(0, 16);
  out.push(deployment(meta(), gw, ports, i, bootstrapHash, annotations, labels));
  for (const o of out) o.metadata.annotations[CONFIG_HASH_ANNOTATION] = configHash(o);
  return out;
}

/** A hash of everything Gatehouse sets on the object (its own hash annotation aside). */
export function configHash(o: ProvisionedObject): string {
  const { [CONFIG_HASH_ANNOTATION]: _h, ...annotations } = o.metadata.annotations;
  return createHash('sha256')
    .update(JSON.stringify({ ...o, metadata: { ...o.metadata, annotations } }))
    .digest('hex')
    .slice(0, 16);
}

interface PortSpec {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

/** One Service port per distinct (port, L4 protocol) of the listeners (and `extra` ports), in port order. */
export function servicePorts(gw: Gateway, extra: ManifestInput['extraPorts'] = []): PortSpec[] {
  const seen = new Map<string, PortSpec>();
  const add = (port: number, protocol: 'TCP' | 'UDP') => {
    const key = `${protocol}/${port}`;
    if (!seen.has(key)) seen.set(key, { name: `${protocol.toLowerCase()}-${port}`, port, protocol });
  };
  for (const l of gw.spec.listeners ?? []) add(l.port, l.protocol === 'UDP' ? 'UDP' : 'TCP');
  for (const p of extra) add(p.port, p.protocol);
  return [...seen.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
}

function service(metadata: ProvisionedObject['metadata'], gw: Gateway, ports: PortSpec[], params: GatewayParametersSpec): ProvisionedObject {
  const s = params.service ?? {};
  const type = s.type ?? 'LoadBalancer';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      type,
      selector: selectorLabels(gw.metadata.name),
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: p.protocol })),
      ...(type !== 'ClusterIP' && s.externalTrafficPolicy ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
      ...(type === 'LoadBalancer' && s.loadBalancerClass ? { loadBalancerClass: s.loadBalancerClass } : {}),
    },
  };
}

function deployment(
  metadata: ProvisionedObject['metadata'],
  gw: Gateway,
  ports: PortSpec[],
  i: ManifestInput,
  bootstrapHash: string,
  annotations: Record<string, string>,
  labels: Record<string, string>,
): ProvisionedObject {
  const p = i.params;
  const name = metadata.name;
  const resources = p.resources ?? { requests: { cpu: '100m', memory: '128Mi' } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: p.replicas ?? 1,
      selector: { matchLabels: selectorLabels(gw.metadata.name) },
      template: {
        metadata: { labels: { ...labels }, annotations: { ...annotations, [BOOTSTRAP_HASH_ANNOTATION]: bootstrapHash } },
        spec: {
          // Envoy needs no Kubernetes API access.
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: ENVOY_UID,
            runAsGroup: ENVOY_UID,
            fsGroup: ENVOY_UID,
            seccompProfile: { type: 'RuntimeDefault' },
            // Listeners bind the Gateway's own ports (80, 443) without any capability.
            sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
          },
          ...(p.nodeSelector ? { nodeSelector: p.nodeSelector } : {}),
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: 'envoy',
              image: p.image ?? i.defaultImage ?? DEFAULT_ENVOY_IMAGE,
              ...(p.imagePullPolicy ? { imagePullPolicy: p.imagePullPolicy } : {}),
              command: ['/usr/local/bin/envoy'],
              args: ['--config-path', `${ENVOY_WORKDIR}/bootstrap/${BOOTSTRAP_FILE}`, '--log-level', p.logLevel ?? 'info', '--drain-time-s', '15'],
              workingDir: ENVOY_WORKDIR,
              ports: ports.map((x) => ({ name: x.name, containerPort: x.port, protocol: x.protocol })),
              // Not a Gateway listener's port: those are no measure of Envoy being up (a listener may be invalid).
              ...(i.readinessPort !== undefined
                ? { readinessProbe: { httpGet: { path: READINESS_PATH, port: i.readinessPort }, periodSeconds: 5, failureThreshold: 3 } }
                : {}),
              resources,
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'bootstrap', mountPath: `${ENVOY_WORKDIR}/bootstrap`, readOnly: true },
                ...(i.tls ? [{ name: 'xds-tls', mountPath: `${ENVOY_WORKDIR}/xds-tls`, readOnly: true }] : []),
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'bootstrap', configMap: { name } },
            ...(i.tls ? [{ name: 'xds-tls', secret: { secretName: name, defaultMode: 0o440 } }] : []),
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}
