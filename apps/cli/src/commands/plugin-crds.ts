// `gatehouse plugin-crds`: the CustomResourceDefinitions of the kinds plugins own (the built-in plugins' and those
// given with --plugin), as YAML for `kubectl apply -f -`. Production clusters install CRDs out of band; the control
// plane only checks they are served (and says which are missing). Each CRD is checked as the plugin loads: a CRD the
// apiserver would refuse is an error here too.
import { stringify } from 'yaml';
import { BUILTIN_PLUGINS, commandLineSpecs, describeLoad, loadPlugins } from '@gatehouse/controller';
import { pluginCrds, registerPluginKinds } from '@gatehouse/config-source';

/** Prints the CRDs to stdout; returns the exit code (1 when a plugin or one of its CRDs did not load). */
export async function runPluginCrds(modules: readonly string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const { plugins, report } = await loadPlugins(commandLineSpecs(modules), { builtin: BUILTIN_PLUGINS, searchDirs: [process.cwd()] });
  const errors = describeLoad(report).error;
  const all = [...BUILTIN_PLUGINS, ...plugins];
  try {
    registerPluginKinds(all);
  } catch (err) {
    errors.push((err as Error).message);
  }
  for (const e of errors) process.stderr.write(`gatehouse: ${e}\n`);
  const names = new Set(all.map((p) => p.name));
  const crds = pluginCrds().filter((c) => names.has(c.plugin));
  out(crds.map((c) => `# kind ${c.kind}, owned by plugin ${c.plugin}\n${stringify(c.crd, { lineWidth: 0 })}`).join('---\n'));
  if (crds.length === 0) process.stderr.write('gatehouse: no loaded plugin owns a kind (no CRD to print)\n');
  return errors.length ? 1 : 0;
}
