#!/usr/bin/env bash
# Runs a command inside a network namespace of its own, for Kubernetes-mode tests: the apiserver refuses EndpointSlice
# addresses in 127.0.0.0/8, so local backends and Gateways need private addresses, which a fresh namespace gives us
# without touching the machine's own network. Inside: lo up, a bridge br0 carrying 10.244.0.1/24, a default route via
# br0 (kube-apiserver needs one to start). Backends bind to addresses added to br0 (test/harness/kube.ts: addAddress).
#
#   scripts/kube/in-netns.sh <command> [args...]        e.g. scripts/kube/in-netns.sh npx vitest run test/e2e/kube-
#   scripts/kube/in-netns.sh bash                       an interactive shell in a private namespace
#
# A new namespace reaches no registry: the Kubernetes binaries and Gateway API CRDs are built first (build.sh; one
# line when cached; GATEHOUSE_KUBE_SKIP_BUILD=1 skips that). As root: `unshare --net`; otherwise a user namespace
# maps us to root inside (`unshare --user --map-root-user --net`). The namespace ends with the command.
# Inside, GATEHOUSE_NETNS=br0, GATEHOUSE_NETNS_CIDR=10.244.0.0/24 and GATEHOUSE_NETNS_GATEWAY=10.244.0.1 are set, and
# where the kernel has IPv6, br0 also carries fd00:10:244::1/64 (GATEHOUSE_NETNS_CIDR6, GATEHOUSE_NETNS_GATEWAY6).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bridge=br0 cidr=10.244.0.0/24 gateway=10.244.0.1 prefix=24 cidr6=fd00:10:244::/64 gateway6=fd00:10:244::1

if [ $# -eq 0 ]; then
  echo "usage: scripts/kube/in-netns.sh <command> [args...]" >&2
  exit 2
fi

if [ "${1:-}" = --setup-inside ]; then
  shift
  # Only ever configure a namespace we just created: it has no address but loopback's. Refuse anything else (e.g. this
  # flag passed by hand on the machine's own network).
  if [ -n "$(ip -o addr show | awk '$2 != "lo"')" ]; then
    echo "in-netns.sh: refusing to configure a namespace that already has non-loopback addresses" >&2
    exit 1
  fi
  ip link set lo up
  ip link add "$bridge" type bridge
  ip link set "$bridge" up
  ip addr add "$gateway/$prefix" dev "$bridge"
  ip route add default dev "$bridge"
  export GATEHOUSE_NETNS=$bridge GATEHOUSE_NETNS_CIDR=$cidr GATEHOUSE_NETNS_GATEWAY=$gateway
  # IPv6 too (a ULA; nodad: a bridge without ports would keep the address tentative), where the kernel has it.
  if ip -6 addr add "$gateway6/64" dev "$bridge" nodad 2>/dev/null && ip -6 route add default dev "$bridge" 2>/dev/null; then
    export GATEHOUSE_NETNS_CIDR6=$cidr6 GATEHOUSE_NETNS_GATEWAY6=$gateway6
  fi
  exec "$@"
fi

if [ -n "${GATEHOUSE_NETNS:-}" ] && ip link show "$GATEHOUSE_NETNS" >/dev/null 2>&1; then
  exec "$@" # already inside one
fi

[ "${GATEHOUSE_KUBE_SKIP_BUILD:-}" = 1 ] || bash "$here/build.sh" kube gateway-api
if [ "$(id -u)" -eq 0 ]; then ns=(unshare --net); else ns=(unshare --user --map-root-user --net); fi
exec "${ns[@]}" -- bash "$here/in-netns.sh" --setup-inside "$@"
