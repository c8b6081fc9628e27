// Gatehouse's build recipe for a real local Kubernetes control plane (scripts/kube/build.sh).
// Only the require below is written by hand: build.sh copies this module into the cache, adds one
// `replace k8s.io/<staging> => k8s.io/<staging> v0.<minor>.<patch>` per staging module that
// k8s.io/kubernetes' own go.mod replaces with ./staging/..., and the etcd server version that go.mod requires.
module gatehouse.dev/kube-tools

go 1.24.0

require k8s.io/kubernetes v1.34.4
