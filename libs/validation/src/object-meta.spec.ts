// metadata rules that need more than a corpus document shows: sizes, built-in kinds' stricter finalizers and
// generation, generateName masking, ownerReferences. Messages are the apiserver's (checked against v1.34).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '@gatehouse/api';
import { describeErrors, validateObject } from './index.js';

const route = (metadata: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r', namespace: 'default', ...metadata }, spec: {} }) as KubeObject;
const configMap = (metadata: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default', ...metadata } }) as KubeObject;
const errorsOf = (o: KubeObject) => describeErrors(validateObject(o).errors);

describe('metadata', () => {
  it.each<[string, KubeObject, string]>([
    ['annotations up to 256 KiB', route({ annotations: { a: 'x'.repeat(256 * 1024 - 1) } }), ''],
    [
      'annotations over 256 KiB in total',
      route({ annotations: { a: 'x'.repeat(200 * 1024), b: 'x'.repeat(60 * 1024) } }),
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ],
    ['annotation sizes count UTF-8 bytes', route({ annotations: { a: 'é'.repeat(130 * 1024) } }), 'metadata.annotations: Too long'],
    ['an uppercase annotation key is checked lowercased', route({ annotations: { 'Example.COM/Owner': 'x' } }), ''],
    ['a label key with a prefix', route({ labels: { 'app.kubernetes.io/name': 'web' } }), ''],
    ['a label key with an empty prefix', route({ labels: { '/name': 'web' } }), 'metadata.labels: Invalid value: "/name": prefix part must be non-empty'],
    ['an empty label value', route({ labels: { a: '' } }), ''],
    ['a null label value is the empty string', route({ labels: { a: null } }), ''],
    [
      'orphan and foregroundDeletion together',
      route({ finalizers: ['orphan', 'foregroundDeletion'] }),
      'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
    ],
    ['a custom resource may carry an unqualified finalizer', route({ finalizers: ['cleanup'] }), ''],
    [
      'a built-in kind may not',
      configMap({ finalizers: ['cleanup'] }),
      'metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
    ],
    ['a custom resource gets generation 1 whatever it says', route({ generation: -4 }), ''],
    [
      'a built-in kind refuses a negative generation',
      configMap({ generation: -1 }),
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    ],
    ['generateName may end with a dash', route({ generateName: 'web-' }), ''],
    [
      'two controllers',
      route({
        ownerReferences: [
          { apiVersion: 'v1', kind: 'A', name: 'a', uid: '1', controller: true },
          { apiVersion: 'v1', kind: 'B', name: 'b', uid: '2', controller: true },
        ],
      }),
      'Only one reference can have Controller set to true. Found "true" in references for A/a and B/b',
    ],
    [
      'an owner without a version',
      route({ ownerReferences: [{ apiVersion: 'a/b/c', kind: 'A', name: 'a', uid: '1' }] }),
      'metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty',
    ],
    ['an Event cannot own', route({ ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'a', uid: '1' }] }), 'is disallowed from being an owner'],
    ['managedFields are decoded strictly but not judged', route({ managedFields: [{ manager: 'x', operation: 'Bogus', fieldsV1: { 'f:spec': {} } }] }), ''],
    [
      'deletionGracePeriodSeconds must be an integer',
      route({ deletionGracePeriodSeconds: '30' }),
      'metadata.deletionGracePeriodSeconds: Invalid value: "string"',
    ],
    ['the namespace of a namespaced kind', route({ namespace: 'Team_A' }), 'metadata.namespace: Invalid value: "Team_A": a lowercase RFC 1123 label'],
    ['a missing namespace', route({ namespace: undefined }), 'metadata.namespace: Required value'],
    [
      'a name that is too long',
      route({ name: 'a'.repeat(254) }),
      'metadata.name: Invalid value: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"... (254 characters): must be no more than 253 characters',
    ],
    [
      'metadata that is not a mapping',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: 'c' } as unknown as KubeObject,
      'metadata: Invalid value: "string": metadata in body must be of type object: "string"',
    ],
  ])('%s', (_name, object, expected) => {
    if (expected === '') expect(errorsOf(object)).toBe('');
    else expect(errorsOf(object)).toContain(expected);
  });
});
