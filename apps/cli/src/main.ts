#!/usr/bin/env node
// `gatehouse`: serve the control plane, print Envoy bootstraps.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { stringify } from 'yaml';
import { envoyBootstrap } from '@gatehouse/xds';
import { startController } from '@gatehouse/controller';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
}

function hostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  if (i <= 0) throw new InvalidArgumentError('must be HOST:PORT');
  return { host: value.slice(0, i), port: port(value.slice(i + 1)) };
}

/** Loads user plugins: a module whose default export (or `plugins` export) is a plugin or a list of them. */
async function loadPlugins(specs: string[]): Promise<TranslatorPlugin[]> {
  const out: TranslatorPlugin[] = [];
  for (const spec of specs) {
    const url = spec.startsWith('.') || spec.startsWith('/') ? pathToFileURL(resolve(spec)).href : spec;
    const mod = (await import(url)) as { default?: unknown; plugins?: unknown };
    const found = mod.plugins ?? mod.default;
    const list = (Array.isArray(found) ? found : [found]) as TranslatorPlugin[];
    if (!list.length || list.some((p) => !p || typeof p.name !== 'string')) {
      throw new InvalidArgumentError(`--plugin ${spec}: the module must export a plugin (an object with a name) or a list of plugins, as default or as "plugins"`);
    }
    out.push(...list);
  }
  return out;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const program = new Command('gatehouse').description('A pluggable gateway control plane for the Kubernetes Gateway API, serving Envoy over xDS.');

program
  .command('serve')
  .description('Run the control plane on a directory of Gateway API YAML (standalone mode)')
  .requiredOption('--config-dir <dir>', 'directory of YAML/JSON resources, watched recursively')
  .option('--xds-address <host>', 'address the xDS server binds', '127.0.0.1')
  .option('--xds-port <port>', 'xDS (ADS) gRPC port', port, 9977)
  .option('--admin-address <host>', 'address the admin API binds', '127.0.0.1')
  .option('--admin-port <port>', 'admin API port', port, 9091)
  .option('--data-dir <dir>', 'where Gatehouse keeps its state', '.gatehouse')
  .option('--envoy-bind-address <ip>', 'where Envoy listeners bind when a Gateway has no spec.addresses', '0.0.0.0')
  .option('--log-level <level>', 'debug | info | warn | error', 'info')
  .option('--plugin <module>', 'load a translation plugin module (repeatable)', collect, [])
  .option('--hook-budget-ms <ms>', 'a plugin hook slower than this rejects the resource it was processing', Number, 250)
  .action(async (o) => {
    const running = await startController({
      plugins: await loadPlugins(o.plugin),
      hookBudgetMs: o.hookBudgetMs,
      configDir: o.configDir,
      xdsAddress: o.xdsAddress,
      xdsPort: o.xdsPort,
      adminAddress: o.adminAddress,
      adminPort: o.adminPort,
      dataDir: o.dataDir,
      envoyBindAddress: o.envoyBindAddress,
      logLevel: o.logLevel,
    });
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await running.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program
  .command('bootstrap')
  .description('Print an Envoy bootstrap that connects to Gatehouse for one Gateway')
  .requiredOption('--gateway <ns/name>', 'the Gateway this Envoy serves')
  .option('--xds-address <host:port>', 'where Gatehouse serves xDS', hostPort, { host: '127.0.0.1', port: 9977 })
  .option('--delta', 'use incremental (delta) xDS instead of state-of-the-world', false)
  .option('--node-id <id>', 'Envoy node id (default envoy-<ns>-<name>)')
  .option('--admin-port <port>', "Envoy's admin port on 127.0.0.1 (0: any free port)", port, 0)
  .option('-o, --output <format>', 'yaml | json', 'yaml')
  .action((o) => {
    if (!/^[^/]+\/[^/]+$/.test(o.gateway)) throw new InvalidArgumentError('--gateway must be NAMESPACE/NAME');
    const b = envoyBootstrap({ gateway: o.gateway, xdsHost: o.xdsAddress.host, xdsPort: o.xdsAddress.port, delta: o.delta, adminPort: o.adminPort, ...(o.nodeId ? { nodeId: o.nodeId } : {}) });
    process.stdout.write(o.output === 'json' ? JSON.stringify(b, null, 2) + '\n' : stringify(b));
  });

await program.parseAsync(process.argv);
