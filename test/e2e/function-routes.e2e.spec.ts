// Routes that call one function, as the aws-lambda and openapi-functions plugins shape them, checked against the
// real peers with the plugins alone (function-routes-served.e2e.spec.ts goes through Gatehouse's own translation):
// the plugins' hooks are called with the RouteIR the translator passes (an ExtensionRef filter of kind
// UpstreamFunction, the backend's reference), their output passes the strict encoder and `envoy --mode validate`, and
// a real Envoy running it (a static bootstrap) invokes a Lambda function on moto with SigV4 (authentication on) and
// calls the right operation of an OpenAPI service (method and path set, path parameters from the query or a header,
// a missing one answered 400).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsLambdaPlugin, awsUpstreamVariant } from '@gatehouse/plugin-aws-lambda';
import { openApiFunctionsPlugin } from '@gatehouse/plugin-openapi-functions';
import {
  NO_MEMO,
  typed,
  type EnvoyMessage,
  type PluginContext,
  type ResourceRef,
  type RouteIR,
  type StoredResource,
  type TranslatorPlugin,
  type UpstreamIR,
} from '@gatehouse/plugin-sdk';
import { StrictEncoder, envoyRoot } from '@gatehouse/xds';
import { tempDir } from '../harness/config.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { openApi3Document, startOpenApiService, type OpenApiService } from '../harness/openapi-services.js';
import { envoyBinary, freePort, request, startProcess, waitFor } from '../harness/peers.js';

const ROUTER = { name: 'envoy.filters.http.router', typedConfig: typed('envoy.extensions.filters.http.router.v3.Router') };

function stored(kind: string, name: string, object: Record<string, unknown>): StoredResource {
  const ref: ResourceRef = { kind, namespace: 'default', name };
  return {
    key: `${kind}/default/${name}`,
    ref,
    object: { apiVersion: 'v1', kind, metadata: { name, namespace: 'default' }, ...object },
    origin: { source: 'inline' },
    createdAt: '2026-01-01T00:00:00Z',
  };
}

/** The RouteIR the translator passes for a rule naming a function (see libs/translator filters.ts, backend-refs.ts). */
function functionRoute(name: string, upstream: string, fn: string, path: string): RouteIR {
  return {
    name,
    source: { kind: 'HTTPRoute', namespace: 'default', name },
    ruleIndex: 0,
    matchIndex: 0,
    match: { path: { type: 'PathPrefix', value: path }, headers: [], queryParams: [] },
    action: {
      kind: 'forward',
      backends: [
        {
          clusterName: `upstream_default_${upstream}`,
          weight: 1,
          valid: true,
          ref: { group: 'gatehouse.dev', kind: 'Upstream', namespace: 'default', name: upstream },
        },
      ],
    },
    filters: [{ type: 'ExtensionRef', group: 'gatehouse.dev', kind: 'UpstreamFunction', name: fn }],
    policies: {},
  };
}

