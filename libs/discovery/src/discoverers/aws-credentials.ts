// Credentials for an `aws` Upstream: a referenced Secret (aws_access_key_id, aws_secret_access_key, optional
// aws_session_token), else the ambient AWS credential chain (environment, shared files, container/instance roles);
// with roleArn, those credentials assume the role with STS, and the temporary ones are reused until 5 minutes
// before they expire.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsUpstreamSpec } from '@gatehouse/api';
import { DiscoveryError, type DiscoveryContext } from '@gatehouse/plugin-sdk';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export const SECRET_KEYS = { accessKeyId: 'aws_access_key_id', secretAccessKey: 'aws_secret_access_key', sessionToken: 'aws_session_token' } as const;

const assumed = new Map<string, AwsCredentials>();
const REFRESH_BEFORE_MS = 5 * 60_000;

/** Credentials from the Upstream's Secret; undefined: use the ambient chain. */
export async function secretCredentials(ctx: DiscoveryContext, namespace: string, aws: AwsUpstreamSpec): Promise<AwsCredentials | undefined> {
  if (!aws.secretRef) return undefined;
  const data = await ctx.secret(namespace, aws.secretRef.name);
  if (!data)
    throw new DiscoveryError(
      'SecretNotFound',
      `Secret ${namespace}/${aws.secretRef.name} (spec.aws.secretRef) not found: create it with ${SECRET_KEYS.accessKeyId} and ${SECRET_KEYS.secretAccessKey}`,
    );
  const accessKeyId = data[SECRET_KEYS.accessKeyId];
  const secretAccessKey = data[SECRET_KEYS.secretAccessKey];
  if (!accessKeyId || !secretAccessKey)
    throw new DiscoveryError(
      'InvalidSecret',
      `Secret ${namespace}/${aws.secretRef.name} (spec.aws.secretRef) needs ${SECRET_KEYS.accessKeyId} and ${SECRET_KEYS.secretAccessKey}`,
    );
  const sessionToken = data[SECRET_KEYS.sessionToken];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** The credentials discovery signs with: the Secret's or the ambient chain's, through the role when one is named. */
export async function upstreamCredentials(ctx: DiscoveryContext, namespace: string, name: string, aws: AwsUpstreamSpec): Promise<AwsCredentials | undefined> {
  const base = await secretCredentials(ctx, namespace, aws);
  if (!aws.roleArn) return base;
  const id = `${namespace}/${name} ${aws.roleArn} ${base?.accessKeyId ?? 'ambient'} ${aws.endpoint ?? ''}`;
  const cached = assumed.get(id);
  if (cached?.expiration && cached.expiration.getTime() - Date.now() > REFRESH_BEFORE_MS) return cached;
  const sts = new STSClient({
    region: aws.region,
    maxAttempts: 2,
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    ...(base ? { credentials: base } : {}),
  });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: aws.roleArn, RoleSessionName: `gatehouse-${namespace}-${name}`.slice(0, 64), DurationSeconds: 3600 }),
      { abortSignal: ctx.signal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new DiscoveryError('AssumeRoleFailed', `STS AssumeRole ${aws.roleArn} returned no credentials`);
    const creds: AwsCredentials = {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
    assumed.set(id, creds);
    return creds;
  } finally {
    sts.destroy();
  }
}
