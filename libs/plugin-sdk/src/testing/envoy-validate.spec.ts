// The static bootstrap the test kit validates: what a Gateway is served over xDS, made self-contained.
import { expect, it } from 'vitest';
import { staticBootstrap } from './envoy-validate.js';
import { testCertificate } from './test-certificate.js';

it('inlines RDS, makes EDS clusters STATIC with their endpoints, and gives redacted TLS secrets the test pair', () => {
  const hcm = {
    '@type': 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
    statPrefix: 'http',
    rds: { routeConfigName: 'rc', configSource: { ads: {} } },
  };
  const b = staticBootstrap({
    listeners: [
      {
        name: 'l',
        filterChains: [
          {
            filters: [{ name: 'hcm', typedConfig: hcm }],
            transportSocket: { typedConfig: { commonTlsContext: { tlsCertificateSdsSecretConfigs: [{ name: 's', sdsConfig: { ads: {} } }] } } },
          },
        ],
      },
    ],
    routes: [{ name: 'rc', virtualHosts: [] }],
    clusters: [
      { name: 'c', type: 'EDS', edsClusterConfig: { edsConfig: { ads: {} } } },
      { name: 'd', type: 'STRICT_DNS' },
    ],
    endpoints: [{ clusterName: 'c', endpoints: [] }],
    secrets: [{ name: 's', tlsCertificate: { certificateChain: { inlineString: 'x' }, privateKey: { inlineString: '[redacted]' } } }],
  }) as {
    staticResources: {
      listeners: Array<{ filterChains: Array<{ filters: Array<{ typedConfig: Record<string, unknown> }>; transportSocket: unknown }> }>;
      clusters: unknown[];
      secrets: unknown[];
    };
  };
  const chain = b.staticResources.listeners[0]!.filterChains[0]!;
  expect(chain.filters[0]!.typedConfig['rds']).toBeUndefined();
  expect(chain.filters[0]!.typedConfig['routeConfig']).toEqual({ name: 'rc', virtualHosts: [] });
  expect(chain.transportSocket).toEqual({ typedConfig: { commonTlsContext: { tlsCertificateSdsSecretConfigs: [{ name: 's' }] } } });
  expect(b.staticResources.clusters).toEqual([
    { name: 'c', type: 'STATIC', loadAssignment: { clusterName: 'c', endpoints: [] } },
    { name: 'd', type: 'STRICT_DNS' },
  ]);
  expect(b.staticResources.secrets).toEqual([
    {
      name: 's',
      tlsCertificate: { certificateChain: { inlineString: testCertificate().certificate }, privateKey: { inlineString: testCertificate().privateKey } },
    },
  ]);
});
