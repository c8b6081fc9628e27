// What a translation returns: xDS per Gateway right away; the IR and the reports computed when first read.
import type { IR } from '@gatehouse/ir';
import type { ResourceReport, XdsResources } from '@gatehouse/plugin-sdk';
import type { Provenance } from './provenance.js';

export interface GatewayXds {
  resources: XdsResources;
  provenance: Provenance;
}

export interface Translation {
  /** The IR (computed when first read). */
  readonly ir: IR;
  /** xDS resources and provenance per Gateway (`namespace/name`), the unit the xDS cache serves. */
  gateways: Record<string, GatewayXds>;
  /** Every resource's fate (computed when first read), sorted by key. */
  reports: ResourceReport[];
  /** Problems not tied to any resource (a document that does not parse). */
  problems: Array<{ file?: string; line?: number; message: string }>;
  /** Whether this translation redid only what changed, and how many routes it redid. */
  stats: { incremental: boolean; routes: number };
}

export class LazyTranslation implements Translation {
  private irValue: IR | undefined;
  private reportsValue: ResourceReport[] | undefined;

  constructor(
    public gateways: Record<string, GatewayXds>,
    public problems: Translation['problems'],
    public stats: Translation['stats'],
    private readonly computeIr: () => IR,
    private readonly computeReports: () => ResourceReport[],
  ) {}

  get ir(): IR {
    return (this.irValue ??= this.computeIr());
  }

  get reports(): ResourceReport[] {
    return (this.reportsValue ??= this.computeReports());
  }

  set reports(value: ResourceReport[]) {
    this.reportsValue = value;
  }
}
