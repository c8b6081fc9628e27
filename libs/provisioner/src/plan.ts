// Which Gateways get an Envoy, with which parameters (pure: from the snapshot and the GatewayParameters known).
// A Gateway is provisioned when its GatewayClass is Gatehouse's and both parametersRefs (the class's and the
// Gateway's spec.infrastructure one) resolve; otherwise the problem is reported on the class or the Gateway.
import { CONTROLLER_NAME, describeRef, resourcesOfKind, type GatewayClass, type ResourceSnapshot } from '@gatehouse/api';
import type { ProvisionedGateway } from './manifests.js';
import { mergeParameters, resolveRef, type GatewayParametersSpec, type ParametersLookup, type ParametersRef } from './parameters.js';

export interface GatewayPlan {
  /** `namespace/name` */
  key: string;
  gateway: ProvisionedGateway;
  className: string;
  /** Set when the Gateway is provisioned. */
  params?: GatewayParametersSpec;
  /** Why it is not: its class's parameters or its own are invalid. */
  problem?: string;
}

export interface Plan {
  /** Gatehouse's GatewayClasses: undefined, or what is wrong with their parametersRef. */
  classes: Map<string, string | undefined>;
  /** Gateways of Gatehouse's classes, by `namespace/name`. */
  gateways: Map<string, GatewayPlan>;
  /** Every Gateway in the snapshot by uid (`namespace/name`): owned objects of others are deleted, of gone ones left to GC. */
  gatewayUids: Map<string, string>;
}

type ClassWithParams = GatewayClass & { spec: GatewayClass['spec'] & { parametersRef?: ParametersRef } };

export function planProvisioning(snapshot: ResourceSnapshot, lookup: ParametersLookup): Plan {
  const classes = new Map<string, string | undefined>();
  const classParams = new Map<string, GatewayParametersSpec>();
  for (const gc of resourcesOfKind<ClassWithParams>(snapshot, 'GatewayClass')) {
    if (gc.object.spec?.controllerName !== CONTROLLER_NAME) continue;
    const r = resolveRef(gc.object.spec.parametersRef, `${describeRef(gc.ref)}: spec.parametersRef`, lookup);
    classes.set(gc.ref.name, r.ok ? undefined : r.message);
    if (r.ok) classParams.set(gc.ref.name, r.spec);
  }
  const gateways = new Map<string, GatewayPlan>();
  const gatewayUids = new Map<string, string>();
  for (const g of resourcesOfKind<ProvisionedGateway>(snapshot, 'Gateway')) {
    const key = `${g.ref.namespace}/${g.ref.name}`;
    if (g.object.metadata.uid) gatewayUids.set(g.object.metadata.uid, key);
    const className = g.object.spec?.gatewayClassName;
    if (!classes.has(className)) continue;
    const plan: GatewayPlan = { key, gateway: g.object, className };
    const classProblem = classes.get(className);
    if (classProblem) plan.problem = `its GatewayClass has invalid parameters (${classProblem}); no Envoy is provisioned for it`;
    else {
      const own = resolveRef(g.object.spec.infrastructure?.parametersRef, `${describeRef(g.ref)}: spec.infrastructure.parametersRef`, lookup, g.ref.namespace);
      if (own.ok) plan.params = mergeParameters(classParams.get(className) ?? {}, own.spec);
      else plan.problem = `${own.message}; no Envoy is provisioned for it`;
    }
    gateways.set(key, plan);
  }
  return { classes, gateways, gatewayUids };
}
