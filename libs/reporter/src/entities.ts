// TypeORM entities (EntitySchema: no decorators) for resource status, its history, and proxy state.
import { EntitySchema } from 'typeorm';

export interface ResourceStatusRow {
  key: string;
  kind: string;
  namespace: string;
  name: string;
  contentHash: string;
  generation: number | null;
  state: string;
  conditions: Array<Record<string, unknown>>;
  messages: string[];
  firstSeen: string;
  lastChange: string;
  /** Set when the resource disappeared from the configuration. */
  deletedAt: string | null;
}

export interface ResourceHistoryRow {
  id?: number;
  resourceKey: string;
  at: string;
  state: string;
  contentHash: string;
  conditions: Array<Record<string, unknown>>;
  messages: string[];
}

export interface ProxyStateRow {
  id: string;
  nodeId: string;
  gateway: string;
  protocol: string;
  connectedAt: string;
  disconnectedAt: string | null;
  /** Per xDS type: version sent and ACKed. */
  versions: Record<string, { sent?: string; acked?: string }>;
  lastNack: { type: string; message: string; at: string } | null;
  updatedAt: string;
}

export const ResourceStatusEntity = new EntitySchema<ResourceStatusRow>({
  name: 'ResourceStatus',
  tableName: 'resource_status',
  columns: {
    key: { type: 'varchar', length: 512, primary: true },
    kind: { type: 'varchar', length: 128 },
    namespace: { type: 'varchar', length: 253 },
    name: { type: 'varchar', length: 253 },
    contentHash: { name: 'content_hash', type: 'varchar', length: 64 },
    generation: { type: 'integer', nullable: true },
    state: { type: 'varchar', length: 16 },
    conditions: { type: 'simple-json' },
    messages: { type: 'simple-json' },
    firstSeen: { name: 'first_seen', type: 'varchar', length: 32 },
    lastChange: { name: 'last_change', type: 'varchar', length: 32 },
    deletedAt: { name: 'deleted_at', type: 'varchar', length: 32, nullable: true },
  },
});

export const ResourceHistoryEntity = new EntitySchema<ResourceHistoryRow>({
  name: 'ResourceHistory',
  tableName: 'resource_history',
  columns: {
    id: { type: 'integer', primary: true, generated: 'increment' },
    resourceKey: { name: 'resource_key', type: 'varchar', length: 512 },
    at: { type: 'varchar', length: 32 },
    state: { type: 'varchar', length: 16 },
    contentHash: { name: 'content_hash', type: 'varchar', length: 64 },
    conditions: { type: 'simple-json' },
    messages: { type: 'simple-json' },
  },
});

export const ProxyStateEntity = new EntitySchema<ProxyStateRow>({
  name: 'ProxyState',
  tableName: 'proxy_state',
  columns: {
    id: { type: 'varchar', length: 300, primary: true },
    nodeId: { name: 'node_id', type: 'varchar', length: 253 },
    gateway: { type: 'varchar', length: 300 },
    protocol: { type: 'varchar', length: 8 },
    connectedAt: { name: 'connected_at', type: 'varchar', length: 32 },
    disconnectedAt: { name: 'disconnected_at', type: 'varchar', length: 32, nullable: true },
    versions: { type: 'simple-json' },
    lastNack: { name: 'last_nack', type: 'simple-json', nullable: true },
    updatedAt: { name: 'updated_at', type: 'varchar', length: 32 },
  },
});

export const ENTITIES = [ResourceStatusEntity, ResourceHistoryEntity, ProxyStateEntity];
