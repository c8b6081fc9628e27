//go:build tools

// Package tools pins the commands scripts/kube/build.sh builds: kube-apiserver, kube-controller-manager,
// kubectl (all from k8s.io/kubernetes) and etcd (the version kubernetes' go.mod requires).
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
