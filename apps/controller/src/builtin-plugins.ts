// The one explicit list of built-in plugins. Order matters only for hooks that touch the same field.
import { kubernetesServicePlugin } from '@gatehouse/plugin-kubernetes-service';
import { routeFiltersPlugin } from '@gatehouse/plugin-route-filters';
import { routerPlugin } from '@gatehouse/plugin-router';
import type { TranslatorPlugin } from '@gatehouse/plugin-sdk';
import { staticUpstreamPlugin } from '@gatehouse/plugin-static-upstream';

export const BUILTIN_PLUGINS: readonly TranslatorPlugin[] = [kubernetesServicePlugin, staticUpstreamPlugin, routeFiltersPlugin, routerPlugin];
