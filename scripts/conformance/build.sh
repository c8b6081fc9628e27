#!/usr/bin/env bash
# Builds, once, everything `make conformance` runs: the local control plane and the echo-basic backend
# (scripts/kube/build.sh kube gateway-api echo-basic) and the Gateway API conformance suite itself — the unmodified test
# package of sigs.k8s.io/gateway-api/conformance@v1.7.0 compiled with `go test -c` (Go 1.27, fetched by the go command
# as GOTOOLCHAIN) into ~/.cache/gatehouse/conformance-v1.7.0/conformance.test. A warm run prints one line.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kube=$(cd "$here/../kube" && pwd)
# shellcheck source=../kube/versions.env
source "$kube/versions.env"
cache=${GATEHOUSE_CACHE:-$HOME/.cache/gatehouse}
dir=$cache/conformance-$GATEWAY_API_VERSION
images_module=sigs.k8s.io/gateway-api-conformance-images

bash "$kube/build.sh" kube gateway-api echo-basic

# The binary is keyed by the module files it was built from.
stamp=$(cat "$here/suite/go.mod" "$here/suite/go.sum" "$here/suite/suite.go" | sha256sum | cut -c1-16)
if [ -x "$dir/conformance.test" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "conformance build: cached — the Gateway API $GATEWAY_API_VERSION suite in $dir/conformance.test ($(cat "$dir/suite.info"))"
  exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.conformance-build.lock"
if ! flock -n 9; then
  echo "conformance build: another build holds $cache/.conformance-build.lock; waiting for it"
  flock 9
fi
if [ -x "$dir/conformance.test" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$stamp" ]; then exit 0; fi

t0=$(date +%s)
echo "conformance build: the Gateway API $GATEWAY_API_VERSION conformance suite (go test -c, GOTOOLCHAIN=$GATEWAY_API_GOTOOLCHAIN; cold: ~5 min)"
export CGO_ENABLED=0 GOTOOLCHAIN=$GATEWAY_API_GOTOOLCHAIN GOFLAGS="-mod=mod -buildvcs=false"
mod=$dir/module
rm -rf "$mod" && mkdir -p "$mod"
cp "$here/suite/go.mod" "$here/suite/go.sum" "$here/suite/suite.go" "$mod/"
# The suite requires gateway-api-conformance-images v0.2.0; the module proxy here refuses it (403). Use it when it is
# served, else the replace in go.mod (v0.1.0, the same gRPC/UDP client stubs) stands.
wanted=$(awk -v m="$images_module" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$mod/go.mod")
if (cd / && GOFLAGS= go mod download -json "$images_module@$wanted" 2>/dev/null | grep -q '"Dir"'); then
  (cd "$mod" && go mod edit -dropreplace="$images_module")
  images=$wanted
else
  images=$(awk -v m="$images_module" '$1 == "replace" && $2 == m { print $NF; exit }' "$mod/go.mod")
  echo "conformance build: $images_module@$wanted is not served by the module proxy; the client stubs of $images are used (go.mod replace)"
  images="$images (replacing $wanted)"
fi
(cd "$mod" && nice -n 15 go test -c -trimpath -o "$dir/conformance.test.tmp" sigs.k8s.io/gateway-api/conformance)
mv "$dir/conformance.test.tmp" "$dir/conformance.test"
echo "sigs.k8s.io/gateway-api/conformance $GATEWAY_API_VERSION, $images_module $images, $(cd "$mod" && go version | awk '{print $3}')" >"$dir/suite.info"
echo "$stamp" >"$dir/.stamp"
echo "conformance build: done in $(($(date +%s) - t0)) s -> $dir/conformance.test ($(cat "$dir/suite.info"))"
