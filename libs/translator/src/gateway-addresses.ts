// Gateway spec.addresses: where its listeners bind. IPAddress values are bound (every listener on every address);
// another type is UnsupportedAddress (the Gateway is not accepted); an IP the proxy host does not have is
// AddressNotUsable (accepted, not programmed; the usable addresses still serve). An IPAddress without a value asks
// Gatehouse to pick: the default bind address.
import type { Gateway } from '@gatehouse/api';

export interface AddressPlan {
  /** Where the listeners bind: the first usable address, then the others. Empty: nowhere. */
  bind: string[];
  /** The first address of a type Gatehouse cannot bind. */
  unsupported?: { type: string; value?: string };
  /** Requested IPs the proxy host does not have. */
  unusable: string[];
}

export function planAddresses(gw: Gateway, defaultBindAddress: string, usable: (address: string) => boolean): AddressPlan {
  const requested = gw.spec.addresses ?? [];
  const unsupported = requested.find((a) => (a.type ?? 'IPAddress') !== 'IPAddress');
  if (unsupported)
    return { bind: [], unsupported: { type: unsupported.type!, ...(unsupported.value !== undefined ? { value: unsupported.value } : {}) }, unusable: [] };
  if (requested.length === 0) return { bind: [defaultBindAddress], unusable: [] };
  const bind: string[] = [];
  const unusable: string[] = [];
  for (const a of requested) {
    const ip = a.value ?? defaultBindAddress;
    if (bind.includes(ip)) continue;
    if (a.value === undefined || usable(ip)) bind.push(ip);
    else unusable.push(ip);
  }
  return { bind, unusable };
}
