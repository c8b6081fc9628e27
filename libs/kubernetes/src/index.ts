export { KubeApi, KubeError, type KubeApiOptions, type RequestOptions } from './kube-api.js';
export { WATCHED_KINDS, collectionPath, discoverKinds, missingKindHint, objectPath, watchedKinds, type KindSpec, type ServedKind } from './kinds.js';
export { KubernetesSource, type KubernetesSourceOptions, type LiveObject } from './kubernetes-source.js';
export { StatusWriter, type StatusWriterOptions, type StatusWriterStats } from './status/status-writer.js';
export { desiredStatus, withTimes, STATUS_KINDS, type Status, type StatusContext } from './status/desired-status.js';
export { LeaderElector, type LeaderElectionOptions } from './leader-election.js';
