// The newer kinds in Kubernetes mode, on a real kube-apiserver (etcd, kube-controller-manager, the v1.7.0 experimental
// CRDs) with a real Envoy, inside a network namespace of its own: ListenerSets (two teams on one shared Gateway, a
// conflicting third, one from a namespace the Gateway does not allow), GRPCRoute, TLSRoute (passthrough), TCPRoute,
// UDPRoute and BackendTLSPolicy are applied with kubectl, each is served once, and the status Gatehouse writes is read
// back from the apiserver and checked against the spec's conditions and reasons.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startHttpsBackend } from '../harness/backends.js';
import { caConfigMap, issue, makeCa, secretOf, type Pem } from '../harness/certs.js';
import { tempDir } from '../harness/config.js';
import { GrpcStatus, grpcCall, startGrpcBackend, type GrpcBackend } from '../harness/grpc.js';
import { addAddress, describeInNetworkNamespace, startCluster, type Cluster } from '../harness/kube.js';
import { ROOT, request, startBackend, startEnvoy, startGatehouse, waitFor, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';
import { startTcpEcho, startTlsEcho, startUdpEcho, tcpExchange, tlsExchange, udpExchange, type StreamBackend } from '../harness/stream.js';
import { httpsGet } from '../harness/tls.js';

const GROUP = 'gateway.networking.k8s.io';
const GW = `${GROUP}/v1`;
const CONTROLLER = 'gatehouse.dev/gateway-controller';
const yaml = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');

interface Cond {
  type: string;
  status: string;
  reason: string;
  message?: string;
  observedGeneration?: number;
}
interface ListenerStatus {
  name: string;
  attachedRoutes: number;
  supportedKinds?: Array<{ group?: string; kind: string }>;
  conditions: Cond[];
}
interface Obj<S> {
  metadata: { generation: number; resourceVersion: string };
  status?: S;
}
type GatewayStatus = { conditions?: Cond[]; listeners?: ListenerStatus[]; attachedListenerSets?: number };
type RouteStatus = { parents?: Array<{ parentRef: Record<string, unknown>; controllerName: string; conditions: Cond[] }> };
type PolicyStatus = { ancestors?: Array<{ ancestorRef: Record<string, unknown>; controllerName: string; conditions: Cond[] }> };

/** Conditions as `Type=Status/Reason`, for assertions that read like the spec. */
const summary = (conditions: readonly Cond[] | undefined) => (conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`).sort();

const HTTPS_PORT = 8443;
const TLS_PORT = 9443;
const L4_PORT = 9000;

describeInNetworkNamespace(
  'Kubernetes mode: ListenerSet, GRPCRoute, TLSRoute, TCPRoute, UDPRoute, BackendTLSPolicy status',
  fileURLToPath(import.meta.url),
  () => {
    let cluster: Cluster;
    let gh: Gatehouse;
    let envoy: Envoy;
    let gwAddress: string;
    let ca: Pem;
    let grpcBackend: GrpcBackend, httpsApp: Awaited<ReturnType<typeof startHttpsBackend>>;
    let teamBackend: Backend;
    let passBackend: StreamBackend, tcpBackend: StreamBackend, udpBackend: StreamBackend;
    const teamCerts: Record<string, Pem> = {};
    const dir = tempDir('kube-kinds-status');

    const apply = (...objects: unknown[]) =>
      cluster.kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager', 'test', '-f', '-'], { input: yaml(...objects) });
    const get = async <S>(kind: string, ns: string, name: string) =>
      (await cluster.api('GET', `/apis/${GROUP}/v1/namespaces/${ns}/${kind}/${name}`)).json as Obj<S>;
    /** Retries `check` (assertions) until it passes; on timeout the last assertion's message is the error. */
    const eventually = (what: string, check: () => Promise<void>, timeoutMs = 30_000) =>
      waitFor(
        what,
        async () => {
          await check();
          return true;
        },
        timeoutMs,
        200,
      );

    const namespace = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
    /** A Service and its EndpointSlice (ready) pointing at a local backend. */
    const service = (name: string, ns: string, backend: { host: string; port: number }, o: { port?: number; protocol?: 'TCP' | 'UDP' } = {}) => [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns },
        spec: { ports: [{ name: 'p', port: o.port ?? 80, protocol: o.protocol ?? 'TCP' }] },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${name}-1`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4',
        ports: [{ name: 'p', port: backend.port, protocol: o.protocol ?? 'TCP' }],
        endpoints: [{ addresses: [backend.host], conditions: { ready: true } }],
      },
    ];
    const listenerSet = (ns: string, name: string, hostname: string) => ({
      apiVersion: GW,
      kind: 'ListenerSet',
      metadata: { name, namespace: ns },
      spec: {
        parentRef: { name: 'gw', namespace: 'default' },
        listeners: [{ name: 'https', protocol: 'HTTPS', port: HTTPS_PORT, hostname, tls: { certificateRefs: [{ name: 'cert' }] } }],
      },
    });
    const route = (kind: string, name: string, spec: Record<string, unknown>, ns = 'default') => ({
      apiVersion: GW,
      kind,
      metadata: { name, namespace: ns },
      spec,
    });
    const policy = (name: string, svc: string, caName: string) => ({
      apiVersion: GW,
      kind: 'BackendTLSPolicy',
      metadata: { name, namespace: 'default' },
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: svc }],
        validation: { hostname: 'app.backend.test', caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: caName }] },
      },
    });

    beforeAll(async () => {
      cluster = await startCluster({ gatewayApi: true });
      for (const f of readdirSync(join(ROOT, 'charts/gatehouse/crds')))
        await cluster.kubectl(['apply', '--server-side', '-f', join(ROOT, 'charts/gatehouse/crds', f)]);
      ca = makeCa('kube-kinds-ca');
      for (const team of ['a', 'b', 'c']) teamCerts[team] = issue(ca, `${team}.team.test`, { dns: [`${team}.team.test`] });
      gwAddress = addAddress();
      teamBackend = await startBackend('team', { host: addAddress() });
      grpcBackend = await startGrpcBackend('grpc', addAddress(), ['/pkg.Svc/Call']);
      httpsApp = await startHttpsBackend('tls-app', addAddress(), issue(ca, 'app.backend.test', { dns: ['app.backend.test'] }));
      passBackend = await startTlsEcho('pass', addAddress(), issue(ca, 'a.pass.test', { dns: ['a.pass.test'] }));
      tcpBackend = await startTcpEcho('tcp', addAddress());
      udpBackend = await startUdpEcho('udp', addAddress());
      gh = await startGatehouse({ kubeconfig: cluster.kubeconfig, dataDir: join(dir, 'data'), args: ['--leader-election-namespace', 'default'] });
      envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(dir, 'envoy') });
      await apply(
        { apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'gatehouse' }, spec: { controllerName: CONTROLLER } },
        namespace('team-a', { 'shared-gateway': 'allowed' }),
        namespace('team-b', { 'shared-gateway': 'allowed' }),
        namespace('team-c'),
        {
          apiVersion: GW,
          kind: 'Gateway',
          metadata: { name: 'gw', namespace: 'default' },
          spec: {
            gatewayClassName: 'gatehouse',
            addresses: [{ type: 'IPAddress', value: gwAddress }],
            allowedListeners: { namespaces: { from: 'Selector', selector: { matchLabels: { 'shared-gateway': 'allowed' } } } },
            listeners: [
              { name: 'http', protocol: 'HTTP', port: 8080 },
              { name: 'pass', protocol: 'TLS', port: TLS_PORT, hostname: '*.pass.test', tls: { mode: 'Passthrough' } },
              { name: 'tcp', protocol: 'TCP', port: L4_PORT },
              { name: 'udp', protocol: 'UDP', port: L4_PORT },
            ],
          },
        },
        // The teams: a ListenerSet each (HTTPS, own hostname, own certificate) and a route on it.
        ...['a', 'b', 'c'].flatMap((team) => {
          const ns = `team-${team}`;
          return [
            secretOf('cert', ns, teamCerts[team]!),
            ...service('app', ns, teamBackend),
            listenerSet(ns, team, `${team}.team.test`),
            route('HTTPRoute', 'web', { parentRefs: [{ kind: 'ListenerSet', name: team }], rules: [{ backendRefs: [{ name: 'app', port: 80 }] }] }, ns),
          ];
        }),
        // Route kinds on the Gateway's own listeners.
        ...service('grpc', 'default', grpcBackend),
        ...service('pass', 'default', passBackend),
        ...service('tcp', 'default', tcpBackend),
        ...service('udp', 'default', udpBackend, { protocol: 'UDP' }),
        route('GRPCRoute', 'grpc', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          hostnames: ['grpc.test'],
          rules: [{ backendRefs: [{ name: 'grpc', port: 80 }] }],
        }),
        route('GRPCRoute', 'grpc-missing', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          hostnames: ['missing.grpc.test'],
          rules: [{ backendRefs: [{ name: 'nowhere', port: 80 }] }],
        }),
        route('TLSRoute', 'pass', {
          parentRefs: [{ name: 'gw', sectionName: 'pass' }],
          hostnames: ['a.pass.test'],
          rules: [{ backendRefs: [{ name: 'pass', port: 80 }] }],
        }),
        route('TCPRoute', 'tcp', { parentRefs: [{ name: 'gw', sectionName: 'tcp' }], rules: [{ backendRefs: [{ name: 'tcp', port: 80 }] }] }),
        route('UDPRoute', 'udp', { parentRefs: [{ name: 'gw', sectionName: 'udp' }], rules: [{ backendRefs: [{ name: 'udp', port: 80 }] }] }),
        // A TCPRoute whose parentRef names the UDP listener: not allowed there.
        route('TCPRoute', 'wrong-listener', { parentRefs: [{ name: 'gw', sectionName: 'udp' }], rules: [{ backendRefs: [{ name: 'tcp', port: 80 }] }] }),
        // By port alone: the TCP listener on it takes the TCPRoute (the UDP one on the same port does not allow it).
        route('TCPRoute', 'by-port', { parentRefs: [{ name: 'gw', port: L4_PORT }], rules: [{ backendRefs: [{ name: 'tcp', port: 80 }] }] }),
        // A hostname the listener does not serve.
        route('TLSRoute', 'other-host', {
          parentRefs: [{ name: 'gw', sectionName: 'pass' }],
          hostnames: ['x.elsewhere.test'],
          rules: [{ backendRefs: [{ name: 'pass', port: 80 }] }],
        }),
        // A parent of a kind Gatehouse does not serve (a mesh's Service parent).
        route('GRPCRoute', 'service-parent', {
          parentRefs: [{ group: '', kind: 'Service', name: 'grpc' }],
          rules: [{ backendRefs: [{ name: 'grpc', port: 80 }] }],
        }),
        // A listener name the ListenerSet does not have.
        route(
          'HTTPRoute',
          'no-section',
          { parentRefs: [{ kind: 'ListenerSet', name: 'b', sectionName: 'nope' }], rules: [{ backendRefs: [{ name: 'app', port: 80 }] }] },
          'team-b',
        ),
        // Upstream TLS: one policy with its CA, one whose CA ConfigMap does not exist.
        caConfigMap('backend-ca', 'default', ca.crt),
        ...service('tls-app', 'default', httpsApp, { port: 443 }),
        ...service('tls-app-no-ca', 'default', httpsApp, { port: 443 }),
        ...service('tls-app-bad-kind', 'default', httpsApp, { port: 443 }),
        policy('good', 'tls-app', 'backend-ca'),
        policy('no-ca', 'tls-app-no-ca', 'missing-ca'),
        // A CA reference of a kind that cannot hold one.
        {
          ...policy('bad-kind', 'tls-app-bad-kind', 'backend-ca'),
          spec: {
            ...policy('bad-kind', 'tls-app-bad-kind', 'backend-ca').spec,
            validation: { hostname: 'app.backend.test', caCertificateRefs: [{ group: 'example.com', kind: 'Vault', name: 'backend-ca' }] },
          },
        },
        // A policy for a Service no route uses: no ancestor, nothing for Gatehouse to say.
        ...service('unused', 'default', httpsApp, { port: 443 }),
        policy('unused', 'unused', 'backend-ca'),
        route('HTTPRoute', 'tls-app', {
          parentRefs: [{ name: 'gw', sectionName: 'http' }],
          hostnames: ['tls.test'],
          rules: [
            { matches: [{ path: { type: 'PathPrefix', value: '/good' } }], backendRefs: [{ name: 'tls-app', port: 443 }] },
            { matches: [{ path: { type: 'PathPrefix', value: '/no-ca' } }], backendRefs: [{ name: 'tls-app-no-ca', port: 443 }] },
            { matches: [{ path: { type: 'PathPrefix', value: '/bad-kind' } }], backendRefs: [{ name: 'tls-app-bad-kind', port: 443 }] },
          ],
        }),
      );
      // Another controller's GatewayClass and Gateway, and what points at them: not Gatehouse's to report on.
      await apply(
        { apiVersion: GW, kind: 'GatewayClass', metadata: { name: 'other' }, spec: { controllerName: 'example.com/other-controller' } },
        {
          apiVersion: GW,
          kind: 'Gateway',
          metadata: { name: 'foreign', namespace: 'default' },
          spec: { gatewayClassName: 'other', allowedListeners: { namespaces: { from: 'All' } }, listeners: [{ name: 'tcp', protocol: 'TCP', port: 9100 }] },
        },
        route('TCPRoute', 'foreign-only', { parentRefs: [{ name: 'foreign' }], rules: [{ backendRefs: [{ name: 'tcp', port: 80 }] }] }),
        route('UDPRoute', 'both', {
          parentRefs: [{ name: 'foreign' }, { name: 'gw', sectionName: 'udp' }],
          rules: [{ backendRefs: [{ name: 'udp', port: 80 }] }],
        }),
        {
          ...listenerSet('team-b', 'foreign-ls', 'foreign.team.test'),
          spec: { parentRef: { name: 'foreign', namespace: 'default' }, listeners: [{ name: 'tcp', protocol: 'TCP', port: 9101 }] },
        },
      );
      // Applied on its own, later: the newest ListenerSet, claiming team a's hostname.
      await new Promise((r) => setTimeout(r, 1100)); // creationTimestamp has one-second resolution
      // team-a/aaa-late sorts before team-b/b by name: only its later creation makes it lose. team-a/proto wants HTTP on the
      // port the Gateway's TCP listener has. team-a/orphan names a Gateway of Gatehouse's that is not accepted.
      await apply(
        listenerSet('team-b', 'late', 'a.team.test'),
        listenerSet('team-a', 'aaa-late', 'b.team.test'),
        // A second policy for the Service "good" applies to, newer (and sorting first by name): Conflicted.
        policy('aaa-dup', 'tls-app', 'backend-ca'),
        {
          ...listenerSet('team-a', 'proto', 'proto.team.test'),
          spec: {
            parentRef: { name: 'gw', namespace: 'default' },
            listeners: [{ name: 'http', protocol: 'HTTP', port: L4_PORT, hostname: 'proto.team.test' }],
          },
        },
        {
          apiVersion: GW,
          kind: 'Gateway',
          metadata: { name: 'refused', namespace: 'default' },
          spec: {
            gatewayClassName: 'gatehouse',
            addresses: [{ type: 'Hostname', value: 'refused.example.test' }],
            allowedListeners: { namespaces: { from: 'All' } },
            listeners: [{ name: 'http', protocol: 'HTTP', port: 8081 }],
          },
        },
        {
          ...listenerSet('team-a', 'orphan', 'orphan.team.test'),
          spec: {
            parentRef: { name: 'refused', namespace: 'default' },
            listeners: [{ name: 'http', protocol: 'HTTP', port: 8081, hostname: 'orphan.team.test' }],
          },
        },
      );
    }, 180_000);

    afterAll(async () => {
      await envoy?.stop();
      await gh?.stop();
      await Promise.all([teamBackend, grpcBackend, httpsApp, passBackend, tcpBackend, udpBackend].map((b) => b?.close()));
      await cluster?.stop();
    });

    it('serves every kind through Envoy', async () => {
      const http = (host: string, path: string) => request(`http://${gwAddress}:8080${path}`, { host, timeoutMs: 3000 });
      await waitFor(
        'team a over its ListenerSet',
        async () => (await httpsGet(gwAddress, HTTPS_PORT, 'a.team.test', '/', ca.crt).catch(() => ({ status: 0 }))).status === 200,
        30_000,
      );
      expect(await httpsGet(gwAddress, HTTPS_PORT, 'b.team.test', '/', ca.crt)).toMatchObject({ status: 200, backend: 'team', peerCN: 'b.team.test' });
      await waitFor('gRPC', async () => (await grpcCall(`${gwAddress}:8080`, 'grpc.test', '/pkg.Svc/Call')).code === GrpcStatus.OK);
      expect((await grpcCall(`${gwAddress}:8080`, 'missing.grpc.test', '/pkg.Svc/Call')).code).toBe(GrpcStatus.UNAVAILABLE);
      expect(await tlsExchange(gwAddress, TLS_PORT, 'a.pass.test', ca.crt, 'hi')).toEqual({ reply: 'pass:hi', peerCN: 'a.pass.test' });
      expect(await tcpExchange(gwAddress, L4_PORT, 'hi')).toBe('tcp:hi');
      expect(await udpExchange(gwAddress, L4_PORT, 'hi')).toBe('udp:hi');
      await waitFor('TLS to the backend', async () => (await http('tls.test', '/good')).status === 200);
      expect((await http('tls.test', '/no-ca')).status).toBeGreaterThanOrEqual(500);
    }, 60_000);

    describe('ListenerSet', () => {
      it("accepts the two teams' ListenerSets, with per-listener conditions, and counts them on the Gateway", async () => {
        await eventually('Gateway attachedListenerSets', async () => {
          expect((await get<GatewayStatus>('gateways', 'default', 'gw')).status?.attachedListenerSets).toBe(2);
        });
        for (const team of ['a', 'b']) {
          await eventually(`ListenerSet team-${team}/${team} accepted`, async () => {
            const ls = await get<GatewayStatus>('listenersets', `team-${team}`, team);
            expect(summary(ls.status?.conditions)).toEqual(['Accepted=True/Accepted', 'Programmed=True/Programmed']);
            expect(ls.status?.conditions?.every((c) => c.observedGeneration === ls.metadata.generation)).toBe(true);
            expect(ls.status?.listeners).toHaveLength(1);
            const l = ls.status!.listeners![0]!;
            expect(l).toMatchObject({ name: 'https', attachedRoutes: 1 });
            expect(l.supportedKinds).toEqual(expect.arrayContaining([{ group: GROUP, kind: 'HTTPRoute' }]));
            expect(summary(l.conditions)).toEqual([
              'Accepted=True/Accepted',
              'Conflicted=False/NoConflicts',
              'Programmed=True/Programmed',
              'ResolvedRefs=True/ResolvedRefs',
            ]);
          });
          const web = await get<RouteStatus>('httproutes', `team-${team}`, 'web');
          expect(web.status?.parents).toEqual([
            {
              parentRef: expect.objectContaining({ group: GROUP, kind: 'ListenerSet', name: team }),
              controllerName: CONTROLLER,
              conditions: expect.any(Array),
            },
          ]);
          expect(summary(web.status!.parents![0]!.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs']);
        }
      });

      it('rejects the newer conflicting ListenerSet: Accepted=False, its listener Conflicted=True/HostnameConflict', async () => {
        await eventually('late rejected', async () => {
          const late = await get<GatewayStatus>('listenersets', 'team-b', 'late');
          expect(summary(late.status?.conditions)).toEqual(['Accepted=False/ListenersNotValid', 'Programmed=False/ListenersNotValid']);
          const l = late.status?.listeners?.find((x) => x.name === 'https');
          expect(l?.attachedRoutes).toBe(0);
          expect(summary(l?.conditions)).toEqual([
            'Accepted=False/HostnameConflict',
            'Conflicted=True/HostnameConflict',
            'Programmed=False/HostnameConflict',
            'ResolvedRefs=True/ResolvedRefs',
          ]);
          expect(l?.conditions.find((c) => c.type === 'Conflicted')?.message).toContain('a.team.test');
        });
        // The winner is untouched, and still served with its own certificate.
        expect((await get<GatewayStatus>('gateways', 'default', 'gw')).status?.attachedListenerSets).toBe(2);
        expect(await httpsGet(gwAddress, HTTPS_PORT, 'a.team.test', '/', ca.crt)).toMatchObject({ status: 200, peerCN: 'a.team.test' });
      });

      it('the older ListenerSet wins though its name sorts later; ProtocolConflict; ParentNotAccepted', async () => {
        await eventually('aaa-late, proto, orphan', async () => {
          const late = await get<GatewayStatus>('listenersets', 'team-a', 'aaa-late');
          expect(summary(late.status?.conditions)).toEqual(['Accepted=False/ListenersNotValid', 'Programmed=False/ListenersNotValid']);
          expect(late.status?.listeners?.[0]?.conditions.find((c) => c.type === 'Conflicted')).toMatchObject({ status: 'True', reason: 'HostnameConflict' });
          expect(late.status?.listeners?.[0]?.conditions.find((c) => c.type === 'Conflicted')?.message).toContain('team-b/b');
          const proto = await get<GatewayStatus>('listenersets', 'team-a', 'proto');
          expect(summary(proto.status?.conditions)).toEqual(['Accepted=False/ListenersNotValid', 'Programmed=False/ListenersNotValid']);
          expect(summary(proto.status?.listeners?.[0]?.conditions)).toEqual(
            expect.arrayContaining(['Accepted=False/ProtocolConflict', 'Conflicted=True/ProtocolConflict']),
          );
          const refused = await get<GatewayStatus>('gateways', 'default', 'refused');
          expect(summary(refused.status?.conditions)).toEqual(expect.arrayContaining(['Accepted=False/UnsupportedAddress']));
          expect(refused.status?.attachedListenerSets ?? 0).toBe(0);
          const orphan = await get<GatewayStatus>('listenersets', 'team-a', 'orphan');
          expect(summary(orphan.status?.conditions)).toEqual(['Accepted=False/ParentNotAccepted', 'Programmed=False/ParentNotProgrammed']);
        });
        expect((await get<GatewayStatus>('gateways', 'default', 'gw')).status?.attachedListenerSets).toBe(2);
        expect(await httpsGet(gwAddress, HTTPS_PORT, 'b.team.test', '/', ca.crt)).toMatchObject({ status: 200, peerCN: 'b.team.test' });
      });

      it('says NotAllowed for a ListenerSet from a namespace the Gateway does not allow, and routes on it are not accepted', async () => {
        await eventually('team-c NotAllowed', async () => {
          const c = await get<GatewayStatus>('listenersets', 'team-c', 'c');
          expect(summary(c.status?.conditions)).toEqual(['Accepted=False/NotAllowed', 'Programmed=False/NotAllowed']);
          expect(c.status?.conditions?.find((x) => x.type === 'Accepted')?.message).toContain('team-c');
        });
        const web = await get<RouteStatus>('httproutes', 'team-c', 'web');
        expect(web.status?.parents?.[0]?.conditions.find((x) => x.type === 'Accepted')).toMatchObject({ status: 'False' });
      });
    });

    describe('route kinds', () => {
      const parentOf = async (plural: string, name: string) => {
        const r = await get<RouteStatus>(plural, 'default', name);
        expect(r.status?.parents).toHaveLength(1);
        const p = r.status!.parents![0]!;
        expect(p.controllerName).toBe(CONTROLLER);
        expect(p.conditions.every((c) => c.observedGeneration === r.metadata.generation)).toBe(true);
        return p;
      };

      it.each([
        ['grpcroutes', 'grpc', 'http'],
        ['tlsroutes', 'pass', 'pass'],
        ['tcproutes', 'tcp', 'tcp'],
        ['udproutes', 'udp', 'udp'],
      ])('%s %s: Accepted and ResolvedRefs on its parent', async (plural, name, sectionName) => {
        await eventually(`${plural} ${name} status`, async () => {
          const p = await parentOf(plural, name);
          expect(p.parentRef).toMatchObject({ group: GROUP, kind: 'Gateway', name: 'gw', sectionName });
          expect(summary(p.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs']);
        });
      });

      it('a missing backend: Accepted, ResolvedRefs=False/BackendNotFound', async () => {
        await eventually('grpc-missing status', async () => {
          const p = await parentOf('grpcroutes', 'grpc-missing');
          expect(summary(p.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=False/BackendNotFound']);
          expect(p.conditions.find((c) => c.type === 'ResolvedRefs')?.message).toContain('nowhere');
        });
      });

      it('a route on a listener of another protocol: Accepted=False/NotAllowedByListeners, still with ResolvedRefs', async () => {
        await eventually('wrong-listener status', async () => {
          const p = await parentOf('tcproutes', 'wrong-listener');
          expect(summary(p.conditions)).toEqual(['Accepted=False/NotAllowedByListeners', 'ResolvedRefs=True/ResolvedRefs']);
        });
      });

      it('by port alone: Accepted; a hostname the listener does not serve: NoMatchingListenerHostname; a missing sectionName: NoMatchingParent; a Service parent: UnsupportedValue', async () => {
        await eventually('by-port, other-host, no-section', async () => {
          const byPort = await parentOf('tcproutes', 'by-port');
          expect(byPort.parentRef).toMatchObject({ name: 'gw', port: L4_PORT });
          expect(summary(byPort.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs']);
          expect(summary((await parentOf('tlsroutes', 'other-host')).conditions)).toEqual([
            'Accepted=False/NoMatchingListenerHostname',
            'ResolvedRefs=True/ResolvedRefs',
          ]);
          const noSection = await get<RouteStatus>('httproutes', 'team-b', 'no-section');
          expect(noSection.status?.parents?.[0]?.parentRef).toMatchObject({ kind: 'ListenerSet', name: 'b', sectionName: 'nope' });
          expect(summary(noSection.status?.parents?.[0]?.conditions)).toEqual(['Accepted=False/NoMatchingParent', 'ResolvedRefs=True/ResolvedRefs']);
          const serviceParent = await parentOf('grpcroutes', 'service-parent');
          expect(serviceParent.parentRef).toMatchObject({ group: '', kind: 'Service', name: 'grpc' });
          expect(summary(serviceParent.conditions)).toEqual(['Accepted=False/UnsupportedValue', 'ResolvedRefs=True/ResolvedRefs']);
        });
      });

      it('TLS, TCP and UDP listeners: their supportedKinds and attachedRoutes', async () => {
        await eventually('listener status', async () => {
          const gw = await get<GatewayStatus>('gateways', 'default', 'gw');
          const listener = (name: string) => gw.status?.listeners?.find((l) => l.name === name);
          expect(listener('pass')).toMatchObject({ attachedRoutes: 1, supportedKinds: [{ group: GROUP, kind: 'TLSRoute' }] });
          // tcp: "tcp" and "by-port".
          expect(listener('tcp')).toMatchObject({ attachedRoutes: 2, supportedKinds: [{ group: GROUP, kind: 'TCPRoute' }] });
          // udp: the UDPRoute "udp", and "both" (which names another controller's Gateway too).
          expect(listener('udp')).toMatchObject({ attachedRoutes: 2, supportedKinds: [{ group: GROUP, kind: 'UDPRoute' }] });
          // HTTP: the GRPCRoutes and the HTTPRoute.
          expect(listener('http')?.attachedRoutes).toBe(3);
          expect(listener('http')?.supportedKinds).toEqual(
            expect.arrayContaining([
              { group: GROUP, kind: 'HTTPRoute' },
              { group: GROUP, kind: 'GRPCRoute' },
            ]),
          );
          for (const name of ['pass', 'tcp', 'udp'])
            expect(summary(listener(name)?.conditions)).toEqual([
              'Accepted=True/Accepted',
              'Conflicted=False/NoConflicts',
              'Programmed=True/Programmed',
              'ResolvedRefs=True/ResolvedRefs',
            ]);
          expect(summary(gw.status?.conditions)).toEqual(expect.arrayContaining(['Accepted=True/Accepted', 'Programmed=True/Programmed']));
        });
      });
    });

    describe('BackendTLSPolicy', () => {
      const ancestors = async (name: string) => (await get<PolicyStatus>('backendtlspolicies', 'default', name)).status?.ancestors;

      it('is Accepted for the Gateway an HTTPRoute using its Service is attached to', async () => {
        await eventually('good policy status', async () => {
          const a = await ancestors('good');
          expect(a).toEqual([
            {
              ancestorRef: expect.objectContaining({ group: GROUP, kind: 'Gateway', namespace: 'default', name: 'gw' }),
              controllerName: CONTROLLER,
              conditions: expect.any(Array),
            },
          ]);
          expect(summary(a![0]!.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs']);
        });
      });

      it('a newer policy for the same Service: Accepted=False/Conflicted; a CA reference of an unknown kind: InvalidKind', async () => {
        await eventually('aaa-dup, bad-kind', async () => {
          const dup = await ancestors('aaa-dup');
          expect(dup).toHaveLength(1);
          expect(dup![0]!.ancestorRef).toMatchObject({ kind: 'Gateway', name: 'gw' });
          expect(dup![0]!.conditions.find((c) => c.type === 'Accepted')).toMatchObject({ status: 'False', reason: 'Conflicted' });
          expect(summary((await ancestors('good'))?.[0]?.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs']);
          expect(summary((await ancestors('bad-kind'))?.[0]?.conditions)).toEqual(['Accepted=False/NoValidCACertificate', 'ResolvedRefs=False/InvalidKind']);
        });
      });

      it('a policy no route uses gets no status at all', async () => {
        await eventually('good has its status', async () => expect((await ancestors('good'))?.length).toBe(1));
        expect((await get<PolicyStatus>('backendtlspolicies', 'default', 'unused')).status).toBeUndefined();
      });

      it('a missing CA ConfigMap: Accepted=False/NoValidCACertificate, ResolvedRefs=False/InvalidCACertificateRef', async () => {
        await eventually('no-ca policy status', async () => {
          const a = await ancestors('no-ca');
          expect(a).toHaveLength(1);
          expect(summary(a![0]!.conditions)).toEqual(['Accepted=False/NoValidCACertificate', 'ResolvedRefs=False/InvalidCACertificateRef']);
          expect(a![0]!.conditions.find((c) => c.type === 'ResolvedRefs')?.message).toContain('missing-ca');
        });
      });
    });

    describe("another controller's Gateway", () => {
      it('gets no status from Gatehouse, nor do the ListenerSets and route parents that name it', async () => {
        // Wait until Gatehouse has reported on the route that also names our Gateway: it has seen them all by then.
        await eventually('both reported', async () => {
          const both = await get<RouteStatus>('udproutes', 'default', 'both');
          expect(both.status?.parents?.map((p) => `${p.parentRef['name']}/${p.parentRef['sectionName'] ?? ''}`)).toEqual(['gw/udp']);
          expect(summary(both.status!.parents![0]!.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs']);
        });
        await new Promise((r) => setTimeout(r, 1000));
        // Not even an empty list: Gatehouse wrote nothing on a route that is entirely another controller's.
        expect((await get<RouteStatus>('tcproutes', 'default', 'foreign-only')).status).toBeUndefined();
        const gc = (await cluster.api('GET', `/apis/${GROUP}/v1/gatewayclasses/other`)).json as Obj<GatewayStatus>;
        expect(summary(gc.status?.conditions).filter((c) => !c.endsWith('/Pending'))).toEqual([]);
        expect(summary((await get<GatewayStatus>('gateways', 'default', 'foreign')).status?.conditions).filter((c) => !c.endsWith('/Pending'))).toEqual([]);
        expect(summary((await get<GatewayStatus>('listenersets', 'team-b', 'foreign-ls')).status?.conditions).filter((c) => !c.endsWith('/Pending'))).toEqual(
          [],
        );
      });
    });

    // Status follows changes: every write below is Gatehouse reacting to an apiserver event.
    describe('after changes', () => {
      it('the Gateway allows team c: its ListenerSet is accepted, its route too, attachedListenerSets 3', async () => {
        await apply(namespace('team-c', { 'shared-gateway': 'allowed' }));
        await eventually('team-c accepted', async () => {
          expect(summary((await get<GatewayStatus>('listenersets', 'team-c', 'c')).status?.conditions)).toEqual([
            'Accepted=True/Accepted',
            'Programmed=True/Programmed',
          ]);
          expect(summary((await get<RouteStatus>('httproutes', 'team-c', 'web')).status?.parents?.[0]?.conditions)).toEqual([
            'Accepted=True/Accepted',
            'ResolvedRefs=True/ResolvedRefs',
          ]);
          expect((await get<GatewayStatus>('gateways', 'default', 'gw')).status?.attachedListenerSets).toBe(3);
        });
        expect(await httpsGet(gwAddress, HTTPS_PORT, 'c.team.test', '/', ca.crt)).toMatchObject({ status: 200, peerCN: 'c.team.test' });
      });

      it('the winner is deleted: the conflicting ListenerSet takes over, and its listener is no longer Conflicted', async () => {
        await cluster.kubectl(['delete', 'listenerset', 'a', '-n', 'team-a']);
        await eventually('late accepted', async () => {
          const late = await get<GatewayStatus>('listenersets', 'team-b', 'late');
          expect(summary(late.status?.conditions)).toEqual(['Accepted=True/Accepted', 'Programmed=True/Programmed']);
          expect(summary(late.status?.listeners?.[0]?.conditions)).toEqual([
            'Accepted=True/Accepted',
            'Conflicted=False/NoConflicts',
            'Programmed=True/Programmed',
            'ResolvedRefs=True/ResolvedRefs',
          ]);
          expect(summary((await get<RouteStatus>('httproutes', 'team-a', 'web')).status?.parents?.[0]?.conditions)).toEqual([
            'Accepted=False/NoMatchingParent',
            'ResolvedRefs=True/ResolvedRefs',
          ]);
        });
        expect((await get<GatewayStatus>('gateways', 'default', 'gw')).status?.attachedListenerSets).toBe(3); // b, c, late
        await waitFor(
          'late serves a.team.test',
          async () => (await httpsGet(gwAddress, HTTPS_PORT, 'a.team.test', '/', ca.crt, false).catch(() => ({ status: 0 }))).status === 404,
        );
      });

      it('a route moved to the right listener: its old parent entry goes, the new one is Accepted', async () => {
        await apply(
          route('TCPRoute', 'wrong-listener', { parentRefs: [{ name: 'gw', sectionName: 'tcp' }], rules: [{ backendRefs: [{ name: 'tcp', port: 80 }] }] }),
        );
        await eventually('moved', async () => {
          const r = await get<RouteStatus>('tcproutes', 'default', 'wrong-listener');
          expect(r.status?.parents).toHaveLength(1);
          expect(r.status!.parents![0]!.parentRef).toMatchObject({ sectionName: 'tcp' });
          expect(summary(r.status!.parents![0]!.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs']);
          const gw = await get<GatewayStatus>('gateways', 'default', 'gw');
          expect(gw.status?.listeners?.find((l) => l.name === 'tcp')?.attachedRoutes).toBe(3);
        });
      });

      it('the missing backend and the missing CA appear: ResolvedRefs and the policy become True', async () => {
        await apply(...service('nowhere', 'default', grpcBackend), caConfigMap('missing-ca', 'default', ca.crt));
        await eventually('resolved', async () => {
          expect(summary((await get<RouteStatus>('grpcroutes', 'default', 'grpc-missing')).status?.parents?.[0]?.conditions)).toEqual([
            'Accepted=True/Accepted',
            'ResolvedRefs=True/ResolvedRefs',
          ]);
          expect(summary((await get<PolicyStatus>('backendtlspolicies', 'default', 'no-ca')).status?.ancestors?.[0]?.conditions)).toEqual([
            'Accepted=True/Accepted',
            'ResolvedRefs=True/ResolvedRefs',
          ]);
        });
        await waitFor(
          'served with the new CA',
          async () => (await request(`http://${gwAddress}:8080/no-ca`, { host: 'tls.test', timeoutMs: 3000 })).status === 200,
        );
        expect((await grpcCall(`${gwAddress}:8080`, 'missing.grpc.test', '/pkg.Svc/Call')).code).toBe(GrpcStatus.OK);
      });

      it('a spec change moves observedGeneration on a ListenerSet, its listeners and a policy ancestor', async () => {
        await apply({
          ...listenerSet('team-b', 'b', 'b.team.test'),
          spec: {
            ...listenerSet('team-b', 'b', 'b.team.test').spec,
            listeners: [{ ...listenerSet('team-b', 'b', 'b.team.test').spec.listeners[0]!, allowedRoutes: { namespaces: { from: 'All' } } }],
          },
        });
        await apply({
          ...policy('no-ca', 'tls-app-no-ca', 'missing-ca'),
          spec: {
            ...policy('no-ca', 'tls-app-no-ca', 'missing-ca').spec,
            validation: {
              hostname: 'app.backend.test',
              caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'missing-ca' }],
              subjectAltNames: [{ type: 'Hostname', hostname: 'app.backend.test' }],
            },
          },
        });
        await eventually('observedGeneration follows', async () => {
          const ls = await get<GatewayStatus>('listenersets', 'team-b', 'b');
          expect(ls.metadata.generation, 'ListenerSet generation').toBe(2);
          for (const c of [...(ls.status?.conditions ?? []), ...(ls.status?.listeners?.[0]?.conditions ?? [])]) expect(c.observedGeneration, c.type).toBe(2);
          const p = await get<PolicyStatus>('backendtlspolicies', 'default', 'no-ca');
          expect(p.metadata.generation, 'policy generation').toBe(2);
          expect(p.status?.ancestors?.[0]?.conditions.map((c) => c.observedGeneration)).toEqual([2, 2]);
        });
      });

      it("keeps another controller's parent entry on a route while rewriting its own", async () => {
        const path = `/apis/${GROUP}/v1/namespaces/default/tcproutes/tcp`;
        const foreign = {
          parentRef: { group: GROUP, kind: 'Gateway', namespace: 'default', name: 'foreign' },
          controllerName: 'example.com/other-controller',
          conditions: [
            { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs', lastTransitionTime: '2026-01-01T00:00:00Z', observedGeneration: 1 },
          ],
        };
        const before = await get<RouteStatus>('tcproutes', 'default', 'tcp');
        const patched = await cluster.api(
          'PATCH',
          `${path}/status`,
          { status: { parents: [...(before.status?.parents ?? []), foreign] } },
          { contentType: 'application/merge-patch+json' },
        );
        expect(patched.status).toBe(200);
        // A spec change: Gatehouse rewrites its entry (observedGeneration 2) and leaves the other one as it is.
        await apply(
          route('TCPRoute', 'tcp', { parentRefs: [{ name: 'gw', sectionName: 'tcp' }], rules: [{ backendRefs: [{ name: 'tcp', port: 80, weight: 2 }] }] }),
        );
        await eventually('own entry rewritten, foreign kept', async () => {
          const r = await get<RouteStatus>('tcproutes', 'default', 'tcp');
          expect(r.metadata.generation).toBe(2);
          const ours = r.status?.parents?.filter((p) => p.controllerName === CONTROLLER);
          expect(ours).toHaveLength(1);
          expect(ours![0]!.conditions.every((c) => c.observedGeneration === 2)).toBe(true);
          expect(r.status?.parents?.filter((p) => p.controllerName !== CONTROLLER)).toEqual([foreign]);
        });
      });

      it('the only route using a policy is deleted: the policy no longer lists the Gateway as an ancestor', async () => {
        await cluster.kubectl(['delete', 'httproute', 'tls-app', '-n', 'default']);
        await eventually('ancestors gone', async () => {
          expect((await get<PolicyStatus>('backendtlspolicies', 'default', 'good')).status?.ancestors ?? []).toEqual([]);
          expect((await get<GatewayStatus>('gateways', 'default', 'gw')).status?.listeners?.find((l) => l.name === 'http')?.attachedRoutes).toBe(2);
        });
      });
    });
  },
);
