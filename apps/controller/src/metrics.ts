// Prometheus metrics (prefix gatehouse_), read at /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly translationSeconds = new Histogram({
    name: 'gatehouse_translation_duration_seconds',
    help: 'Time to translate the configuration and build snapshots',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly snapshotVersion = new Gauge({
    name: 'gatehouse_snapshot_version',
    help: 'Snapshots published per gateway (increments on each publish)',
    labelNames: ['gateway'],
    registers: [this.registry],
  });
  readonly connectedProxies = new Gauge({
    name: 'gatehouse_connected_proxies',
    help: 'Proxies connected over xDS',
    labelNames: ['gateway', 'protocol'],
    registers: [this.registry],
  });
  readonly nacks = new Counter({
    name: 'gatehouse_xds_nacks_total',
    help: 'Responses proxies rejected',
    labelNames: ['gateway', 'type'],
    registers: [this.registry],
  });
  readonly rejectedResources = new Gauge({
    name: 'gatehouse_rejected_resources',
    help: 'Resources currently rejected',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly quarantined = new Gauge({
    name: 'gatehouse_quarantined_resources',
    help: 'Resources left out after Envoy rejected their configuration',
    registers: [this.registry],
  });
  readonly discoveryRuns = new Counter({
    name: 'gatehouse_discovery_runs_total',
    help: 'Discovery runs (an upstream pass, or one Upstream of a function discoverer)',
    labelNames: ['discoverer'],
    registers: [this.registry],
  });
  readonly discoveryErrors = new Counter({
    name: 'gatehouse_discovery_errors_total',
    help: 'Discovery runs that failed',
    labelNames: ['discoverer'],
    registers: [this.registry],
  });
  readonly discoverySeconds = new Histogram({
    name: 'gatehouse_discovery_duration_seconds',
    help: 'Time one discovery run took',
    labelNames: ['discoverer'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly discoveredUpstreams = new Gauge({
    name: 'gatehouse_discovered_upstreams',
    help: 'Upstreams a discoverer made or looks at',
    labelNames: ['discoverer'],
    registers: [this.registry],
  });
  readonly discoveredFunctions = new Gauge({
    name: 'gatehouse_discovered_functions',
    help: 'Functions a discoverer found',
    labelNames: ['discoverer'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gatehouse_' });
  }

  setRejected(counts: Record<string, number>): void {
    this.rejectedResources.reset();
    for (const [kind, n] of Object.entries(counts)) this.rejectedResources.set({ kind }, n);
  }
}
