// The one explicit list of built-in plugins. Order matters only for hooks that touch the same field.
import { awsLambdaPlugin, awsUpstreamVariant } from '@gatehouse/plugin-aws-lambda';
import { bufferPlugin } from '@gatehouse/plugin-buffer';
import { compressionPlugin } from '@gatehouse/plugin-compression';
import { extAuthzPlugin } from '@gatehouse/plugin-ext-authz';
import { faultPlugin } from '@gatehouse/plugin-fault';
import { jwtAuthnPlugin } from '@gatehouse/plugin-jwt-authn';
import { kubeUpstreamVariant } from '@gatehouse/plugin-kube-upstream';
import { kubernetesServicePlugin } from '@gatehouse/plugin-kubernetes-service';
import { localRateLimitPlugin } from '@gatehouse/plugin-local-ratelimit';
import { luaPlugin } from '@gatehouse/plugin-lua';
import { openApiFunctionsPlugin } from '@gatehouse/plugin-openapi-functions';
import { rbacPlugin } from '@gatehouse/plugin-rbac';
import { routeFiltersPlugin } from '@gatehouse/plugin-route-filters';
import { routerPlugin } from '@gatehouse/plugin-router';
import { upstreamVariants, type TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { staticUpstreamPlugin } from '@gatehouse/plugin-static-upstream';
import { transformationPlugin } from '@gatehouse/plugin-transformation';

// gatehouse.dev/Upstream by variant: kube and aws here, static (the default) by static-upstream. Listed after it,
// so its resolver is the one the engine keeps for Upstream.
const upstreams = upstreamVariants('upstream-variants', [kubeUpstreamVariant, awsUpstreamVariant], [kubernetesServicePlugin, staticUpstreamPlugin]);

// The filter plugins, each configured by its own policy kind (gatehouse.dev, attached by targetRefs).
const filters = [
  faultPlugin,
  luaPlugin,
  localRateLimitPlugin,
  rbacPlugin,
  bufferPlugin,
  compressionPlugin,
  jwtAuthnPlugin,
  extAuthzPlugin,
  transformationPlugin,
];

export const BUILTIN_PLUGINS: readonly TranslatorPlugin[] = [
  kubernetesServicePlugin,
  staticUpstreamPlugin,
  upstreams,
  awsLambdaPlugin,
  openApiFunctionsPlugin,
  routeFiltersPlugin,
  ...filters,
  routerPlugin,
];
