// The directory source against a real control plane and a real Envoy probed every 10 ms: files rewritten in place
// (truncated, then written in pieces) never withdraw what they served, neither a route nor a Gateway's listener;
// hostile files dropped into the served directory (present at startup, too) change nothing for what is served and are
// each reported with their file; a file emptied for good does withdraw its route, once it has settled.
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateway, gatewayClass, httpRoute, service, tempDir, toService, writeYaml } from '../harness/config.js';
import { request, sleep, startBackend, startEnvoy, startGatehouse, waitFor, freePort, type Backend, type Envoy, type Gatehouse } from '../harness/peers.js';

const ADDRESS = '127.0.0.41';
type Listed = {
  items: Array<{ kind: string; name: string; state: string; origin: { file?: string; line?: number }; messages: string[] }>;
  problems: Array<{ file?: string; line?: number; message: string }>;
};

describe('the directory source under in-place rewrites and hostile files', () => {
  const root = tempDir('source-rewrite');
  const dir = join(root, 'config');
  let app: Backend, gh: Gatehouse, envoy: Envoy, port: number;
  const failures: string[] = [];
  let probes = 0;
  let counting = true;
  let probing = true;
  let prober: Promise<void>;

  const get = (host: string) => request(`http://${ADDRESS}:${port}/`, { host, timeoutMs: 2000 });
  const resources = async (): Promise<Listed> => (await (await fetch(`${gh.admin}/api/v1/resources`)).json()) as Listed;
  const gatewayDocs = () => [gatewayClass, gateway('gw', ADDRESS, [{ name: 'http', port }])];
  const routeDoc = (name: string, host: string) =>
    httpRoute(name, { parentRefs: [{ name: 'gw' }], hostnames: [host], rules: [{ backendRefs: [toService('app')] }] });

  /** Rewrites `file` in place (the same inode, as many editors and `>` do): truncate, then `parts` writes, `gapMs` apart. */
  async function rewriteInPlace(file: string, parts: number, gapMs: () => number) {
    const bytes = readFileSync(join(dir, file));
    const fd = openSync(join(dir, file), 'r+');
    try {
      ftruncateSync(fd, 0);
      const step = Math.ceil(bytes.length / parts);
      for (let at = 0; at < bytes.length; at += step) {
        await sleep(gapMs());
        writeSync(fd, bytes, at, Math.min(step, bytes.length - at), at);
      }
    } finally {
      closeSync(fd);
    }
  }

  const noProbeFailed = () => {
    expect(failures, 'the probed route failed').toEqual([]);
    expect(probes).toBeGreaterThan(50);
  };

  beforeAll(async () => {
    app = await startBackend('app', { host: '127.0.0.42' });
    port = await freePort(ADDRESS);
    mkdirSync(dir, { recursive: true });
    writeYaml(dir, 'gateway.yaml', gatewayDocs());
    writeYaml(dir, 'services.yaml', service('app', app));
    writeYaml(dir, 'route.yaml', [routeDoc('probed', 'probed.test')]);
    // Present at startup: a kind and a name that are Object.prototype members used to kill it.
    writeFileSync(
      join(dir, 'evil-at-start.yaml'),
      'apiVersion: v1\nkind: constructor\nmetadata: { name: toString }\n---\napiVersion: v1\nkind: __proto__\nmetadata: { name: a }\n',
    );
    gh = await startGatehouse({ configDir: dir, dataDir: join(root, 'data') });
    envoy = await startEnvoy({ gateway: 'default/gw', xdsPort: gh.xdsPort, workDir: join(root, 'work') });
    await waitFor('the probed route served', async () => (await get('probed.test').catch(() => ({ backend: undefined }))).backend === 'app');
    prober = (async () => {
      while (probing) {
        const r = await get('probed.test').catch((e: Error) => ({ status: 0, backend: e.message }));
        if (counting) {
          probes++;
          if (r.status !== 200 || r.backend !== 'app') failures.push(`${new Date().toISOString()} ${r.status} ${r.backend}`);
        }
        await sleep(10);
      }
    })();
  });

  afterAll(async () => {
    probing = false;
    await prober;
    await envoy?.stop();
    await gh?.stop();
    await app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("a route's file rewritten in place 30 times (empty, then half a document, then whole) never fails a probe", async () => {
    for (let i = 0; i < 30; i++) {
      await rewriteInPlace('route.yaml', 2, () => 5 + Math.floor(Math.random() * 35));
      await sleep(20 + Math.floor(Math.random() * 40));
    }
    await sleep(500);
    noProbeFailed();
    expect((await resources()).problems).toEqual([]);
  });

  it("the Gateway's file rewritten in place (in three pieces) never takes its listener away", async () => {
    for (let i = 0; i < 20; i++) {
      await rewriteInPlace('gateway.yaml', 3, () => 5 + Math.floor(Math.random() * 25));
      await sleep(20 + Math.floor(Math.random() * 40));
    }
    await sleep(500);
    noProbeFailed();
    expect((await envoy.stats())['listener_manager.total_listeners_active']).toBe(1);
  });

  it('hostile files change nothing for what is served, and each is reported with its file', async () => {
    const names = 'abcdefghij';
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++)
      bomb.push(
        `${names[i]}: &${names[i]} [${Array(9)
          .fill(`*${names[i - 1]}`)
          .join(',')}]`,
      );
    const hostile: Record<string, string | Buffer> = {
      'alias-bomb.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\n${bomb.join('\n')}\n`,
      'prototype-kinds.yaml': ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']
        .map((k) => `apiVersion: v1\nkind: ${k}\nmetadata: { name: ${k.toLowerCase().replace(/_/g, 'x')} }\n`)
        .join('---\n'),
      'prototype-names.yaml': `apiVersion: ${'constructor'}\nkind: Service\nmetadata: { name: valueof, namespace: constructor }\nspec: { ports: [{ port: 80 }] }\n`,
      'list.yaml': 'apiVersion: v1\nkind: List\nitems:\n  - 5\n  - null\n  - { apiVersion: v1, kind: List, items: 7 }\n',
      'scalar.yaml': 'just words\n',
      'binary.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe]),
      'deep.json': `{"apiVersion":"v1","kind":"Service","metadata":{"name":"d"},"spec":${'['.repeat(300_000)}${']'.repeat(300_000)}}`,
      'huge-kind.yaml': `apiVersion: v1\nkind: ${'K'.repeat(1_000_000)}\nmetadata: { name: a }\n`,
      'too-big.yaml': `# ${'x'.repeat(5 * 1024 * 1024)}\n`,
    };
    for (const [file, text] of Object.entries(hostile)) writeFileSync(join(dir, file), text);
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    writeFileSync(join(root, 'outside.yaml'), readFileSync(join(dir, 'route.yaml')));
    symlinkSync(join(root, 'outside.yaml'), join(dir, 'outside-link.yaml'));
    symlinkSync(join(root, 'nowhere.yaml'), join(dir, 'dangling.yaml'));
    const reported = ['fifo.yaml', 'outside-link.yaml', 'dangling.yaml', ...Object.keys(hostile)];
    const named = (l: Listed) => new Set([...l.problems.map((p) => p.file), ...l.items.filter((i) => i.state !== 'accepted').map((i) => i.origin.file)]);
    await waitFor(
      'every hostile file reported',
      async () => {
        const l = await resources();
        return reported.every((f) => named(l).has(f));
      },
      30_000,
    );
    const l = await resources();
    for (const p of l.problems) {
      expect(p.line, p.message).toBeGreaterThanOrEqual(1);
      expect(p.message.length).toBeLessThan(5000);
    }
    for (const i of l.items) for (const m of i.messages) expect(m.length).toBeLessThan(5000);
    expect(l.problems).toContainEqual({ file: 'too-big.yaml', line: 1, message: '5.0 MiB is over the 4 MiB limit (--max-file-bytes); not read' });
    expect(l.problems).toContainEqual({ file: 'outside-link.yaml', line: 1, message: 'symlink to a path outside the config directory; not read' });
    // Still alive, still serving, still taking updates.
    expect((await fetch(`${gh.admin}/readyz`)).status).toBe(200);
    expect(gh.exited).toBe(false);
    writeYaml(dir, 'later.yaml', [routeDoc('later', 'later.test')]);
    await waitFor('a route added after the hostile files', async () => (await get('later.test')).backend === 'app');
    noProbeFailed();
  });

  it('a route file emptied for good withdraws its route once it has settled; restored, it is served again', async () => {
    counting = false; // from here on the probed route is meant to go away
    const before = readFileSync(join(dir, 'route.yaml'));
    writeFileSync(join(dir, 'route.yaml'), '');
    await waitFor('the route withdrawn', async () => (await get('probed.test')).status === 404);
    writeFileSync(join(dir, 'route.yaml'), before);
    await waitFor('the route served again', async () => (await get('probed.test')).backend === 'app');
  });
});
