// The provisioner: for each Gateway of a Gatehouse GatewayClass, the leader applies a bootstrap ConfigMap, an xDS
// client Secret (mTLS), a Service and an Envoy Deployment ('kubernetes' mode), or the ConfigMap and Secret plus an
// Envoy process on this machine run from them ('local' mode). Reconciles are serialized and coalesced; what is
// applied is compared by a hash annotation, so an unchanged Gateway costs no request. Objects of a Gateway that is
// no longer provisioned are deleted; those of a deleted Gateway are left to the garbage collector (ownerReferences).
import { join } from 'node:path';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResourceSnapshot } from '@gatehouse/api';
import type { IR } from '@gatehouse/ir';
import type { KubeApi } from '@gatehouse/kubernetes';
import type { ResourceReport } from '@gatehouse/plugin-sdk';
import { ControlPlaneCa } from '@gatehouse/xds';
import { localAddresses, serviceAddresses, type ServiceObject } from './addresses.js';
import { apply, clusterCollection, remove, type AppliedObject } from './applier.js';
import { provisionedBootstrap, TLS_FILES } from './bootstrap.js';
import { clientCredential, credentialOfSecret } from './client-credentials.js';
import { LocalEnvoys, type LocalEnvoySpec } from './local-envoys.js';
import { gatewayManifests, servicePorts, type ProvisionedObject } from './manifests.js';
import { CONFIG_HASH_ANNOTATION, OWNED_SELECTOR, objectName } from './names.js';
import { PARAMETERS_API_VERSION, type GatewayParametersSpec } from './parameters.js';
import { planProvisioning, type GatewayPlan, type Plan } from './plan.js';
import { readinessPort } from './readiness.js';
import { ReportAmender, type Address } from './report-amender.js';
import { WatchedCollection } from './watched-collection.js';

export type ProvisionMode = 'kubernetes' | 'local';

export interface ProvisionerLog {
  info(m: string): void;
  warn(m: string): void;
  error(m: string): void;
  debug?(m: string): void;
}

export interface ProvisionerOptions {
  api: KubeApi;
  mode: ProvisionMode;
  /** Where provisioned Envoys reach xDS (read when a bootstrap is made: the port may be known only after listen). */
  xds: () => { host: string; port: number };
  /** xDS is mTLS: each Envoy gets a client certificate from the CA in <dataDir>/xds-ca. */
  tls: boolean;
  dataDir: string;
  /** The Envoy image when GatewayParameters names none. */
  envoyImage?: string;
  /** Local mode: the Envoy binary. */
  envoyBinary?: string;
  log: ProvisionerLog;
  /** Something status shows changed (an address, a parameters problem): status should be compared again. */
  onStatusChange?: () => void;
  /** Full resync period (default 60 s). */
  resyncMs?: number;
}

type OwnedKind = ProvisionedObject['kind'];
const OWNED_KINDS: readonly OwnedKind[] = ['ConfigMap', 'Secret', 'Service', 'Deployment'];
const LOCAL_KINDS: ReadonlySet<OwnedKind> = new Set(['ConfigMap', 'Secret']);

interface ParametersObject extends KubernetesObject {
  spec?: GatewayParametersSpec;
}

interface OwnedObject extends KubernetesObject {
  metadata: KubernetesObject['metadata'] & { ownerReferences?: Array<{ kind: string; uid: string; controller?: boolean }> };
  data?: Record<string, string>;
}

export class Provisioner {
  private readonly owned = new Map<OwnedKind, WatchedCollection<OwnedObject>>();
  private readonly parameters: WatchedCollection<ParametersObject>;
  private readonly amender = new ReportAmender();
  private readonly envoys: LocalEnvoys | undefined;
  /** What this replica applied, by `Kind/namespace/name` (the caches may lag behind a write). */
  private readonly applied = new Map<string, AppliedObject>();
  /** Local mode: what each Gateway's Envoy last ran from. */
  private localSpecs = new Map<string, LocalEnvoySpec>();
  private snapshot: ResourceSnapshot | undefined;
  private ir: IR | undefined;
  private plan: { snapshot: ResourceSnapshot; paramsVersion: number; plan: Plan } | undefined;
  private paramsVersion = 0;
  private leading = false;
  private running: Promise<void> | undefined;
  private again = false;
  private debounce: NodeJS.Timeout | undefined;
  private resync: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private ca: ControlPlaneCa | undefined;
  private closed = false;

