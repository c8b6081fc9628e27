// Schema migrations (never `synchronize`). Written with TypeORM's QueryRunner API so one migration serves SQLite
// and PostgreSQL alike.
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const ts = (name: string, nullable = false) => ({ name, type: 'varchar', length: '32', isNullable: nullable });

export class InitialSchema1763800000000 implements MigrationInterface {
  name = 'InitialSchema1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'resource_status',
        columns: [
          { name: 'key', type: 'varchar', length: '512', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '128' },
          { name: 'namespace', type: 'varchar', length: '253' },
          { name: 'name', type: 'varchar', length: '253' },
          { name: 'content_hash', type: 'varchar', length: '64' },
          { name: 'generation', type: 'integer', isNullable: true },
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'conditions', type: 'text' },
          { name: 'messages', type: 'text' },
          ts('first_seen'),
          ts('last_change'),
          ts('deleted_at', true),
        ],
      }),
    );
    await q.createIndex('resource_status', new TableIndex({ name: 'idx_status_state_kind', columnNames: ['state', 'kind', 'namespace'] }));
    await q.createTable(
      new Table({
        name: 'resource_history',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'resource_key', type: 'varchar', length: '512' },
          ts('at'),
          { name: 'state', type: 'varchar', length: '16' },
          { name: 'content_hash', type: 'varchar', length: '64' },
          { name: 'conditions', type: 'text' },
          { name: 'messages', type: 'text' },
        ],
      }),
    );
    await q.createIndex('resource_history', new TableIndex({ name: 'idx_history_key', columnNames: ['resource_key', 'id'] }));
    await q.createTable(
      new Table({
        name: 'proxy_state',
        columns: [
          { name: 'id', type: 'varchar', length: '300', isPrimary: true },
          { name: 'node_id', type: 'varchar', length: '253' },
          { name: 'gateway', type: 'varchar', length: '300' },
          { name: 'protocol', type: 'varchar', length: '8' },
          ts('connected_at'),
          ts('disconnected_at', true),
          { name: 'versions', type: 'text' },
          { name: 'last_nack', type: 'text', isNullable: true },
          ts('updated_at'),
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('proxy_state');
    await q.dropTable('resource_history');
    await q.dropTable('resource_status');
  }
}

export const MIGRATIONS = [InitialSchema1763800000000];
