// Routes that call one AWS Lambda function, with stock Envoy's aws_lambda filter (SigV4-signed invocations). The
// filter sits disabled in every HTTP connection manager; a route that names a Lambda function of its `aws` Upstream
// enables it for itself with that function's ARN, invocation mode and (from the Upstream's Secret) credentials —
// without credentials Envoy signs with its own ambient AWS credentials.
import {
  FUNCTION_REF,
  allVirtualHosts,
  functionCall,
  isAwsUpstream,
  typed,
  type EnvoyMessage,
  type HttpListenerIR,
  type PluginContext,
  type RouteIR,
  type TranslatorPlugin,
  type UpstreamFunction,
  type VirtualHostIR,
} from '@gatehouse/plugin-sdk';
import { PLUGIN_NAME, lambdaEndpoint } from './upstream.js';

export { PLUGIN_NAME, awsUpstreamVariant, lambdaEndpoint } from './upstream.js';

export const AWS_LAMBDA_FILTER = 'envoy.filters.http.aws_lambda';
const CONFIG = 'envoy.extensions.filters.http.aws_lambda.v3.Config';
const PER_ROUTE = 'envoy.extensions.filters.http.aws_lambda.v3.PerRouteConfig';
/** The filter's own ARN is never used (it is disabled unless a route enables it with its function's ARN). */
const UNUSED_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:gatehouse-unused';

interface AwsSpec {
  region?: string;
  endpoint?: string;
  secretRef?: { name?: string };
}

/** The function's ARN: discovered, or the function name when it is an ARN, plus the qualifier. */
function arnOf(fn: NonNullable<UpstreamFunction['lambda']>): string | undefined {
  if (fn.arn) return fn.arn;
  if (!fn.functionName.startsWith('arn:')) return undefined;
  return fn.qualifier ? `${fn.functionName}:${fn.qualifier}` : fn.functionName;
}

/** The per-route aws_lambda config for a Lambda function of an `aws` Upstream. */
export function invokeConfig(ctx: PluginContext, namespace: string, aws: AwsSpec, fn: NonNullable<UpstreamFunction['lambda']>): EnvoyMessage | string {
  const arn = arnOf(fn);
  if (!arn) return `function ${fn.functionName}: no ARN (discovery fills lambda.arn in; a hand-written function needs lambda.arn or an ARN as functionName)`;
  const config: EnvoyMessage = {
    arn,
    payloadPassthrough: false,
    invocationMode: fn.invocation === 'Asynchronous' ? 'ASYNCHRONOUS' : 'SYNCHRONOUS',
    hostRewrite: lambdaEndpoint(aws).authority,
  };
  if (aws.secretRef?.name) {
    const secret = ctx.snapshot.resources.get(`Secret/${namespace}/${aws.secretRef.name}`)?.object as
      { data?: Record<string, string>; stringData?: Record<string, string> } | undefined;
    const read = (k: string) =>
      secret?.stringData?.[k] ?? (secret?.data?.[k] !== undefined ? Buffer.from(secret.data[k]!, 'base64').toString('utf8') : undefined);
    const accessKeyId = read('aws_access_key_id');
    const secretAccessKey = read('aws_secret_access_key');
    const sessionToken = read('aws_session_token');
    if (accessKeyId && secretAccessKey) config['credentials'] = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  return typed('envoy.config.route.v3.FilterConfig', { config: typed(PER_ROUTE, { invokeConfig: config }) });
}

/** The route's aws_lambda config, a problem to report, or undefined when it calls no Lambda function. */
function lambdaRoute(ctx: PluginContext, route: RouteIR): EnvoyMessage | string | undefined {
  const call = functionCall(ctx.snapshot, route);
  // Calls of other Upstreams (and problems not tied to an aws Upstream) are the openapi-functions plugin's.
  if (!call || !isAwsUpstream(call.upstream)) return undefined;
  if ('error' in call) return call.error;
  if (!call.fn.lambda) return `function ${call.fn.name} is not a Lambda function`;
  const aws = (call.upstream.object as unknown as { spec: { aws: AwsSpec } }).spec.aws;
  return invokeConfig(ctx, call.upstream.ref.namespace, aws, call.fn.lambda);
}

/** Whether any route of the virtual host calls a Lambda function (memoized: an unchanged virtual host is the same object). */
function usesLambda(ctx: PluginContext, vh: VirtualHostIR): boolean {
  return ctx.memo.get('aws-lambda-vhost', vh, () => vh.routes.some((r) => typeof lambdaRoute(ctx, r) === 'object'));
}

export const awsLambdaPlugin: TranslatorPlugin = {
  name: PLUGIN_NAME,
  // Routes name a function with an ExtensionRef filter: the translator keeps it in RouteIR.filters for route().
  extensionRefs: [FUNCTION_REF],
  cluster(_ctx, upstream, out) {
    if (upstream.plugin !== PLUGIN_NAME) return;
    out['metadata'] = { filterMetadata: { 'com.amazonaws.lambda': { egress_gateway: true } } };
  },
  route(ctx, route, out) {
    const config = lambdaRoute(ctx, route);
    if (config === undefined) return;
    if (typeof config === 'string') {
      ctx.reports.warn(
        route.source,
        'InvalidFunction',
        `${route.source.kind} ${route.source.namespace}/${route.source.name}: rule ${route.ruleIndex}: ${config}; the rule answers 500`,
      );
      delete out['route'];
      out['directResponse'] = { status: 500 };
      return;
    }
    out['typedPerFilterConfig'] = { ...((out['typedPerFilterConfig'] as EnvoyMessage | undefined) ?? {}), [AWS_LAMBDA_FILTER]: config };
  },
  // Only listeners with a route calling a Lambda function get the filter (disabled; such routes enable it).
  httpFilters: (ctx, listener: HttpListenerIR) =>
    allVirtualHosts(listener).some((vh) => usesLambda(ctx, vh))
      ? [{ stage: 'route', filter: { name: AWS_LAMBDA_FILTER, typedConfig: typed(CONFIG, { arn: UNUSED_ARN }), disabled: true } }]
      : [],
};
