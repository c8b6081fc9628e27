#!/usr/bin/env bash
# A command (default: a shell) inside the network namespace of a running `make dev-cluster`, where pod IPs, Service
# ClusterIPs and LoadBalancer addresses answer:   scripts/kube/node/dev-shell.sh curl -s http://10.244.2.2/
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
pidfile=$root/.gatehouse/dev-cluster/netns.pid
[ -f "$pidfile" ] || { echo "dev-shell.sh: no dev cluster is running (make dev-cluster)" >&2; exit 1; }
pid=$(cat "$pidfile")
[ $# -gt 0 ] || set -- bash
export KUBECONFIG=$root/.gatehouse/dev-cluster/cluster/kubeconfig GATEHOUSE_NETNS=br0
# As root, enter the network namespace; otherwise also the user namespace in-netns.sh made (keeping our credentials).
if [ "$(id -u)" -eq 0 ]; then exec nsenter -t "$pid" -n -- "$@"; fi
exec nsenter -t "$pid" -U -n --preserve-credentials -- "$@"
