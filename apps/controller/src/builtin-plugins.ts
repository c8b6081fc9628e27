// The one explicit list of built-in plugins. Order matters only for hooks that touch the same field.
import { awsLambdaPlugin, awsUpstreamVariant } from '@gatehouse/plugin-aws-lambda';
import { kubeUpstreamVariant } from '@gatehouse/plugin-kube-upstream';
import { kubernetesServicePlugin } from '@gatehouse/plugin-kubernetes-service';
import { openApiFunctionsPlugin } from '@gatehouse/plugin-openapi-functions';
import { routeFiltersPlugin } from '@gatehouse/plugin-route-filters';
import { routerPlugin } from '@gatehouse/plugin-router';
import { upstreamVariants, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { staticUpstreamPlugin } from '@gatehouse/plugin-static-upstream';

// gatehouse.dev/Upstream by variant: kube and aws here, static (the default) by static-upstream. Listed after it,
// so its resolver is the one the engine keeps for Upstream.
const upstreams = upstreamVariants('upstream-variants', [kubeUpstreamVariant, awsUpstreamVariant], [kubernetesServicePlugin, staticUpstreamPlugin]);

export const BUILTIN_PLUGINS: readonly TranslatorPlugin[] = [kubernetesServicePlugin, staticUpstreamPlugin, upstreams, awsLambdaPlugin, openApiFunctionsPlugin, routeFiltersPlugin, routerPlugin];