  constructor(private readonly o: ProvisionerOptions) {
    const log = { info: (m: string) => o.log.info(m), warn: (m: string) => o.log.warn(m) };
    for (const kind of OWNED_KINDS) {
      this.owned.set(
        kind,
        new WatchedCollection<OwnedObject>({
          api: o.api,
          path: clusterCollection(kind),
          labelSelector: OWNED_SELECTOR,
          log,
          onChange: (verb, obj) => this.onOwnedChange(kind, verb, obj),
        }),
      );
    }
    this.parameters = new WatchedCollection<ParametersObject>({
      api: o.api,
      path: `/apis/${PARAMETERS_API_VERSION}/gatewayparameters`,
      log,
      onChange: () => {
        this.paramsVersion++;
        this.schedule();
        this.statusChanged();
      },
    });
    if (o.mode === 'local') {
      this.envoys = new LocalEnvoys({ dir: join(o.dataDir, 'local-envoys'), envoyBinary: o.envoyBinary ?? 'envoy', log, onChange: () => this.statusChanged() });
    }
  }

  async start(): Promise<void> {
    await Promise.all([this.parameters.start(), ...[...this.owned.values()].map((c) => c.start())]);
    const tick = () => {
      this.schedule();
      this.resync = setTimeout(tick, this.o.resyncMs ?? 60_000);
      this.resync.unref();
    };
    tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of [this.debounce, this.resync, this.retry, this.statusTimer]) clearTimeout(t);
    for (const c of [this.parameters, ...this.owned.values()]) c.close();
    await this.running;
    await this.envoys?.stopAll();
  }

  /** Only the leader provisions (the Lease status write-back uses); a local mode follower stops its Envoys. */
  setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.schedule(0);
  }

  /** Every port the Gateway's Envoy listens on per the IR (ListenerSet listeners included). */
  private servedPorts(gw: { metadata: { name: string; namespace?: string } }): Array<{ port: number; protocol: 'TCP' | 'UDP' }> {
    const ir = this.ir?.gateways.find((g) => g.key === `${gw.metadata.namespace ?? 'default'}/${gw.metadata.name}`);
    return [
      ...(ir?.listeners ?? []).map((l) => ({ port: l.port, protocol: 'TCP' as const })),
      ...(ir?.streamListeners ?? []).map((l) => ({ port: l.port, protocol: l.protocol === 'UDP' ? ('UDP' as const) : ('TCP' as const) })),
    ];
  }

  /** The latest translation's inputs and IR. */
  update(snapshot: ResourceSnapshot, ir: IR | undefined): void {
    this.snapshot = snapshot;
    this.ir = ir;
    this.schedule();
  }

  /** The translator's reports with the provisioner's part of status (InvalidParameters, changed addresses). */
  amend(reports: readonly ResourceReport[]): ResourceReport[] {
    return this.amender.amend(reports, this.currentPlan(), (gw) => this.addresses(gw));
  }

  /** status.addresses of a provisioned Gateway; undefined when Gatehouse does not provision it. */
  addresses(gatewayKey: string): Address[] | undefined {
    const plan = this.currentPlan()?.gateways.get(gatewayKey);
    if (!plan?.params) return undefined;
    if (this.envoys) return this.envoys.isUp(gatewayKey) ? localAddresses(this.ir?.gateways.find((g) => g.key === gatewayKey)) : [];
    const [ns, name] = gatewayKey.split('/') as [string, string];
    return serviceAddresses(this.owned.get('Service')!.get(objectName(name), ns) as ServiceObject | undefined);
  }

  /** Resolves when no reconcile is running or scheduled (tests). */
  async settled(): Promise<void> {
    while (this.running || this.debounce) await (this.running ?? new Promise((r) => setTimeout(r, 20)));
  }

  private currentPlan(): Plan | undefined {
    const s = this.snapshot;
    if (!s) return undefined;
    if (this.plan?.snapshot !== s || this.plan.paramsVersion !== this.paramsVersion) {
      const lookup = { served: this.parameters.served, get: (ns: string, name: string) => this.parameters.get(name, ns) };
      this.plan = { snapshot: s, paramsVersion: this.paramsVersion, plan: planProvisioning(s, lookup) };
    }
    return this.plan.plan;
  }

  private onOwnedChange(kind: OwnedKind, verb: 'add' | 'update' | 'delete', obj: KubernetesObject): void {
    // Someone deleted an object this replica applied: apply it again.
    if (verb === 'delete' && obj.metadata?.name) this.applied.delete(`${kind}/${obj.metadata.namespace}/${obj.metadata.name}`);
    if (kind === 'Service') this.statusChanged();
    if (verb === 'delete' || !obj.metadata?.name) this.schedule();
  }

  private statusChanged(): void {
    if (this.statusTimer || !this.o.onStatusChange) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.o.onStatusChange?.();
    }, 50);
  }

  private schedule(delayMs = 50): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.kick();
    }, delayMs);
  }

  private async kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.reconcile()
      .catch((err: Error) => this.o.log.error(`provisioner: ${err.stack ?? err.message}`))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        }
      });
  }

  private async reconcile(): Promise<void> {
    if (!this.leading) {
      this.envoys?.sync(new Map());
      return;
    }
    const plan = this.currentPlan();
    if (!plan) return;
    const local = new Map<string, LocalEnvoySpec>();
    let failed = false;
    for (const gp of plan.gateways.values()) {
      if (this.closed) return;
      const previous = this.localSpecs.get(gp.key);
      if (!gp.params) {
        if (previous) local.set(gp.key, previous); // invalid parameters: keep what runs
        continue;
      }
      try {
        const spec = await this.provision(gp);
        if (spec) local.set(gp.key, spec);
      } catch (err) {
        failed = true;
        if (previous) local.set(gp.key, previous);
        this.o.log.warn(`provisioner: Gateway ${gp.key}: ${(err as Error).message}; retried in 5 s`);
      }
    }
    await this.deleteStrays(plan);
    this.localSpecs = local;
    this.envoys?.sync(local);
    this.statusChanged();
    clearTimeout(this.retry);
    if (failed) this.retry = setTimeout(() => this.schedule(0), 5000);
  }

  /** The objects of one Gateway, applied where they differ; in local mode, the Envoy to run from them. */
  private async provision(gp: GatewayPlan): Promise<LocalEnvoySpec | undefined> {
    const ns = gp.gateway.metadata.namespace ?? 'default';
    const name = objectName(gp.gateway.metadata.name);
    const xds = this.o.xds();
    const extraPorts = this.servedPorts(gp.gateway);
    // Local Envoys share this machine's network (and nothing probes them): no readiness listener for them.
    const ready = this.envoys ? undefined : readinessPort(servicePorts(gp.gateway, extraPorts));
    const bootstrap = provisionedBootstrap({
      gateway: gp.key,
      xdsHost: xds.host,
      xdsPort: xds.port,
      tls: this.o.tls,
      ...(ready !== undefined ? { readinessPort: ready } : {}),
    });
    let tls: { cert: string; key: string; ca: string } | undefined;
    if (this.o.tls) {
      this.ca ??= await ControlPlaneCa.loadOrCreate(join(this.o.dataDir, 'xds-ca'));
      const secretKey = `Secret/${ns}/${name}`;
      const existing = credentialOfSecret(this.applied.get(secretKey) ?? this.owned.get('Secret')!.get(name, ns));
      tls = await clientCredential(this.ca, gp.key, existing);
    }
    const manifests = gatewayManifests({
      gateway: gp.gateway,
      params: gp.params!,
      bootstrap,
      ...(tls ? { tls } : {}),
      ...(this.o.envoyImage ? { defaultImage: this.o.envoyImage } : {}),
      extraPorts,
      ...(ready !== undefined ? { readinessPort: ready } : {}),
    });
    const written: string[] = [];
    const result = new Map<OwnedKind, AppliedObject | OwnedObject>();
    for (const m of manifests) {
      if (this.envoys && !LOCAL_KINDS.has(m.kind)) continue;
      const key = `${m.kind}/${ns}/${m.metadata.name}`;
      const hash = m.metadata.annotations[CONFIG_HASH_ANNOTATION];
      const known = this.applied.get(key);
      const observed = this.owned.get(m.kind)!.get(m.metadata.name, ns);
      if (known && known.metadata.annotations?.[CONFIG_HASH_ANNOTATION] === hash) result.set(m.kind, known);
      else if (observed && observed.metadata?.annotations?.[CONFIG_HASH_ANNOTATION] === hash) result.set(m.kind, observed);
      else {
        let out: AppliedObject;
        try {
          out = await apply(this.o.api, m);
        } catch (err) {
          throw new Error(`${m.kind} ${ns}/${m.metadata.name} not applied: ${(err as Error).message}`, { cause: err });
        }
        this.applied.set(key, out);
        result.set(m.kind, out);
        written.push(m.kind);
      }
    }
    if (written.length)
      this.o.log.info(
        `provisioner: Gateway ${gp.key}: applied ${written.join(', ')} ${ns}/${name}${this.envoys ? ' (local mode: Envoy runs on this machine)' : ''}`,
      );
    if (!this.envoys) return undefined;
    // Local mode: the Envoy runs from what the cluster holds, byte for byte.
    const cm = result.get('ConfigMap') as { data?: Record<string, string> } | undefined;
    const text = cm?.data?.['bootstrap.json'];
    if (text === undefined) throw new Error(`ConfigMap ${ns}/${name} has no bootstrap.json`);
    const files: Record<string, string> = {};
    if (this.o.tls) {
      const cred = credentialOfSecret(result.get('Secret') as { data?: Record<string, string> } | undefined);
      if (!cred) throw new Error(`Secret ${ns}/${name} lacks tls.crt, tls.key or ca.crt`);
      Object.assign(files, { [TLS_FILES.cert]: cred.cert, [TLS_FILES.key]: cred.key, [TLS_FILES.ca]: cred.ca });
    }
    return { bootstrap: text, files, ...(gp.params?.logLevel ? { logLevel: gp.params.logLevel } : {}) };
  }

  /**
   * Objects owned by a Gateway that still exists but no longer gets them (another class; local mode has no Service or
   * Deployment; no Secret without mTLS). A Gateway whose parameters are invalid keeps what it has.
   */
  private async deleteStrays(plan: Plan): Promise<void> {
    for (const [kind, cache] of this.owned) {
      for (const obj of cache.list()) {
        const owner = obj.metadata?.ownerReferences?.find((r) => r.kind === 'Gateway' && r.controller);
        const gwKey = owner ? plan.gatewayUids.get(owner.uid) : undefined;
        if (!gwKey) continue; // a Gateway gone: the garbage collector's job
        const ns = obj.metadata?.namespace ?? '';
        const name = obj.metadata?.name ?? '';
        const gp = plan.gateways.get(gwKey);
        // Invalid parameters keep what runs (status says why nothing changes) rather than take traffic down.
        if (gp?.problem) continue;
        const wanted = !!gp && name === objectName(gp.gateway.metadata.name) && (kind !== 'Secret' || this.o.tls) && (!this.envoys || LOCAL_KINDS.has(kind));
        if (wanted) continue;
        try {
          await remove(this.o.api, kind, ns, name, obj.metadata?.uid ?? '');
          this.applied.delete(`${kind}/${ns}/${name}`);
          this.o.log.info(
            `provisioner: Gateway ${gwKey} ${gp ? `no longer needs it` : 'is no longer of a Gatehouse GatewayClass'}: deleted ${kind} ${ns}/${name}`,
          );
        } catch (err) {
          this.o.log.warn(`provisioner: ${kind} ${ns}/${name} not deleted: ${(err as Error).message}`);
        }
      }
    }
  }
}
