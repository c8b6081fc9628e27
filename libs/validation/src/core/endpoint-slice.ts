// discovery.k8s.io/v1 EndpointSlice, as kube-apiserver 1.34 validates it on create (pkg/apis/discovery/validation,
// after the v1 defaults: port name "", protocol TCP; StrictIPCIDRValidation off).
import { duplicate, invalid, notSupported, required, tooMany, type FieldError } from '../errors.js';
import { ipString, is4In6, isV4, parseIP } from '../ip.js';
import { dns1123Label, dns1123Subdomain, labelValue } from '../names.js';
import { IP_ERROR, endpointIPErrors, labelErrors, list, obj, qualifiedNameErrors, str } from './util.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateEndpointSlice(slice: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const addressType = str(slice['addressType']);
  if (!addressType) errors.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(addressType)) errors.push(notSupported('addressType', addressType, ADDRESS_TYPES));

  const ports = list(slice['ports']).map(obj);
  if (ports.length > 20000) errors.push(tooMany('ports', ports.length, 20000));
  else {
    const names: string[] = [];
    ports.forEach((p, i) => {
      const name = str(p['name']);
      if (name) for (const m of dns1123Label(name)) errors.push(invalid(`ports[${i}].name`, name, m));
      if (names.includes(name)) errors.push(duplicate(`ports[${i}].name`, name));
      else names.push(name);
      const protocol = str(p['protocol']) || 'TCP';
      if (!PROTOCOLS.includes(protocol)) errors.push(notSupported(`ports[${i}].protocol`, protocol, PROTOCOLS));
      if (typeof p['appProtocol'] === 'string') errors.push(...qualifiedNameErrors(p['appProtocol'], `ports[${i}].appProtocol`));
    });
  }

  const endpoints = list(slice['endpoints']).map(obj);
  if (endpoints.length > 1000) {
    errors.push(tooMany('endpoints', endpoints.length, 1000));
    return errors;
  }
  endpoints.forEach((ep, i) => {
    const path = `endpoints[${i}]`;
    const addresses = list(ep['addresses']).map(str);
    if (!addresses.length) errors.push(required(`${path}.addresses`, 'must contain at least 1 address'));
    else if (addresses.length > 100) errors.push(tooMany(`${path}.addresses`, addresses.length, 100));
    addresses.slice(0, 100).forEach((address, j) => errors.push(...addressErrors(addressType, address, `${path}.addresses`, j)));
    if (typeof ep['nodeName'] === 'string') for (const m of dns1123Subdomain(ep['nodeName'])) errors.push(invalid(`${path}.nodeName`, ep['nodeName'], m));
    const topology = obj(ep['deprecatedTopology']);
    if (Object.keys(topology).length > 16) errors.push(tooMany(`${path}.deprecatedTopology`, Object.keys(topology).length, 16));
    errors.push(...labelErrors(topology, `${path}.deprecatedTopology`));
    if (typeof ep['hostname'] === 'string') for (const m of dns1123Label(ep['hostname'])) errors.push(invalid(`${path}.hostname`, ep['hostname'], m));
    if (ep['hints'] !== undefined) errors.push(...hintErrors(obj(ep['hints']), `${path}.hints`));
  });
  return errors;
}

function addressErrors(addressType: string, address: string, path: string, i: number): FieldError[] {
  const at = `${path}[${i}]`;
  if (addressType === 'IPv4') {
    const ip = parseIP(address, 'sloppy');
    if (!ip) return [invalid(at, address, IP_ERROR)];
    return [...(isV4(ip) ? [] : [invalid(path, address, 'must be an IPv4 address')]), ...endpointIPErrors(address, at)];
  }
  if (addressType === 'IPv6') {
    const sloppy = parseIP(address, 'sloppy');
    if (!sloppy) return [invalid(at, address, IP_ERROR)];
    const strict = parseIP(address, 'strict');
    const errors: FieldError[] = [];
    if (!strict) errors.push(invalid(at, address, 'must not have leading 0s'));
    else if (is4In6(strict)) errors.push(invalid(at, address, 'must not be an IPv4-mapped IPv6 address'));
    else if (ipString(sloppy) !== address) errors.push(invalid(at, address, `must be in canonical form (${JSON.stringify(ipString(sloppy))})`));
    if (errors.length) return errors;
    return [...(isV4(sloppy) ? [invalid(path, address, 'must be an IPv6 address')] : []), ...endpointIPErrors(address, at)];
  }
  if (addressType === 'FQDN') {
    const name = address.replace(/\.$/, '');
    if (!name) return [required(at)];
    const sub = dns1123Subdomain(name);
    if (sub.length) return [invalid(at, name, sub.join(','))];
    if (name.split('.').length < 2) return [invalid(at, name, 'should be a domain with at least two segments separated by dots')];
    for (const label of name.split('.')) {
      const errs = dns1123Label(label);
      if (errs.length) return [invalid(at, label, errs.join(','))];
    }
  }
  return [];
}

function hintErrors(hints: Record<string, unknown>, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, max, check] of [
    ['forZones', 8, labelValue],
    ['forNodes', 8, dns1123Subdomain],
  ] as const) {
    const items = list(hints[field]).map(obj);
    if (items.length > max) {
      errors.push(tooMany(`${path}.${field}`, items.length, max));
      return errors;
    }
    const seen: string[] = [];
    items.forEach((h, i) => {
      const name = str(h['name']);
      const at = `${path}.${field}[${i}].name`;
      if (seen.includes(name)) errors.push(duplicate(at, name));
      else seen.push(name);
      for (const m of check(name)) errors.push(invalid(at, name, m));
    });
  }
  return errors;
}
