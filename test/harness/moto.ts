// A real AWS API emulator for the tests: PyPI moto in server mode (provisioned into .tools/venv by
// scripts/provision.sh) on loopback, with authentication on (INITIAL_NO_AUTH_ACTION_COUNT: after the setup's
// unauthenticated actions, only the IAM user's keys work) and its Lambda backend without Docker.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ROOT, freePort, startProcess, waitFor } from './peers.js';

const run = promisify(execFile);
const VENV = join(ROOT, '.tools/venv/bin');
const CTL = join(ROOT, 'test/harness/moto-ctl.py');

export interface Moto {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The role Lambda functions run as. */
  roleArn: string;
  /** A role the IAM user may assume (allowed everything). */
  readerRoleArn: string;
  createFunctions(names: string[]): Promise<void>;
  deleteFunction(name: string): Promise<void>;
  publishVersion(name: string): Promise<string>;
  createAlias(name: string, alias: string, version: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const bin = join(VENV, 'moto_server');
  if (!existsSync(bin)) throw new Error(`moto_server not found at ${bin}: run scripts/provision.sh (make setup)`);
  const port = await freePort();
  // The setup's four IAM actions (user, policy, attachment, keys) are the only unauthenticated ones.
  const proc = startProcess('moto', bin, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, INITIAL_NO_AUTH_ACTION_COUNT: '4', MOTO_ALLOW_NONEXISTENT_REGION: 'true' },
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitFor(
    'moto to answer',
    async () => {
      if (proc.exited) throw new Error(`moto exited (${proc.code}):\n${proc.output}`);
      return (await fetch(`${endpoint}/moto-api/`)).ok;
    },
    60_000,
    200,
  );
  // Lambda invokes without Docker (a stub returning the payload or queued results): set before any function exists.
  const cfg = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ lambda: { use_docker: false } }),
  });
  if (!cfg.ok) throw new Error(`moto config: ${cfg.status} ${await cfg.text()}`);
  const ctl = async (...args: string[]) => (await run(join(VENV, 'python'), [CTL, ...args], { maxBuffer: 10 * 1024 * 1024 })).stdout.trim();
  const setup = JSON.parse(await ctl('setup', endpoint)) as { accessKeyId: string; secretAccessKey: string; roleArn: string; readerRoleArn: string };
  const keys = [setup.accessKeyId, setup.secretAccessKey];
  return {
    endpoint,
    ...setup,
    createFunctions: async (names) => void (await ctl('create', endpoint, ...keys, setup.roleArn, ...names)),
    // boto3's DELETE fails moto's signature check; the JavaScript SDK's passes.
    deleteFunction: async (name) => {
      const lambda = new LambdaClient({
        region: 'us-east-1',
        endpoint,
        credentials: { accessKeyId: setup.accessKeyId, secretAccessKey: setup.secretAccessKey },
      });
      await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
      lambda.destroy();
    },
    publishVersion: (name) => ctl('publish', endpoint, ...keys, name),
    createAlias: async (name, alias, version) => void (await ctl('alias', endpoint, ...keys, name, alias, version)),
    stop: async () => void (await proc.stop()),
  };
}
