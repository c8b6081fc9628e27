// `make quickstart`: Gatehouse + a real Envoy + two local backends, serving examples/quickstart/.
// Prints curl lines that work; Gatehouse's warnings and errors are shown as they happen (the full log is in a file);
// Ctrl-C (SIGINT) stops everything and exits 0.
//
// GATEHOUSE_QUICKSTART_ISOLATED=1 (the end-to-end test uses it) serves a copy of the example on its own loopback
// address (127.0.0.77), free admin/xDS ports and a temporary data directory, so it runs beside a real quickstart.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT, request, startBackend, startEnvoy, startGatehouse, waitFor } from './lib/peers.mjs';

const isolated = process.env.GATEHOUSE_QUICKSTART_ISOLATED === '1';
const host = isolated ? '127.0.0.77' : '127.0.0.1';
const scratch = isolated ? mkdtempSync(join(tmpdir(), 'gatehouse-quickstart-')) : undefined;
const configDir = scratch ? join(scratch, 'config') : join(ROOT, 'examples/quickstart');
const dataDir = scratch ? join(scratch, 'data') : join(ROOT, '.gatehouse/quickstart');
const logFile = join(dataDir, 'gatehouse.log');
if (scratch) {
  cpSync(join(ROOT, 'examples/quickstart'), configDir, { recursive: true });
  for (const f of readdirSync(configDir)) writeFileSync(join(configDir, f), readFileSync(join(configDir, f), 'utf8').replaceAll('127.0.0.1', host));
}
mkdirSync(dataDir, { recursive: true });
writeFileSync(logFile, '');

const stoppers = [];
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping Envoy, Gatehouse and the backends...');
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  console.log('Stopped.');
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

/** Gatehouse's log lines worth a person's attention while trying it: warnings and errors, marked as its own. */
const notable = (line) => (/ (WARN|ERROR) /.test(line) ? `gatehouse | ${line}` : undefined);

try {
  for (const [name, port] of [
    ['echo', 18081],
    ['canary', 18082],
  ]) {
    const b = await startBackend(name, { host, port });
    stoppers.push(b.close);
  }
  const gh = await startGatehouse({ configDir, dataDir, xdsPort: isolated ? 0 : 9977, adminPort: isolated ? 0 : 9091, echo: notable, logFile });
  stoppers.push(() => gh.stop('SIGTERM'));
  const envoy = await startEnvoy({ gateway: 'default/demo', xdsPort: gh.xdsPort, workDir: dataDir });
  stoppers.push(() => envoy.stop('SIGTERM'));
  await waitFor('Envoy to route the quickstart', async () => (await request(`http://${host}:10080/`, { host: 'echo.example.com' })).status === 200);
  const shown = relative(process.cwd(), configDir).startsWith('..') ? configDir : relative(process.cwd(), configDir) || '.';

  console.log(`
Gatehouse is serving ${shown}/ to a real Envoy, with two local backends (echo on ${host}:18081, canary on ${host}:18082).

  control plane  xDS 127.0.0.1:${gh.xdsPort}   admin ${gh.admin}  (try ${gh.admin}/api/v1/proxies)
  envoy          listener ${host}:10080     admin ${envoy.admin}
  full log       ${relative(process.cwd(), logFile).startsWith('..') ? logFile : relative(process.cwd(), logFile)}   (warnings and errors also appear below as "gatehouse | ...")

Try these (paste them in another terminal):

  curl -s -H 'Host: echo.example.com' http://${host}:10080/hello              # 90% echo, 10% canary
  curl -s -H 'Host: echo.example.com' http://${host}:10080/canary/path        # prefix match -> canary
  curl -s -H 'Host: echo.example.com' -H 'x-version: 2' http://${host}:10080/  # header match -> canary
  curl -s -o /dev/null -w '%{http_code}\\n' -H 'Host: unknown.example.com' http://${host}:10080/   # 404

Edit ${shown}/routes.yaml and the change is served within a second; a mistake is reported below (and by
"gatehouse check" after "source .tools/env.sh"), and everything else keeps serving.
Press Ctrl-C to stop.
`);
  gh.done.then((code) => {
    if (!stopping) {
      console.error(`Gatehouse exited (${code}):\n${gh.output}`);
      shutdown(1);
    }
  });
  envoy.done.then((code) => {
    if (!stopping) {
      console.error(`Envoy exited (${code}):\n${envoy.output}`);
      shutdown(1);
    }
  });
} catch (err) {
  console.error(`quickstart failed: ${err.message}`);
  await shutdown(1);
}
