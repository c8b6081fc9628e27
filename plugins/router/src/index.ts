// The terminal HTTP filter: Envoy's router, always last in the chain.
import { typed, type TranslatorPlugin } from '@gatehouse/plugin-sdk';

export const routerPlugin: TranslatorPlugin = {
  name: 'router',
  httpFilters: () => [
    {
      stage: 'route',
      position: 'after',
      filter: { name: 'envoy.filters.http.router', typedConfig: typed('envoy.extensions.filters.http.router.v3.Router') },
    },
  ],
};
