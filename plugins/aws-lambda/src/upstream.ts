// The `aws` variant of gatehouse.dev/Upstream: the region's Lambda endpoint (or spec.aws.endpoint) as a cluster,
// over TLS for https, marked with the metadata Envoy's aws_lambda filter looks for.
import { isIP } from 'node:net';
import { clusterName, describeRef, parseDurationMs, type UpstreamIR, type UpstreamVariant } from '@gatehouse/plugin-sdk';

export const PLUGIN_NAME = 'aws-lambda';

interface AwsSpec {
  region?: string;
  endpoint?: string;
}

/** Where Lambda answers for this Upstream: scheme, host and port. */
export function lambdaEndpoint(aws: AwsSpec): { https: boolean; host: string; port: number; authority: string } {
  const url = new URL(aws.endpoint ?? `https://lambda.${aws.region}.amazonaws.com`);
  const https = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : https ? 443 : 80;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { https, host, port, authority: url.port ? `${url.hostname}:${url.port}` : url.hostname };
}

export const awsUpstreamVariant: UpstreamVariant = {
  field: 'aws',
  resolve(ctx, target, upstream) {
    const spec = (upstream.object as { spec?: { aws?: AwsSpec; connectTimeout?: string } }).spec ?? {};
    const aws = spec.aws ?? {};
    const invalid = (field: string, why: string) => ({ reason: 'InvalidUpstream', message: `${describeRef(upstream.ref)}: ${field}: ${why}` });
    if (!aws.region) return invalid('spec.aws.region', 'is required');
    let ep: ReturnType<typeof lambdaEndpoint>;
    try {
      ep = lambdaEndpoint(aws);
    } catch {
      return invalid(
        'spec.aws.endpoint',
        `"${String(aws.endpoint).slice(0, 100)}" is not a URL like https://lambda.us-east-1.amazonaws.com or http://127.0.0.1:5000`,
      );
    }
    const connectTimeoutMs = spec.connectTimeout ? (parseDurationMs(spec.connectTimeout) ?? 5000) : 5000;
    return ctx.memo.get('aws-lambda-upstream', upstream.object, (): UpstreamIR => ({
      clusterName: clusterName('upstream', target.namespace, target.name),
      sources: [upstream.ref],
      discovery: isIP(ep.host) ? 'eds' : 'dns',
      endpoints: [{ address: ep.host, port: ep.port, ready: true }],
      connectTimeoutMs,
      plugin: PLUGIN_NAME,
      policies: {},
      ...(ep.https ? { tls: { sni: ep.host, trustedCa: 'system', subjectAltNames: [{ type: 'DNS' as const, value: ep.host }], policy: upstream.ref } } : {}),
    }));
  },
};
