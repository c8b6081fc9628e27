// Container images this node can run, each mapped to local programs (the machine has no container runtime and no
// registry of images): the image's ENTRYPOINT/CMD as Kubernetes applies them (command replaces ENTRYPOINT and drops CMD;
// args replaces CMD), and the programs inside the image a container may name in `command`. An image or program not in
// the map is refused with a message naming what would make it run, and the pod stays Pending.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Container } from './types.ts';

export interface ImageRule {
  /** For messages: what this image is. */
  name: string;
  /** The image reference without tag or digest, e.g. registry.k8s.io/gateway-api/conformance/echo-basic. */
  match: (repository: string) => boolean;
  entrypoint: string[];
  cmd?: string[];
  /** Program paths inside the image (or bare names found on its PATH) → the local program. */
  programs: Record<string, string>;
  /** Why a program may be missing locally, and how to get it. */
  missingHint?: string;
}

export interface LocalPrograms {
  /** scripts/kube/build.sh echo-basic */
  echoBasic: string;
  /** The pinned Envoy ($GATEHOUSE_ENVOY). */
  envoy: string;
}

/** The repository part of an image reference (tag and digest removed; docker.io/library/ prefixes dropped). */
export function repositoryOf(image: string): string {
  let ref = image.split('@')[0] ?? image;
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  return ref.replace(/^(docker\.io\/)?(library\/)?/, '');
}

const endsWith =
  (...names: string[]) =>
  (repo: string) =>
    names.some((n) => repo === n || repo.endsWith(`/${n}`));

export function defaultImageRules(p: LocalPrograms): ImageRule[] {
  const hostTools = Object.fromEntries(
    ['sh', 'sleep', 'echo', 'cat', 'true', 'false', 'env', 'ls', 'test'].flatMap((t) => {
      const local = ['/bin', '/usr/bin'].map((d) => `${d}/${t}`).find((f) => existsSync(f));
      return local
        ? [
            [t, local],
            [`/bin/${t}`, local],
          ]
        : [];
    }),
  );
  return [
    {
      // The Gateway API conformance suite's backend (gateway-api-conformance-images/echo-basic; Dockerfile ENTRYPOINT).
      name: 'echo-basic',
      match: endsWith('gateway-api/conformance/echo-basic', 'k8s-staging-gateway-api/echo-basic', 'echo-basic'),
      entrypoint: ['/echo-basic'],
      programs: { '/echo-basic': p.echoBasic, 'echo-basic': p.echoBasic },
      missingHint: 'build it with scripts/kube/build.sh echo-basic',
    },
    {
      // Envoy's images (distroless and the full one): ENTRYPOINT /usr/local/bin/envoy with CMD -c /etc/envoy/envoy.yaml.
      name: 'envoy',
      match: endsWith('envoyproxy/envoy'),
      entrypoint: ['/usr/local/bin/envoy'],
      cmd: ['-c', '/etc/envoy/envoy.yaml'],
      programs: { '/usr/local/bin/envoy': p.envoy, envoy: p.envoy },
      missingHint: 'set GATEHOUSE_ENVOY to the pinned Envoy (make setup installs it)',
    },
    {
      // Small shell tools from the host, for init containers, exec probes and quick experiments.
      name: 'busybox',
      match: endsWith('busybox'),
      entrypoint: [],
      cmd: ['sh'],
      programs: hostTools,
    },
  ];
}

export type Resolved = { ok: true; rule: ImageRule; argv: string[] } | { ok: false; reason: string; message: string };

/** The argv a container runs here, or why it cannot run. */
export function resolveImage(rules: readonly ImageRule[], container: Container): Resolved {
  const repo = repositoryOf(container.image);
  const rule = rules.find((r) => r.match(repo));
  if (!rule) {
    const known = rules.map((r) => r.name).join(', ');
    return {
      ok: false,
      reason: 'ErrImagePull',
      message: `image ${JSON.stringify(container.image.slice(0, 200))} is not mapped to a local program on this test node (it runs: ${known}); see scripts/kube/node/images.ts`,
    };
  }
  const argv = container.command?.length ? [...container.command, ...(container.args ?? [])] : [...rule.entrypoint, ...(container.args ?? rule.cmd ?? [])];
  const program = argv[0];
  if (!program)
    return { ok: false, reason: 'CreateContainerError', message: `container ${container.name}: no command and image ${rule.name} has no entrypoint` };
  const local = rule.programs[program] ?? (program.includes('/') ? undefined : rule.programs[basename(program)]);
  if (!local) {
    return {
      ok: false,
      reason: 'CreateContainerError',
      message: `container ${container.name}: ${JSON.stringify(program.slice(0, 200))} is not a program this node maps for image ${rule.name} (known: ${Object.keys(rule.programs).sort().join(', ')})`,
    };
  }
  if (!existsSync(local))
    return {
      ok: false,
      reason: 'ErrImagePull',
      message: `image ${rule.name}: the local program ${local} is missing${rule.missingHint ? `: ${rule.missingHint}` : ''}`,
    };
  return { ok: true, rule, argv: [local, ...argv.slice(1)] };
}
