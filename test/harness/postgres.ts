// A real PostgreSQL cluster for tests: initdb into a temp dir, run as the postgres user, loopback only.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './peers.js';

function pgBin(name: string): string {
  for (const dir of ['/usr/local/bin', '/usr/bin']) if (existsSync(join(dir, name)) && name !== 'initdb' && name !== 'pg_ctl') return join(dir, name);
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse() : [];
  for (const v of versions) if (existsSync(join('/usr/lib/postgresql', v, 'bin', name))) return join('/usr/lib/postgresql', v, 'bin', name);
  if (existsSync(join('/usr/local/bin', name))) return join('/usr/local/bin', name);
  throw new Error(`PostgreSQL's ${name} not found: run "make setup" (it installs Debian's postgresql)`);
}

export interface Postgres {
  url: string;
  port: number;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): Promise<void>;
  /** A fresh database in this cluster; returns its URL. */
  createDatabase(name: string): Promise<string>;
}

/** PostgreSQL refuses to run as root: run its tools as the postgres user when we are root. */
function asPostgres(cmd: string, args: string[]): string {
  const root = process.getuid?.() === 0;
  return execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { encoding: 'utf8', stdio: 'pipe' });
}

export async function startPostgres(): Promise<Postgres> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'));
  if (process.getuid?.() === 0) {
    // The postgres user must reach the cluster directory: a private TMPDIR (a test run's own) is opened for traversal.
    if (tmpdir() !== '/tmp') chmodSync(tmpdir(), statSync(tmpdir()).mode | 0o011);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  // A cluster is ~47 MB: stop it and remove it when the test process exits, whatever state the test left it in.
  process.on('exit', () => {
    try {
      asPostgres(pgBin('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  });
  asPostgres(pgBin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const pg: Postgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop(mode = 'fast') {
      try {
        asPostgres(pgBin('pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
      } catch {
        // already stopped
      }
    },
    async createDatabase(name: string) {
      const { default: pgClient } = await import('pg');
      const c = new pgClient.Client({ connectionString: pg.url });
      await c.connect();
      await c.query(`CREATE DATABASE "${name}"`);
      await c.end();
      return pg.url.replace(/\/postgres$/, `/${name}`);
    },
    async start() {
      asPostgres(pgBin('pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
      await waitFor('postgres', () => {
        asPostgres(pgBin('pg_isready'), ['-h', '127.0.0.1', '-p', String(port)]);
        return true;
      });
    },
  };
  await pg.start();
  return pg;
}
