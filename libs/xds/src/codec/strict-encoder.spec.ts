import { describe, expect, it } from 'vitest';
import { envoyRoot } from './proto-root.js';
import { EncodeError, StrictEncoder } from './strict-encoder.js';

const CLUSTER = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
const LISTENER = 'type.googleapis.com/envoy.config.listener.v3.Listener';
const enc = new StrictEncoder(envoyRoot());

function error(type: string, msg: Record<string, unknown>): string {
  try {
    enc.encode(type, msg);
  } catch (e) {
    expect(e).toBeInstanceOf(EncodeError);
    return (e as Error).message;
  }
  throw new Error('expected an EncodeError');
}

describe('StrictEncoder', () => {
  it('round-trips a valid cluster', () => {
    const bytes = enc.encode(CLUSTER, {
      name: 'c',
      type: 'EDS',
      connectTimeout: '1.5s',
      edsClusterConfig: { edsConfig: { ads: {}, resourceApiVersion: 'V3' } },
    });
    const decoded = envoyRoot()
      .lookupType('envoy.config.cluster.v3.Cluster')
      .toObject(envoyRoot().lookupType('envoy.config.cluster.v3.Cluster').decode(bytes), { enums: String, longs: Number });
    expect(decoded).toMatchObject({ name: 'c', type: 'EDS', connectTimeout: { seconds: 1, nanos: 500_000_000 } });
  });

  it.each([
    [{ name: 'c', conectTimeout: '1s' }, 'Cluster.conectTimeout: unknown field of envoy.config.cluster.v3.Cluster'],
    [{ name: 'c', connect_timeout: '1s' }, 'unknown field of envoy.config.cluster.v3.Cluster (did you mean "connectTimeout"?)'],
    [{ name: 'c', type: 'EDSS' }, 'Cluster.type: "EDSS" is not a value of DiscoveryType'],
    [{ name: 'c', connectTimeout: 'soon' }, 'Cluster.connectTimeout: "soon" is not a protobuf duration'],
    [{ name: 7 }, 'Cluster.name: expected a string, got number 7'],
    [{ name: 'c', type: 'EDS', clusterType: { name: 'x' } }, 'only one of "type" and "clusterType" may be set'],
    [{ name: 'c', perConnectionBufferLimitBytes: 'x' }, 'Cluster.perConnectionBufferLimitBytes: expected an integer'],
  ])('rejects %j', (msg, expected) => {
    expect(error(CLUSTER, msg)).toContain(expected);
  });

  it('checks fields inside typed Any configs too', () => {
    const hcm = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
    const msg = (typedConfig: Record<string, unknown>) => ({ name: 'l', filterChains: [{ filters: [{ name: 'hcm', typedConfig }] }] });
    expect(error(LISTENER, msg({ '@type': hcm, statPrefx: 'x' }))).toContain(
      'Listener.filterChains[0].filters[0].typedConfig<HttpConnectionManager>.statPrefx: unknown field',
    );
    expect(error(LISTENER, msg({ '@type': 'type.googleapis.com/envoy.nope.v3.Missing' }))).toContain('unknown message type envoy.nope.v3.Missing');
    expect(error(LISTENER, msg({ statPrefix: 'x' }))).toContain('needs "@type"');
    expect(enc.encode(LISTENER, msg({ '@type': hcm, statPrefix: 'x', normalizePath: true })).length).toBeGreaterThan(0);
  });
});
