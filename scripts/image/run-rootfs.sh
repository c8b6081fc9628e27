#!/usr/bin/env bash
# Runs a command over an unpacked image root the way a pod runs its container, without a container engine: a mount
# and PID namespace of its own, the root filesystem read-only, emptyDirs (tmpfs) at /tmp and /var/lib/gatehouse
# owned by the user, /proc and /dev, read-only bind mounts (e.g. a ServiceAccount token at
# /var/run/secrets/kubernetes.io/serviceaccount), as a non-root user, with only the environment given. The network is
# the caller's (so the caller reaches the admin port and the command reaches a local apiserver). Needs root.
#
#   run-rootfs.sh ROOTFS UID:GID [--mount SRC:DEST]... [--env NAME=VALUE]... -- COMMAND [ARGS...]
#
# SIGTERM (or SIGINT) to this script reaches the command as SIGTERM, as a kubelet stops a container; when the command
# exits, the PID namespace ends and everything it started goes with it.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: run-rootfs.sh ROOTFS UID:GID [--mount SRC:DEST]... [--env NAME=VALUE]... -- COMMAND [ARGS...]" >&2; exit 2; }

if [ "${1:-}" = --inside ]; then
  shift
  rootfs=$1 user=$2
  shift 2
  mounts=() envs=()
  while [ "$1" != -- ]; do
    case "$1" in
      --mount) mounts+=("$2"); shift 2 ;;
      --env) envs+=("$2"); shift 2 ;;
      *) echo "run-rootfs.sh: unknown option $1" >&2; exit 2 ;;
    esac
  done
  shift
  uid=${user%%:*} gid=${user##*:}
  # Mount points, made in the unpacked copy before its root turns read-only (as a runtime does on its overlay).
  for m in "${mounts[@]}"; do mkdir -p "$rootfs/${m#*:}"; done
  mkdir -p "$rootfs/tmp" "$rootfs/var/lib/gatehouse" "$rootfs/proc" "$rootfs/dev"
  mount --make-rprivate /
  mount --bind "$rootfs" "$rootfs"
  mount -o remount,bind,ro "$rootfs"
  mount -t tmpfs -o mode=1777,size=64m tmpfs "$rootfs/tmp"
  mount -t tmpfs -o "mode=0700,uid=$uid,gid=$gid,size=256m" tmpfs "$rootfs/var/lib/gatehouse"
  mount -t proc proc "$rootfs/proc"
  mount --rbind /dev "$rootfs/dev"
  for m in "${mounts[@]}"; do
    mount --bind "${m%%:*}" "$rootfs/${m#*:}"
    mount -o remount,bind,ro "$rootfs/${m#*:}"
  done
  chroot=$(command -v chroot)
  # This shell is the namespace's PID 1: it runs the command (whose user change drops any parent-death signal) as a
  # child and forwards SIGTERM to it; when the command exits, so does PID 1, and the kernel ends the namespace.
  env -i "${envs[@]}" "$chroot" --userspec="$user" "$rootfs" "$@" &
  child=$!
  trap 'kill -TERM "$child" 2>/dev/null' TERM INT
  code=0
  while kill -0 "$child" 2>/dev/null; do wait "$child" || code=$?; done
  exit "$code"
fi

[ "$(id -u)" -eq 0 ] || { echo "run-rootfs.sh: needs root (mount namespace, chroot)" >&2; exit 1; }
# unshare --fork ignores SIGTERM while it waits: a SIGTERM here kills it, and its death sends PID 1 SIGTERM. It also
# dies with this script, however this script ends (setpriv --pdeathsig), so nothing outlives the caller.
setpriv --pdeathsig KILL -- unshare --mount --pid --fork --kill-child=SIGTERM -- bash "${BASH_SOURCE[0]}" --inside "$@" &
ns=$!
trap 'kill -KILL "$ns" 2>/dev/null' TERM INT
code=0
while kill -0 "$ns" 2>/dev/null; do wait "$ns" || code=$?; done
exit "$code"
