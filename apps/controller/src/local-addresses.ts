// Whether a Gateway's spec.addresses IP is one a proxy on this machine can bind: loopback, the wildcards, or an
// address of one of this machine's interfaces (read when asked, so an address added later is usable at once).
import { networkInterfaces } from 'node:os';

export function locallyBindable(address: string): boolean {
  if (address === '0.0.0.0' || address === '::' || address === '::1' || address.startsWith('127.')) return true;
  return Object.values(networkInterfaces()).some((list) => (list ?? []).some((i) => i.address === address));
}