describe('routes that call one function (plugin output on a real Envoy)', () => {
  let moto: Moto;
  let pets: OpenApiService;
  let envoy: Awaited<ReturnType<typeof startProcess>>;
  let port: number;
  const dir = tempDir('function-routes');
  const warnings: string[] = [];
  let ctx: PluginContext;

  beforeAll(async () => {
    moto = await startMoto();
    await moto.createFunctions(['hello']);
    pets = await startOpenApiService('pets', { docPath: '/openapi.json', doc: openApi3Document() });
    const lambdas = stored('Upstream', 'lambdas', {
      apiVersion: 'gatehouse.dev/v1alpha1',
      spec: {
        aws: { region: 'us-east-1', endpoint: moto.endpoint, secretRef: { name: 'aws' } },
        functions: [
          { name: 'hello', lambda: { functionName: 'hello', arn: 'arn:aws:lambda:us-east-1:123456789012:function:hello' } },
          { name: 'hello-async', lambda: { functionName: 'hello', arn: 'arn:aws:lambda:us-east-1:123456789012:function:hello', invocation: 'Asynchronous' } },
        ],
      },
    });
    const petsUp = stored('Upstream', 'pets', {
      apiVersion: 'gatehouse.dev/v1alpha1',
      spec: {
        static: { hosts: [{ address: pets.host, port: pets.port }] },
        functions: [
          { name: 'getPet', http: { method: 'GET', path: '/pets/{petId}' } },
          { name: 'createPet', http: { method: 'POST', path: '/pets' } },
        ],
      },
    });
    const secret = stored('Secret', 'aws', {
      type: 'Opaque',
      stringData: { aws_access_key_id: moto.accessKeyId, aws_secret_access_key: moto.secretAccessKey },
    });
    // Signed with keys moto does not know: refused.
    const denied = stored('Upstream', 'denied', {
      apiVersion: 'gatehouse.dev/v1alpha1',
      spec: {
        aws: { region: 'us-east-1', endpoint: moto.endpoint, secretRef: { name: 'bad' } },
        functions: [{ name: 'hello', lambda: { functionName: 'arn:aws:lambda:us-east-1:123456789012:function:hello' } }],
      },
    });
    const bad = stored('Secret', 'bad', {
      type: 'Opaque',
      stringData: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    });
    ctx = {
      snapshot: { resources: new Map([lambdas, petsUp, secret, denied, bad].map((s) => [s.key, s])), problems: [] },
      reports: { reject: (_r, _reason, m) => warnings.push(m), warn: (_r, _reason, m) => warnings.push(m) },
      memo: NO_MEMO,
    };
    port = await freePort();
    // Clusters: the aws Upstream as its variant resolves it (+ the plugin's cluster hook), the pets service.
    const lambdaUp = awsUpstreamVariant.resolve(
      ctx,
      { group: 'gatehouse.dev', kind: 'Upstream', namespace: 'default', name: 'lambdas' },
      lambdas,
    ) as UpstreamIR;
    const lambdaCluster: EnvoyMessage = {
      name: lambdaUp.clusterName,
      type: 'STATIC',
      connectTimeout: '2s',
      loadAssignment: {
        clusterName: lambdaUp.clusterName,
        endpoints: [{ lbEndpoints: lambdaUp.endpoints.map((e) => ({ endpoint: { address: { socketAddress: { address: e.address, portValue: e.port } } } })) }],
      },
    };
    awsLambdaPlugin.cluster!(ctx, lambdaUp, lambdaCluster);
    const deniedCluster: EnvoyMessage = { ...structuredClone(lambdaCluster), name: 'upstream_default_denied' };
    (deniedCluster['loadAssignment'] as EnvoyMessage)['clusterName'] = 'upstream_default_denied';
    const petsCluster: EnvoyMessage = {
      name: 'upstream_default_pets',
      type: 'STATIC',
      connectTimeout: '2s',
      loadAssignment: {
        clusterName: 'upstream_default_pets',
        endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: pets.host, portValue: pets.port } } } }] }],
      },
    };
    // Routes: what the plugins' route hooks make of function routes.
    const irs = [
      functionRoute('lambda', 'lambdas', 'hello', '/lambda'),
      functionRoute('lambda-async', 'lambdas', 'hello-async', '/async'),
      functionRoute('lambda-denied', 'denied', 'hello', '/denied'),
      functionRoute('pet', 'pets', 'getPet', '/pet'),
      functionRoute('new-pet', 'pets', 'createPet', '/new-pet'),
      functionRoute('missing', 'pets', 'noSuchFunction', '/missing'),
    ];
    const routes = irs.map((ir) => {
      const out: EnvoyMessage = {
        name: ir.name,
        match: { prefix: ir.match.path.value },
        route: { cluster: (ir.action as { backends: Array<{ clusterName: string }> }).backends[0]!.clusterName },
      };
      for (const p of [awsLambdaPlugin, openApiFunctionsPlugin] as TranslatorPlugin[]) p.route!(ctx, ir, out);
      return out;
    });
    const listenerIR = {
      name: 'http',
      protocol: 'HTTP' as const,
      address: '127.0.0.1',
      port,
      sectionNames: ['http'],
      virtualHosts: [{ name: 'all', domains: ['*'], routes: irs, policies: {} }],
      policies: {},
    };
    const filters = [awsLambdaPlugin, openApiFunctionsPlugin].flatMap((p) => p.httpFilters!(ctx, listenerIR)).map((f) => f.filter);
    const hcm = typed('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', {
      statPrefix: 'http',
      routeConfig: { name: 'http', virtualHosts: [{ name: 'all', domains: ['*'], routes }] },
      httpFilters: [...filters, ROUTER],
    });
    const listener = {
      name: 'http',
      address: { socketAddress: { address: '127.0.0.1', portValue: port } },
      filterChains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typedConfig: hcm }] }],
    };
    // Everything passes the strict encoder (the aws_lambda and Lua protos are registered).
    const encoder = new StrictEncoder(envoyRoot());
    encoder.encode('type.googleapis.com/envoy.config.listener.v3.Listener', listener);
    encoder.encode('type.googleapis.com/envoy.config.cluster.v3.Cluster', lambdaCluster);
    const bootstrap = { staticResources: { listeners: [listener], clusters: [lambdaCluster, deniedCluster, petsCluster] } };
    writeFileSync(join(dir, 'envoy.json'), JSON.stringify(bootstrap, null, 2));
    execFileSync(envoyBinary(), ['--mode', 'validate', '-c', join(dir, 'envoy.json'), '-l', 'error', '--use-dynamic-base-id'], { stdio: 'pipe' });
    envoy = startProcess('envoy', envoyBinary(), ['-c', join(dir, 'envoy.json'), '--concurrency', '1', '--use-dynamic-base-id', '-l', 'warn']);
    await waitFor('envoy to listen', async () => (await request(`http://127.0.0.1:${port}/pet?petId=1`, { timeoutMs: 1000 })).status > 0, 20_000, 100);
  }, 120_000);

  afterAll(async () => {
    await envoy?.stop();
    await moto?.stop();
    await pets?.close();
  });

  it('the filters sit disabled in the chain; each function route enables its own', () => {
    expect(warnings).toEqual([
      'HTTPRoute default/missing: rule 0: Upstream default/pets has no function "noSuchFunction" (it has 2: see gatehouse get upstreams); the rule answers 500',
    ]);
  });

  it("a Lambda function is invoked through Envoy, signed with the Secret's credentials (moto checks them)", async () => {
    const r = await request(`http://127.0.0.1:${port}/lambda/hi?x=1`, {
      method: 'POST',
      body: '{"hello":"world"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status, r.text).toBe(200);
    // moto's Lambda without Docker answers with the payload it was sent: Envoy's JSON of the request. Envoy reads that
    // as a Lambda response ({statusCode, headers, body}) and answers its body: the request's body made the round trip.
    expect(JSON.parse(r.text)).toEqual({ hello: 'world' });
    const d = await request(`http://127.0.0.1:${port}/denied`, { method: 'POST', body: '{}' });
    expect(d.status).toBe(403);
    expect(d.text).toContain('InvalidClientTokenId');
    const a = await request(`http://127.0.0.1:${port}/async`, { method: 'POST', body: '{}' });
    expect(a.status, a.text).toBe(202);
  });

  it('an OpenAPI function gets its method and path, parameters from the query or a header', async () => {
    const q = await request(`http://127.0.0.1:${port}/pet?petId=42`, { method: 'DELETE' });
    expect(JSON.parse(q.text)).toMatchObject({ service: 'pets', method: 'GET', path: '/pets/42', query: '?petId=42' });
    const h = await request(`http://127.0.0.1:${port}/pet`, { headers: { 'x-gatehouse-param-petid': 'a b/c' } });
    expect(JSON.parse(h.text)).toMatchObject({ method: 'GET', path: '/pets/a%20b%2Fc' });
    const post = await request(`http://127.0.0.1:${port}/new-pet`, { method: 'GET' });
    expect(JSON.parse(post.text)).toMatchObject({ method: 'POST', path: '/pets' });
    const missing = await request(`http://127.0.0.1:${port}/pet`);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('missing path parameter petId');
    expect((await request(`http://127.0.0.1:${port}/missing`)).status).toBe(500);
  });
});
