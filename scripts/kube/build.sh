#!/usr/bin/env bash
# Builds, once, the real Kubernetes control plane the Kubernetes-mode tests and `make dev-cluster` run:
# kube-apiserver, kube-controller-manager, kubectl, etcd and helm, all from the Go module proxy (the machine
# has no internet and no container images), plus the Gateway API CRDs. Cached under ~/.cache/gatehouse/
# keyed by version; a warm run prints one line and does nothing.
#
#   scripts/kube/build.sh [kube] [helm] [gateway-api] [echo-basic]     (no argument: the first three)
#
# echo-basic is the Gateway API conformance suite's backend (sigs.k8s.io/gateway-api-conformance-images, the version
# of the echo-basic image the suite's manifests name), for the test node (scripts/kube/node/) to run as pods.
#
# Go builds run under `nice -n 15` (the machine is shared); concurrent runs wait on a lock.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${GATEHOUSE_CACHE:-$HOME/.cache/gatehouse}
kube_dir=$cache/kube-$KUBE_VERSION
helm_dir=$cache/helm-$HELM_VERSION
gw_dir=$cache/gateway-api-$GATEWAY_API_VERSION
# The suite's manifests run registry.k8s.io/gateway-api/conformance/echo-basic:v0.1.0 (scripts/kube/node/main.ts reads
# the same pin); its source module is published with the same tag.
ECHO_BASIC_VERSION=v0.1.0
echo_dir=$cache/echo-basic-$ECHO_BASIC_VERSION
kube_bins=(kube-apiserver kube-controller-manager kubectl etcd)

components=("$@")
[ ${#components[@]} -eq 0 ] && components=(kube helm gateway-api)
for c in "${components[@]}"; do
  case $c in kube | helm | gateway-api | echo-basic) ;; *) echo "build.sh: unknown component '$c' (kube, helm, gateway-api, echo-basic)" >&2; exit 2 ;; esac
done
wants() { local c; for c in "${components[@]}"; do [ "$c" = "$1" ] && return 0; done; return 1; }

missing_kube() { local b; for b in "${kube_bins[@]}"; do [ -x "$kube_dir/bin/$b" ] || echo "$b"; done; }
todo() {
  if wants kube && [ -n "$(missing_kube)" ]; then echo kube; fi
  if wants helm && [ ! -x "$helm_dir/bin/helm" ]; then echo helm; fi
  if wants gateway-api && [ ! -f "$gw_dir/.complete" ]; then echo gateway-api; fi
  if wants echo-basic && [ ! -x "$echo_dir/bin/echo-basic" ]; then echo echo-basic; fi
}
cached_line() {
  local parts=()
  wants kube && parts+=("kube $KUBE_VERSION (${kube_bins[*]}) in $kube_dir/bin")
  wants helm && parts+=("helm $HELM_VERSION in $helm_dir/bin")
  wants gateway-api && parts+=("Gateway API $GATEWAY_API_VERSION CRDs in $gw_dir")
  wants echo-basic && parts+=("echo-basic $ECHO_BASIC_VERSION in $echo_dir/bin")
  local IFS=';'
  echo "kube build: cached — ${parts[*]}" | sed 's/;/; /g'
}

if [ -z "$(todo)" ]; then cached_line; exit 0; fi

mkdir -p "$cache"
exec 9>"$cache/.kube-build.lock"
if ! flock -n 9; then
  echo "kube build: another build holds $cache/.kube-build.lock; waiting for it"
  flock 9
fi
if [ -z "$(todo)" ]; then cached_line; exit 0; fi

command -v go >/dev/null || { echo "kube build: the go command is needed (Go >= 1.24; https://go.dev/dl or Debian's golang-go)" >&2; exit 1; }
# auto: the machine's Go when it is new enough for the module, else the go command fetches the one it needs from the
# module proxy (the machine's go env may say local). The user's go env may set GOFLAGS (e.g. -buildvcs=false); the
# environment replaces it, so keep that flag.
export CGO_ENABLED=0 GOTOOLCHAIN=auto
build_flags="-mod=mod -buildvcs=false"
modcache=$(go env GOMODCACHE)
now() { date +%s; }
started=$(now)

# Download one module outside any main module and print the field of `go mod download -json` asked for.
mod_field() { # <module@version> <Field> [GOTOOLCHAIN]
  local out
  out=$(cd / && GOFLAGS= GOTOOLCHAIN=${3:-auto} go mod download -json "$1") || { echo "$out" >&2; return 1; }
  sed -n "s/^[[:space:]]*\"$2\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" <<<"$out" | head -n1
}

