// Real peers for the quickstart and the end-to-end tests: the Gatehouse process, Envoy, HTTP backends.
// Plain ESM JavaScript so `node scripts/quickstart.mjs` runs it without a build step.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = join(ROOT, 'apps/cli/dist/main.js');
/**
 * The V8 flags Gatehouse runs with (the `gatehouse` launcher's shebang has them too): a larger young generation, as
 * translation allocates in bursts — about 10% off a 10,000-route translation, at the same peak RSS.
 */
export const NODE_FLAGS = ['--max-semi-space-size=64'];

export function envoyBinary() {
  const bin = process.env.GATEHOUSE_ENVOY || join(ROOT, '.tools/venv/bin/envoy');
  if (!existsSync(bin)) throw new Error(`Envoy not found at ${bin}: run "make setup" first`);
  return bin;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor(what, fn, timeoutMs = 20_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

// Every child started here dies with its parent, even when a script or test throws before stopping it.
const children = new Set();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A child process whose output is kept (and shown when something fails). */
export function startProcess(name, command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.on('exit', () => children.delete(child));
  const proc = { name, child, output: '', exited: false, code: null };
  // options.echo: true shows everything; a function gets each line and shows what it returns (nothing for undefined).
  let partial = '';
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const keep = (chunk) => {
    log?.write(chunk);
    proc.output += chunk;
    if (proc.output.length > 200_000) proc.output = proc.output.slice(-100_000);
    if (options.echo === true) process.stderr.write(chunk);
    else if (typeof options.echo === 'function') {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const shown = options.echo(line);
        if (shown !== undefined) process.stderr.write(`${shown}\n`);
      }
    }
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  proc.done = new Promise((r) =>
    child.on('exit', (code, signal) => {
      proc.exited = true;
      proc.code = code ?? signal;
      r(proc.code);
    }),
  );
  proc.stop = async (signal = 'SIGTERM', graceMs = 5000) => {
    if (proc.exited) return proc.code;
    child.kill(signal);
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await proc.done;
    clearTimeout(t);
    return code;
  };
  return proc;
}

/** Starts `gatehouse serve`; resolves with its xDS and admin ports once /readyz answers. */
export async function startGatehouse({ configDir, kubeconfig, dataDir, xdsPort = 0, adminPort = 0, echo = false, logFile, logLevel = 'info', args = [], env }) {
  const source = kubeconfig ? ['--kubeconfig', kubeconfig] : ['--config-dir', configDir];
  const proc = startProcess(
    'gatehouse',
    process.execPath,
    [
      ...NODE_FLAGS,
      CLI,
      'serve',
      ...source,
      '--data-dir',
      dataDir,
      '--xds-port',
      String(xdsPort),
      '--admin-port',
      String(adminPort),
      '--log-level',
      logLevel,
      ...args,
    ],
    { echo, logFile, ...(env ? { env: { ...process.env, ...env } } : {}) },
  );
  const m = await waitFor('gatehouse to start', () => {
    if (proc.exited) throw new Error(`gatehouse exited (${proc.code}):\n${proc.output}`);
    return /xDS on [^:]+:(\d+), admin on http:\/\/[^:]+:(\d+)/.exec(proc.output);
  });
  const gh = Object.assign(proc, { xdsPort: Number(m[1]), adminPort: Number(m[2]) });
  gh.admin = `http://127.0.0.1:${gh.adminPort}`;
  await waitFor('gatehouse /readyz', async () => (await fetch(`${gh.admin}/readyz`)).ok);
  return gh;
}

let baseId = 0;

/** Starts a real Envoy for `gateway` against Gatehouse; resolves once Envoy's admin answers. */
export async function startEnvoy({ gateway, xdsPort, delta = false, workDir, echo = false, logLevel = 'warn' }) {
  const { envoyBootstrap } = await import(join(ROOT, 'libs/xds/dist/index.js'));
  mkdirSync(workDir, { recursive: true });
  const tag = `${gateway.replace('/', '-')}-${delta ? 'delta' : 'sotw'}-${++baseId}`;
  const bootstrapPath = join(workDir, `envoy-${tag}.json`);
  const adminPath = join(workDir, `envoy-${tag}.admin`);
  writeFileSync(bootstrapPath, JSON.stringify(envoyBootstrap({ gateway, xdsHost: '127.0.0.1', xdsPort, delta, nodeId: `envoy-${tag}` })));
  const proc = startProcess(
    'envoy',
    envoyBinary(),
    [
      '-c',
      bootstrapPath,
      '--concurrency',
      '1',
      '--use-dynamic-base-id',
      '--admin-address-path',
      adminPath,
      '-l',
      logLevel,
      '--drain-time-s',
      '1',
      '--parent-shutdown-time-s',
      '2',
    ],
    { echo },
  );
  const admin = await waitFor('envoy admin', () => {
    if (proc.exited) throw new Error(`envoy exited (${proc.code}):\n${proc.output}`);
    return existsSync(adminPath) && readFileSync(adminPath, 'utf8').trim();
  });
  const envoy = Object.assign(proc, { admin: `http://${admin}` });
  /** Envoy's stats as a map (counters and gauges). */
  envoy.stats = async () => {
    const text = await (await fetch(`${envoy.admin}/stats`)).text();
    return Object.fromEntries(
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const i = l.lastIndexOf(': ');
          return [l.slice(0, i), Number(l.slice(i + 2))];
        }),
    );
  };
  return envoy;
}

/** An HTTP server on 127.0.0.x answering `name` and what it saw, as JSON. */
export async function startBackend(name, { host = '127.0.0.1', port = 0 } = {}) {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers });
      // Test controls: ?delay=<ms> answers late, ?status=<code> answers with that status.
      const q = new URL(req.url ?? '/', 'http://x').searchParams;
      const reply = () => {
        res.statusCode = Number(q.get('status') ?? 200);
        res.setHeader('content-type', 'application/json');
        res.setHeader('x-backend', name);
        res.end(JSON.stringify({ backend: name, method: req.method, url: req.url, headers: req.headers, body }) + '\n');
      };
      const delay = Number(q.get('delay') ?? 0);
      if (delay > 0) setTimeout(reply, delay);
      else reply();
    });
  });
  await new Promise((r, j) => server.once('error', j).listen(port, host, r));
  return { name, host, port: server.address().port, seen, close: () => new Promise((r) => server.close(r)) };
}

/** One HTTP request (node:http, so the Host header can be set freely). */
export function request(url, { host, method = 'GET', headers = {}, body, timeoutMs = 5000 } = {}) {
  return new Promise((resolveRes, reject) => {
    const req = http.request(url, { method, headers: { ...(host ? { host } : {}), ...headers }, timeout: timeoutMs, agent: false }, (res) => {
      let text = '';
      res
        .setEncoding('utf8')
        .on('data', (c) => (text += c))
        .on('end', () => {
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolveRes({ status: res.statusCode, headers: res.headers, text, json, backend: res.headers['x-backend'] });
        });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** A free TCP port on `host` (bound then released). */
export async function freePort(host = '127.0.0.1') {
  const srv = http.createServer();
  await new Promise((r) => srv.listen(0, host, r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}
