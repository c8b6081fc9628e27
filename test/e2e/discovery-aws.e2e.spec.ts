// AWS Lambda discovery against a real AWS API emulator (moto in server mode, authentication on, Lambda without
// Docker), in standalone mode: functions (all ListFunctions pages: 120 functions), versions and aliases become the
// Upstream's functions; a deleted function disappears on the next refresh; bad credentials put AWS's error code on
// the Upstream's status and nothing else breaks; `gatehouse get upstreams` and the metrics show it.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { tempDir, writeYaml } from '../harness/config.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { CLI, startGatehouse, waitFor, type Gatehouse } from '../harness/peers.js';

const run = promisify(execFile);

type Fn = { name: string; lambda?: { functionName: string; qualifier?: string; arn?: string } };
type Status = { state: string; functions?: number; error?: { code: string; message: string } };
type Row = { namespace: string; name: string; type: string; functions: Fn[]; discovery: Record<string, Status>; state: string; messages: string[] };

describe('AWS Lambda discovery (moto)', () => {
  let moto: Moto;
  let gh: Gatehouse;
  const dir = tempDir('discovery-aws');
  const names = Array.from({ length: 120 }, (_, i) => `fn-${String(i).padStart(3, '0')}`);
  const upstreams = async () =>
    (await (await fetch(`${gh.admin}/api/v1/upstreams`)).json()) as { items: Row[]; discoverers: Array<{ name: string; enabled: boolean; functions: number }> };
  const row = async (name: string) => (await upstreams()).items.find((u) => u.name === name);

  beforeAll(async () => {
    moto = await startMoto();
    await moto.createFunctions(names);
    const v = await moto.publishVersion('fn-000');
    await moto.createAlias('fn-000', 'prod', v);
    const secret = (name: string, key: string, secretKey: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'default' },
      type: 'Opaque',
      stringData: { aws_access_key_id: key, aws_secret_access_key: secretKey },
    });
    const upstream = (name: string, secretName: string, roleArn?: string) => ({
      apiVersion: 'gatehouse.dev/v1alpha1',
      kind: 'Upstream',
      metadata: { name, namespace: 'default' },
      spec: { aws: { region: 'us-east-1', endpoint: moto.endpoint, secretRef: { name: secretName }, ...(roleArn ? { roleArn } : {}) } },
    });
    writeYaml(join(dir, 'config'), 'aws.yaml', [
      secret('aws-creds', moto.accessKeyId, moto.secretAccessKey),
      secret('bad-creds', 'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
      upstream('lambdas', 'aws-creds'),
      upstream('denied', 'bad-creds'),
      upstream('assumed', 'aws-creds', moto.readerRoleArn),
      {
        apiVersion: 'gatehouse.dev/v1alpha1',
        kind: 'Upstream',
        metadata: { name: 'web', namespace: 'default' },
        spec: { static: { hosts: [{ address: '127.0.0.1', port: 9 }] } },
      },
    ]);
    gh = await startGatehouse({
      configDir: join(dir, 'config'),
      dataDir: join(dir, 'data'),
      args: ['--discovery', 'aws-lambda', '--discovery-interval', '1s', '--discovery-backoff', '1s', '--discovery-timeout', '20s'],
    });
  }, 180_000);

  afterAll(async () => {
    await gh?.stop();
    await moto?.stop();
  });

  it('finds every function over all ListFunctions pages, with versions and aliases', async () => {
    const u = await waitFor(
      '120 functions, a version and an alias',
      async () => {
        const r = await row('lambdas');
        return r && r.functions.length === 122 ? r : undefined;
      },
      60_000,
      250,
    );
    expect(u.type).toBe('aws');
    expect(u.discovery['aws-lambda']).toMatchObject({ state: 'Discovered', functions: 122 });
    const byName = new Map(u.functions.map((f) => [f.name, f]));
    expect(byName.get('fn-000')?.lambda).toMatchObject({ functionName: 'fn-000' });
    expect(byName.get('fn-119')?.lambda?.arn).toMatch(/^arn:aws:lambda:us-east-1:123456789012:function:fn-119/);
    expect(byName.get('fn-000:1')?.lambda).toMatchObject({ functionName: 'fn-000', qualifier: '1' });
    expect(byName.get('fn-000:prod')?.lambda).toMatchObject({ functionName: 'fn-000', qualifier: 'prod' });
    // A plain HTTP upstream is not this discoverer's.
    expect((await row('web'))?.discovery).toEqual({});
  }, 90_000);

  it('with roleArn, discovery signs with the role it assumed through STS', async () => {
    const u = await waitFor(
      'functions through the assumed role',
      async () => {
        const r = await row('assumed');
        return r && r.functions.length >= 121 ? r : undefined;
      },
      60_000,
      250,
    );
    expect(u.discovery['aws-lambda']).toMatchObject({ state: 'Discovered' });
  }, 90_000);

  it('bad credentials put the AWS error on that Upstream only', async () => {
    const u = await waitFor(
      'the AWS error on default/denied',
      async () => {
        const r = await row('denied');
        return r?.discovery['aws-lambda']?.state === 'Failed' ? r : undefined;
      },
      30_000,
      250,
    );
    expect(u.discovery['aws-lambda']!.error!.code).toBe('InvalidClientTokenId');
    expect(u.functions).toEqual([]);
    // On the resource's status too (a warning: it is served as it is).
    const res = (await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as {
      items: Array<{ kind: string; name: string; state: string; messages: string[] }>;
    };
    const denied = res.items.find((i) => i.kind === 'Upstream' && i.name === 'denied')!;
    expect(denied.state).toBe('warning');
    expect(denied.messages.join('\n')).toContain('discovery (aws-lambda) failed');
    expect(denied.messages.join('\n')).toContain('InvalidClientTokenId');
    expect(res.items.find((i) => i.kind === 'Upstream' && i.name === 'lambdas')!.state).toBe('accepted');
  }, 60_000);

  it('a deleted function disappears on the next refresh', async () => {
    await moto.deleteFunction('fn-119');
    const u = await waitFor(
      'fn-119 gone',
      async () => {
        const r = await row('lambdas');
        return r && !r.functions.some((f) => f.name === 'fn-119') ? r : undefined;
      },
      30_000,
      250,
    );
    expect(u.functions).toHaveLength(121);
    await waitFor('fn-119 gone through the assumed role too', async () => (await row('assumed'))?.functions.length === 121, 30_000, 250);
  }, 60_000);

  it('gatehouse get upstreams and the metrics show it', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'get', 'upstreams', '--admin', gh.admin]);
    expect(stdout).toMatch(/NAMESPACE\/NAME\s+TYPE\s+DISCOVERED BY\s+FUNCTIONS\s+DISCOVERY/);
    expect(stdout).toMatch(/default\/lambdas\s+aws\s+121 \(fn-000, fn-000:1, fn-000:prod, …\)\s+aws-lambda: Discovered/);
    expect(stdout).toMatch(/default\/denied\s+aws\s+0\s+aws-lambda: InvalidClientTokenId: /);
    expect(stdout).toContain('aws-lambda: 3 upstreams, 242 functions');
    const metrics = await (await fetch(`${gh.admin}/metrics`)).text();
    expect(metrics).toMatch(/gatehouse_discovery_runs_total\{discoverer="aws-lambda"\} [1-9]/);
    expect(metrics).toMatch(/gatehouse_discovery_errors_total\{discoverer="aws-lambda"\} [1-9]/);
    expect(metrics).toContain('gatehouse_discovered_functions{discoverer="aws-lambda"} 242');
    expect(metrics).toContain('gatehouse_discovered_upstreams{discoverer="aws-lambda"} 3');
    expect(metrics).toMatch(/gatehouse_discovery_duration_seconds_count\{discoverer="aws-lambda"\} [1-9]/);
    console.log(stdout);
  }, 30_000);
});
