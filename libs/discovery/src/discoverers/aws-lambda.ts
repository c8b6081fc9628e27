// Function discovery for `aws` Upstreams: every Lambda function of the region (ListFunctions, every page, with
// FunctionVersion=ALL for the published versions) and each function's aliases (ListAliases). Logical names:
// `<function>` for $LATEST, `<function>:<version>`, `<function>:<alias>`. AWS errors go on the Upstream's status
// with AWS's own error code.
import { Readable } from 'node:stream';
import { LambdaClient, ListAliasesCommand, ListFunctionsCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import type { AwsUpstreamSpec, Upstream } from '@gatehouse/api';
import { DiscoveryError, type FunctionDiscoverer, type UpstreamFunction } from '@gatehouse/plugin-sdk';
import { upstreamCredentials } from './aws-credentials.js';

export const AWS_LAMBDA_DISCOVERER = 'aws-lambda';
/** Alias listings in flight per Upstream. */
const ALIAS_CONCURRENCY = 4;
/** Pages read per run at most (50 functions a page): a bound, not a limit anyone should meet. */
const MAX_PAGES = 400;

/** An AWS SDK or network error as a discovery error with AWS's code (`UnrecognizedClientException`...). */
export function awsError(err: unknown): DiscoveryError {
  if (err instanceof DiscoveryError) return err;
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e.name === 'AbortError' || e.name === 'TimeoutError') throw err;
  if (!e.$metadata && e.code) return new DiscoveryError('Unreachable', `${e.code}: ${String(e.message).slice(0, 300)}`);
  const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  return new DiscoveryError(e.name ?? 'AwsError', `${String(e.message ?? err).slice(0, 500)}${status}`);
}

/**
 * Lambda answers errors in JSON; an emulator or a proxy in front may answer AWS's XML ErrorResponse instead, which
 * the SDK cannot read (it reports a SyntaxError). This reads such a body and throws AWS's own code.
 */
function readXmlErrors(client: LambdaClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const res = out.response as { statusCode?: number; headers?: Record<string, string>; body?: unknown };
      if ((res.statusCode ?? 200) < 400 || /json/i.test(res.headers?.['content-type'] ?? '') || !res.body) return out;
      const chunks: Uint8Array[] = [];
      let size = 0;
      for await (const c of res.body as AsyncIterable<Uint8Array>) {
        chunks.push(c);
        if ((size += c.byteLength) > 65_536) break;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const code = /<Code>([^<]{1,100})<\/Code>/.exec(text)?.[1];
      if (!code) {
        // Not AWS's XML: hand the body back to the SDK as it was.
        res.body = Readable.from([Buffer.from(text)]);
        return out;
      }
      const message = /<Message>([^<]{0,500})<\/Message>/.exec(text)?.[1] ?? '';
      throw Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: res.statusCode } });
    },
    { step: 'deserialize', priority: 'low', name: 'gatehouseXmlErrors' },
  );
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export const awsLambdaDiscoverer: FunctionDiscoverer = {
  name: AWS_LAMBDA_DISCOVERER,
  kind: 'functions',
  appliesTo: (u) => !!(u.object as Upstream).spec?.aws,
  // An aws Upstream exists to call functions: it asks for discovery by being there.
  explicit: () => true,
  async discover(ctx, upstream) {
    const aws = (upstream.object as Upstream).spec.aws as AwsUpstreamSpec;
    let client: LambdaClient | undefined;
    try {
      const credentials = await upstreamCredentials(ctx, upstream.ref.namespace, upstream.ref.name, aws);
      client = new LambdaClient({
        region: aws.region,
        maxAttempts: 2,
        ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
        ...(credentials ? { credentials } : {}),
      });
      readXmlErrors(client);
      const lambda = client;
      const configs: FunctionConfiguration[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', MaxItems: 50, ...(marker ? { Marker: marker } : {}) }), {
          abortSignal: ctx.signal,
        });
        configs.push(...(page.Functions ?? []));
        marker = page.NextMarker || undefined;
      } while (marker && ++pages < MAX_PAGES);
      const out: UpstreamFunction[] = [];
      const names = new Set<string>();
      for (const c of configs) {
        if (!c.FunctionName) continue;
        names.add(c.FunctionName);
        const version = c.Version ?? '$LATEST';
        const arn = c.FunctionArn ? { arn: c.FunctionArn } : {};
        out.push(
          version === '$LATEST'
            ? { name: c.FunctionName, lambda: { functionName: c.FunctionName, ...arn } }
            : { name: `${c.FunctionName}:${version}`, lambda: { functionName: c.FunctionName, qualifier: version, ...arn } },
        );
      }
      await pool([...names].sort(), ALIAS_CONCURRENCY, async (fn) => {
        let aliasMarker: string | undefined;
        do {
          const page = await lambda.send(new ListAliasesCommand({ FunctionName: fn, MaxItems: 50, ...(aliasMarker ? { Marker: aliasMarker } : {}) }), {
            abortSignal: ctx.signal,
          });
          for (const a of page.Aliases ?? [])
            if (a.Name) out.push({ name: `${fn}:${a.Name}`, lambda: { functionName: fn, qualifier: a.Name, ...(a.AliasArn ? { arn: a.AliasArn } : {}) } });
          aliasMarker = page.NextMarker || undefined;
        } while (aliasMarker);
      });
      return { functions: out, source: aws.endpoint ?? `lambda.${aws.region}.amazonaws.com` };
    } catch (err) {
      throw awsError(err);
    } finally {
      client?.destroy();
    }
  },
};
