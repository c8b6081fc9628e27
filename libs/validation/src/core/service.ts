// v1 Service, as kube-apiserver 1.34 validates it on create (pkg/apis/core/validation validateService, after the
// v1 defaults: type ClusterIP, protocol TCP, targetPort = port, sessionAffinity None, traffic policies Cluster).
// Not checked, because they depend on the cluster: whether a clusterIP or nodePort is free and inside the
// configured ranges, and the dual-stack family rules that follow from the cluster's service CIDRs.
import { duplicate, forbidden, invalid, notSupported, required, type FieldError } from '../errors.js';
import { isCIDRSloppy, parseIP } from '../ip.js';
import { dns1123Label, dns1123Subdomain, portName } from '../names.js';
import { IP_ERROR, endpointIPErrors, labelErrors, list, num, obj, qualifiedNameErrors, str } from './util.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_AFFINITY_SECONDS = 86400;

const portRange = (p: number) => (p >= 1 && p <= 65535 ? [] : ['must be between 1 and 65535, inclusive']);

export function validateService(service: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const spec = obj(service['spec']);
  const type = str(spec['type']) || 'ClusterIP';
  const clusterIPs = list(spec['clusterIPs']).map(str);
  const clusterIP = str(spec['clusterIP']);
  const headless = clusterIP === 'None' || clusterIPs[0] === 'None';
  const ports = list(spec['ports']).map(obj);

  if (!ports.length && !headless && type !== 'ExternalName') errors.push(required('spec.ports'));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) {
    errors.push(invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type === 'ExternalName') {
    if (clusterIP || clusterIPs.length) errors.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (list(spec['ipFamilies']).length) errors.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec['ipFamilyPolicy'] !== undefined) errors.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec['externalName']).replace(/\.$/, '');
    if (!cname) errors.push(required('spec.externalName'));
    else for (const m of dns1123Subdomain(cname)) errors.push(invalid('spec.externalName', cname, m));
  } else {
    // The apiserver copies clusterIP into clusterIPs[0] before validating, so errors name clusterIPs.
    for (const [i, ip] of (clusterIPs.length ? clusterIPs : [clusterIP]).entries()) {
      if (ip && ip !== 'None' && !parseIP(ip, 'sloppy')) errors.push(invalid(`spec.clusterIPs[${i}]`, ip, IP_ERROR));
    }
    if (clusterIP && clusterIPs.length && clusterIPs[0] !== clusterIP) {
      errors.push(invalid('spec.clusterIPs', clusterIPs, 'first value must match `clusterIP`'));
    }
  }

  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const path = `spec.ports[${i}]`;
    const name = str(p['name']);
    if (ports.length > 1 && !name) errors.push(required(`${path}.name`));
    else if (name) {
      for (const m of dns1123Label(name)) errors.push(invalid(`${path}.name`, name, m));
      if (names.has(name)) errors.push(duplicate(`${path}.name`, name));
      names.add(name);
    }
    const port = num(p['port']);
    for (const m of portRange(port)) errors.push(invalid(`${path}.port`, port, m));
    const protocol = str(p['protocol']) || 'TCP';
    if (!PROTOCOLS.includes(protocol)) errors.push(notSupported(`${path}.protocol`, protocol, PROTOCOLS));
    const target = p['targetPort'] === undefined || p['targetPort'] === 0 || p['targetPort'] === '' ? port : p['targetPort'];
    if (typeof target === 'number') for (const m of portRange(target)) errors.push(invalid(`${path}.targetPort`, target, m));
    else for (const m of portName(str(target))) errors.push(invalid(`${path}.targetPort`, target, m));
    if (typeof p['appProtocol'] === 'string') errors.push(...qualifiedNameErrors(p['appProtocol'], `${path}.appProtocol`));
    if (type === 'ClusterIP' && num(p['nodePort']) !== 0) errors.push(forbidden(`${path}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    const key = `${protocol}/${port}`;
    if (seen.has(key)) errors.push(duplicate(path, { port, protocol }));
    seen.add(key);
  });

  if (spec['selector'] !== undefined) errors.push(...labelErrors(obj(spec['selector']), 'spec.selector'));

  const affinity = str(spec['sessionAffinity']) || 'None';
  if (affinity !== 'ClientIP' && affinity !== 'None') errors.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') {
    const timeout = obj(obj(spec['sessionAffinityConfig'])['clientIP'])['timeoutSeconds'];
    if (typeof timeout === 'number' && (timeout <= 0 || timeout > MAX_AFFINITY_SECONDS)) {
      errors.push(invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`));
    }
  }

  list(spec['externalIPs']).forEach((ip, i) => {
    const path = `spec.externalIPs[${i}]`;
    if (!parseIP(str(ip), 'sloppy')) errors.push(invalid(path, ip, IP_ERROR));
    else errors.push(...endpointIPErrors(str(ip), path));
  });

  if (!TYPES.includes(type)) errors.push(notSupported('spec.type', type, TYPES));

  const ranges = list(spec['loadBalancerSourceRanges']).map(str);
  if (ranges.length) {
    if (type !== 'LoadBalancer') errors.push(forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      if (!isCIDRSloppy(r.trim()))
        errors.push(invalid(`spec.LoadBalancerSourceRanges[${i}]`, r.trim(), 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    });
  }
  if (spec['allocateLoadBalancerNodePorts'] !== undefined && type !== 'LoadBalancer') {
    errors.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }

  const externallyAccessible = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && list(spec['externalIPs']).length > 0);
  const etp = str(spec['externalTrafficPolicy']);
  if (!externallyAccessible && etp) errors.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  else if (externallyAccessible && etp && etp !== 'Cluster' && etp !== 'Local')
    errors.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));

  const itp = spec['internalTrafficPolicy'];
  if (typeof itp === 'string' && itp !== 'Cluster' && itp !== 'Local') errors.push(notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));

  const td = spec['trafficDistribution'];
  const distributions = ['PreferClose', 'PreferSameZone', 'PreferSameNode'];
  if (typeof td === 'string' && !distributions.includes(td)) errors.push(notSupported('spec.trafficDistribution', td, distributions));

  list(spec['ipFamilies']).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errors.push(notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
  });
  const policy = spec['ipFamilyPolicy'];
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (typeof policy === 'string' && !policies.includes(policy)) errors.push(notSupported('spec.ipFamilyPolicy', policy, policies));
  return errors;
}