build_kube() {
  local t0 mod kmod info staging_version etcd_version build_date major minor ld pkgs=() b tmp
  t0=$(now)
  echo "kube build: kube-apiserver, kube-controller-manager, kubectl, etcd $KUBE_VERSION from the Go module proxy (cold: 10-20 min)"
  kmod=$(mod_field "k8s.io/kubernetes@$KUBE_VERSION" GoMod)
  info=$(mod_field "k8s.io/kubernetes@$KUBE_VERSION" Info)
  # kubernetes' go.mod replaces its staging modules with ./staging/...: point each at the published v0.x copy.
  mapfile -t staging < <(awk '$2 == "=>" && $3 ~ /^\.\/staging\// { print $1 }' "$kmod")
  [ ${#staging[@]} -gt 0 ] || { echo "kube build: no staging replaces found in $kmod" >&2; exit 1; }
  staging_version=v0.${KUBE_VERSION#v1.}
  etcd_version=$(awk '$1 == "go.etcd.io/etcd/server/v3" { print $2 }' "$kmod")
  [ -n "$etcd_version" ] || { echo "kube build: $kmod does not require go.etcd.io/etcd/server/v3" >&2; exit 1; }
  build_date=$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info")
  major=${KUBE_VERSION#v}; major=${major%%.*}
  minor=${KUBE_VERSION#v*.}; minor=${minor%%.*}

  mod=$kube_dir/tools-module
  rm -rf "$mod" && mkdir -p "$mod"
  cp "$here/tools/go.mod" "$here/tools/tools.go" "$mod/"
  [ -f "$here/tools/go.sum" ] && cp "$here/tools/go.sum" "$mod/"
  local edits=(-require="go.etcd.io/etcd/server/v3@$etcd_version")
  for m in "${staging[@]}"; do edits+=(-replace="$m=$m@$staging_version"); done
  (cd "$mod" && go mod edit "${edits[@]}" && GOFLAGS="$build_flags" nice -n 15 go mod tidy)
  echo "kube build: ${#staging[@]} staging replaces ($staging_version), etcd $etcd_version; module in $mod"

  ld="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=$build_date"
  done
  tmp=$kube_dir/bin.tmp
  rm -rf "$tmp" && mkdir -p "$tmp" "$kube_dir/bin"
  for b in $(missing_kube); do
    [ "$b" = etcd ] || pkgs+=("k8s.io/kubernetes/cmd/$b")
  done
  if [ ${#pkgs[@]} -gt 0 ]; then
    (cd "$mod" && GOFLAGS="$build_flags" nice -n 15 go build -trimpath -ldflags "$ld" -o "$tmp/" "${pkgs[@]}")
  fi
  if [ ! -x "$kube_dir/bin/etcd" ]; then
    (cd "$mod" && GOFLAGS="$build_flags" nice -n 15 go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)
  fi
  mv "$tmp"/* "$kube_dir/bin/" && rmdir "$tmp"
  "$kube_dir/bin/kube-apiserver" --version
  "$kube_dir/bin/etcd" --version | head -n1
  echo "kube build: done in $(($(now) - t0)) s -> $kube_dir/bin"
}

build_helm() {
  local t0 hmod client_go k8s_major k8s_minor ld tmp
  t0=$(now)
  echo "kube build: helm $HELM_VERSION from the Go module proxy"
  hmod=$(mod_field "helm.sh/helm/v3@$HELM_VERSION" GoMod)
  # helm's Makefile derives the Kubernetes version it assumes (for `helm lint`, .Capabilities) from client-go.
  client_go=$(awk '$1 == "k8s.io/client-go" { print $2 }' "$hmod")
  k8s_minor=${client_go#v0.}; k8s_minor=${k8s_minor%%.*}
  k8s_major=1
  ld="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
    ld+=" -X $p.k8sVersionMajor=$k8s_major -X $p.k8sVersionMinor=$k8s_minor"
  done
  tmp=$helm_dir/bin.tmp
  rm -rf "$tmp" && mkdir -p "$tmp"
  (cd / && GOFLAGS=-buildvcs=false GOBIN="$tmp" nice -n 15 go install -trimpath -ldflags "$ld" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
  rm -rf "$helm_dir/bin" && mv "$tmp" "$helm_dir/bin"
  "$helm_dir/bin/helm" version --short
  echo "kube build: helm done in $(($(now) - t0)) s -> $helm_dir/bin"
}

fetch_gateway_api() {
  local t0 dir tmp
  t0=$(now)
  echo "kube build: Gateway API $GATEWAY_API_VERSION CRDs (GOTOOLCHAIN=$GATEWAY_API_GOTOOLCHAIN, fetched once from the module proxy)"
  dir=$(mod_field "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION" Dir "$GATEWAY_API_GOTOOLCHAIN")
  [ -d "$dir/config/crd/experimental" ] || { echo "kube build: no config/crd in '$dir'" >&2; exit 1; }
  tmp=$gw_dir.tmp
  rm -rf "$tmp" && mkdir -p "$tmp"
  cp -r "$dir/config/crd/standard" "$dir/config/crd/experimental" "$tmp/"
  chmod -R u+w "$tmp"
  touch "$tmp/.complete"
  rm -rf "$gw_dir" && mv "$tmp" "$gw_dir"
  echo "kube build: Gateway API CRDs in $(($(now) - t0)) s -> $gw_dir/{standard,experimental}"
}

build_echo_basic() {
  local t0 tmp
  t0=$(now)
  echo "kube build: echo-basic $ECHO_BASIC_VERSION (the conformance suite's backend) from the Go module proxy"
  # A throwaway main module, not `go install pkg@version`: that asks the proxy for the module's version list
  # (deprecation check), which the proxy refuses for this module (403), while the version itself downloads.
  tmp=$echo_dir/build.tmp
  rm -rf "$tmp" && mkdir -p "$tmp/bin"
  (cd "$tmp" && GOFLAGS= go mod init gatehouse.dev/echo-basic-build >/dev/null 2>&1 \
    && go mod edit -require="sigs.k8s.io/gateway-api-conformance-images@$ECHO_BASIC_VERSION" \
    && GOFLAGS="$build_flags" nice -n 15 go build -trimpath -ldflags "-s -w" -o bin/echo-basic sigs.k8s.io/gateway-api-conformance-images/echo-basic)
  rm -rf "$echo_dir/bin" && mv "$tmp/bin" "$echo_dir/bin" && rm -rf "$tmp"
  echo "kube build: echo-basic done in $(($(now) - t0)) s -> $echo_dir/bin/echo-basic"
}

for c in $(todo); do
  case $c in
    kube) build_kube ;;
    helm) build_helm ;;
    gateway-api) fetch_gateway_api ;;
    echo-basic) build_echo_basic ;;
  esac
done
echo "kube build: finished in $(($(now) - started)) s"
