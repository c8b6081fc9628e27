// Routes that call one function, through Gatehouse's own translation: `gatehouse serve --config-dir` (OpenAPI
// discovery on) serves a real Envoy an HTTPRoute whose rules name functions with ExtensionRef filters
// ({ group: gatehouse.dev, kind: UpstreamFunction }). A discovered operation of a real local OpenAPI service is
// called with its method and path; a Lambda function on moto (authentication on) is invoked, signed with the
// Secret's keys; the served snapshot the admin API shows has those keys redacted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateway, gatewayClass, httpRoute, tempDir, writeYaml } from '../harness/config.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { openApi3Document, startOpenApiService, type OpenApiService } from '../harness/openapi-services.js';
import { freePort, request, startEnvoy, startGatehouse, waitFor, type Envoy, type Gatehouse } from '../harness/peers.js';

const ADDRESS = '127.0.0.161';
const HELLO_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:hello';

const fnFilter = (name: string) => ({ type: 'ExtensionRef', extensionRef: { group: 'gatehouse.dev', kind: 'UpstreamFunction', name } });
const toUpstream = (name: string) => [{ group: 'gatehouse.dev', kind: 'Upstream', name }];

describe('routes that call one function, served by Gatehouse to a real Envoy', () => {
  const root = tempDir('function-routes-served');
  const dir = join(root, 'config');
  let gh: Gatehouse, envoy: Envoy, moto: Moto, pets: OpenApiService;
  let port: number;
  const url = (path: string) => `http://${ADDRESS}:${port}${path}`;

  beforeAll(async () => {
    moto = await startMoto();
    await moto.createFunctions(['hello']);
    pets = await startOpenApiService('pets', { docPath: '/openapi.json', doc: openApi3Document() });
    port = await freePort(ADDRESS);
    writeYaml(dir, 'gateway.yaml', [gatewayClass, gateway('gw', ADDRESS, [{ name: 'http', port }])]);
    writeYaml(dir, 'upstreams.yaml', [
      // Functions found by OpenAPI discovery (the service's own document).
      {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'Upstream',
        metadata: { name: 'pets', namespace: 'default' },
        spec: { static: { hosts: [{ address: pets.host, port: pets.port }] }, openapi: {} },
      },
      // A Lambda function written by hand (ARN given), on moto.
      {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'Upstream',
        metadata: { name: 'lambdas', namespace: 'default' },
        spec: {
          aws: { region: 'us-east-1', endpoint: moto.endpoint, secretRef: { name: 'aws' } },
          functions: [{ name: 'hello', lambda: { functionName: 'hello', arn: HELLO_ARN } }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'aws', namespace: 'default' },
        type: 'Opaque',
        stringData: { aws_access_key_id: moto.accessKeyId, aws_secret_access_key: moto.secretAccessKey },
      },
    ]);
    writeYaml(dir, 'route.yaml', [
      httpRoute('functions', {
        parentRefs: [{ name: 'gw' }],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/pet' } }],
            filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-caller', value: 'gatehouse' }] } }, fnFilter('getPet')],
            backendRefs: toUpstream('pets'),
          },
          { matches: [{ path: { type: 'Exact', value: '/new-pet' } }], filters: [fnFilter('createPet')], backendRefs: toUpstream('pets') },
          { matches: [{ path: { type: 'PathPrefix', value: '/lambda' } }], filters: [fnFilter('hello')], backendRefs: toUpstream('lambdas') },
          { matches: [{ path: { type: 'PathPrefix', value: '/missing' } }], filters: [fnFilter('noSuchFunction')], backendRefs: toUpstream('pets') },
          {
            matches: [{ path: { type: 'PathPrefix', value: '/other' } }],
            filters: [{ type: 'ExtensionRef', extensionRef: { group: 'example.com', kind: 'Filter', name: 'f' } }],
            backendRefs: toUpstream('pets'),
          },
          { backendRefs: toUpstream('pets') },
        ],
      }),
    ]);
    gh = await startGatehouse({
      configDir: dir,
      dataDir: join(root, 'data'),
      args: ['--discovery', 'openapi', '--discovery-interval', '1s', '--discovery-backoff', '1s'],
    });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(root, 'envoy') });
  }, 120_000);

  afterAll(async () => {
    await envoy?.stop();
    await gh?.stop();
    await pets?.close();
    await moto?.stop();
  });

  it('a discovered OpenAPI operation is called with its method and path', async () => {
    // Until discovery has found getPet the rule answers 500 (no such function yet).
    const r = await waitFor(
      'getPet through Envoy',
      async () => {
        const res = await request(url('/pet?petId=42'), { method: 'DELETE', timeoutMs: 2000 });
        return res.status === 200 ? res : undefined;
      },
      30_000,
      200,
    );
    const body = JSON.parse(r.text) as { service: string; method: string; path: string };
    expect(body).toMatchObject({ service: 'pets', method: 'GET', path: '/pets/42' });
    const post = await request(url('/new-pet'));
    expect(JSON.parse(post.text)).toMatchObject({ method: 'POST', path: '/pets' });
    // No function named: a plain route to the Upstream, the request as sent.
    const plain = await request(url('/anything?x=1'), { method: 'PUT' });
    expect(JSON.parse(plain.text)).toMatchObject({ method: 'PUT', path: '/anything' });
  }, 60_000);

  it("a Lambda function on moto is invoked, signed with the Secret's keys", async () => {
    const r = await waitFor(
      'hello through Envoy',
      async () => {
        const res = await request(url('/lambda'), {
          method: 'POST',
          body: '{"hello":"world"}',
          headers: { 'content-type': 'application/json' },
          timeoutMs: 5000,
        });
        return res.status === 200 ? res : undefined;
      },
      30_000,
      200,
    );
    // moto's Lambda without Docker answers the payload it got (Envoy's JSON of the request); Envoy answers its body.
    expect(JSON.parse(r.text)).toEqual({ hello: 'world' });
  }, 60_000);

  it('an unknown function answers 500; an ExtensionRef no plugin handles drops its rule (PartiallyInvalid)', async () => {
    expect((await request(url('/missing'))).status).toBe(500);
    // The dropped rule's path falls to the catch-all rule: the Upstream, the request as sent.
    expect(JSON.parse((await request(url('/other'))).text)).toMatchObject({ method: 'GET', path: '/other' });
    const routes = (await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as unknown;
    const text = JSON.stringify(routes);
    expect(text).toContain('ExtensionRef example.com/Filter is not supported');
    expect(text).toContain('has no function \\"noSuchFunction\\"');
  });

  it('the served snapshot shows the AWS secret key redacted', async () => {
    const res = await fetch(`${gh.admin}/api/v1/snapshots/default/gw`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain(HELLO_ARN);
    expect(text).not.toContain(moto.secretAccessKey);
    expect(text).toMatch(/"secretAccessKey":"\[redacted\]"/);
  });
});
