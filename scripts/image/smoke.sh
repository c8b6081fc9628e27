#!/usr/bin/env bash
# Proves an image's entrypoint starts: unpacks it (umoci), runs its entrypoint as its config says (user, working dir,
# environment) over the read-only rootfs in a namespace of its own (run-rootfs.sh), in standalone mode on a config dir
# in its emptyDir, and waits for /healthz and /readyz. Needs root.
#
#   scripts/image/smoke.sh oci:<layout>:<tag>
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
image=${1:?usage: smoke.sh oci:<layout>:<tag>}
image=${image#oci:}
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
umoci unpack --image "$image" "$work/bundle" >/dev/null
# The entrypoint, user and environment the image's config declares (umoci writes them to config.json).
mapfile -t spec < <(node -e "
  const c = JSON.parse(require('fs').readFileSync('$work/bundle/config.json', 'utf8')).process;
  console.log(c.user.uid + ':' + c.user.gid); console.log(c.cwd);
  console.log(JSON.stringify(c.env)); console.log(JSON.stringify(c.args));")
user=${spec[0]}
env_json=${spec[2]}
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
mapfile -t envs < <(node -e "for (const e of $env_json) console.log(e)")
mapfile -t entry < <(node -e "for (const a of ${spec[3]}) if (a !== '--help') console.log(a)")
envargs=()
for e in "${envs[@]}"; do envargs+=(--env "$e"); done
# Standalone mode on a config dir mounted read-only (as a ConfigMap would be): a GatewayClass and a Gateway.
mkdir -p "$work/config"
cat >"$work/config/gateway.yaml" <<'YAML'
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: gatehouse }
spec: { controllerName: gatehouse.dev/gateway-controller }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: smoke, namespace: default }
spec: { gatewayClassName: gatehouse, listeners: [{ name: http, protocol: HTTP, port: 8080 }] }
YAML
chmod -R a+rX "$work/config"
log=$work/gatehouse.log
bash "$HERE/run-rootfs.sh" "$work/bundle/rootfs" "$user" --mount "$work/config:/etc/gatehouse/config" "${envargs[@]}" -- "${entry[@]}" serve \
  --config-dir /etc/gatehouse/config --data-dir /var/lib/gatehouse --admin-port "$port" --xds-port 0 >"$log" 2>&1 &
pid=$!
ok=
for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.2
done
if [ -z "$ok" ]; then
  echo "image smoke test: the entrypoint did not become ready on :$port; its output:" >&2
  cat "$log" >&2
  exit 1
fi
health=$(curl -fsS "http://127.0.0.1:$port/healthz")
echo "image smoke test: entrypoint '${entry[*]} serve' as $user on a read-only root: /healthz $health, /readyz ok"
