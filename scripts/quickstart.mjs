// `make quickstart`: Gatehouse + a real Envoy + two local backends, serving examples/quickstart/.
// Prints curl lines that work; Ctrl-C (SIGINT) stops everything and exits 0.
import { join } from 'node:path';
import { ROOT, request, startBackend, startEnvoy, startGatehouse, waitFor } from './lib/peers.mjs';

const configDir = join(ROOT, 'examples/quickstart');
const dataDir = join(ROOT, '.gatehouse/quickstart');
const stoppers = [];
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Envoy, Gatehouse and the backends...');
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  console.log('Stopped.');
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  for (const [name, port] of [['echo', 18081], ['canary', 18082]]) {
    const b = await startBackend(name, { port });
    stoppers.push(b.close);
  }
  const gh = await startGatehouse({ configDir, dataDir, xdsPort: 9977, adminPort: 9091 });
  stoppers.push(() => gh.stop('SIGTERM'));
  const envoy = await startEnvoy({ gateway: 'default/demo', xdsPort: gh.xdsPort, workDir: dataDir });
  stoppers.push(() => envoy.stop('SIGTERM'));
  await waitFor('Envoy to route the quickstart', async () => (await request('http://127.0.0.1:10080/', { host: 'echo.example.com' })).status === 200);

  console.log(`
Gatehouse is serving examples/quickstart/ to a real Envoy.

  control plane  xDS 127.0.0.1:${gh.xdsPort}   admin ${gh.admin}  (try ${gh.admin}/api/v1/proxies)
  envoy          listener 127.0.0.1:10080     admin ${envoy.admin}

Try these (paste them in another terminal):

  curl -s -H 'Host: echo.example.com' http://127.0.0.1:10080/hello              # 90% echo, 10% canary
  curl -s -H 'Host: echo.example.com' http://127.0.0.1:10080/canary/path        # prefix match -> canary
  curl -s -H 'Host: echo.example.com' -H 'x-version: 2' http://127.0.0.1:10080/  # header match -> canary
  curl -s -o /dev/null -w '%{http_code}\\n' -H 'Host: unknown.example.com' http://127.0.0.1:10080/   # 404

Edit examples/quickstart/routes.yaml and the change is served within a second.
Press Ctrl-C to stop.
`);
  gh.done.then((code) => { if (!stopping) { console.error(`Gatehouse exited (${code}):\n${gh.output}`); shutdown(1); } });
  envoy.done.then((code) => { if (!stopping) { console.error(`Envoy exited (${code}):\n${envoy.output}`); shutdown(1); } });
} catch (err) {
  console.error(`quickstart failed: ${err.message}`);
  await shutdown(1);
}
